"""The JSON form of the state of the day (``fieldplan.dispatch.state/1``), checked against its problem."""

from __future__ import annotations

from dispatch.errors import ProblemError, require
from dispatch.io.reader import Obj
from dispatch.model.day_state import (
    DEFAULT_CHANGE_PENALTY,
    DEFAULT_TOLERANCE_MIN,
    DayState,
    EngineerReport,
    JobReport,
    ReportedStatus,
)
from dispatch.model.problem import Problem

STATE_SCHEMA = "fieldplan.dispatch.state/1"


def state_from_json(data: object, problem: Problem) -> DayState:
    """Read and check a state against its problem; errors name the field."""
    root = Obj(data, "")
    require(root.string("schema") == STATE_SCHEMA, "schema", f"must be '{STATE_SCHEMA}'")
    clock = problem.clock
    now = clock.parse(root.raw("now"), "now")
    new_jobs = root.array("new_jobs", required=False)
    new_ids: set[str] = set()
    for i, raw in enumerate(new_jobs):
        job = Obj(raw, f"new_jobs[{i}]")
        jid = job.string("id")
        require(
            jid not in problem.job_index, job.at("id"), f"'{jid}' is already a job of the problem"
        )
        require(jid not in new_ids, job.at("id"), f"'{jid}' appears twice")
        new_ids.add(jid)
    jobs: dict[str, JobReport] = {}
    if root.has("jobs"):
        table = root.obj("jobs")
        for jid in table.data:
            entry = table.obj(jid)
            require(jid in problem.job_index, table.at(jid), "is not a job of the problem")
            raw_status = entry.string("status")
            try:
                status = ReportedStatus(raw_status)
            except ValueError:
                known = ", ".join(s.value for s in ReportedStatus)
                raise ProblemError(entry.at("status"), f"must be one of {known}") from None
            engineer = entry.string("engineer") if entry.has("engineer") else None
            started = (
                clock.parse(entry.raw("started"), entry.at("started"))
                if entry.has("started")
                else None
            )
            if status is ReportedStatus.IN_PROGRESS:
                require(
                    engineer is not None, entry.at("engineer"), "is required for a job in progress"
                )
                require(
                    started is not None, entry.at("started"), "is required for a job in progress"
                )
                require(started <= now, entry.at("started"), "must not be after now")  # type: ignore[operator]
            if engineer is not None:
                require(
                    engineer in problem.engineer_index,
                    entry.at("engineer"),
                    "is not an engineer of the problem",
                )
            jobs[jid] = JobReport(jid, status, engineer, started)
    busy: dict[str, str] = {}
    for report in jobs.values():
        if report.status is ReportedStatus.IN_PROGRESS and report.engineer is not None:
            require(
                report.engineer not in busy,
                f"jobs.{report.id}.engineer",
                f"{report.engineer} is already on site at {busy.get(report.engineer)}",
            )
            busy[report.engineer] = report.id
    engineers: dict[str, EngineerReport] = {}
    if root.has("engineers"):
        table = root.obj("engineers")
        for eid in table.data:
            entry = table.obj(eid)
            require(
                eid in problem.engineer_index, table.at(eid), "is not an engineer of the problem"
            )
            position = entry.obj("position").data if entry.has("position") else None
            off = (
                clock.parse(entry.raw("unavailable_from"), entry.at("unavailable_from"))
                if entry.has("unavailable_from")
                else None
            )
            engineers[eid] = EngineerReport(eid, position, off)
    picked_up: dict[str, dict[str, int]] | None = None
    if root.has("picked_up"):
        table = root.obj("picked_up")
        picked_up = {}
        for eid in table.data:
            require(
                eid in problem.engineer_index, table.at(eid), "is not an engineer of the problem"
            )
            parts = table.counts(eid)
            for part, units in parts.items():
                require(units >= 0, f"{table.at(eid)}.{part}", "must be >= 0")
            picked_up[eid] = parts
    penalty, tolerance = DEFAULT_CHANGE_PENALTY, DEFAULT_TOLERANCE_MIN
    if root.has("disruption"):
        rules = root.obj("disruption")
        penalty = rules.number("change_penalty", DEFAULT_CHANGE_PENALTY)
        tolerance = rules.number("tolerance_min", DEFAULT_TOLERANCE_MIN)
        require(penalty >= 0, rules.at("change_penalty"), "must be >= 0")
        require(tolerance >= 0, rules.at("tolerance_min"), "must be >= 0")
    return DayState(
        now=now,
        jobs=jobs,
        engineers=engineers,
        picked_up=picked_up,
        new_jobs=tuple(new_jobs),
        change_penalty=penalty,
        tolerance_min=tolerance,
    )
