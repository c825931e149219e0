"""The checks and steps of `kiosk update FILE`: refuse, or install beside, switch, restart.

Why refusals come first and in this order: the signature is checked before the package is
read at all (an unsigned file is never parsed), then what the signed package claims about
itself (architecture, version). Each refusal has its own exit code and a sentence saying
what to do, because the person reading it is a technician in a shop, not the developer.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.appliance.updates import debversion
from kiosk.appliance.updates.package import PackageError, ReleaseInfo, read_info
from kiosk.appliance.updates.releases import Layout
from kiosk.appliance.updates.signing import (
    PublicKey,
    SignatureError,
    UnsignedError,
    verify,
)
from kiosk.appliance.updates.trial import Store, Trial

# exit codes of `kiosk update` (docs/updates.md lists them with their fixes)
EX_UNSIGNED = 10
EX_BAD_SIGNATURE = 11
EX_DOWNGRADE = 12
EX_WRONG_ARCH = 13
EX_SAME_VERSION = 14
EX_NOT_A_RELEASE = 15
EX_NO_KEYS = 16
EX_DOWNLOAD = 17
EX_ON_TRIAL = 18
EX_UNPACK = 19
EX_NOT_INSTALLED = 69
EX_NOPERM = 77


class Refused(Exception):
    def __init__(self, code: int, message: str, fix: str) -> None:
        super().__init__(message)
        self.code, self.message, self.fix = code, message, fix


@dataclass(frozen=True)
class Checked:
    info: ReleaseInfo
    key_id: str
    comment: str


def signature_path(deb: Path) -> Path:
    """stamp-kiosk_<v>_<arch>.deb.minisig beside the .deb (what release_sign.py writes)."""
    return deb.with_name(deb.name + ".minisig")


def check(
    deb: Path,
    signature: Path,
    keys: list[PublicKey],
    current: str | None,
    arch: str,
    *,
    allow_downgrade: bool = False,
) -> Checked:
    """The release, if this kiosk may install it; Refused with code and fix otherwise."""
    if not deb.is_file():
        raise Refused(EX_NOT_A_RELEASE, f"no file {deb}", "give the path of the .deb")
    if not keys:
        raise Refused(EX_NO_KEYS, "no trusted release key on this kiosk",
                      "copy the release public key (*.pub) into /etc/kiosk/release-keys/")  # fmt: skip
    try:
        verified = verify(deb, signature, keys)
    except UnsignedError as exc:
        raise Refused(EX_UNSIGNED, f"unsigned release: {exc}",
                      f"get {signature.name} from the release, or sign it: "
                      "scripts/release_sign.py sign") from exc  # fmt: skip
    except SignatureError as exc:
        raise Refused(EX_BAD_SIGNATURE, f"bad signature: {exc}",
                      "do not install this file; download the release again from the "
                      "publisher, or add their key to /etc/kiosk/release-keys/") from exc  # fmt: skip
    try:
        info = read_info(deb)
    except PackageError as exc:
        raise Refused(
            EX_NOT_A_RELEASE, str(exc), "use a stamp-kiosk_*.deb from `make deb`"
        ) from exc
    if info.architecture not in (arch, "all"):
        raise Refused(EX_WRONG_ARCH, f"release {info.version} is for {info.architecture}, "
                      f"this kiosk is {arch}",
                      f"use stamp-kiosk_{info.version}_{arch}.deb (make deb ARCH={arch})")  # fmt: skip
    if current is not None:
        order = debversion.compare(info.version, current)
        if order == 0:
            raise Refused(EX_SAME_VERSION, f"{info.version} is already running",
                          "nothing to do")  # fmt: skip
        if order < 0 and not allow_downgrade:
            raise Refused(EX_DOWNGRADE, f"{info.version} is older than the running "
                          f"{current}: downgrade refused",
                          "to go back on purpose: kiosk update --allow-downgrade FILE")  # fmt: skip
    return Checked(info, verified.key.id_hex, verified.trusted_comment)


def apply(
    deb: Path,
    checked: Checked,
    layout: Layout,
    store: Store,
    *,
    health_timeout_s: float,
    keep: int,
    restart: Callable[[], None],
    now: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """Install beside the current release, put it on trial, switch, restart."""
    current = layout.current()
    if current is None:
        raise Refused(EX_NOT_INSTALLED, f"no release is current in {layout.root}",
                      "install the .deb with apt first (sudo apt install ./stamp-kiosk_*.deb)")  # fmt: skip
    trial = store.trial()
    # a release that passed the health gate (READY) may be updated again at once; one
    # still waiting for READY may not (it might yet be rolled back under the new one)
    if trial is not None and trial.version == current and trial.ready_at is None:
        raise Refused(EX_ON_TRIAL, f"{trial.version} has not sent READY=1 yet",
                      "wait for it to pass or roll back, see kiosk update --status")  # fmt: skip
    version = checked.info.version
    layout.clean_staging()
    # room first (a small SD card), and never deleting files while the new release starts
    layout.prune(keep - 1)
    start = now()
    try:
        layout.install(deb, version)
    except (PackageError, OSError) as exc:
        raise Refused(EX_UNPACK, f"could not unpack {version}: {exc}",
                      f"free space on {layout.root} (df -h {layout.root}), then try again; "
                      "the running release is untouched") from exc  # fmt: skip
    installed = now()
    store.save_trial(Trial(version, current, installed, health_timeout_s))
    layout.switch(version, current)
    result = {"result": "applied", "version": version, "from": current, "at": installed,
              "unpack_s": round(installed - start, 1), "key": checked.key_id}  # fmt: skip
    store.record(result)
    restart()
    return result


def is_root() -> bool:
    return os.geteuid() == 0
