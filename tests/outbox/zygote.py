"""A pre-imported parent that forks real kiosk processes on command.

Why: the kill -9 test kills a hundred kiosk processes at random moments. Paying Python's
start-up (seconds on a busy Pi-sized machine) for each would blur the moments and blow the
time budget; a forked child is a real, separate process running the real `kiosk` command
code (kiosk.cli.main), with its own pid, its own SQLite connections and its own death.

Protocol (one JSON object a line on stdin, one answer line on stdout):
  {"argv": [[...], ...], "out": PATH, "loop": true}  -> fork; child runs each argv through
      kiosk.cli.main (forever if loop), stdout+stderr appended to PATH; answers the pid
  {"reap": PID}                                       -> wait for that child; answers its status
"""

from __future__ import annotations

import json
import os
import sys

import kiosk.cli.stamp  # imported before fork: children start instantly
import kiosk.cli.sync
import kiosk.stamping  # noqa: F401
from kiosk.cli import main


def child(argvs: list[list[str]], out: str, loop: bool) -> None:
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout = open(1, "w", buffering=1)  # noqa: SIM115 - the child's whole life
    sys.stderr = open(2, "w", buffering=1)  # noqa: SIM115
    code = 0
    try:
        while True:
            for argv in argvs:
                code = main(argv)
            if not loop:
                break
    finally:
        sys.stdout.flush()
        os._exit(code)


def serve() -> None:
    for line in sys.stdin:
        cmd = json.loads(line)
        if "reap" in cmd:
            _, status = os.waitpid(int(cmd["reap"]), 0)
            print(json.dumps({"status": status}), flush=True)
            continue
        pid = os.fork()
        if pid == 0:
            child(cmd["argv"], cmd["out"], bool(cmd.get("loop")))
        print(json.dumps({"pid": pid}), flush=True)


if __name__ == "__main__":
    serve()
