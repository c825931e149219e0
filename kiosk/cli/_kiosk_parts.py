"""Build the kiosk from settings: client, stamp path, printer, staff mode, scanner, controller.

Shared by `kiosk run` (the appliance) and `kiosk demo` so both run the very same parts.
Every optional piece degrades to "not there" with a log line instead of stopping the kiosk.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli._customer_handlers import CustomerEffects, customer_handlers
from kiosk.clock import Clock, SystemClock
from kiosk.config import Settings
from kiosk.flows.controller import KioskController

if TYPE_CHECKING:
    from devices.printer.coupon import Coupon
    from devices.printer.jobs import PrintJob

log = logging.getLogger(__name__)


@dataclass
class KioskParts:
    settings: Settings
    controller: KioskController
    services: CustomerEffects  # what carries the customer flow's effects out
    stamp_path: Any = None  # kiosk.stamping.Services (outbox, worker, ...)
    printer: Any = None
    scanner: Any = None
    closers: list[Any] = field(default_factory=list)
    technician: Any = None  # kiosk.flows.technician.TechnicianFace, opened from staff mode

    scanner_factory: Any = None  # builds the scanner at start(): cv2 loads after the first frame

    def start(self) -> None:
        """Start the background parts; call after the first frame so the screen comes first."""
        if self.stamp_path is not None:
            self.stamp_path.worker.start()
        if self.scanner is None and self.scanner_factory is not None:
            self.scanner = self.scanner_factory()
        if self.scanner is not None:
            self.scanner.start()
            if self.technician is not None:  # the live camera view on the technician screen
                from kiosk.cli._technician_parts import camera_frame

                self.technician.attach_camera(camera_frame(self.scanner))
        if self.stamp_path is not None:
            threading.Thread(
                target=self.load_cloud_settings, name="device-settings", daemon=True
            ).start()
        warm = getattr(self.printer, "warm_up", None)
        if warm is not None:
            threading.Thread(target=warm, name="printer-warm-up", daemon=True).start()

    def load_cloud_settings(self) -> None:
        """GET /device once: the program's cooldown lets an offline kiosk say "already
        stamped" itself instead of queueing a stamp the cloud would refuse. Offline now?
        The kiosk works without it."""
        try:
            cloud = self.stamp_path.client.device()
        except Exception as exc:  # noqa: BLE001 - offline at start is normal
            log.info("device settings not loaded (%s); cooldown known only to the cloud", exc)
            return
        self.stamp_path.stamps.cooldown_hint_s = float(cloud.cooldown_seconds) or None

    def close(self) -> None:
        if self.scanner is not None:
            self.scanner.stop()
        self.controller.shutdown()
        if self.technician is not None:
            self.technician.shutdown()
        if self.stamp_path is not None:
            self.stamp_path.close()


def build_kiosk(
    settings: Settings,
    *,
    clock: Clock | None = None,
    shop_name: str = "",
    frame_source: Any = None,
    use_config_sources: bool = True,
    config_path: Path | None = None,
) -> KioskParts:
    """Open everything; raises kiosk.stamping.NotPaired when there is no device token."""
    from kiosk.stamping import open_services

    clock = clock or SystemClock()
    stamp_path = open_services(settings, clock)
    printer = LazyPrinter(settings)
    services = CustomerEffects(
        stamp_path.stamps,
        stamp_path.redeems,
        stamp_path.client,
        printer,
        shop_name=shop_name,
        footer=settings.printer.footer,
        day_log=_day_log(settings),
    )
    ref: dict[str, KioskController] = {}

    def customer_lang() -> str:  # staff screens speak the customer's current language
        ctl = ref.get("controller")
        return ctl.customer.lang if ctl is not None else settings.ui.language

    tech = _technician(settings, config_path, printer, clock)
    staff = _staff(settings, stamp_path.client, printer, clock, shop_name, customer_lang, tech)
    controller = KioskController(
        settings, customer_handlers(services), clock=clock, staff_flow=staff, shop_name=shop_name
    )
    ref["controller"] = controller
    parts = KioskParts(settings, controller, services, stamp_path, printer, technician=tech)
    parts.scanner_factory = lambda: _scanner(settings, controller, frame_source, use_config_sources)
    return parts


class LazyPrinter:
    """The PrinterService, built on first use (python-escpos takes ~0.4 s to import).

    Why: cold start to the attract screen matters more than the first coupon; start()
    warms it up in the background right after the first frame.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._service: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> Any:
        with self._lock:
            if self._service is None:
                from devices.printer.service import PrinterService

                self._service = PrinterService(
                    self._settings.printer, Path(self._settings.device.state_dir)
                )
            return self._service

    def submit(self, coupon: Coupon) -> PrintJob:
        """Print a coupon (the customer's handler types against this)."""
        return self.warm_up().submit(coupon)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.warm_up(), name)


def _day_log(settings: Settings) -> Any:
    """The local day log (staff's day summary counts online redemptions from it)."""
    try:
        from kiosk.day_summary import DayLog

        return DayLog(Path(settings.device.state_dir))
    except Exception as exc:  # noqa: BLE001 - the summary is a nicety, stamps are not
        log.warning("day log not available: %s", exc)
        return None


def _technician(settings: Settings, config_path: Path | None, printer: Any, clock: Clock) -> Any:
    """The technician screen's flow, or None when [technician] pin_sha256 is empty."""
    if not settings.technician.pin_sha256:
        return None
    try:
        from kiosk.cli._technician_parts import build_technician

        return build_technician(settings, config_path=config_path, printer=printer, clock=clock)
    except Exception as exc:  # noqa: BLE001 - customers are served without it
        log.warning("technician screen not available: %s", exc)
        return None


def _staff(
    settings: Settings,
    client: Any,
    printer: Any,
    clock: Clock,
    shop: str,
    lang: Any,
    tech: Any = None,
) -> Any:
    """Staff mode, with the technician screen behind its Diagnostics button when there is one."""
    try:
        from kiosk.cli._staff_parts import build_staff

        staff = build_staff(
            client,
            printer,
            settings,
            clock,
            shop_name=shop,
            lang_source=lang,
            open_diagnostics=tech.open if tech is not None else None,
        )
    except Exception as exc:  # noqa: BLE001 - customers are served without staff mode
        log.warning("staff mode not available: %s", exc)
        return None
    if tech is None:
        return staff
    from kiosk.flows.technician import WithTechnician

    return WithTechnician(staff, tech)


def _scanner(settings: Settings, controller: KioskController, source: Any, config: bool) -> Any:
    try:
        from devices.scanner.manager import ScannerManager

        return ScannerManager(
            settings.scanner,
            controller.on_scan_event,
            frame_source=source,
            use_config_sources=config,
            camera_source=settings.camera.source,
        )
    except Exception as exc:  # noqa: BLE001 - shown on the technician screen / doctor
        log.warning("scanner not available: %s", exc)
        return None
