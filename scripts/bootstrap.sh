#!/usr/bin/env bash
# Set up everything the kiosk needs on a fresh Debian / Ubuntu / Raspberry Pi OS machine:
# system libraries (when run as root), a virtualenv in .venv, and the project in it.
# Idempotent: a second run only checks, so `make demo` and `make test` can always call it.
set -euo pipefail
cd "$(dirname "$0")/.."
# every BOOTSTRAP_TICK_S seconds: which step is still running, and for how long
source scripts/heartbeat.sh
heartbeat_start

# System libraries: libzbar0 for pyzbar, EGL/GL/GBM for Kivy's SDL2 (offscreen or KMS),
# libmtdev1 for Kivy's touch input, fonts-noto-cjk so Korean and Chinese text renders,
# espeak-ng and alsa-utils (aplay) for the accessibility mode's speech (docs/accessibility.md).
APT_PACKAGES=(libzbar0 libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri libgbm1 libgles2 libmtdev1
              fonts-noto-cjk fonts-dejavu-core python3-venv espeak-ng alsa-utils)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: these system packages are missing; install them first:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "bootstrap: creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)
if [[ ! -f $stamp ]]; then
  echo "bootstrap: upgrading pip in .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  # The runtime dependencies exactly as a kiosk gets them: the wheels of requirements.lock.
  case $(uname -m) in
    x86_64 | aarch64)
      echo "bootstrap: installing the locked runtime dependencies (requirements.lock, ~1 min)"
      .venv/bin/python -m pip install -q --only-binary=:all: --require-hashes --no-deps \
        -r requirements.lock ;;
    *) echo "bootstrap: requirements.lock has no wheels for $(uname -m); resolving from pyproject" ;;
  esac
  echo "bootstrap: installing the kiosk (editable) with its [server], [dev] and [fleet] extras"
  .venv/bin/python -m pip install -q -e '.[server,dev,fleet]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi
