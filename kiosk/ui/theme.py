"""The one palette and the one scaling rule; the customer and the staff look are two themes.

Why themes as data: every screen (customer, staff, technician) is drawn by the same kit; what
differs is colours and how big a size number is, so a screen names its `theme` (a class
attribute) and nothing else differs. Plain values, no Kivy: tests check them without a window.

Why one unit `u` = min(width, height) / 480: the same layout must work from an 800x480
7-inch panel to a 1920x1080 screen in both orientations. A size number `n` of a theme is
`n * theme.scale * u` pixels. The customer screens were drawn at u = 1 (scale 1); the staff
screens were drawn for the 10" 1280x800 panel, where u = 800/480, so their scale is 480/800.

Touch targets: at u = 1 (800x480 on a 7" panel, ~133 px per inch) 9 mm is 47 px. A customer
button is 64 * 1 * u px (~12 mm); a staff button is 88 * 0.6 * u px (~10 mm). Contrast: text,
muted text and button labels are >= 7:1 on what they are drawn on (readable from 1 m);
tests/ui/test_theme.py measures both themes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

RGBA = tuple[float, float, float, float]

MIN_TOUCH_MM = 9.0
MIN_TARGET_PX_AT_U1 = 47  # 9 mm at ~133 px per inch (7" 800x480)


@dataclass(frozen=True)
class Theme:
    """Colours (RGBA, 0..1) and sizes of one look."""

    name: str
    bg: RGBA  # the screen
    panel: RGBA  # boxes on the screen
    text: RGBA
    muted: RGBA  # secondary text, still readable from 1 m
    accent: RGBA  # titles, and the fill of the one main button of a screen
    accent_text: RGBA  # a label on an accent fill
    good: RGBA  # success words
    warn: RGBA  # a warning the customer can act on
    error: RGBA  # staff: what went wrong
    empty: RGBA  # an empty stamp slot
    key: RGBA  # the fill of a plain staff button (its label: `text`)
    selected: RGBA  # the fill of the chosen or the primary button
    selected_text: RGBA  # a label on the selected fill
    danger: RGBA  # the fill of Exit / Close (label: `text`)
    scale: float  # pixels per size number at u = 1
    button_h: float  # a touch target's height, in size numbers

    def px(self, value: float, u: float) -> float:
        """A size number of this theme, in pixels at unit `u`."""
        return value * self.scale * u

    def label_on(self, fill: tuple[float, ...]) -> RGBA:
        """The label colour for a button of this fill (`text` unless the fill is listed)."""
        return next((text for f, text in self.fills().values() if f == tuple(fill)), self.text)

    def fills(self) -> dict[str, tuple[RGBA, RGBA]]:
        """Every button fill with the colour of its label (the contrast test reads these)."""
        return {
            "accent": (self.accent, self.accent_text),
            "key": (self.key, self.text),
            "selected": (self.selected, self.selected_text),
            "danger": (self.danger, self.text),
        }


CUSTOMER = Theme(
    name="customer",
    bg=(0.11, 0.09, 0.08, 1),  # espresso
    panel=(0.19, 0.16, 0.14, 1),
    text=(1.0, 0.97, 0.92, 1),  # cream; contrast with bg ~ 16:1
    muted=(0.85, 0.80, 0.74, 1),  # still ~11:1 on bg
    accent=(0.96, 0.65, 0.25, 1),  # amber; dark text on it ~ 9:1
    accent_text=(0.11, 0.09, 0.08, 1),
    good=(0.45, 0.80, 0.50, 1),
    warn=(0.98, 0.78, 0.35, 1),
    error=(0.98, 0.78, 0.35, 1),  # customers see a warning, never an alarm
    empty=(0.32, 0.28, 0.25, 1),
    key=(0.19, 0.16, 0.14, 1),  # the quiet button: the panel colour
    selected=(0.96, 0.65, 0.25, 1),  # the chosen language: the accent
    selected_text=(0.11, 0.09, 0.08, 1),
    danger=(0.19, 0.16, 0.14, 1),
    scale=1.0,
    button_h=64,
)

STAFF = Theme(
    name="staff",
    bg=(0.11, 0.12, 0.14, 1),  # cooler than the customer's espresso
    panel=(0.17, 0.18, 0.21, 1),
    text=(0.95, 0.95, 0.95, 1),
    muted=(0.7, 0.72, 0.76, 1),
    accent=(0.97, 0.6, 0.2, 1),  # orange: never mistaken for the customer screens; was
    # (0.95, 0.55, 0.15) with two darker oranges for its main buttons, white on them 3.7:1
    accent_text=(0.11, 0.12, 0.14, 1),
    good=(0.45, 0.85, 0.5, 1),
    warn=(0.98, 0.8, 0.3, 1),
    error=(1.0, 0.42, 0.38, 1),
    empty=(0.28, 0.3, 0.35, 1),
    key=(0.28, 0.3, 0.35, 1),
    selected=(0.13, 0.3, 0.58, 1),  # blue; was (0.2, 0.45, 0.8): white on it only 4.2:1
    selected_text=(0.95, 0.95, 0.95, 1),
    danger=(0.55, 0.2, 0.2, 1),
    scale=480 / 800,  # drawn for 1280x800
    button_h=88,
)

# The technician's blue: never mistaken for staff (orange) or customers. Only the accent
# differs, so the kit's STAFF defaults (sizes, fills) draw the technician screens too.
TECHNICIAN = replace(STAFF, name="technician", accent=(0.4, 0.7, 0.98, 1))  # was 0.35/0.65/0.95

THEMES = (CUSTOMER, STAFF, TECHNICIAN)


def unit(width: float, height: float) -> float:
    """The one scaling rule: `u` for a window of this size (1 on a 800x480 panel)."""
    return max(0.5, min(width, height) / 480.0)


# The accessibility mode's high-contrast look (#17): every text >= 7:1 on what it is drawn on,
# most far above (white or yellow on black). Colours are data: the customer screens keep
# their layout and .kv colours; kiosk/ui/access_look.py swaps each CUSTOMER colour for its
# HIGH_CONTRAST counterpart (HIGH_CONTRAST_MAP) and back, so one map covers every screen.
HIGH_CONTRAST = Theme(
    name="high_contrast",
    bg=(0.0, 0.0, 0.0, 1),
    panel=(0.16, 0.16, 0.16, 1),  # white on it ~ 15:1; a button still shows as a box
    text=(1.0, 1.0, 1.0, 1),
    muted=(0.96, 0.96, 0.96, 1),  # no greyed text in high contrast
    accent=(1.0, 0.87, 0.0, 1),  # yellow; black on it ~ 15:1
    accent_text=(0.0, 0.0, 0.0, 1),
    good=(0.55, 1.0, 0.55, 1),
    warn=(1.0, 0.93, 0.45, 1),
    error=(1.0, 0.93, 0.45, 1),
    empty=(0.42, 0.42, 0.42, 1),
    key=(0.16, 0.16, 0.16, 1),
    selected=(1.0, 0.87, 0.0, 1),
    selected_text=(0.0, 0.0, 0.0, 1),
    danger=(0.16, 0.16, 0.16, 1),
    scale=1.0,
    button_h=64,
)

LARGE_TEXT_SCALE = 2.0  # the mode's large text: every size number twice (>= 200 %)
FOCUS_RING = (1.0, 0.87, 0.0, 1)  # the keypad's focus ring: yellow, with a black edge
FOCUS_EDGE = (0.0, 0.0, 0.0, 1)


def _roles(look: Theme) -> dict[str, RGBA]:
    return {k: v for k, v in vars(look).items() if isinstance(v, tuple)}


def colour_map(src: Theme, dst: Theme) -> dict[RGBA, RGBA]:
    """Each colour of `src` to the colour of the same role in `dst` (roles that share a
    colour in `src` must share one in `dst` too: tests/ui/test_theme.py checks it)."""
    dst_roles = _roles(dst)
    return {colour: dst_roles[role] for role, colour in _roles(src).items()}


HIGH_CONTRAST_MAP = colour_map(CUSTOMER, HIGH_CONTRAST)
NORMAL_MAP = colour_map(HIGH_CONTRAST, CUSTOMER)
