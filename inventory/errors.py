"""The one error type for bad stock-planning input: it names the JSON path and the rule broken."""

from __future__ import annotations

from pathcheck import PathError


class InventoryError(PathError):
    """Bad input, reported as ``"<path>: <rule>"``, e.g. ``parts[P01].regions[Suzhou].demand``."""


def require(condition: bool, path: str, rule: str) -> None:
    """Raise :class:`InventoryError` unless ``condition`` holds."""
    if not condition:
        raise InventoryError(path, rule)
