"""Pillac TRSP instances: reading, the contract mapping, and the best-known routes re-evaluated.

The strongest check of the mapping: each published best-known route set, put
into the contract as a plan, passes our validator and its objective (working
minutes, leaving as late as feasible) equals the published duration. Four
instances and their best-known values and routes are kept in
``tests/data/pillac``; the tests of the whole set of 56 read the shared folder
and skip without it.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from dispatch.evaluate.check import check
from dispatch.evaluate.timing import evaluate
from dispatch.io.problem_json import problem_from_json
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.entities import SolveOptions
from dispatch.model.reasons import StopType
from dispatch.solve import solve
from scenarios.instances.pillac import (
    DEPOT_ID,
    PillacInstance,
    bks,
    bks_routes,
    instance_names,
    pillac_dir,
    pillac_to_problem,
    read_pillac,
    request_id,
    technician_id,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "pillac"
#: The instances kept with the tests, by their short names.
LOCAL = ("C101", "C201", "R101", "RC101")
TABLE, SOLUTIONS = DATA / "bks.csv", DATA / "pillac-minwt.sol"
#: All 56 instances' names, as the best-known table lists them.
ALL = [row["instance"] for row in csv.DictReader(TABLE.read_text(encoding="utf-8").splitlines())]
needs_all = pytest.mark.skipif(
    not (pillac_dir() / "crew25").is_dir() or not (pillac_dir() / "bks").is_dir(),
    reason=f"the 56 Pillac instances are not in {pillac_dir()} "
    "(FIELDPLAN_SHARED names the shared data folder)",
)


def _local(name: str) -> PillacInstance:
    return read_pillac(DATA / f"{name}.txt")


@needs_all
def test_all_56_instances_are_present_and_read() -> None:
    names = instance_names()
    assert names == sorted(ALL) and len(names) == 56
    for short in LOCAL:
        assert read_pillac(short) == _local(short)  # the copies kept here are the shared ones


def test_an_instance_is_read_row_by_row() -> None:
    inst = _local("C101")
    assert inst.name == "C101.100_25-5-5-5"
    assert len(inst.technicians) == 25 and len(inst.requests) == 100
    assert (inst.depot.x, inst.depot.y, inst.depot.due) == (40, 50, 1236)
    first = inst.technicians[0]
    assert (first.id, first.x, first.y) == (1, 9, 6)
    assert first.skills == {1, 3, 4} and first.tools == {1, 2, 3}
    assert first.parts == (3, 0, 4, 4, 0)
    r = inst.requests[0]
    assert (r.id, r.x, r.y, r.ready, r.due, r.service) == (26, 45, 68, 912, 967, 90)
    assert r.skills == {4} and r.tools == frozenset() and r.parts == (1, 0, 1, 0, 0)


def test_contract_mapping_of_a_technician_a_request_and_the_depot() -> None:
    inst = _local("C101")
    data = pillac_to_problem(inst)
    engineer = data["engineers"][0]
    assert engineer["id"] == "T01"
    assert engineer["skills"] == {"s1": 1, "s3": 1, "s4": 1}
    assert engineer["tools"] == ["t1", "t2", "t3"]
    assert engineer["van_stock"] == {"p0": 3, "p2": 4, "p3": 4}
    assert engineer["shift"] == {"start": 0, "end": 1236}
    job = data["jobs"][0]
    assert job["id"] == "R026" and job["parts"] == {"p0": 1, "p2": 1}
    assert job["windows"] == [{"start": 912, "end": 967}]
    depot = data["depots"][0]
    assert depot["id"] == DEPOT_ID and depot["pickup_min"] == 0
    assert depot["tools"] == ["t0", "t1", "t2", "t3", "t4"]
    for k in range(5):
        assert depot["stock"].get(f"p{k}", 0) == sum(r.parts[k] for r in inst.requests)
    assert data["objective"]["working_cost_per_min"] == 1
    assert data["objective"]["travel_cost_per_km"] == 0
    problem_from_json(data)  # valid contract


def _bks_drafts(inst: PillacInstance, solutions: Path | None = None) -> list[RouteDraft]:
    """Best-known routes as drafts; a depot visit picks up what the rest of the route lacks."""
    drafts = []
    by_id = {r.id: r for r in inst.requests}
    for route in bks_routes(inst, solutions):
        tech = inst.technicians[route.technician - 1]
        carried = Counter({k: q for k, q in enumerate(tech.parts)})
        visits = []
        for position, stop in enumerate(route.stops):
            if stop == 0:
                rest = [by_id[n] for n in route.stops[position + 1 :] if n]
                need: Counter[int] = Counter()
                for r in rest:
                    need.update(dict(enumerate(r.parts)))
                pickup = {k: q - carried[k] for k, q in need.items() if q > carried[k]}
                carried.update(pickup)
                borrow = sorted({f"t{t}" for r in rest for t in r.tools - tech.tools})
                named = {f"p{k}": q for k, q in pickup.items()}
                visits.append(Visit(StopType.DEPOT, DEPOT_ID, named, tuple(borrow)))
                continue
            carried.subtract(dict(enumerate(by_id[stop].parts)))
            visits.append(Visit(StopType.JOB, request_id(stop)))
        drafts.append(RouteDraft(technician_id(tech.id), tuple(visits)))
    return drafts


def _assert_published(inst: PillacInstance, drafts: list[RouteDraft], best: float) -> None:
    problem = problem_from_json(pillac_to_problem(inst))
    plan = evaluate(problem, drafts, [])
    assert check(problem, plan) == []
    assert plan.kpis.assigned == 100
    assert plan.kpis.cost["working"] == pytest.approx(best, abs=0.01)


@pytest.mark.parametrize("short", LOCAL)
def test_best_known_routes_kept_here_are_valid_and_cost_the_published_duration(
    short: str,
) -> None:
    inst = _local(short)
    _assert_published(inst, _bks_drafts(inst, SOLUTIONS), bks(inst.name, TABLE))


@needs_all
@pytest.mark.parametrize("name", ALL)
def test_best_known_routes_are_valid_and_cost_the_published_duration(name: str) -> None:
    inst = read_pillac(name)
    _assert_published(inst, _bks_drafts(inst), bks(name))


@pytest.mark.parametrize("name", ["C201", "RC101"])
def test_solved_plans_are_valid_leave_late_and_detour_only_when_needed(name: str) -> None:
    inst = _local(name)
    problem = problem_from_json(pillac_to_problem(inst))
    plan = solve(problem, SolveOptions(time_limit_s=4, seed=0))
    assert check(problem, plan) == []
    assert plan.kpis.assigned == 100
    techs = {technician_id(t.id): t for t in inst.technicians}
    needs = {request_id(r.id): r for r in inst.requests}
    for route in plan.routes:
        first = route.stops[0]
        assert first.arrival == pytest.approx(first.start)  # no wait before the first stop
        detours = [s for s in route.stops if s.type is StopType.DEPOT]
        assert len(detours) <= 1
        if detours:
            tech = techs[route.engineer]
            jobs = [needs[j] for j in route.job_ids]
            lacks_tool = any(r.tools - tech.tools for r in jobs)
            short = any(
                sum(r.parts[k] for r in jobs) > tech.parts[k] for k in range(inst.part_types)
            )
            assert lacks_tool or short, f"{route.engineer} detours to the depot for nothing"
