"""One router per area of the contract: devices, cards, vouchers, staff, admin."""
