"""Who should go to a new job: engineers ranked by what taking it would cost their day."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from dispatch.errors import ProblemError
from dispatch.evaluate.timing import schedule, schedule_all
from dispatch.io.problem_json import problem_from_json, problem_to_json
from dispatch.model.day_state import DEFAULT_CHANGE_PENALTY, DEFAULT_TOLERANCE_MIN, DayState
from dispatch.model.reasons import SlaState, StopType
from dispatch.replanning.day_of import day_under_way
from dispatch.replanning.residual import renamed_error, residual_problem
from dispatch.replanning.rest_of_day import published_orders
from dispatch.search.construct import Builder
from dispatch.search.layout import layout_around

if TYPE_CHECKING:
    from dispatch.model.plan import Plan, Route
    from dispatch.model.problem import Problem

#: "Who should go?" may give up at most this many jobs at the end of a full day.
DROP_AT_MOST = 3


@dataclass(frozen=True)
class Candidate:
    """One engineer who could take a new job, and what it would cost their day."""

    engineer: str
    cost: float  # added to the contract objective (lateness of every job included)
    arrival: float
    start: float
    sla: SlaState
    late_min: float
    extra_km: float
    displaced: tuple[str, ...]  # jobs of that day given up, moved past the tolerance or made late
    depot: str | None
    #: For a crew job: every member, the lead (``engineer``) first; empty otherwise.
    crew: tuple[str, ...] = ()

    @property
    def sla_met(self) -> bool:
        return self.sla is SlaState.MET


def who(
    problem: Problem,
    plan: Plan,
    job: dict[str, Any],
    top: int = 5,
    state: DayState | None = None,
) -> list[Candidate]:
    """Engineers ranked by the cost of inserting ``job`` (a contract job) into their day.

    Each engineer's day is the published route (the rest of it, with a state);
    the job goes where it adds least, nothing else moves, no re-plan runs.
    """
    if state is not None:
        problem, plan, state = day_under_way(problem, plan, state)
        data = residual_problem(problem, plan, state)
        penalty, tolerance = state.change_penalty, state.tolerance_min
    else:
        data = problem_to_json(problem)
        penalty, tolerance = DEFAULT_CHANGE_PENALTY, DEFAULT_TOLERANCE_MIN
    jid = str(job.get("id", ""))
    if state is not None and jid in {str(j.get("id")) for j in state.new_jobs}:
        # asked about a new job the state already brings: rank it, do not plan it
        data = {**data, "jobs": [j for j in data["jobs"] if str(j["id"]) != jid]}
    day = with_new_job(data, job)
    orders, promised = published_orders(day, plan)
    layout = layout_around(day, orders, [day.job_index[jid]])
    builder = Builder(day, layout)
    # Displacing a job the engineer's day already promised costs as in a re-plan.
    builder.keep_promises(promised, penalty, tolerance)
    if state is not None:
        builder.count_idle_routes()
    builder.follow(orders)
    j = day.job_index[jid]
    if day.jobs[j].crew > 1:
        return _crews(day, builder, j, top, tolerance)
    out: list[Candidate] = []
    for v in layout.allowed.get(j, []):
        host = builder.routes[v]
        before = schedule(day, builder.draft_of(host))
        found = builder.insertion_into(v, j)
        if found is not None:
            delta, _, position, depot, pickup, borrow = found
            order = [*host.jobs[:position], j, *host.jobs[position:]]
            given_up: list[str] = []
        else:
            # A full day: the job fits only if the day's last jobs go to someone else.
            dropping = builder.insertion_dropping(v, j, DROP_AT_MOST)
            if dropping is None:
                continue
            delta, order, depot, pickup, borrow, dropped = dropping
            given_up = [day.jobs[g].id for g in dropped]
        after = schedule(day, builder.trial_draft(v, order, depot, pickup, borrow))
        out.append(_candidate(day, j, delta, before, after, depot, tolerance, given_up))
    out.sort(key=lambda c: (c.cost, c.arrival, c.engineer))
    return out[:top]


def _crews(day: Problem, builder: Builder, j: int, top: int, tolerance: float) -> list[Candidate]:
    """Crews for a crew job ("which two can go?"), cheapest first: each member's day
    takes the job at the crew's one start, the lead carrying its parts."""
    job = day.jobs[j]
    out: list[Candidate] = []
    for cost, plan in builder.crew_options(j, top):
        befores, drafts = [], []
        for _, host, position, depot, pickup, borrow in plan.members:
            befores.append(schedule(day, builder.draft_of(host)))
            order = [*host.jobs[:position], j, *host.jobs[position:]]
            draft = builder.trial_draft(host.v, order, depot, pickup, borrow)
            visits = tuple(
                replace(visit, lead=host.v == plan.lead)
                if visit.type is StopType.JOB and visit.ref == job.id
                else visit
                for visit in draft.visits
            )
            drafts.append(replace(draft, visits=visits))
        afters = schedule_all(day, drafts)
        members = [builder.problem.engineers[seat[1].v].id for seat in plan.members]
        lead_at = [seat[1].v for seat in plan.members].index(plan.lead)
        lead_seat = plan.members[lead_at]
        one = _candidate(
            day, j, cost, befores[lead_at], afters[lead_at], lead_seat[3], tolerance, []
        )
        displaced = [
            d
            for before, after in zip(befores, afters, strict=True)
            for d in _displaced(day, job.id, before, after, tolerance)
        ]
        out.append(
            replace(
                one,
                extra_km=sum(a.km - b.km for a, b in zip(afters, befores, strict=True)),
                displaced=tuple(dict.fromkeys(displaced)),
                crew=(members[lead_at], *(m for k, m in enumerate(members) if k != lead_at)),
            )
        )
    return out


def with_new_job(data: dict[str, Any], job: dict[str, Any]) -> Problem:
    """The problem ``data`` with one more job; its errors are named under ``job``."""
    jid = str(job.get("id", ""))
    if jid in {str(j["id"]) for j in data["jobs"]}:
        raise ProblemError("job.id", f"'{jid}' is already a job of the problem")
    data = {**data, "jobs": [*data["jobs"], dict(job)]}
    try:
        return problem_from_json(data)
    except ProblemError as exc:
        renamed = renamed_error(exc, {jid}, len(data["jobs"]) - 1, "new_jobs")
        if renamed is not exc:
            raise ProblemError("job" + renamed.path.partition("]")[2], exc.rule) from None
        raise


def _displaced(
    day: Problem, job_id: str, before: Route, after: Route, tolerance: float
) -> list[str]:
    """Jobs of a day that taking ``job_id`` moves past the tolerance or makes late."""
    was = {s.id: s.start for s in before.stops if s.type is StopType.JOB}
    out = []
    for s in after.stops:
        if s.type is not StopType.JOB or s.id == job_id or s.id not in was:
            continue
        other = day.jobs[day.job_index[str(s.id)]]
        now_late = other.sla_deadline is not None and s.start > other.sla_deadline + 1e-6
        was_late = other.sla_deadline is not None and was[s.id] > other.sla_deadline + 1e-6
        if s.start - was[s.id] > tolerance + 1e-6 or (now_late and not was_late):
            out.append(str(s.id))
    return out


def _candidate(
    day: Problem,
    j: int,
    delta: float,
    before: Route,
    after: Route,
    depot: int | None,
    tolerance: float,
    given_up: list[str],
) -> Candidate:
    job = day.jobs[j]
    stop = next(s for s in after.stops if s.type is StopType.JOB and s.id == job.id)
    late = 0.0 if job.sla_deadline is None else max(0.0, stop.start - job.sla_deadline)
    displaced = [*given_up, *_displaced(day, job.id, before, after, tolerance)]
    return Candidate(
        engineer=after.engineer,
        cost=delta,
        arrival=stop.arrival if stop.arrival is not None else stop.start,
        start=stop.start,
        sla=SlaState.of(late <= 1e-6),
        late_min=late,
        extra_km=after.km - before.km,
        displaced=tuple(displaced),
        depot=None if depot is None else day.depots[depot].id,
    )
