"""Closed vocabularies whose string values are part of the JSON contract."""

from __future__ import annotations

from enum import StrEnum


class UnassignedReason(StrEnum):
    """Why a job is in ``unassigned`` (contract: ``unassigned[].reason``)."""

    NO_SKILLED_ENGINEER = "no_skilled_engineer"
    EXCLUDED = "excluded"
    NO_PARTS = "no_parts"
    WINDOW_UNREACHABLE = "window_unreachable"
    CAPACITY = "capacity"
    PINNED_CONFLICT = "pinned_conflict"
    DEPENDENCY = "dependency"


class SlaState(StrEnum):
    """Whether an assigned job's service starts by its SLA deadline.

    A job without a deadline counts as ``met``; the contract writes the state
    as ``jobs[].sla_met`` (true for ``met``).
    """

    MET = "met"
    LATE = "late"

    @classmethod
    def of(cls, met: bool) -> SlaState:
        return cls.MET if met else cls.LATE


class StopType(StrEnum):
    JOB = "job"
    DEPOT = "depot"
    BREAK = "break"


class ViolationCause(StrEnum):
    """What the validator can find wrong with a plan."""

    UNKNOWN_ID = "unknown_id"
    DUPLICATE = "duplicate"
    MISSING_JOB = "missing_job"
    SKILL = "skill"
    EXCLUDED = "excluded"
    PINNED = "pinned"
    SHIFT_START = "shift_start"
    SHIFT_END = "shift_end"
    TRAVEL = "travel"
    WINDOW = "window"
    DURATION = "duration"
    DEPOT_HOURS = "depot_hours"
    BREAK = "break"
    MISSING_BREAK = "missing_break"
    PARTS = "parts"
    DEPOT_STOCK = "depot_stock"
    TOOLS = "tools"
    CAPACITY = "capacity"
    FIGURE = "figure"
    ON_CALL = "on_call"
    SHIFT = "shift"
    DEPENDENCY = "dependency"
    CREW = "crew"
