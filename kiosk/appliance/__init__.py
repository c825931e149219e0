"""The appliance: what turns the app into a self-healing kiosk under systemd.

sd_notify (readiness, watchdog from the UI loop, status), journal-friendly logging with
secret redaction, the device token file, pairing (provisioning), the heartbeat thread and
the `doctor` checks. Nothing here imports Kivy; the UI calls in (Notifier, LoopWatchdog).
"""
