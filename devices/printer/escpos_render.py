"""Layout -> ESC/POS bytes, through python-escpos.

WHY bytes first, transport second: the job is rendered completely before the printer is
touched, so a rendering error never leaves half a coupon on paper, the exact bytes can be
tested, and a retry sends the same bytes. Text is encoded here with the profile's single
code page (ESC t n once at the start), never through escpos's magic encoder: every text byte
is >= 0x20 (clean_text saw to that) and the output is deterministic.
"""

from __future__ import annotations

import io
import logging
import sys
from contextlib import redirect_stdout

from devices.printer._escpos import QR_ECLEVEL_M, escpos_printer
from devices.printer.layout import Barcode, Cut, Feed, Layout, Qr, Raster, Text

ESC, GS = b"\x1b", b"\x1d"
INIT = ESC + b"@"
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01"}
BOLD = {False: ESC + b"E\x00", True: ESC + b"E\x01"}
SIZE = {False: GS + b"!\x00", True: GS + b"!\x11"}  # double width and height

log = logging.getLogger(__name__)


def render_escpos(layout: Layout) -> bytes:
    """The complete job: init, code page, blocks, feed and cut."""
    profile = layout.profile
    p = escpos_printer.Dummy(profile=profile.name)
    p._raw(INIT)
    if profile.codepage_id is not None:
        p._raw(ESC + b"t" + bytes([profile.codepage_id]))
    for block in layout.blocks:
        _block(p, block, layout)
    return p.output


def _block(p: escpos_printer.Dummy, block: object, layout: Layout) -> None:
    profile = layout.profile
    if isinstance(block, Text):
        p._raw(ALIGN[block.align] + BOLD[block.bold] + SIZE[block.double])
        p._raw(b"".join(profile.encode(line) + b"\n" for line in block.lines))
        p._raw(SIZE[False] + BOLD[False] + ALIGN["left"])
    elif isinstance(block, Raster):
        p._raw(ALIGN["left"])
        _quiet(p.image, block.image, impl=profile.image_impl, center=False)
    elif isinstance(block, Qr):
        p._raw(ALIGN["center"])
        p.qr(block.data, ec=QR_ECLEVEL_M, size=block.module, native=True)
        p._raw(b"\n" + ALIGN["left"])
    elif isinstance(block, Barcode):
        # Code128 on ESC/POS: "{B" selects code set B, and "{" inside the data starts a
        # code-set switch or FNC unless doubled; a code "X{A" must not change the barcode.
        data = "{B" + block.data.replace("{", "{{") if block.kind == "CODE128" else block.data
        _quiet(
            p.barcode,
            data,
            block.kind,
            height=block.height,
            width=block.module,
            pos="OFF",
            function_type="B",
            align_ct=True,
        )
        p._raw(b"\n" + ALIGN["left"])
    elif isinstance(block, Feed):
        p._raw(b"\n" * block.lines)
    elif isinstance(block, Cut):
        if profile.can_cut:
            p.cut()
        else:
            p._raw(b"\n" * 6)  # feed past the tear bar


def _quiet(fn: object, *args: object, **kwargs: object) -> None:
    """escpos prints warnings about profile widths to stdout; keep them out of our output."""
    buf = io.StringIO()
    with redirect_stdout(buf):
        fn(*args, **kwargs)  # type: ignore[operator]
    if buf.getvalue().strip():
        log.debug("escpos: %s", buf.getvalue().strip())
    sys.stdout.flush()
