"""The loyalty server answers, and how fast."""

from __future__ import annotations

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red, yellow

NAME = "server"
ORDER = 30
REQUIRED = True
SLOW_MS = 1000  # the customer sees "saved" after ~1.5 s; a server this slow will show it often


def check(ctx: DoctorContext) -> CheckResult:
    assert ctx.settings is not None
    # which rule chose the server (kiosk.toml, environment, paired by scan, default)
    url = f"{ctx.settings.server.url} (from {ctx.settings.server_source})"
    probe = ctx.cloud_probe()
    if not probe.reachable:
        detail = str(probe.error) if probe.error else "no answer"
        fix = "check the network (cable/Wi-Fi, DNS) and [server] url in the config"
        if "TLS" in detail:
            fix = "check the clock (timedatectl) and [server] verify_tls / ca_bundle"
        return red(f"{url} unreachable: {detail}", fix)
    if probe.latency_ms > SLOW_MS:
        return yellow(
            f"{url} reachable but slow: {probe.latency_ms} ms",
            "check the network quality (Wi-Fi signal); stamps still work, offline-queued",
        )
    return green(f"{url} reachable in {probe.latency_ms} ms")
