"""`Frozen`: the base that makes every event and effect a frozen dataclass by inheritance.

Why a base, not a decorator on each class: the flows declare some 140 events and effects,
most a name and a docstring. `@dataclass(frozen=True)` above every one of them was a third
of those files, and a class that forgot it was mutable and compared by identity, which
breaks transcript tests silently. Deriving from `Event` or `Effect` now does it, always.

`dataclass_transform` (PEP 681) tells pyright the same, so fields, `__init__` and frozen
assignment are still checked statically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, dataclass_transform


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class Frozen:
    """Every subclass is processed by `dataclass(frozen=True)` when it is defined."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True)(cls)
