"""Stamp Kiosk: the software of a self-service loyalty kiosk.

Layers (see docs/ARCHITECTURE in shared design): devices -> flows -> ui, with the
API client (kiosk.api) and the durable outbox (kiosk.outbox) beside the flows.
Nothing below kiosk.ui imports Kivy; only kiosk.api speaks HTTP.
"""

__version__ = "0.2.0"  # the one place: pyproject, the .deb and `kiosk --version` read it
