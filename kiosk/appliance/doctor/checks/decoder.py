"""The barcode decoders load (zxing-cpp; pyzbar needs libzbar0) and read a test code."""

from __future__ import annotations

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red, yellow
from kiosk.appliance.doctor.base_optional import load

NAME = "decoder"
ORDER = 75
REQUIRED = True
TEST_TEXT = "KIOSK-DOCTOR-TEST-1234"


def check(ctx: DoctorContext) -> CheckResult:
    assert ctx.settings is not None
    decoders = load("devices.scanner.decoders")
    if isinstance(decoders, CheckResult):
        return decoders
    zx_ok, zx_why = decoders.ZxingDecoder().usable()
    if not zx_ok:
        return red(
            f"zxing-cpp unusable: {zx_why}",
            "pip install zxing-cpp (it alone reads the Aztec and PDF417 of wallet passes)",
        )
    decoded = _test_decode(ctx)
    if isinstance(decoded, CheckResult):
        return decoded
    zb_ok, zb_why = decoders.PyzbarDecoder().usable()
    if not zb_ok:
        return yellow(
            f"zxing-cpp OK ({decoded}); second backend pyzbar unusable: {zb_why}",
            "sudo apt-get install libzbar0",
        )
    return green(f"zxing-cpp and pyzbar usable; {decoded}")


def _test_decode(ctx: DoctorContext) -> str | CheckResult:
    """Decode a generated QR through the same pipeline the kiosk uses."""
    synth = load("devices.scanner.synth")
    manager = load("devices.scanner.manager")
    if isinstance(synth, CheckResult) or isinstance(manager, CheckResult):
        return "test decode not available in this build"
    assert ctx.settings is not None  # NEEDS_SETTINGS: the runner checks it first
    image = synth.phone_image(TEST_TEXT, "qr")
    reads = manager.pipeline_for(ctx.settings.scanner).decode(image)
    if not any(r.text == TEST_TEXT for r in reads):
        return red(
            "the decoder did not read a clean test QR code",
            "reinstall the kiosk software (pip install --force-reinstall zxing-cpp)",
        )
    return "test QR decoded"
