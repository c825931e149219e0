#!/usr/bin/env bash
# Build a Stamp Kiosk SD card image with pi-gen, the tool that builds Raspberry Pi OS.
#
#   deploy/image/build.sh --deb dist/stamp-kiosk_0.2.0_arm64.deb --rotation 90 [render.py options]
#
# Not run in CI: it needs Docker (or root on Debian), ~20 GB and about an hour. The files
# it adds to Raspberry Pi OS Lite are rendered first and can be reviewed without building:
#   python3 deploy/image/render.py --out /tmp/review --rotation 90
set -euo pipefail
cd "$(dirname "$0")/../.."

PI_GEN_URL=https://github.com/RPi-Distro/pi-gen
PI_GEN_BRANCH=bookworm-arm64                        # Raspberry Pi OS bookworm, 64-bit
PI_GEN_COMMIT=d7a31c6aa09f4b867902c51da2b45807c0a1709e
WORK=${KIOSK_IMAGE_WORK:-build/image}

if [[ ! -d $WORK/pi-gen/.git ]]; then
  echo "build: cloning pi-gen ($PI_GEN_BRANCH) into $WORK/pi-gen"
  git clone --branch "$PI_GEN_BRANCH" "$PI_GEN_URL" "$WORK/pi-gen"
fi
git -C "$WORK/pi-gen" checkout --quiet "$PI_GEN_COMMIT"

python3 deploy/image/render.py --out "$WORK/pi-gen" "$@"
# the stock stages 3-5 add a desktop: the kiosk image stops after stage2 (Lite)
touch "$WORK/pi-gen/stage2/SKIP_IMAGES"

cd "$WORK/pi-gen"
if command -v docker >/dev/null; then
  echo "build: pi-gen in Docker (build-docker.sh); the image lands in $WORK/pi-gen/deploy/"
  ./build-docker.sh
else
  echo "build: pi-gen on this machine (build.sh, needs root); the image lands in $WORK/pi-gen/deploy/"
  sudo ./build.sh
fi
