"""Where `kiosk run` draws (kiosk/ui/display.py): the unit's explicit driver wins, a desktop
is used as it is, a text console with a DRM card gets KMS like the unit, and anything
else is offscreen and says so."""

from __future__ import annotations

from kiosk.ui.display import choose_video_driver


def test_explicit_driver_from_the_unit_wins():
    env = {"SDL_VIDEODRIVER": "kmsdrm"}
    assert "kmsdrm" in choose_video_driver(env, console=False)
    assert env["SDL_VIDEODRIVER"] == "kmsdrm"


def test_desktop_session_is_left_to_sdl():
    env = {"DISPLAY": ":0"}
    assert "desktop" in choose_video_driver(env, console=True)
    assert "SDL_VIDEODRIVER" not in env


def test_text_console_draws_through_kms_like_the_unit():
    env: dict[str, str] = {}
    assert "KMS/DRM" in choose_video_driver(env, console=True)
    assert env["SDL_VIDEODRIVER"] == "kmsdrm"


def test_no_display_at_all_is_offscreen_and_says_so():
    env: dict[str, str] = {}
    line = choose_video_driver(env, console=False)
    assert env["SDL_VIDEODRIVER"] == "offscreen"
    assert "nothing is shown on any screen" in line and "SDL_VIDEODRIVER=kmsdrm" in line
    assert "nothing is shown" in choose_video_driver({"SDL_VIDEODRIVER": "offscreen"})
