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
from collections.abc import Callable
from contextlib import redirect_stdout

from devices.printer._escpos import QR_ECLEVEL_M, EscposCommands, command_buffer
from devices.printer.layout import Barcode, Block, Feed, Layout, Qr, Raster, Text

ESC, GS = b"\x1b", b"\x1d"
INIT = ESC + b"@"
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01"}
BOLD = {False: ESC + b"E\x00", True: ESC + b"E\x01"}
SIZE = {False: GS + b"!\x00", True: GS + b"!\x11"}  # double width and height

log = logging.getLogger(__name__)


def render_escpos(layout: Layout) -> bytes:
    """The complete job: init, code page, blocks, feed and cut."""
    profile = layout.profile
    p = command_buffer(profile.name)
    out = [INIT]
    if profile.codepage_id is not None:
        out.append(ESC + b"t" + bytes([profile.codepage_id]))
    for block in layout.blocks:
        out.extend(_block(p, block, layout))
    return b"".join(out)


def _block(p: EscposCommands, block: Block, layout: Layout) -> list[bytes]:
    """The bytes of one block: our own for text and spacing, escpos's for images and codes."""
    profile = layout.profile
    if isinstance(block, Text):
        return [
            ALIGN[block.align] + BOLD[block.bold] + SIZE[block.double],
            b"".join(profile.encode(line) + b"\n" for line in block.lines),
            SIZE[False] + BOLD[False] + ALIGN["left"],
        ]
    if isinstance(block, Raster):
        return [
            ALIGN["left"],
            _escpos(p, lambda: p.image(block.image, impl=profile.image_impl, center=False)),
        ]
    if isinstance(block, Qr):
        return [
            ALIGN["center"],
            _escpos(p, lambda: p.qr(block.data, ec=QR_ECLEVEL_M, size=block.module, native=True)),
            b"\n" + ALIGN["left"],
        ]
    if isinstance(block, Barcode):
        # Code128 on ESC/POS: "{B" selects code set B, and "{" inside the data starts a
        # code-set switch or FNC unless doubled; a code "X{A" must not change the barcode.
        data = "{B" + block.data.replace("{", "{{") if block.kind == "CODE128" else block.data

        def barcode() -> None:
            p.barcode(
                data,
                block.kind,
                height=block.height,
                width=block.module,
                pos="OFF",
                function_type="B",
                align_ct=True,
            )

        return [_escpos(p, barcode), b"\n" + ALIGN["left"]]
    if isinstance(block, Feed):
        return [b"\n" * block.lines]
    if profile.can_cut:  # Cut
        return [_escpos(p, p.cut)]
    return [b"\n" * 6]  # feed past the tear bar


def _escpos(p: EscposCommands, command: Callable[[], None]) -> bytes:
    """The bytes one escpos command makes. escpos prints warnings about profile widths to
    stdout; they go to the debug log instead of our output."""
    buf = io.StringIO()
    with redirect_stdout(buf):
        command()
    if buf.getvalue().strip():
        log.debug("escpos: %s", buf.getvalue().strip())
    sys.stdout.flush()
    data = p.output
    p.clear()
    return data
