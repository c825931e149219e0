"""A widget's canvas, typed.

Why: Kivy declares `Widget.canvas = None` on the class and sets the real Canvas in
Widget.__init__, so a type checker sees `Canvas | None` everywhere. After __init__ it is
always there; this says so once instead of at every drawing site.
"""

from __future__ import annotations

from kivy.graphics import Canvas
from kivy.uix.widget import Widget


def canvas(widget: Widget) -> Canvas:
    """The canvas of a constructed widget (never None after Widget.__init__)."""
    drawn = widget.canvas
    if drawn is None:
        raise RuntimeError(f"{type(widget).__name__}: canvas used before Widget.__init__")
    return drawn
