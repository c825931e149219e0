"""`kiosk scan-test --preview`: a live window of the camera (or video) with a decode overlay.

Why Kivy: the design card fixes opencv-python-headless (no cv2.imshow), and Kivy is
already how the kiosk draws, on X11, Wayland and a Pi's KMS console alike. The decode
threads publish into a PreviewFeed (plain Python, thread-safe); the window polls it on
Kivy's clock, so nothing here slows the decode path. A frame and the reads found in it
travel as one `Framed` reference, so the green box is drawn over its own frame only. Import only after
kiosk.ui.window.prepare_window().
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics import Color, Line
from kivy.metrics import sp
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label

from kiosk.ui.widgets.live_preview import Box, LivePreview
from kiosk.ui.window import finish_offscreen_frames

FPS = 20  # what a technician needs to aim a phone; the camera itself runs at 15-30
STALE_S = 0.5  # no decoded frame for this long (a stuck decoder): show the camera, no box
GREEN = (0.2, 0.95, 0.35, 1)


@dataclass(frozen=True)
class Shown:
    """The last decode, as the overlay draws it."""

    text: str
    symbology: str
    ms: float
    box: Box | None
    at: float
    frame: Any = None  # the frame it was read in


@dataclass(frozen=True)
class Framed:
    """A frame together with the reads decoded IN it, published as ONE reference.

    Why: the camera's newest frame runs ahead of the decoder (capture and decode are two
    threads with a one-frame mailbox between them). Showing the newest frame with the
    newest read drew the box of frame N over frame N+1, off by however far the phone
    moved. The window takes one Framed per UI tick and draws its frame and its boxes
    together, so a box can only ever be drawn over the frame it was found in.
    """

    frame: Any
    reads: tuple[Shown, ...] = ()

    def box(self) -> Box | None:
        return next((s.box for s in reversed(self.reads) if s.box is not None), None)


class PreviewFeed:
    """Where decode threads leave the newest frame and read; the window takes them."""

    def __init__(self, mask: Callable[[str], str] | None = None) -> None:
        self._lock = threading.Lock()
        # how a payload is shown (scan-test masks staff badge secrets unless asked not to)
        self.mask: Callable[[str], str] = mask or (lambda text: text)
        self.framed: Framed | None = None  # what the window shows next
        self.read: Shown | None = None  # the newest read, for the caption
        self.recent: deque[Shown] = deque(maxlen=8)  # video: reads reported before their frame
        self.reads = 0
        self.decoded_at = 0.0
        self.status = "starting"
        self.finished = False  # the app should close (count reached, --seconds...)
        self.ready = threading.Event()  # the window is up: a clip starts playing then

    @property
    def frame(self) -> Any:
        framed = self.framed
        return None if framed is None else framed.frame

    def on_read(
        self, text: str, symbology: str, ms: float, box: Box | None, frame: Any = None
    ) -> None:
        """A read in `frame` (the video path reports reads, then the frame: on_frame)."""
        with self._lock:
            self.read = Shown(self.mask(text), symbology, ms, box, time.monotonic(), frame)
            self.recent.append(self.read)
            self.reads += 1

    def on_frame(self, frame: Any) -> None:
        """Show this frame next, with the reads reported for this very frame."""
        with self._lock:
            reads = tuple(s for s in self.recent if s.frame is frame and frame is not None)
            self.framed = Framed(frame, reads)

    def on_decoded(self, frame: Any, reads: list[Any], ms: float) -> None:
        """The live camera's decode thread: a frame and everything read in it, at once."""
        now = time.monotonic()
        shown = tuple(Shown(self.mask(r.text), r.symbology, ms, r.box, now, frame) for r in reads)
        with self._lock:
            if shown:
                self.read = shown[-1]
                self.reads += len(shown)
            self.framed = Framed(frame, shown)
            self.decoded_at = now

    def on_camera_frame(self, frame: Any) -> None:
        """The camera's newest frame, shown only while the decoder is stuck (STALE_S):
        the picture stays live, but without a box (none belongs to it)."""
        with self._lock:
            if frame is None or time.monotonic() - self.decoded_at < STALE_S:
                return
            if self.framed is None or self.framed.frame is not frame:
                self.framed = Framed(frame)


def shorten(text: str, limit: int = 60) -> str:
    """One printable line (control bytes as ·), long payloads cut in the middle."""
    line = "".join(c if c.isprintable() else "·" for c in text)
    if len(line) <= limit:
        return line
    half = (limit - 1) // 2
    return line[:half] + "…" + line[-half:]


class PreviewRoot(FloatLayout):
    """The frame, filling the window, with the decode overlay on top."""

    def __init__(self, feed: PreviewFeed, **kw: Any) -> None:
        super().__init__(**kw)
        self.feed = feed
        self.live = LivePreview(lambda: feed.frame, None)  # stepped by tick() below
        self.drawn_box: Box | None = None
        self.add_widget(self.live)
        self.caption = self._label(top=True, size=22, color=GREEN)
        self.footer = self._label(top=False, size=16, color=(0.9, 0.9, 0.9, 1))
        with self.canvas.after:
            self._box_color = Color(*GREEN)
            self._box = Line(rectangle=(0, 0, 0, 0), width=3)
        self._event = Clock.schedule_interval(self.tick, 1 / FPS)

    def _label(self, *, top: bool, size: float, color: tuple) -> Label:
        lbl = Label(
            font_size=sp(size),
            color=color,
            halign="left",
            valign="top" if top else "bottom",
            size_hint=(1, None),
            height=sp(size) * 3.4,  # two lines: a long URL wraps below the figures
            pos_hint={"top": 1} if top else {"y": 0},
            padding=(sp(10), sp(6)),
            outline_width=2,
            outline_color=(0, 0, 0, 1),
        )
        lbl.bind(size=lambda w, v: setattr(w, "text_size", v))
        self.add_widget(lbl)
        return lbl

    def tick(self, *_a: Any) -> None:
        """One Framed, its frame and its box, in the same UI frame."""
        framed = self.feed.framed  # one reference: never a frame from here, a box from there
        if framed is not None:
            self.live.show(framed.frame)
        self.update_overlay(framed)

    def update_overlay(self, framed: Framed | None = None) -> None:
        read = self.feed.read
        if read is None:
            self.caption.text = "no code read yet: hold a code in front of the camera"
        else:
            self.caption.text = (
                f"{read.symbology.upper()}  ·  {read.ms:.1f} ms  ·  {shorten(read.text)}"
            )
        self.footer.text = (
            f"{self.feed.status}  ·  frames {self.live.frames_shown}  ·  "
            f"reads {self.feed.reads}  ·  Esc closes"
        )
        on_screen = framed is not None and framed.frame is self.live.frame
        self.drawn_box = framed.box() if on_screen and framed is not None else None
        rect = self.live.frame_to_window(self.drawn_box) if self.drawn_box else None
        self._box_color.a = 1 if rect else 0
        self._box.rectangle = rect or (0, 0, 0, 0)

    def stop(self) -> None:
        self._event.cancel()
        self.live.stop()


class ScanPreviewApp(App):
    """The window; `tick()` runs 20 times a second on the UI thread (stop checks, status)."""

    title = "kiosk scan-test"

    def __init__(
        self, feed: PreviewFeed, tick: Callable[[], None], shots: Path | None = None
    ) -> None:
        super().__init__()
        self.feed, self.tick, self.shots = feed, tick, shots
        self.root_widget: PreviewRoot | None = None
        self._shot_n = 0

    def build(self) -> PreviewRoot:
        self.tick()  # the status is there from the first frame on
        finish_offscreen_frames(Window)
        self.root_widget = PreviewRoot(self.feed)
        self.root_widget.update_overlay()
        Window.bind(on_keyboard=self._on_key)
        Clock.schedule_interval(self._tick, 1 / FPS)
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            Clock.schedule_interval(self._shot, 0.7)
        return self.root_widget

    def _on_key(self, _w: Any, key: int, *_a: Any) -> bool:
        if key == 27:  # Esc
            self.stop()
            return True
        return False

    def _tick(self, _dt: float) -> None:
        self.tick()
        if self.feed.finished:
            self.stop()

    def _shot(self, _dt: float) -> None:
        """Test hook: numbered screenshots and what the overlay said when each was taken."""
        root = self.root_widget
        if root is None or self._shot_n >= 8:
            return
        path = self.shots / f"shot-{self._shot_n}.png"
        written = Window.screenshot(name=str(path.with_name(path.stem + "_.png")))
        Path(written).replace(path)
        self._shot_n += 1
        stats = {
            "shots": self._shot_n,
            "caption": root.caption.text,
            "footer": root.footer.text,
            "frames_shown": root.live.frames_shown,
            "textures_created": root.live.textures_created,
            "box_visible": root._box_color.a > 0,
            "window": list(Window.size),
        }
        (self.shots / f"shot-{self._shot_n - 1}.json").write_text(json.dumps(stats))

    def on_start(self) -> None:
        self.feed.ready.set()

    def on_stop(self) -> None:
        self.feed.ready.set()  # nobody waits for a window that is gone
        if self.root_widget is not None:
            self.root_widget.stop()


def run_preview(feed: PreviewFeed, tick: Callable[[], None], shots: Path | None = None) -> None:
    """Blocks on the UI thread until Esc, the window is closed, or feed.finished."""
    ScanPreviewApp(feed, tick, shots).run()
