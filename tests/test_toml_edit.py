"""Provisioning edits keys in place: comments and other keys survive."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from kiosk.config import load_settings
from kiosk.files.toml_edit import set_keys

EXAMPLE = Path(__file__).resolve().parents[1] / "config" / "kiosk.example.toml"


def test_sets_keys_in_the_example_and_keeps_its_comments(tmp_path):
    text = EXAMPLE.read_text()
    out = set_keys(
        text,
        {
            "device": {"name": "counter-1", "token_file": "/etc/kiosk/device.token"},
            "server": {"url": "https://loyalty.example.com"},
        },
    )
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(out)
    s = load_settings(cfg, environ={})
    assert s.device.name == "counter-1"
    assert str(s.device.token_path) == "/etc/kiosk/device.token"
    assert s.server.url == "https://loyalty.example.com"
    assert s.printer.uri == "preview:/var/lib/kiosk/prints"  # untouched
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert all(c in out for c in comments)


def test_adds_missing_sections_and_escapes_strings():
    out = set_keys(
        '# hand written\n[ui]\nlanguage = "et"\n', {"device": {"name": 'a "quoted" name'}}
    )
    assert out.startswith('# hand written\n[ui]\nlanguage = "et"\n')
    assert '[device]\nname = "a \\"quoted\\" name"' in out


def test_replaces_only_inside_the_right_section():
    text = '[server]\nurl = "http://old"\n[printer]\nurl_note = 1\n'
    out = set_keys(text, {"server": {"url": "https://new.example"}})
    assert 'url = "https://new.example"' in out and "url_note = 1" in out
    assert "http://old" not in out


def test_refuses_to_produce_broken_toml():
    with pytest.raises(Exception):  # noqa: B017 - any parse error; the point is: nothing written
        set_keys("[device\n", {"device": {"name": "x"}})


def test_example_file_still_copyable(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "k.toml")
    assert load_settings(tmp_path / "k.toml", environ={}).device.user == "kiosk"


def test_edits_the_real_key_not_a_look_alike_line():
    """The hand-written line edit this replaced changed the wrong place: a `url = ` line
    inside a multi-line string, and one under a [[table]] header it did not know, both
    looked like [server] url to it. It rewrote the string and left the real key as it was."""
    text = (
        "[server]\n"
        'note = """\n'
        'url = "http://inside-a-string"\n'
        '"""\n'
        "[[server.mirrors]]\n"
        'url = "http://a-mirror"\n'
    )
    out = set_keys(text, {"server": {"url": "https://new.example"}})
    parsed = tomllib.loads(out)
    assert parsed["server"]["url"] == "https://new.example"
    assert parsed["server"]["note"] == 'url = "http://inside-a-string"\n'
    assert parsed["server"]["mirrors"] == [{"url": "http://a-mirror"}]
    assert out.startswith(text.split("[[")[0])  # the string and the header untouched


def test_dotted_sections_and_a_key_that_is_no_table():
    out = set_keys("[a]\nx = 1\n", {"a.b": {"y": 2}})
    assert tomllib.loads(out) == {"a": {"x": 1, "b": {"y": 2}}}
    with pytest.raises(ValueError, match=r"\[a.x\] is not a table"):
        set_keys("[a]\nx = 1\n", {"a.x": {"y": 2}})
