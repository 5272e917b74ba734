"""Routing and assignment of field-service engineers to on-site jobs.

A pure library: it never imports the service (``api``), ``scenarios`` or the
command (``fieldplan``), and an import-linter contract in ``make test`` says so.
Its sub-packages, lowest layer first:

- ``model``: the problem and plan as frozen, self-validating data; errors,
  reasons, units, SLA calendars, the state of the day;
- ``travel``: travel-time providers (great-circle, matrix, OSRM) and the table of kinds;
- ``io``: the JSON forms of problems, plans and states (the dispatch contract);
- ``evaluate``: timing, KPIs, the independent validator, diagnosis of unassigned jobs;
- ``search``: construction, ruin and recreate, the OR-Tools and PyVRP engines;
- ``solve``: ``solve(problem, options) -> Plan``, the one entry point;
- ``replanning``: the rest of the day, its re-plan, who should go to a new job.

This module re-exports the public API.
"""

from dispatch.errors import ProblemError
from dispatch.evaluate.check import Violation, check
from dispatch.io.plan_json import load_plan, plan_from_json, plan_to_json, write_plan
from dispatch.io.problem_json import load_problem, problem_from_json, problem_to_json
from dispatch.model.entities import (
    Break,
    Depot,
    Engineer,
    Job,
    JobKind,
    Objective,
    SolveOptions,
    Window,
)
from dispatch.model.plan import JobOutcome, Kpis, Plan, Route, Stop, Unassigned
from dispatch.model.problem import Problem
from dispatch.model.reasons import SlaState, StopType, UnassignedReason, ViolationCause
from dispatch.replanning.changes import Change, ChangeKind
from dispatch.replanning.rest_of_day import Replan, replan
from dispatch.replanning.who import Candidate, who
from dispatch.solve import SolverDefect, solve
from dispatch.travel.locations import GeoPoint, PlanePoint

__all__ = [
    "Break",
    "Candidate",
    "Change",
    "ChangeKind",
    "Depot",
    "Engineer",
    "GeoPoint",
    "Job",
    "JobKind",
    "JobOutcome",
    "Kpis",
    "Objective",
    "Plan",
    "PlanePoint",
    "Problem",
    "ProblemError",
    "Replan",
    "Route",
    "SlaState",
    "SolveOptions",
    "SolverDefect",
    "Stop",
    "StopType",
    "Unassigned",
    "UnassignedReason",
    "Violation",
    "ViolationCause",
    "Window",
    "check",
    "load_plan",
    "load_problem",
    "plan_from_json",
    "plan_to_json",
    "problem_from_json",
    "problem_to_json",
    "replan",
    "solve",
    "who",
    "write_plan",
]
