"""Refusing bad input by naming the field: the one base of every input error.

``PathError`` carries the JSON path of the offending value and the rule it
breaks. Each library has its own subclass (``dispatch.ProblemError``,
``inventory.InventoryError``, the SLA calendar's ``SlaError``, the scenario
file's ``StudyError``), so a caller can catch one kind of input, while the
service answers all of them with one handler. Imports nothing.
"""

from __future__ import annotations


class PathError(ValueError):
    """Bad input, reported as ``"<path>: <rule>"``.

    Parameters
    ----------
    path
        JSON path of the offending value, with entity ids where known,
        e.g. ``jobs[J17].windows[0].end``; empty when the whole input is at fault.
    rule
        The rule the value breaks, e.g. ``must be after windows[0].start``.
    """

    def __init__(self, path: str, rule: str) -> None:
        self.path = path
        self.rule = rule
        super().__init__(f"{path}: {rule}" if path else rule)
