"""The few fixed words printed on a coupon, per language (en, et, ko, zh).

WHY here and not in kiosk/i18n: devices/ must not depend on the app layer, and a coupon's
language is the voucher's, not the screen's.
"""

from __future__ import annotations

from datetime import date

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "valid_until": "Valid until {date}",
        "no_expiry": "No expiry",
        "code": "Code: {code}",
        "voucher": "Voucher {id}",
        "issued": "Issued {when}",
        "staff_copy": "*** STAFF COPY ***",
        "reprint": "*** REPRINT ***",
    },
    "et": {
        "valid_until": "Kehtib kuni {date}",
        "no_expiry": "Tähtajatu",
        "code": "Kood: {code}",
        "voucher": "Kupong {id}",
        "issued": "Väljastatud {when}",
        "staff_copy": "*** TÖÖTAJA KOOPIA ***",
        "reprint": "*** KORDUSTRÜKK ***",
    },
    "ko": {
        "valid_until": "유효기간: {date}까지",
        "no_expiry": "유효기간 없음",
        "code": "코드: {code}",
        "voucher": "쿠폰 {id}",
        "issued": "발행 {when}",
        "staff_copy": "*** 직원용 사본 ***",
        "reprint": "*** 재인쇄 ***",
    },
    "zh": {
        "valid_until": "有效期至 {date}",
        "no_expiry": "无有效期限制",
        "code": "兑换码: {code}",
        "voucher": "优惠券 {id}",
        "issued": "发放时间 {when}",
        "staff_copy": "*** 员工联 ***",
        "reprint": "*** 重新打印 ***",
    },
}
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def label(key: str, language: str, **kw: str) -> str:
    table = LABELS.get(language, LABELS["en"])
    return table.get(key, LABELS["en"][key]).format(**kw)


def format_date(d: date, language: str) -> str:
    """31 Dec 2026 / 31.12.2026 / 2026년 12월 31일 / 2026年12月31日."""
    if language == "et":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if language == "ko":
        return f"{d.year}년 {d.month}월 {d.day}일"
    if language == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
