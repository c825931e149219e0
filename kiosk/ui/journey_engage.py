"""The engagement part of the scripted demo: lottery spins (a win and a try-again in every
language), the offline "your spin is waiting", and that spin played after the sync.

Why the outcomes are known in advance: the demo's server draws from a fixed seed
(kiosk/cli/_demo_shop.py LOTTERY_SEED), so the walk-through shows both outcomes; the kiosk
itself never knows, it shows what the server answered.
"""

from __future__ import annotations

import re
from typing import Any


class EngageSteps:
    """Drives the lottery, birthday (and slide) steps through a Journey's driver."""

    def __init__(self, journey: Any) -> None:
        self.j = journey
        self.drv = journey.drv

    def screen(self, name: str) -> Any:
        return self.drv.app.screens[name]

    def online(self, lang: str) -> None:
        """Spin lottery cards until a win and a try-again were both shown."""
        names = {True: f"{lang}-20-lottery-win", False: f"{lang}-22-lottery-try-again"}
        shown: set[bool] = set()
        spins = sum(1 for k in self.j.shop.cards if re.fullmatch(rf"lottery-\d+-{lang}", k))
        for n in range(spins):
            if len(shown) == 2:
                break
            won = self._spin(lang, f"lottery-{n}", names, shown)
            if won is not None:
                shown.add(won)
        for won, name in names.items():
            if won not in shown:
                self.j.problems.append(f"{name}: not drawn in {spins} spins")
        self.j.home(lang)  # seen once online: the kiosk knows the card for offline
        self.j.present(self.j.shop.card_url(f"lottery-offline-{lang}"))
        self.j.expect("card")
        self.birthday(lang)
        self.slides(lang)

    def _spin(self, lang: str, card: str, names: dict[bool, str], shown: set[bool]) -> bool | None:
        """One spin; the first of each outcome is recorded. Returns whether it won."""
        self.j.home(lang)
        self.j.present(self.j.shop.card_url(f"{card}-{lang}"))
        if not self.j.expect("spin"):
            return None
        spin = self.screen("spin")
        self.drv.pump(0.6)
        if spin.landed:
            self.j.problems.append(f"{lang} {card}: the wheel stopped at once")
        won = bool(self.drv.app.rendered.draw.outcome.won)
        first = won not in shown
        if first:
            self.j.shot(names[won] + "-spinning")
        if not self.drv.wait_for(lambda: spin.landed, 10):
            self.j.problems.append(f"{lang} {card}: the wheel never stopped")
        if first:
            self.j.shot(names[won])
        self.drv.tap(spin.ids.go_on)
        if self.j.expect("reward" if won else "card") and won and first:
            self.j.shot(names[won] + "-reward")
        return won

    def slides(self, lang: str) -> None:
        """The attract screen with the shop's two slides behind its words."""
        self.j.home(lang)
        rendered = lambda: getattr(self.drv.app.rendered, "slide", "")  # noqa: E731
        if not self.drv.wait_for(lambda: bool(rendered()), 15):
            self.j.problems.append(f"{lang}: no slide on the attract screen")
            return
        first = rendered()
        self.j.shot(f"{lang}-27-slide-1")
        if not self.drv.wait_for(lambda: rendered() not in ("", first), 10):
            self.j.problems.append(f"{lang}: the slide never changed")
            return
        self.drv.frames(2)
        self.j.shot(f"{lang}-28-slide-2")

    def birthday(self, lang: str) -> None:
        """A card whose birthday is today: the greeting and the gift on the card screen."""
        self.j.home(lang)
        self.j.present(self.j.shop.card_url(f"birthday-{lang}"))
        if not self.j.expect("card"):
            return
        if getattr(self.drv.app.rendered, "birthday", None) is None:
            self.j.problems.append(f"{lang}: no birthday gift in the stamp's answer")
        self.drv.pump(0.7)  # the new stamp pops in
        self.j.shot(f"{lang}-26-birthday")

    def offline(self, langs: tuple[str, ...]) -> None:
        """The server is away: the stamp reaching the spin is saved, the spin waits."""
        for lang in langs:
            self.j.home(lang)
            self.j.present(self.j.shop.card_url(f"lottery-offline-{lang}"))
            if self.j.expect("message", self.j.offline_answer_s):
                if getattr(self.drv.app.rendered, "kind", "") != "spin_waiting":
                    self.j.problems.append(f"{lang}: offline lottery stamp did not say 'waiting'")
                self.j.shot(f"{lang}-24-lottery-spin-waiting")

    def after_sync(self, langs: tuple[str, ...]) -> None:
        """The server is back and the outbox synced: the next scan plays the waiting spin."""
        self.j.log("  (the server is back)")
        self.j.shop.start()
        report = self.j.parts.stamp_path.worker.drain(timeout_s=30)
        if report.remaining:
            self.j.problems.append(f"after sync: {report.remaining} stamps still pending")
        for lang in langs:
            self.j.home(lang)
            self.j.present(self.j.shop.card_url(f"lottery-offline-{lang}"))
            if not self.j.expect("spin"):
                continue
            spin = self.screen("spin")
            self.drv.wait_for(lambda s=spin: s.landed, 10)
            self.j.shot(f"{lang}-25-lottery-after-sync")
