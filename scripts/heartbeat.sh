# Sourced by bootstrap.sh: while bootstrap runs, say every BOOTSTRAP_TICK_S seconds
# (default 20) which command it is waiting for and for how long.
# Why: `apt-get -qq` and `pip install -q` print nothing for minutes on a Pi (downloads,
# unpacking Kivy and OpenCV), and a technician staring at a still terminal presses Ctrl-C.
# How: a background loop looks up the script's current child process in /proc, so the
# steps of bootstrap.sh need no wrapping.

heartbeat_start() {
  local parent=$$ tick=${BOOTSTRAP_TICK_S:-20} started
  started=$(date +%s)
  (
    local sleeper="" cmd
    trap '[[ -n $sleeper ]] && kill "$sleeper" 2>/dev/null; exit 0' TERM
    while true; do
      # sleep without our stdout: a pipe reader (CI log, $(...)) must not wait for it
      sleep "$tick" >/dev/null 2>&1 &
      sleeper=$!
      wait "$sleeper" || true
      cmd=$(_heartbeat_child "$parent" "$BASHPID" || true)
      [[ -n $cmd ]] || continue
      echo "bootstrap: still working, $(($(date +%s) - started)) s so far: $cmd"
    done
  ) &
  _HEARTBEAT_PID=$!
  trap heartbeat_stop EXIT
}

heartbeat_stop() {
  [[ -n ${_HEARTBEAT_PID:-} ]] && kill "$_HEARTBEAT_PID" 2>/dev/null
  _HEARTBEAT_PID=
  return 0
}

# The newest child of $1 other than $2 (the loop itself), as a command line of <= 100
# chars. Pure bash over /proc/*/stat: no process per entry, so a tick stays cheap on a Pi.
_heartbeat_child() {
  local parent=$1 self=$2 stat line newest=0
  local -a fields
  for stat in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null < "$stat" || continue
    # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'
    read -ra fields <<< "${line##*) }"
    [[ ${fields[1]} == "$parent" ]] || continue
    local pid=${line%% *}
    [[ $pid != "$self" ]] && ((pid > newest)) && newest=$pid
  done
  ((newest > 0)) || return 1
  tr '\0' ' ' < "/proc/$newest/cmdline" 2>/dev/null | cut -c1-100
}
