"""Receipt printing: coupon layout, ESC/POS rendering, transports, status, PNG preview."""

from devices.printer.coupon import Coupon

__all__ = ["Coupon"]
