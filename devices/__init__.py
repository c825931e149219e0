"""Hardware behind small interfaces: scanners (camera, serial, HID) and receipt printers.

Nothing here imports Kivy or speaks HTTP; every device has a fake at its own boundary
(a video file, a pty, a TCP socket on 127.0.0.1) for tests and the demo.
"""
