"""Printer status from DLE EOT answers.

WHY advisory: the bits are Epson's (DLE EOT n=1,2,4) and most clones follow them, but not
all; a printer that answers nothing is "unknown", never "fine". Staff see the words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

DLE_EOT = {"printer": b"\x10\x04\x01", "offline": b"\x10\x04\x02", "paper": b"\x10\x04\x04"}


def _valid(b: int) -> bool:
    """Status bytes have bit 1 and 4 set, bits 0 and 7 clear."""
    return b & 0x93 == 0x12


@dataclass
class PrinterStatus:
    online: bool | None  # None = this transport cannot tell
    paper_out: bool = False
    paper_near_end: bool = False
    cover_open: bool = False
    error: str = ""  # words for staff; "" when all is well
    advisory: str = ""  # how far to trust the above
    transport: str = ""
    checked_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def ready(self) -> bool:
        """True when a job may be sent (unknown status counts as ready: we cannot know)."""
        return self.online is not False and not self.paper_out and not self.cover_open

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = asdict(self)
        out["ready"] = self.ready
        return out


def parse(answers: dict[str, int | None], transport: str) -> PrinterStatus:
    """Turn the three DLE EOT answers into a status (missing or odd answers say so)."""
    got = {k: v for k, v in answers.items() if v is not None and _valid(v)}
    if not got:
        return PrinterStatus(
            online=None,
            transport=transport,
            error="",
            advisory="the printer did not answer a status query; status unknown",
        )
    st = PrinterStatus(
        online=True, transport=transport, advisory="DLE EOT (Epson bits; advisory on other models)"
    )
    if "printer" in got and got["printer"] & 0x08:
        st.online = False
    if "offline" in got:
        b = got["offline"]
        st.cover_open = bool(b & 0x04)
        st.paper_out = st.paper_out or bool(b & 0x20)
        if b & 0x40:
            st.error = "the printer reports an error (cutter jam or overheating?)"
    if "paper" in got:
        b = got["paper"]
        st.paper_near_end = bool(b & 0x0C)
        st.paper_out = st.paper_out or bool(b & 0x60)
    if st.paper_out:
        st.online = False
        st.error = st.error or "paper out: load a new roll"
    elif st.cover_open:
        st.online = False
        st.error = st.error or "cover open: close the printer cover"
    elif st.online is False:
        st.error = st.error or "printer offline: check it is switched on"
    return st
