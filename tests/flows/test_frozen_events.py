"""Every event and effect is a frozen dataclass by inheritance (kiosk/flows/runtime/frozen.py).

Why it matters: transcript tests compare states and effects by value, and the host keys
pending answers by effect; a mutable or identity-compared event would pass a test by
accident and fail in a shop.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import pytest

import kiosk.flows
from kiosk.flows.runtime import Effect, Event, Intent


def _all_subclasses(base: type) -> set[type]:
    found: set[type] = set()
    todo = [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _flow_classes() -> list[type]:
    for mod in pkgutil.walk_packages(kiosk.flows.__path__, "kiosk.flows."):
        importlib.import_module(mod.name)
    classes = _all_subclasses(Event) | _all_subclasses(Effect) | {Event, Effect}
    return sorted(
        (c for c in classes if c.__module__.startswith("kiosk.flows")), key=lambda c: c.__qualname__
    )


def test_the_flows_declare_over_a_hundred_events_and_effects_all_frozen() -> None:
    classes = _flow_classes()
    assert len(classes) > 100
    for cls in classes:
        params = getattr(cls, "__dataclass_params__", None)
        assert params is not None and params.frozen and params.eq, cls.__qualname__
        assert "__setattr__" in vars(cls), f"{cls.__qualname__} is not frozen by itself"


def test_a_new_intent_is_a_frozen_value_without_a_decorator() -> None:
    class Choose(Intent):
        item: str
        count: int = 1

    a = Choose("tea")
    assert a == Choose("tea", 1) and a != Choose("tea", 2) and hash(a) == hash(Choose("tea"))
    assert [f.name for f in dataclasses.fields(a)] == ["item", "count"]
    match a:
        case Choose(item, count):
            assert (item, count) == ("tea", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.item = "coffee"  # type: ignore[misc]


def test_a_leftover_decorator_fails_at_import_not_later() -> None:
    with pytest.raises(TypeError, match="Cannot overwrite"):

        @dataclasses.dataclass(frozen=True)
        class Twice(Intent):  # pyright: ignore[reportUnusedClass]
            pass
