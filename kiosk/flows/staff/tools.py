"""Which staff permission shows which tool.

Tool -> the staff permissions (from the server's session) that show it; "*" shows all.
A session without one never sees the button, and the flow refuses the intent too (a forged
touch cannot open it). vouchers:issue is also enforced by the server itself; the counter
tools are the kiosk's own, named in the staff member's permission list. The canonical names
are "area:action" (as the reference server's); the older underscore spellings are accepted.
"""

from __future__ import annotations

TOOL_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "issue_voucher": ("vouchers:issue", "issue_vouchers", "issue_voucher"),
    "reprint": ("coupons:reprint", "reprint_coupons", "reprint"),
    "printer": ("printer:manage", "printer"),
    "day_summary": ("reports:day", "day_summary"),
    "diagnostics": ("diagnostics:open", "diagnostics"),
    "check_voucher": ("vouchers:redeem", "redeem_vouchers"),
    "add_stamps": ("stamps:add", "add_stamps"),
}
ALL_PERMISSIONS = "*"
