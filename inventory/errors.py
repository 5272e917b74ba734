"""The one error type for bad stock-planning input: it names the JSON path and the rule broken."""

from __future__ import annotations


class InventoryError(ValueError):
    """Bad input, reported as ``"<path>: <rule>"``, e.g. ``parts[P01].regions[Suzhou].demand``."""

    def __init__(self, path: str, rule: str) -> None:
        self.path = path
        self.rule = rule
        super().__init__(f"{path}: {rule}" if path else rule)


def require(condition: bool, path: str, rule: str) -> None:
    """Raise :class:`InventoryError` unless ``condition`` holds."""
    if not condition:
        raise InventoryError(path, rule)
