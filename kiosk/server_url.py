"""Which loyalty server addresses a kiosk may talk to, decided in one place.

Why: every request carries the device token, and staff mode sends PINs and badges. Over
plain http:// anyone on the shop's LAN or Wi-Fi reads them, so http:// is only for a
server on this very machine (the demo, tests) unless a person writes
`allow_insecure_http = true`, and then every start says so in the log. A URL with a user
or password in it would put a second secret into a config file, logs and error messages:
it is refused, and never repeated back (not even in the refusal).
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: a server on this machine."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def has_credentials(url: str) -> bool:
    """True when the URL carries a user or password (user:pw@host)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "@" in url
    return bool(parts.username or parts.password or "@" in parts.netloc)


def safe_to_show(url: str) -> str:
    """The URL without its user:password part, fit for a message or a log line."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unreadable URL)"
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=host).geturl()


def insecure_http(url: str) -> bool:
    """True for http:// to a host that is not this machine (token and PINs in clear)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "http" and not is_loopback(parts.hostname or "")


def url_problem(url: str, *, allow_insecure_http: bool = False) -> tuple[str, str] | None:
    """(problem, fix) for a server URL the kiosk must not use, or None. Never echoes it."""
    if has_credentials(url):
        return (
            "the URL holds a user name or password (never put secrets in the URL)",
            "remove the 'user:password@' part; the kiosk authenticates with its device token",
        )
    if insecure_http(url) and not allow_insecure_http:
        return (
            "http:// to a server that is not this machine sends the device token and staff "
            "PINs in clear",
            "use https://; only if you accept that risk, set allow_insecure_http = true",
        )
    return None


def warn_if_insecure(url: str, allowed: bool) -> bool:
    """Log the risk on every start while insecure http is allowed; True when it warned."""
    if not (allowed and insecure_http(url)):
        return False
    log.warning(
        "INSECURE: [server] url %s is plain http:// to another machine "
        "(allow_insecure_http = true): the device token and staff PINs cross the network "
        "in clear. Switch the server to https://.",
        safe_to_show(url),
    )
    return True
