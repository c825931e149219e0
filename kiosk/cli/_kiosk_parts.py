"""Build the kiosk from settings: client, stamp path, printer, staff mode, scanner, controller.

Shared by `kiosk run` (the appliance) and `kiosk demo` so both run the very same parts.
Every optional piece degrades to "not there" with a log line instead of stopping the kiosk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config import Settings
from kiosk.flows.base import Clock, SystemClock
from kiosk.flows.controller import ClientServices, KioskController, load_staff_flow_class

log = logging.getLogger(__name__)


@dataclass
class KioskParts:
    settings: Settings
    controller: KioskController
    services: ClientServices
    stamp_path: Any = None  # kiosk.stamping.Services (outbox, worker, ...)
    printer: Any = None
    scanner: Any = None
    closers: list[Any] = field(default_factory=list)

    def start(self) -> None:
        if self.stamp_path is not None:
            self.stamp_path.worker.start()
        if self.scanner is not None:
            self.scanner.start()

    def close(self) -> None:
        if self.scanner is not None:
            self.scanner.stop()
        self.controller.shutdown()
        if self.stamp_path is not None:
            self.stamp_path.close()


def build_kiosk(
    settings: Settings,
    *,
    clock: Clock | None = None,
    shop_name: str = "",
    frame_source: Any = None,
    use_config_sources: bool = True,
) -> KioskParts:
    """Open everything; raises kiosk.stamping.NotPaired when there is no device token."""
    from kiosk.stamping import open_services

    clock = clock or SystemClock()
    stamp_path = open_services(settings, clock)
    printer = _printer(settings)
    services = ClientServices(
        stamp_path.client,
        stamp_service=stamp_path.stamps,
        redeem_service=stamp_path.redeems,
        printer=printer,
        shop_name=shop_name,
        footer=settings.printer.footer,
    )
    staff = _staff(settings, stamp_path.client, printer, clock, shop_name)
    controller = KioskController(
        settings, services, clock=clock, staff_flow=staff, shop_name=shop_name
    )
    scanner = _scanner(settings, controller, frame_source, use_config_sources)
    return KioskParts(settings, controller, services, stamp_path, printer, scanner)


def _printer(settings: Settings) -> Any:
    try:
        from devices.printer.service import PrinterService

        return PrinterService(settings.printer, Path(settings.device.state_dir))
    except Exception as exc:  # noqa: BLE001 - the kiosk still stamps without a printer
        log.warning("printer not available: %s", exc)
        return None


def _staff(settings: Settings, client: Any, printer: Any, clock: Clock, shop: str) -> Any:
    cls = load_staff_flow_class()
    if cls is None:
        return None
    try:
        return cls(client, printer, settings, clock, shop_name=shop)
    except Exception as exc:  # noqa: BLE001 - customers are served without staff mode
        log.warning("staff mode not available: %s", exc)
        return None


def _scanner(settings: Settings, controller: KioskController, source: Any, config: bool) -> Any:
    try:
        from devices.scanner.manager import ScannerManager

        return ScannerManager(
            settings.scanner,
            controller.on_scan_event,
            frame_source=source,
            use_config_sources=config,
        )
    except Exception as exc:  # noqa: BLE001 - shown on the technician screen / doctor
        log.warning("scanner not available: %s", exc)
        return None
