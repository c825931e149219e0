"""Fixtures for printing tests: emulators, settings, coupons in four languages."""

from __future__ import annotations

from datetime import datetime

import pytest

from devices.printer.coupon import Coupon
from kiosk.config import PrinterSection
from tests.printer.emulator import PtyPrinter, TcpPrinter


@pytest.fixture
def tcp_printer():
    p = TcpPrinter()
    yield p
    p.close()


@pytest.fixture
def pty_printer():
    p = PtyPrinter()
    yield p
    p.close()


def settings(uri: str, **kw) -> PrinterSection:
    base = {"uri": uri, "timeout_s": 2.0, "retries": 1}
    return PrinterSection(**(base | kw))


COUPONS = {
    "en": Coupon(
        title="Free coffee",
        shop_name="Corner Cafe",
        description="Any size, any milk. One per visit.",
        redeem_code="CAFE-2026-XK4",
        valid_until="2026-12-31",
        voucher_id="v_1001",
        issued_at=datetime(2026, 11, 29, 9, 30),
        footer="Thank you!",
    ),
    "et": Coupon(
        title="Tasuta kohv ja šokolaad",
        shop_name="Kohvik Õunapuu",
        description="Kehtib kõikidele jookidele. Üks külastuse kohta; žetoon ei ole vahetatav.",
        redeem_code="EST-7781",
        valid_until="2026-12-31",
        language="et",
    ),
    "ko": Coupon(
        title="무료 아메리카노 한 잔",
        shop_name="서울 카페",
        description="모든 사이즈 가능합니다. 다른 할인과 중복 불가.",
        redeem_code="KOR-5521",
        valid_until="2027-03-01",
        language="ko",
    ),
    "zh": Coupon(
        title="免费咖啡一杯",
        shop_name="上海咖啡馆",
        description="适用于所有尺寸，每次光临限用一张，不可与其他优惠同时使用。",
        redeem_code="ZH-88990",
        valid_until=None,
        language="zh",
    ),
}
