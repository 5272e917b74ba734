"""The one error type for bad dispatch input: it names the JSON path and the rule broken."""

from __future__ import annotations


class ProblemError(ValueError):
    """Bad input, reported as ``"<path>: <rule>"``.

    Parameters
    ----------
    path
        JSON path of the offending value, with entity ids where known,
        e.g. ``jobs[J17].windows[0].end``.
    rule
        The rule the value breaks, e.g. ``must be after windows[0].start``.
    """

    def __init__(self, path: str, rule: str) -> None:
        self.path = path
        self.rule = rule
        super().__init__(f"{path}: {rule}" if path else rule)


def require(condition: bool, path: str, rule: str) -> None:
    """Raise :class:`ProblemError` unless ``condition`` holds."""
    if not condition:
        raise ProblemError(path, rule)
