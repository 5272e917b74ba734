"""Routing and assignment of field-service engineers to on-site jobs.

A pure library: it never imports the service (``api``) or ``scenarios``.
"""

from dispatch.check import Violation, check
from dispatch.errors import ProblemError
from dispatch.json_io import load_problem, problem_from_json, problem_to_json
from dispatch.model import (
    Break,
    Depot,
    Engineer,
    GeoPoint,
    Job,
    Objective,
    PlanePoint,
    SolveOptions,
    Window,
)
from dispatch.plan import JobOutcome, Kpis, Plan, Route, Stop, Unassigned
from dispatch.plan_io import load_plan, plan_from_json, plan_to_json, write_plan
from dispatch.problem import Problem
from dispatch.reasons import StopType, UnassignedReason, ViolationCause
from dispatch.solve import SolverDefect, solve

__all__ = [
    "Break",
    "Depot",
    "Engineer",
    "GeoPoint",
    "Job",
    "JobOutcome",
    "Kpis",
    "Objective",
    "Plan",
    "PlanePoint",
    "Problem",
    "ProblemError",
    "Route",
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
    "solve",
    "write_plan",
]
