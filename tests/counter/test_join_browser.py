"""The join page in a real headless browser (Debian's chromium, driven by Playwright):
a customer joins, the web card's QR (read from the browser's own pixels by the kiosk's
decoder) is classified as a card and stamped through the kiosk's stamp path; markup in a
name runs nothing, a 10 KB field, a replayed form and a missing consent make no card.

Skipped only where the browser or Playwright is missing: CI installs chromium (.ci/run)
and Playwright (the [dev] extra), so it runs there.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from devices.scanner.decoders import ZxingDecoder
from kiosk.config import ScannerSection
from kiosk.scan_kinds import ScanKind
from kiosk.scan_router import classify
from kiosk.stamping import StampKind
from tests.outbox.conftest import Shop, _shop

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
if shutil.which(CHROMIUM) is None:
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def kiosk_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    yield from _shop(tmp_path_factory.mktemp("join"))


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US")
    try:
        yield context.new_page()
    finally:
        context.close()


def join_url(shop: Shop) -> str:
    url = shop.services().client.device().join_url
    assert url is not None
    return url


def read_qr(png: bytes) -> str:
    gray = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    reads = ZxingDecoder().decode(gray, ("qr",))
    assert reads, "the kiosk's decoder found no QR on the web card"
    return reads[0].text


def test_join_in_a_browser_then_the_card_scans_at_the_kiosk(kiosk_shop, page, tmp_path: Path):
    page.goto(join_url(kiosk_shop) + "?lang=en")
    page.fill("#first_name", "Liis")
    page.fill("#phone", "+372 5123 4567")
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#welcome")
    assert page.inner_text("#welcome") == "Welcome, Liis!"
    assert "Apple Wallet" in page.inner_text("#wallet")
    png = page.locator("#card-qr").screenshot(path=str(tmp_path / "web-card.png"))
    scan = classify(read_qr(png), ScannerSection())
    assert scan.kind is ScanKind.CARD
    kiosk = kiosk_shop.services()
    first = kiosk.stamps.stamp(scan.value, scanned_at=datetime.now(UTC))
    assert first.kind is StampKind.ADDED
    assert first.card is not None and (first.card.display_name, first.card.stamps) == ("Liis", 1)
    page.reload()
    assert "1 of" in page.inner_text("#stamps")


def test_markup_in_a_name_runs_nothing(kiosk_shop, page):
    page.goto(join_url(kiosk_shop))
    page.fill("#first_name", "<img src=x onerror=window.pwned=1><script>window.pwned=2</script>")
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#welcome")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert "<script>" in page.inner_text("#welcome")  # shown as text, run as nothing


def test_a_10_kb_field_is_refused_without_a_card(kiosk_shop, page):
    page.goto(join_url(kiosk_shop))
    page.locator("#first_name").evaluate("el => el.removeAttribute('maxlength')")
    page.fill("#first_name", "A" * 10240)
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#message")
    assert page.locator("#welcome").count() == 0
    assert "A" * 100 not in page.content()


def test_a_replayed_form_makes_no_second_card(kiosk_shop, page):
    page.goto(join_url(kiosk_shop))
    form_id = page.locator("input[name=form_id]").input_value()
    page.fill("#first_name", "Kai")
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#welcome")
    page.goto(join_url(kiosk_shop))
    page.locator("input[name=form_id]").evaluate(f"el => el.value = '{form_id}'")
    page.fill("#first_name", "Kai")
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#message")
    assert "already sent" in page.inner_text("#message")


def test_without_consent_the_form_comes_back_and_no_card_is_made(kiosk_shop, page):
    page.goto(join_url(kiosk_shop) + "?lang=et")
    page.fill("#first_name", "Mari")
    page.click("#submit")
    page.wait_for_selector(".err")
    assert "nõusoleku" in page.inner_text(".err")
    assert page.input_value("#first_name") == "Mari"
    assert page.locator("#welcome").count() == 0
    page.check("#consent")
    page.click("#submit")
    page.wait_for_selector("#welcome")
