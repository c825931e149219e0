"""The Kivy UI: renders the controller's current ViewState and forwards touches.

Only this package imports Kivy. Screens live one per module in kiosk/ui/screens/ and are
discovered by kiosk.ui.app, so staff and technician screens plug in without edits here.
"""
