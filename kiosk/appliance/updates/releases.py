"""/opt/stamp-kiosk/releases/<version>/ side by side, `current` and `previous` symlinks.

Why symlinks switched by rename: rename(2) replaces a directory entry atomically, so at
every instant (a power cut included) `current` names one whole release, the old or the new.
A release is unpacked into a hidden staging folder and renamed into releases/ only once
complete and synced, so a visible releases/<version>/ is never half a release.
Nothing here touches the state dir or /etc: those outlive every switch.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from kiosk.appliance.updates.package import extract_release
from kiosk.files.atomic import fsync_dir

STAGING_PREFIX = ".staging-"


def _owner_alive(name: str) -> bool:
    """Is the process that made staging folder `name` (.staging-<pid>-<rand>) running?"""
    pid = name.removeprefix(STAGING_PREFIX).split("-")[0]
    return pid.isdigit() and int(pid) != os.getpid() and Path(f"/proc/{pid}").exists()


@dataclass(frozen=True)
class Layout:
    root: Path  # /opt/stamp-kiosk

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    def folder(self, version: str) -> Path:
        return self.releases / version

    def _link_version(self, name: str) -> str | None:
        """The version a link names, or None (missing link, or its release is gone)."""
        link = self.root / name
        try:
            target = os.readlink(link)
        except OSError:
            return None
        return Path(target).name if self.complete(self.root / target) else None

    @staticmethod
    def complete(folder: Path) -> bool:
        """A whole release has its kiosk script (a folder dpkg left behind has not)."""
        return (folder / "venv" / "bin" / "kiosk").exists()

    def current(self) -> str | None:
        return self._link_version("current")

    def previous(self) -> str | None:
        return self._link_version("previous")

    def installed(self) -> list[str]:
        """Complete releases on disk (staging folders are not releases)."""
        if not self.releases.is_dir():
            return []
        return sorted(
            p.name
            for p in self.releases.iterdir()
            if p.is_dir() and not p.name.startswith(".") and self.complete(p)
        )

    def _point(self, name: str, version: str) -> None:
        """`name` -> releases/<version>, by one rename (never a moment without the link)."""
        tmp = self.root / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
        os.symlink(f"releases/{version}", tmp)
        os.replace(tmp, self.root / name)

    def switch(self, current: str, previous: str | None) -> None:
        """previous first, then current: between the two renames both name whole releases."""
        for version in (current, previous):
            if version is not None and not self.complete(self.folder(version)):
                raise FileNotFoundError(f"release {version} is not in {self.releases}")
        if previous is not None:
            self._point("previous", previous)
        else:
            with contextlib.suppress(FileNotFoundError):
                (self.root / "previous").unlink()
        self._point("current", current)
        fsync_dir(self.root)

    def install(self, deb: Path, version: str) -> Path:
        """releases/<version>/ from the .deb (kept if already there); returns the folder."""
        dest = self.folder(version)
        if self.complete(dest):
            return dest
        shutil.rmtree(dest, ignore_errors=True)  # what dpkg left of an old install
        staging = self.releases / f"{STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            folder = extract_release(deb, version, staging)
            os.sync()  # the files' data on disk before the rename makes them a release
            os.rename(folder, dest)
            fsync_dir(self.releases)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return dest

    def clean_staging(self) -> list[str]:
        """Remove half-unpacked folders (an update cut off by a power loss), but never the
        one a `kiosk update` still running is filling (its pid is in the name)."""
        gone = []
        if self.releases.is_dir():
            for p in self.releases.iterdir():
                if p.name.startswith(STAGING_PREFIX) and not _owner_alive(p.name):
                    shutil.rmtree(p, ignore_errors=True)
                    gone.append(p.name)
        return gone

    def prune(self, keep: int) -> list[str]:
        """Delete the oldest releases beyond `keep`; current and previous always stay."""
        protected = {self.current(), self.previous()}
        others = [v for v in self.installed() if v not in protected]
        others.sort(key=lambda v: self.folder(v).stat().st_mtime)
        excess = len(self.installed()) - keep
        removed = []
        for version in others[: max(0, excess)]:
            shutil.rmtree(self.folder(version), ignore_errors=True)
            removed.append(version)
        for leftover in self.releases.iterdir():  # incomplete folders are no releases
            if (
                not leftover.name.startswith(".")
                and leftover.is_dir()
                and not self.complete(leftover)
            ):
                shutil.rmtree(leftover, ignore_errors=True)
        return removed
