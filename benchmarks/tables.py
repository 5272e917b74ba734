"""Markdown tables the benchmark reports share."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def per_instance(
    instances: Sequence[str], engines: Sequence[str], cell: Callable[[str, str], str]
) -> list[str]:
    """One row per instance, one column per engine, each cell as ``cell(instance, engine)``."""
    lines = [
        "| instance | " + " | ".join(engines) + " |",
        "| --- |" + " --- |" * len(engines),
    ]
    for name in instances:
        lines.append(f"| {name} | " + " | ".join(cell(name, e) for e in engines) + " |")
    return lines
