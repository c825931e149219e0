"""One module per screen. Each exposes a kivy Screen subclass with a `name` and `show(state)`.

kiosk.ui.app discovers every public module here (names starting with "_" are helpers),
instantiates each Screen subclass defined in it with no arguments, and shows the screen
whose `name` equals the published state's `screen`. A class attribute `screen_name` (the
same as `name`) lets the app build that screen only when it is first shown; a class
without one is built at start. Touches go to the host as intents with
`App.get_running_app().host.send(intent)` (KioskScreen.send does that).
"""
