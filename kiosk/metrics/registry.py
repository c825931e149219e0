"""Counters the kiosk's parts bump (scans by kind, stamps by outcome), and the Prometheus
text format (0.0.4) they and the sampled gauges are written in.

Why not prometheus_client: the kiosk writes one small file every 30 s; a thread-safe dict
of counters and a renderer of a few lines do that without a new dependency on the
appliance (requirements.lock stays as it is).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    if value != value:
        return "NaN"
    return repr(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass
class Family:
    """One metric: HELP, TYPE and its samples ((suffix, label set) -> value). The suffix
    is "" but for a summary's own series (`_sum`, `_count`)."""

    name: str
    help: str
    type: str = "gauge"
    samples: dict[tuple[str, Labels], float] = field(default_factory=lambda: {})

    def set(self, value: float, suffix: str = "", **labels: str) -> Family:
        self.samples[(suffix, tuple(sorted(labels.items())))] = float(value)
        return self

    def render(self) -> str:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.type}"]
        for (suffix, labels), value in sorted(self.samples.items()):
            text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
            name = self.name + suffix
            lines.append(f"{name}{{{text}}} {_number(value)}" if text else
                         f"{name} {_number(value)}")  # fmt: skip
        return "\n".join(lines) + "\n"


def render(families: Iterable[Family]) -> str:
    return "".join(f.render() for f in families if f.samples)


class Counters:
    """Monotonic counters by name and labels, bumped from any thread."""

    def __init__(self, helps: Mapping[str, str]) -> None:
        self._helps = dict(helps)
        self._values: dict[str, dict[Labels, float]] = {name: {} for name in helps}
        self._lock = threading.Lock()

    def inc(self, name: str, amount: float = 1, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            values = self._values[name]  # an unknown name is a bug: KeyError
            values[key] = values.get(key, 0.0) + amount

    def value(self, name: str, **labels: str) -> float:
        with self._lock:
            return self._values[name].get(tuple(sorted(labels.items())), 0.0)

    def families(self) -> list[Family]:
        with self._lock:
            return [
                Family(name, self._helps[name], "counter", {("", k): v for k, v in values.items()})
                for name, values in self._values.items()
            ]


# The kiosk's one set of counters (like prometheus_client's default registry): the scan
# classifier and the stamp handler bump them, the textfile writer reads them.
COUNTERS = Counters(
    {
        "stampkiosk_scans_total": "Scans read, by kind (card, voucher, staff_badge, ...).",
        "stampkiosk_stamps_total": "Stamp attempts, by outcome (added, saved_pending, ...).",
    }
)
