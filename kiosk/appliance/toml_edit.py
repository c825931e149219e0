"""Set a few keys in a TOML file without losing the technician's comments and other keys.

Why not load + dump: tomllib cannot write, and a dump would drop every comment of a
hand-edited /etc/kiosk/kiosk.toml. Provisioning only ever sets simple values (strings,
numbers, booleans) in known sections, so a section-aware line edit is enough: replace
the key's line (also a commented-out `# key = ...` example) or add it under its section.
The result is parsed back with tomllib before it is written, so a broken file never lands.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

Scalar = str | int | float | bool | list[str]

_SECTION = re.compile(r"^\s*\[([A-Za-z0-9_.-]+)\]\s*(#.*)?$")


def toml_value(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def set_keys(text: str, values: dict[str, dict[str, Scalar]]) -> str:
    """Return `text` with each [section] key set to its value."""
    lines = text.splitlines()
    for section, keys in values.items():
        for key, value in keys.items():
            lines = _set_one(lines, section, key, toml_value(value))
    out = "\n".join(lines) + "\n"
    tomllib.loads(out)  # raises on anything we could have broken
    return out


def _set_one(lines: list[str], section: str, key: str, rendered: str) -> list[str]:
    start, end = _section_bounds(lines, section)
    new_line = f"{key} = {rendered}"
    if start is None:
        tail = [""] if lines and lines[-1].strip() else []
        return [*lines, *tail, f"[{section}]", new_line]
    key_re = re.compile(rf"^\s*{re.escape(key)}\s*=")
    commented_re = re.compile(rf"^\s*#\s*{re.escape(key)}\s*=")
    for i in range(start + 1, end):
        if key_re.match(lines[i]):
            return [*lines[:i], new_line, *lines[i + 1 :]]
    for i in range(start + 1, end):
        if commented_re.match(lines[i]):  # keep the commented example, set the key below it
            return [*lines[: i + 1], new_line, *lines[i + 1 :]]
    insert = end
    while insert > start + 1 and not lines[insert - 1].strip():
        insert -= 1
    return [*lines[:insert], new_line, *lines[insert:]]


def _section_bounds(lines: list[str], section: str) -> tuple[int | None, int]:
    start = None
    for i, line in enumerate(lines):
        m = _SECTION.match(line)
        if not m:
            continue
        if start is not None:
            return start, i
        if m.group(1) == section:
            start = i
    return start, len(lines)


def write_atomic(path: Path, text: str, mode: int = 0o644) -> None:
    """Write via a temp file + rename so a power cut leaves the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
