"""Build the kiosk from settings: client, stamp path, printer, scanner, and one FlowHost
with the modes customer (the base), staff and technician.

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
from kiosk.cli._phone_handlers import PhoneEffects, PhoneKey, phone_handlers
from kiosk.cli._scan_classify import classifier_for
from kiosk.clock import Clock, SystemClock
from kiosk.config import Settings
from kiosk.flows.customer import CloudSettings, CustomerFlow, CustomerSettings, SettingsChanged
from kiosk.flows.runtime import Flow, FlowHost, Handlers
from kiosk.metrics.hooks import counting_scans

if TYPE_CHECKING:
    from concurrent.futures import Executor
    from datetime import tzinfo

    from devices.printer.coupon import Coupon
    from devices.printer.jobs import PrintJob
    from kiosk.api.models import DeviceSettingsFromCloud
    from kiosk.cli._technician_parts import TechnicianMode
    from kiosk.cloud_settings import Effective
    from kiosk.cloud_sync import CloudSync

log = logging.getLogger(__name__)


@dataclass
class Mode:
    """One mode above the customer's: its flow and the handlers of its effects."""

    flow: Flow[Any]
    handlers: Handlers


def kiosk_host(
    settings: Settings,
    customer: Handlers,
    *modes: Mode,
    clock: Clock | None = None,
    executor: Executor | None = None,
    shop_name: str = "",
    tz: tzinfo | None = None,
) -> FlowHost:
    """The kiosk's one host: customer at the base, the given modes (staff, technician)
    opened on top by the flows themselves (OpenMode / CloseMode), one handler set."""
    names = {m.flow.name for m in modes}
    settings_c = CustomerSettings.from_ui(settings.ui, shop_name, staff_mode="staff" in names)
    flows: dict[str, Flow[Any]] = {"customer": CustomerFlow(settings_c, tz)}
    handlers = Handlers().include(customer)
    for mode in modes:
        flows[mode.flow.name] = mode.flow
        handlers.include(mode.handlers)
    return FlowHost(
        flows,
        "customer",
        handlers,
        clock=clock,
        executor=executor,
        classify=counting_scans(classifier_for(settings.scanner)),
    )


@dataclass
class KioskParts:
    settings: Settings
    host: FlowHost
    services: CustomerEffects  # what carries the customer flow's effects out
    stamp_path: Any = None  # kiosk.stamping.Services (outbox, worker, ...)
    printer: Any = None
    scanner: Any = None
    closers: list[Any] = field(default_factory=list)
    technician: TechnicianMode | None = None  # its deps (camera) and outcome (re-pairing)

    scanner_factory: Any = None  # builds the scanner at start(): cv2 loads after the first frame
    phone_key: PhoneKey | None = None  # the shop's key for typed numbers (memory only)
    cloud_sync: CloudSync | None = None  # polls GET /device (poll_cloud_settings)
    local_settings: Settings | None = None  # the file alone (cloud keys revert to it)
    offers: Any = None  # OfferWorker: releases offered in GET /device (made at the first)

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

                self.technician.deps.camera_frame = camera_frame(self.scanner)
        if self.stamp_path is not None:
            threading.Thread(
                target=self.poll_cloud_settings, name="device-settings", daemon=True
            ).start()
        warm = getattr(self.printer, "warm_up", None)
        if warm is not None:
            threading.Thread(target=warm, name="printer-warm-up", daemon=True).start()

    def poll_cloud_settings(self) -> None:
        """GET /device at start, then every [server] settings_poll_s with its ETag (a 304
        while nothing changed); the thread start() runs. Offline? The kiosk works on the
        last good settings."""
        self.load_cloud_settings()
        assert self.cloud_sync is not None
        self.cloud_sync.run(self.settings.server.settings_poll_s, first=False)

    def load_cloud_settings(self) -> None:
        """One poll now (the first reads the whole body): a changed answer refreshes the
        device's cloud data (on_device) and the shop's settings (kiosk/cloud_sync.py),
        applied at once where safe."""
        if self.cloud_sync is None:
            from kiosk.cli._engage_parts import slide_sync
            from kiosk.cloud_sync import CloudSync

            slides = slide_sync(self.settings, self.stamp_path.client)
            self.host.send(slides.from_cache())  # what was cached shows at once, offline too
            self.cloud_sync = CloudSync(
                self.local_settings or self.settings,
                self.stamp_path.client.device_if_changed,
                self.apply_cloud_settings,
                lambda cloud: self.on_device(cloud, slides),
            )
        self.cloud_sync.poll_once()

    def apply_cloud_settings(self, eff: Effective) -> None:
        """The customer flow takes the new settings as an event (no restart); keys that
        need one ([staff], [update], [ui] sound) apply at the next start (doctor says so)."""
        customer = self.host.flows.get("customer")
        old = getattr(customer, "settings", None)
        tuned = CustomerSettings.from_ui(
            eff.settings.ui,
            getattr(old, "shop_name", ""),
            staff_mode=getattr(old, "staff_mode", False),
        )
        self.host.send_to("customer", SettingsChanged(tuned))

    def on_device(self, cloud: DeviceSettingsFromCloud, slides: Any) -> None:
        """The program's cooldown lets an offline kiosk say "already stamped" itself
        instead of queueing a stamp the cloud would refuse; join page, phone key, slides
        and the shop's look come along."""
        self.stamp_path.stamps.cooldown_hint_s = float(cloud.cooldown_seconds) or None
        # the join page's QR for new customers (attract, "not a card of this shop")
        self.host.send_to("customer", CloudSettings(cloud.join_url))
        if self.phone_key is not None:
            self.phone_key.set(cloud.phone_key)
        self.host.send(slides.from_cloud(cloud.slides))
        from kiosk.cli._engage_parts import refresh_look

        refresh_look(self.settings, self.stamp_path.client, cloud.branding)
        self.offer_release(cloud)

    def offer_release(self, cloud: DeviceSettingsFromCloud) -> None:
        """A release the cloud offers goes to its own thread (download, verify, pending;
        kiosk/appliance/updates/offer.py): never on this one, never in a scan's way."""
        if self.offers is None:
            from kiosk.appliance.updates.offer import OfferWorker, offers_of

            self.offers = OfferWorker(offers_of(self.local_settings or self.settings))
        self.offers.offer(cloud.release)

    def close(self) -> None:
        if self.scanner is not None:
            self.scanner.stop()
        if self.cloud_sync is not None:
            self.cloud_sync.stop()
        if self.offers is not None:
            self.offers.stop()
        self.host.shutdown()
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
    from kiosk.cloud_settings import with_last_good
    from kiosk.stamping import open_services

    local, settings = settings, with_last_good(settings).settings  # + last good cloud set
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
        spins=_spins(settings, stamp_path),
        speaker=_speaker(settings),
    )
    tech = _technician(settings, config_path, printer)
    staff = _staff(settings, stamp_path.client, printer, shop_name, diagnostics=tech is not None)
    modes: list[Mode] = []
    if staff is not None:  # the technician opens only from staff mode's Diagnostics
        modes = [staff] if tech is None else [staff, tech]
    phone_key = PhoneKey()
    phones = PhoneEffects(phone_key, stamp_path.client, stamp_path.stamps)
    customer = customer_handlers(services).include(phone_handlers(phones))
    host = kiosk_host(settings, customer, *modes, clock=clock, shop_name=shop_name)
    parts = KioskParts(settings, host, services, stamp_path, printer, technician=tech)
    parts.phone_key = phone_key
    parts.local_settings = local
    parts.scanner_factory = lambda: _scanner(settings, host, frame_source, use_config_sources)
    return parts


def _speaker(settings: Settings) -> Any:
    """The accessibility mode's speech (espeak-ng); its WAV cache in the state directory."""
    from kiosk.speech import Speaker, Synth

    return Speaker(Synth(Path(settings.device.state_dir) / "speech"))


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


def _spins(settings: Settings, stamp_path: Any) -> Any:
    """Lottery spins the sync worker delivered while the customer was told "waiting"."""
    try:
        from kiosk.spins import SpinBox

        spins = SpinBox(Path(settings.device.state_dir))
    except Exception as exc:  # noqa: BLE001 - a missed spin replay never costs a stamp
        log.warning("waiting spins not available: %s", exc)
        return None
    stamp_path.worker.add_listener(spins.on_attempt)
    return spins


def _technician(
    settings: Settings, config_path: Path | None, printer: Any
) -> TechnicianMode | None:
    """The technician mode, or None when [technician] pin_sha256 is empty."""
    if not settings.technician.pin_sha256:
        return None
    try:
        from kiosk.cli._technician_parts import build_technician

        return build_technician(settings, config_path=config_path, printer=printer)
    except Exception as exc:  # noqa: BLE001 - customers are served without it
        log.warning("technician screen not available: %s", exc)
        return None


def _staff(
    settings: Settings, client: Any, printer: Any, shop: str, *, diagnostics: bool
) -> Mode | None:
    """Staff mode, with "Diagnostics" (the technician mode) when there is one."""
    try:
        from kiosk.cli._staff_parts import staff_mode

        return staff_mode(client, printer, settings, shop_name=shop, diagnostics=diagnostics)
    except Exception as exc:  # noqa: BLE001 - customers are served without staff mode
        log.warning("staff mode not available: %s", exc)
        return None


def _scanner(settings: Settings, host: FlowHost, source: Any, config: bool) -> Any:
    try:
        from devices.scanner.manager import ScannerManager

        return ScannerManager(
            settings.scanner,
            host.on_scan_event,
            frame_source=source,
            use_config_sources=config,
            camera_source=settings.camera.source,
        )
    except Exception as exc:  # noqa: BLE001 - shown on the technician screen / doctor
        log.warning("scanner not available: %s", exc)
        return None
