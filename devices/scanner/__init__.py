"""Scanning: frame sources, decoders, line scanners, debounce -> ScanEvent."""

from devices.scanner.events import ScanEvent

__all__ = ["ScanEvent"]
