"""Gehring & Homberger instances: the reader, the published cost and routes, one office at scale."""

from __future__ import annotations

from pathlib import Path

from dispatch.evaluate.check import check
from dispatch.evaluate.timing import evaluate
from dispatch.io.problem_json import problem_from_json
from dispatch.model.draft import RouteDraft, Visit
from dispatch.model.reasons import StopType
from dispatch.search.construct import Builder
from dispatch.search.layout import plan_layout
from scenarios.instances.homberger import best_known, dimacs_distance, read_homberger
from scenarios.instances.solomon import solomon_to_problem

C1_2_1 = Path(__file__).parent.parent / "data" / "homberger" / "C1_2_1.vrp"


def test_reader_gives_the_file_s_depot_fleet_and_customers() -> None:
    inst = read_homberger(C1_2_1)
    assert inst.name == "C1_2_1" and inst.vehicles == 50 and inst.capacity == 200
    assert (inst.depot.x, inst.depot.y, inst.depot.ready, inst.depot.due) == (70, 70, 0, 1351)
    assert len(inst.customers) == 200
    first = inst.customers[0]  # node 2 of the file
    assert (first.id, first.x, first.y, first.service) == (1, 33, 78, 90)


def test_published_routes_cost_the_published_cost_and_pass_the_validator() -> None:
    inst = read_homberger(C1_2_1)
    cost, routes = best_known(C1_2_1)
    assert cost == 2698.6 and len(routes) == 20
    assert dimacs_distance(inst, routes) == 2698.6
    problem = problem_from_json(solomon_to_problem(inst))
    width = len(problem.jobs[0].id) - 1
    drafts = [
        RouteDraft(
            problem.engineers[k].id,
            tuple(Visit(StopType.JOB, f"C{n:0{width}d}") for n in route),
        )
        for k, route in enumerate(routes)
    ]
    plan = evaluate(problem, drafts, [])
    assert check(problem, plan) == []
    assert plan.kpis.assigned == 200


def test_one_office_construction_opens_the_routes_it_needs() -> None:
    # Fifty identical vans leave one depot: an empty van stands for all the empty
    # ones, so construction serves every customer (it once filled a dozen vans).
    problem = problem_from_json(solomon_to_problem(read_homberger(C1_2_1)))
    builder = Builder(problem, plan_layout(problem))
    builder.build()
    used = sum(1 for r in builder.routes if r.jobs)
    assert len(builder.where) == 200
    assert 18 <= used <= 50
