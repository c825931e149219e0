"""Receipt printing: coupon layout, ESC/POS rendering, transports, status, PNG preview.

Entry point: devices.printer.service.PrinterService (imported lazily: importing this
package must stay cheap for modules that only need Coupon).
"""

from devices.printer.coupon import Coupon

__all__ = ["Coupon"]
