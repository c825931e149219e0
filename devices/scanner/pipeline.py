"""The decode pipeline: cheap first, smart retries only when the cheap pass finds nothing.

Why this shape: a kiosk camera sees mostly empty frames and, when a phone is there, a
large, well-lit code; the cheap pass (gray, formats restricted, a half-size image for big
frames, no rotate/invert) reads most codes in a few ms. Retries target what phone
screens actually do wrong: dark mode (invert), a code too small or blurred for the half
size (full resolution), the region where a code was seen a moment ago (crop + upscale),
and codes held at a steep angle (turn the image upright, then decode). Retries stop at a
time budget so an empty frame never costs much.

Zero wrong reads: every read passes validate.plausible, and every read that is not a
QR/Aztec code from the cheap pass must be confirmed by an independent second decode of
its region (another binarizer or scale, or pyzbar). PDF417 misreads happen on the cheap
pass too (seen in the corpus), so it is never trusted alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import cv2
import numpy as np

from devices.scanner.decoders import Decoder, PyzbarDecoder, Read, ZxingDecoder
from devices.scanner.validate import plausible

STRONG = ("qr", "aztec", "datamatrix")  # Reed-Solomon over every codeword: cheap pass trusted
LINEAR = ("code128", "ean13")
Box = tuple[int, int, int, int]
# An attempt: the image it decoded, its raw reads (boxes in that image), and a mapping of a
# box back to full-frame pixels.
Attempt = tuple[np.ndarray, list[Read], Callable[[Box], Box]]


def to_gray(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return frame
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


def dominant_angle(gray: np.ndarray) -> float:
    """Orientation of the strongest edges, modulo 90 degrees, in (-45, 45].

    Why modulo 90 (the angle x4 trick): bars, PDF417 rows and the phone's own outline are
    all edges of rectangles; their gradients point along two perpendicular directions that
    a plain (x2) structure tensor would cancel. Decoders already handle quarter turns.
    """
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    mag = gx * gx + gy * gy
    keep = mag > np.percentile(mag, 90)  # only strong edges vote, not a smooth background
    theta = np.arctan2(gy[keep], gx[keep])
    w = mag[keep]
    z = complex(float((w * np.cos(4 * theta)).sum()), float((w * np.sin(4 * theta)).sum()))
    return float(np.degrees(np.angle(z) / 4))


def rotated(gray: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """The image turned by `angle` degrees on an enlarged canvas, and the inverse 2x3 map."""
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    out = cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=128)
    return out, cv2.invertAffineTransform(m)


def crop_box(shape: tuple[int, ...], box: Box, pad: float = 0.25) -> Box:
    x0, y0, x1, y1 = box
    m = int(max(x1 - x0, y1 - y0) * pad) + 8
    h, w = shape[:2]
    return max(0, x0 - m), max(0, y0 - m), min(w, x1 + m), min(h, y1 + m)


def _scale_box(f: float) -> Callable[[Box], Box]:
    return lambda b: (int(b[0] * f), int(b[1] * f), int(b[2] * f) + 1, int(b[3] * f) + 1)


def _affine_box(m: np.ndarray, f: float) -> Callable[[Box], Box]:
    def mapper(b: Box) -> Box:
        pts = np.array([[b[0], b[1], 1], [b[2], b[1], 1], [b[2], b[3], 1], [b[0], b[3], 1]], float)
        back = pts @ m.T * f
        x0, y0 = back.min(axis=0)
        x1, y1 = back.max(axis=0)
        return int(x0), int(y0), int(x1) + 1, int(y1) + 1

    return mapper


class DecodePipeline:
    """Frame in, validated reads out. Not thread-safe: one pipeline per decode thread."""

    def __init__(
        self,
        formats: tuple[str, ...] | list[str],
        *,
        max_length: int = 512,
        work_width: int = 640,
        retry_budget_ms: float = 60.0,
        use_pyzbar: bool = True,
        region_ttl_s: float = 2.0,
        idle_retry_every: int = 1,
    ) -> None:
        """idle_retry_every=N: while no code was seen lately, the expensive retries (region,
        upright, rescale) run on every Nth frame only. A live camera delivers many frames of
        a phone, so N=3 costs at most two frames of latency and saves most idle CPU; single
        images (scan-test --images, tests, bench) keep N=1."""
        self.formats = tuple(formats)
        self.max_length = max_length
        self.work_width = work_width
        self.retry_budget_ms = retry_budget_ms
        self.region_ttl_s = region_ttl_s
        self.zx: Decoder = ZxingDecoder()
        pz = PyzbarDecoder() if use_pyzbar else None
        self.pz: Decoder | None = pz if pz and pz.usable()[0] else None
        self._last_box: Box | None = None
        self._last_at = 0.0
        self._started = 0.0
        self.pass_counts: dict[str, int] = {}
        self.rejected = 0
        self.idle_retry_every = max(1, idle_retry_every)
        self._idle_frames = 0

    def forget(self) -> None:
        """Drop the last-seen region (a new video, a test between unrelated frames)."""
        self._last_box = None

    def decode(self, frame: np.ndarray) -> list[Read]:
        """Validated reads of one frame (boxes in full-frame pixels); [] when nothing."""
        gray = to_gray(frame)
        self._started = time.thread_time()  # CPU time: a busy machine must not shrink the budget
        w = gray.shape[1]
        scale = self.work_width / w if w > self.work_width else 1.0
        small = (
            gray
            if scale == 1.0
            else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        )
        attempts: list[tuple[str, Callable[[], Attempt]]] = [
            ("cheap", lambda: self._plain(small, scale)),
            ("invert", lambda: self._plain(255 - small, scale)),
            ("region", lambda: self._region(gray)),
            ("upright", lambda: self._upright(small, scale)),
            ("rescale", lambda: self._rescale(gray, scale)),
        ]
        recent = (
            self._last_box is not None and time.monotonic() - self._last_at <= self.region_ttl_s
        )
        self._idle_frames = 0 if recent else self._idle_frames + 1
        skip_expensive = not recent and self._idle_frames % self.idle_retry_every != 0
        for name, attempt in attempts:
            if name != "cheap" and self._over_budget():
                break
            if skip_expensive and name not in ("cheap", "invert"):
                break
            img, raw, to_frame = attempt()
            reads = [
                Read(r.text, r.symbology, to_frame(r.box) if r.box else None)
                for r in raw
                if self._valid(img, r, trusted=(name == "cheap"))
            ]
            reads = _drop_conflicts(reads)
            if reads:
                self.pass_counts[name] = self.pass_counts.get(name, 0) + 1
                self._last_box, self._last_at = reads[0].box, time.monotonic()
                self._idle_frames = 0
                return reads
        return []

    # -- the passes -------------------------------------------------------------------
    def _plain(self, img: np.ndarray, scale: float, **opts: bool) -> Attempt:
        return img, self.zx.decode(img, self.formats, **opts), _scale_box(1 / scale)

    def _both(self, img: np.ndarray, **opts: bool) -> tuple[np.ndarray, list[Read]]:
        """Decode as is, then inverted: zxing-cpp's own try_invert misses dark-mode PDF417.

        Returns the image that gave the reads, so confirmation crops the right polarity.
        """
        reads = self.zx.decode(img, self.formats, **opts)
        if reads:
            return img, reads
        inverted = 255 - img
        return inverted, self.zx.decode(inverted, self.formats, **opts)

    def _rescale(self, gray: np.ndarray, scale: float) -> Attempt:
        """Full resolution for big frames (small or blurred codes), x1.5 for small frames."""
        f = 1.0 if scale != 1.0 else 1.5
        img = (
            gray if f == 1.0 else cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_LINEAR)
        )
        img, reads = self._both(img, try_rotate=True)
        return img, reads, _scale_box(1 / f)

    def _region(self, gray: np.ndarray) -> Attempt:
        """Where a code was a moment ago: crop it, upscale x2, try harder there."""
        if self._last_box is None or time.monotonic() - self._last_at > self.region_ttl_s:
            return gray, [], _scale_box(1.0)
        x0, y0, x1, y1 = crop_box(gray.shape, self._last_box, pad=0.5)
        big = cv2.resize(gray[y0:y1, x0:x1], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        big, reads = self._both(big, try_rotate=True)

        def to_frame(b: Box) -> Box:
            return b[0] // 2 + x0, b[1] // 2 + y0, b[2] // 2 + x0 + 1, b[3] // 2 + y0 + 1

        return big, reads, to_frame

    def _upright(self, small: np.ndarray, scale: float) -> Attempt:
        """Codes at an angle (1D bars, PDF417 rows, even a few degrees): turn them upright.

        The angle estimate is off by a few degrees under perspective, and PDF417 needs it
        nearly exact, so a few nearby angles and the global binarizer are tried while the
        budget lasts.
        """
        angle = dominant_angle(small)
        if abs(angle) < 1.5:  # already axis-aligned: nothing to gain
            return small, [], _scale_box(1.0)
        linear = tuple(f for f in self.formats if f in LINEAR)
        img, inverse = rotated(small, angle)
        for offset in (0.0, 3.0, -3.0):
            if offset:
                if self._over_budget():
                    break
                img, inverse = rotated(small, angle + offset)
            for global_binarizer in (False, True):
                found, reads = self._both(img, try_rotate=True, global_binarizer=global_binarizer)
                if reads:
                    return found, reads, _affine_box(inverse, 1 / scale)
            if linear and self.pz is not None:
                for found in (img, 255 - img):
                    reads = self.pz.decode(found, linear)
                    if reads:
                        return found, reads, _affine_box(inverse, 1 / scale)
        return img, [], _affine_box(inverse, 1 / scale)

    def _over_budget(self) -> bool:
        return (time.thread_time() - self._started) * 1000 > self.retry_budget_ms

    # -- validation ----------------------------------------------------------------------
    def _valid(self, img: np.ndarray, read: Read, *, trusted: bool) -> bool:
        ok = plausible(read.text, read.symbology, self.max_length) and (
            (trusted and read.symbology in STRONG) or self._confirm(img, read)
        )
        if not ok:
            self.rejected += 1
        return ok

    def _confirm(self, img: np.ndarray, read: Read) -> bool:
        """An independent second decode of the read's region must give the same text."""
        if read.box is None:
            return False
        x0, y0, x1, y1 = crop_box(img.shape, read.box)
        crop = img[y0:y1, x0:x1]
        if crop.size == 0:
            return False
        fmt = (read.symbology,)
        f = 1.5 if max(crop.shape) < 400 else 0.75
        # cheapest first (the crop is in the polarity and orientation the read was made in)
        variants = [
            lambda: self.zx.decode(crop, fmt, try_downscale=False, global_binarizer=True),
            lambda: self.zx.decode(
                cv2.resize(crop, None, fx=f, fy=f), fmt, try_invert=True, try_rotate=True
            ),
        ]
        pz = self.pz
        if pz is not None and pz.supports(read.symbology):
            variants.append(lambda: pz.decode(crop, fmt) or pz.decode(255 - crop, fmt))
        # unambiguous agreement: the second decode must see this text and no other one
        # (a degraded EAN-13 once gave the right and a wrong string from two rows)
        return any({a.text for a in v()} == {read.text} for v in variants)


def _overlap(a: Box | None, b: Box | None) -> bool:
    if a is None or b is None:
        return True
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _drop_conflicts(reads: list[Read]) -> list[Read]:
    """Two different texts of one symbology in one place: neither can be trusted."""
    bad = {
        i
        for i, a in enumerate(reads)
        for j, b in enumerate(reads)
        if i != j and a.symbology == b.symbology and a.text != b.text and _overlap(a.box, b.box)
    }
    return [r for i, r in enumerate(reads) if i not in bad]
