"""Prometheus text format (version 0.0.4), written by hand.

Why no prometheus_client: the cloud's metrics are a pure function of the heartbeat rows
at scrape time (no counters live in the process), so a renderer of a few lines is all that
is needed, and it is the same with one worker or four.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def escape(value: str) -> str:
    """A label value as the format wants it: backslash, double quote and newline escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def number(value: float) -> str:
    if value != value:  # NaN
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    return repr(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass
class Family:
    """One metric family: its HELP, TYPE and samples (labels -> value)."""

    name: str
    help: str
    type: str = "gauge"
    samples: list[tuple[Mapping[str, str], float]] = field(default_factory=list)

    def add(self, value: float, **labels: str) -> None:
        self.samples.append((labels, value))

    def render(self) -> str:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.type}"]
        for labels, value in self.samples:
            text = ",".join(f'{k}="{escape(str(v))}"' for k, v in sorted(labels.items()))
            lines.append(
                f"{self.name}{{{text}}} {number(value)}" if text else f"{self.name} {number(value)}"
            )
        return "\n".join(lines) + "\n"


def render(families: Iterable[Family]) -> str:
    return "".join(f.render() for f in families)
