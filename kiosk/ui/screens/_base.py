"""KioskScreen: the base of the customer screens (loads the sibling .kv, translates, sends)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.i18n import tr
from kiosk.ui.widgets import common  # noqa: F401 - registers FitLabel, KioskButton for .kv

_loaded: set[str] = set()


def load_kv(module_file: str) -> None:
    """Load `<module>.kv` once (screens are discovered and may be imported twice)."""
    path = str(Path(module_file).with_suffix(".kv"))
    if path not in _loaded:
        _loaded.add(path)
        Builder.load_file(path)


load_kv(str(Path(__file__).with_name("_common.py")))


class KioskScreen(Screen):
    """`screen_name` names the screen on the class, so the app knows it before building it."""

    screen_name = ""
    lang = StringProperty("en")

    def __init__(self, **kw: Any) -> None:
        if self.screen_name:
            kw.setdefault("name", self.screen_name)
        super().__init__(**kw)

    def t(self, key: str, **values: Any) -> str:
        return tr(key, self.lang, **values)

    def send(self, action: str, **data: Any) -> None:
        app = App.get_running_app()
        controller = getattr(app, "controller", None)
        if controller is not None:
            controller.touch(action, **data)

    def show(self, state: Any) -> None:
        self.lang = getattr(state, "lang", "en")
        self.render(state)

    def render(self, state: Any) -> None:  # pragma: no cover - each screen fills this
        raise NotImplementedError
