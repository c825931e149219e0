"""Reusable Kivy widgets of the kiosk UI."""
