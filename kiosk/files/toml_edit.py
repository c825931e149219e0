"""Set a few keys in a TOML file without losing the technician's comments and other keys.

Why tomlkit and not a line edit: a hand-written, line-based edit once changed the wrong
place of a config: a `url = ...` line inside a multi-line string, or under a `[[table]]`
header it did not know, looked like the key it was asked to set. tomlkit parses the whole
document, edits the real key and writes everything else back byte for byte. The result is
parsed again with tomllib before it is returned, so a broken file never lands.
"""

from __future__ import annotations

import tomllib

import tomlkit
from tomlkit.items import Table

Scalar = str | int | float | bool | list[str]


def set_keys(text: str, values: dict[str, dict[str, Scalar]]) -> str:
    """Return `text` with each [section] key set to its value (sections may be dotted)."""
    doc = tomlkit.parse(text)
    for section, keys in values.items():
        table = _table(doc, section)
        for key, value in keys.items():
            table[key] = value
    out = tomlkit.dumps(doc)
    tomllib.loads(out)  # raises on anything we could have broken
    return out


def _table(doc: tomlkit.TOMLDocument, section: str) -> Table:
    """The table named `section` ("a.b" is [a.b]), made (at the end) when missing."""
    parent: tomlkit.TOMLDocument | Table = doc
    for part in section.split("."):
        found = parent.get(part)
        if found is None:
            found = tomlkit.table()
            parent.add(part, found)
        if not isinstance(found, Table):
            raise ValueError(f"[{section}] is not a table in this file (key {part!r})")
        parent = found
    if not isinstance(parent, Table):
        raise ValueError(f"[{section}] is not a table")
    return parent
