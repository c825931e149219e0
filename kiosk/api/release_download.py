"""Download a release: resumable, rate-limited, checked against the announced size and hash.

Why each: a shop's uplink is shared with its card terminal, so the download is capped
([update] max_rate_kib_s); a kiosk loses power or network mid-download, so the bytes so far
are kept in `<dest>.part` and the next try asks for the rest (HTTP Range); and nothing is
handed on until it has exactly the announced size and sha256 (the signature is checked
after that, by the updater). A server that ignores Range simply sends it all again.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

CHUNK = 64 * 1024


class DownloadError(Exception):
    """Not downloaded: the network (try again, the part is kept) or a size/hash mismatch."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class Downloaded:
    path: Path
    resumed_from: int
    seconds: float


class RateLimit:
    """At most `bytes_per_s` on average: sleeps when ahead of the budget (0 = no cap)."""

    def __init__(
        self,
        bytes_per_s: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate, self.clock, self.sleep = bytes_per_s, clock, sleep
        self.start = clock()
        self.sent = 0

    def took(self, n: int) -> None:
        if self.rate <= 0:
            return
        self.sent += n
        ahead = self.sent / self.rate - (self.clock() - self.start)
        if ahead > 0:
            self.sleep(ahead)


def _sha256_of(path: Path) -> hashlib._Hash:  # pyright: ignore[reportPrivateUsage]
    h = hashlib.sha256()
    if path.exists():
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    return h


def download(
    url: str,
    dest: Path,
    *,
    size: int,
    sha256: str,
    limit: RateLimit,
    session: requests.Session | None = None,
    timeout_s: float = 30.0,
) -> Downloaded:
    """`url` to `dest` (via dest.part); DownloadError when it is not the announced file."""
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    if have > size:
        part.unlink()
        have = 0
    start = time.monotonic()
    http = session or requests.Session()
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        with http.get(url, headers=headers, stream=True, timeout=timeout_s) as res:
            if res.status_code == 416 and have == size:
                pass  # all there already
            elif res.status_code not in (200, 206):
                raise DownloadError(f"{url}: HTTP {res.status_code}", retry=res.status_code >= 500)
            else:
                if res.status_code == 200:  # no Range support: from the start
                    have = 0
                with part.open("ab" if have else "wb") as f:
                    for chunk in res.iter_content(CHUNK):
                        f.write(chunk)
                        limit.took(len(chunk))
    except requests.RequestException as exc:
        raise DownloadError(f"{url}: {exc} (kept {part.name}; try again)", retry=True) from exc
    got = part.stat().st_size
    if got != size:
        if got > size:
            part.unlink()
        raise DownloadError(f"{url}: {got} bytes, {size} announced", retry=got < size)
    if _sha256_of(part).hexdigest() != sha256.lower():
        part.unlink()
        raise DownloadError(f"{url}: sha256 differs from the announced one", retry=False)
    part.replace(dest)
    return Downloaded(dest, have, time.monotonic() - start)


def fetch_small(url: str, dest: Path, *, max_bytes: int = 4096, timeout_s: float = 30.0) -> Path:
    """A small companion file (the .minisig): whole, capped, no resume needed."""
    try:
        res = requests.get(url, timeout=timeout_s)
    except requests.RequestException as exc:
        raise DownloadError(f"{url}: {exc}", retry=True) from exc
    if res.status_code != 200:
        raise DownloadError(f"{url}: HTTP {res.status_code}", retry=res.status_code >= 500)
    if len(res.content) > max_bytes:
        raise DownloadError(f"{url}: larger than {max_bytes} bytes", retry=False)
    dest.write_bytes(res.content)
    return dest


def signature_file(signature: str, dest: Path) -> Path:
    """An offer's signature as a file: fetched when it is a URL, else it is the .minisig's
    text itself (GET /device carries either; the verifier decides whether it is any good)."""
    if signature.startswith(("http://", "https://")):
        return fetch_small(signature, dest)
    dest.write_text(signature if signature.endswith("\n") else signature + "\n")
    return dest
