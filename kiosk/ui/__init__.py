"""The Kivy UI: renders the host's current ViewState and sends touches back as intents.

Only this package imports Kivy. Screens live one per module in kiosk/ui/screens/ and are
discovered by kiosk.ui.app, so staff and technician screens plug in without edits here.
"""
