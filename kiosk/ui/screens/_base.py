"""KioskScreen: the one base of every screen (customer, staff, technician).

A screen renders one immutable state (`show`), translates (`t`), and reports a touch with
`send(intent)` (an Intent of kiosk/flows/<mode>/intents.py); it never calls the API or a device. Its look is data: the class
attribute `theme` (kiosk/ui/theme.py: CUSTOMER, STAFF or TECHNICIAN). Customer screens lay
out in their sibling .kv file (`load_kv`), staff and technician screens in code with
kiosk/ui/widgets/kit.py; the background (_common.kv) is the theme's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.flows.runtime import Intent
from kiosk.i18n import tr
from kiosk.ui.theme import CUSTOMER, Theme
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
    """`screen_name` names the screen on the class, so the app knows it before building it.

    `on_action` is for a host without the kiosk App (tests, bench): intents go there
    instead of to the running App's host.
    """

    screen_name = ""
    theme: ClassVar[Theme] = CUSTOMER
    lang = StringProperty("en")

    def __init__(self, on_action: Callable[[Intent], None] | None = None, **kw: Any) -> None:
        if self.screen_name:
            kw.setdefault("name", self.screen_name)
        super().__init__(**kw)
        self.on_action = on_action
        self.state: Any = None

    def t(self, key: str, **values: Any) -> str:
        return tr(key, self.lang, **values)

    def send(self, intent: Intent) -> None:
        """Report a touch as its intent to the host (the app's, unless `on_action` is given)."""
        if self.on_action is not None:
            self.on_action(intent)
            return
        app = App.get_running_app()
        host = getattr(app, "host", None)
        if host is not None:
            host.send(intent)

    def show(self, state: Any) -> None:
        """Render `state` in its language; a state without one (staff) keeps the screen's,
        which the app sets to the customer's."""
        self.state = state
        self.lang = getattr(state, "lang", None) or self.lang
        self.render(state)

    def render(self, state: Any) -> None:  # pragma: no cover - each screen fills this
        raise NotImplementedError
