"""The engagement part of the scripted demo: lottery spins (a win and a try-again in every
language), the offline "your spin is waiting", and that spin played after the sync.

Why the outcomes are known in advance: the demo's server draws from a fixed seed
(kiosk/cli/_demo_shop.py LOTTERY_SEED), so the walk-through shows both outcomes; the kiosk
itself never knows, it shows what the server answered.
"""

from __future__ import annotations

from typing import Any


class EngageSteps:
    """Drives the lottery, birthday (and slide) steps through a Journey's driver."""

    def __init__(self, journey: Any) -> None:
        self.j = journey
        self.drv = journey.drv

    def screen(self, name: str) -> Any:
        return self.drv.app.screens[name]

    def online(self, lang: str) -> None:
        p = f"{lang}-"
        self._spin(lang, "lottery-win", p + "20-lottery-win", won=True)
        self._spin(lang, "lottery-again", p + "22-lottery-try-again", won=False)
        self.j.home(lang)  # seen once online: the kiosk knows the card for offline
        self.j.present(self.j.shop.card_url(f"lottery-offline-{lang}"))
        self.j.expect("card")
        self.birthday(lang)

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

    def _spin(self, lang: str, card: str, name: str, *, won: bool) -> None:
        self.j.home(lang)
        self.j.present(self.j.shop.card_url(f"{card}-{lang}"))
        if not self.j.expect("spin"):
            return
        spin = self.screen("spin")
        self.drv.pump(0.6)
        if spin.landed:
            self.j.problems.append(f"{name}: the wheel stopped at once")
        self.j.shot(name + "-spinning")
        if not self.drv.wait_for(lambda: spin.landed, 10):
            self.j.problems.append(f"{name}: the wheel never stopped")
        draw = self.drv.app.rendered.draw
        if draw.outcome.won != won:
            self.j.problems.append(
                f"{name}: drew {draw.outcome.kind}, the script expects won={won}"
            )
        self.j.shot(name)
        self.drv.tap(spin.ids.go_on)
        if won and self.j.expect("reward"):
            self.j.shot(name + "-reward")
        elif not won:
            self.j.expect("card")

    def offline(self, langs: tuple[str, ...]) -> None:
        """The server is away: the stamp reaching the spin is saved, the spin waits."""
        for lang in langs:
            self.j.home(lang)
            self.j.present(self.j.shop.card_url(f"lottery-offline-{lang}"))
            if self.j.expect("message"):
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
