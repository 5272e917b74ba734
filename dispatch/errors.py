"""The error type for bad dispatch input: it names the JSON path and the rule broken."""

from __future__ import annotations

from pathcheck import PathError


class ProblemError(PathError):
    """A dispatch problem, plan or state that breaks a rule of the contract."""


def require(condition: bool, path: str, rule: str) -> None:
    """Raise :class:`ProblemError` unless ``condition`` holds."""
    if not condition:
        raise ProblemError(path, rule)
