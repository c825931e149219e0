"""Flows: the customer, staff and technician journeys as plain-Python state machines.

Events come in (a scan, a touch, a timer tick, an API answer); an immutable state goes
out to subscribers (the Kivy UI, tests). No Kivy import here, ever.
"""
