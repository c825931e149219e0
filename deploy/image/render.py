"""Render the first-boot settings of a kiosk image: the pi-gen stage plus its files.

Why rendered, not hand-typed: docs/technician.md used to ask for config.txt, cmdline.txt
and Kivy's rotation to be typed on every kiosk, and one inline comment in config.txt
(the firmware reads it as part of the value) was enough to lose a setting. Here they
come from one place, for a given rotation, and a test checks what comes out.

    python3 deploy/image/render.py --rotation 90 --deb dist/stamp-kiosk_0.2.0_arm64.deb --out DIR

writes DIR/stage-kiosk/ (a pi-gen stage) and DIR/config (pi-gen's config); DIR is a
pi-gen checkout when deploy/image/build.sh calls it. Standard library only: it runs on the build
host before pi-gen, so nothing of the kiosk's own environment is needed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGE = HERE / "stage-kiosk"
ROTATIONS = (0, 90, 180, 270)
PI_GEN_STAGES = "stage0 stage1 stage2"  # Raspberry Pi OS Lite; stage-kiosk goes on top

# Kernel command line additions: no console blanking (the app blanks the screen itself,
# [ui] screen_blank_after_s), no boot chatter, logo or blinking cursor on the customer's
# screen.
CMDLINE_EXTRA = (
    "consoleblank=0",
    "quiet",
    "loglevel=3",
    "logo.nologo",
    "vt.global_cursor_default=0",
)


@dataclass(frozen=True)
class ImageSettings:
    rotation: int = 0
    hostname: str = "kiosk"
    timezone: str = "Europe/Tallinn"
    keymap: str = "us"
    wifi_country: str = ""
    tech_user: str = "tech"

    def __post_init__(self) -> None:
        if self.rotation not in ROTATIONS:
            raise ValueError(f"rotation must be one of {ROTATIONS}, not {self.rotation}")


def config_txt(s: ImageSettings) -> str:
    """/boot/firmware/config.txt: Raspberry Pi OS bookworm's settings for KMS, plus a silent
    boot. Every comment on its own line: the firmware has no inline comments."""
    return "\n".join(
        [
            "# Stamp Kiosk: /boot/firmware/config.txt, written by deploy/image/render.py.",
            "# Comments stand on their own lines: the firmware reads everything after '='",
            "# as the value, a trailing comment included.",
            "dtparam=audio=on",
            "# the Pi Camera Module on the ribbon cable, read through rpicam-vid",
            "camera_auto_detect=1",
            "display_auto_detect=1",
            "auto_initramfs=1",
            "# KMS/DRM: the kiosk draws with SDL straight on /dev/dri (no desktop)",
            "dtoverlay=vc4-kms-v3d",
            "max_framebuffers=2",
            "disable_fw_kms_setup=1",
            "arm_64bit=1",
            "disable_overscan=1",
            "# no rainbow square at power-on",
            "disable_splash=1",
            "arm_boost=1",
            "",
            "[cm4]",
            "otg_mode=1",
            "",
            "[cm5]",
            "dtoverlay=dwc2,dr_mode=host",
            "",
            "[all]",
            "",
        ]
    )


def cmdline_extra() -> str:
    return " ".join(CMDLINE_EXTRA) + "\n"


def kivy_config(s: ImageSettings) -> str:
    """Kivy's config.ini (KIVY_HOME=/var/lib/kiosk/kivy): rotation turns drawing AND touch
    together (the kernel's video=...,rotate= turns only the text console). One touch
    provider per device, or every touch fires twice."""
    return "\n".join(
        [
            "[graphics]",
            "# 0, 90, 180 or 270, set by deploy/image/render.py --rotation",
            f"rotation = {s.rotation}",
            "",
            "[input]",
            "# exactly ONE provider per touch device",
            "%(name)s = probesysfs,provider=mtdev",
            "",
        ]
    )


def pi_gen_config(s: ImageSettings) -> str:
    """pi-gen's `config` (sourced by its build.sh; see its README, section Config)."""
    lines = [
        "# pi-gen config for a Stamp Kiosk image, written by deploy/image/render.py",
        "IMG_NAME=stamp-kiosk",
        "RELEASE=bookworm",
        "DEPLOY_COMPRESSION=xz",
        f"TARGET_HOSTNAME={s.hostname}",
        f"TIMEZONE_DEFAULT={s.timezone}",
        f"KEYBOARD_KEYMAP={s.keymap}",
        "LOCALE_DEFAULT=en_GB.UTF-8",
        f"FIRST_USER_NAME={s.tech_user}",
        "# SSH with keys only: put the technicians' public keys into this variable",
        '# (e.g. PUBKEY_SSH_FIRST_USER="$(cat ~/.ssh/id_ed25519.pub)") before building.',
        "ENABLE_SSH=1",
        "PUBKEY_ONLY_SSH=1",
        "# stage-kiosk sits in the pi-gen folder: build-docker.sh copies only that folder",
        f'STAGE_LIST="{PI_GEN_STAGES} stage-kiosk"',
    ]
    if s.wifi_country:
        lines.append(f"WPA_COUNTRY={s.wifi_country}")
    return "\n".join(lines) + "\n"


def render(s: ImageSettings, out: Path, deb: Path | None = None) -> Path:
    """Write out/stage-kiosk (the stage with its rendered files) and out/config; the stage."""
    stage = out / "stage-kiosk"
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(STAGE, stage)
    files = stage / "00-kiosk" / "files"
    files.mkdir(parents=True, exist_ok=True)
    (files / "config.txt").write_text(config_txt(s))
    (files / "cmdline-extra.txt").write_text(cmdline_extra())
    (files / "kivy-config.ini").write_text(kivy_config(s))
    if deb is not None:
        shutil.copy(deb, files / "stamp-kiosk.deb")
    (out / "config").write_text(pi_gen_config(s))
    return stage


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rotation", type=int, default=0, choices=ROTATIONS)
    p.add_argument("--hostname", default="kiosk")
    p.add_argument("--timezone", default="Europe/Tallinn")
    p.add_argument("--keymap", default="us")
    p.add_argument("--wifi-country", default="", help="two letters, e.g. EE (Wi-Fi kiosks)")
    p.add_argument("--tech-user", default="tech", help="the technicians' SSH user")
    p.add_argument("--deb", type=Path, help="stamp-kiosk_<version>_arm64.deb to install")
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args(argv)
    if args.deb is not None and not args.deb.is_file():
        print(f"render: no such package: {args.deb} (make deb ARCH=arm64)", file=sys.stderr)
        return 2
    settings = ImageSettings(
        args.rotation, args.hostname, args.timezone, args.keymap, args.wifi_country, args.tech_user
    )
    stage = render(settings, args.out, args.deb)
    print(f"render: {stage} and {args.out / 'config'} written; review them, then build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
