"""Generated days with the rules of contract 1.2: crews, speeds and preferences."""

from __future__ import annotations

import numpy as np
import pytest

from dispatch.evaluate.check import check
from dispatch.io.problem_json import problem_from_json
from dispatch.model.entities import SolveOptions
from dispatch.solve import solve
from dispatch.travel.providers import haversine_km
from scenarios.generator.day import generate_dispatch
from scenarios.generator.field_rules import CREW_RADIUS_KM, EXPERT_FACTOR, TRAINEE_FACTOR


def test_the_rules_are_off_unless_asked_and_change_nothing_else() -> None:
    plain = generate_dispatch(engineers=30, jobs=130, seed=3)
    assert not any("crew" in j for j in plain["jobs"])
    assert not any("duration_factor" in e for e in plain["engineers"])
    assert "unpreferred_cost" not in plain["objective"]
    ruled = generate_dispatch(
        engineers=30, jobs=130, seed=3, crew_share=0.05, speeds=True, preferences=True
    )
    for a, b in zip(plain["jobs"], ruled["jobs"], strict=True):
        assert {k: v for k, v in b.items() if k != "crew"} == a
    for a, b in zip(plain["engineers"], ruled["engineers"], strict=True):
        assert {k: v for k, v in b.items() if k != "duration_factor"} == a


def test_crew_jobs_are_the_asked_share_and_have_a_crew_living_near() -> None:
    data = generate_dispatch(engineers=30, jobs=130, seed=3, crew_share=0.05)
    crews = [j for j in data["jobs"] if j.get("crew", 1) > 1]
    assert len(crews) == round(0.05 * 130)
    engineers = data["engineers"]
    for job in crews:
        assert job["crew"] in (2, 3)
        assert job["pinned_engineer"] is None
        near = 0
        for e in engineers:
            qualified = all(e["skills"].get(s, 0) >= lvl for s, lvl in job["skills"].items())
            km = float(
                haversine_km(
                    np.asarray(job["site"]["lat"]),
                    np.asarray(job["site"]["lon"]),
                    np.asarray(e["start"]["lat"]),
                    np.asarray(e["start"]["lon"]),
                )
            )
            near += int(qualified and km <= CREW_RADIUS_KM)
        assert near >= job["crew"] + 1


def test_speeds_make_experts_faster_and_some_engineers_trainees() -> None:
    data = generate_dispatch(engineers=100, jobs=10, seed=5, speeds=True)
    factors = [e.get("duration_factor", 1.0) for e in data["engineers"]]
    for e, f in zip(data["engineers"], factors, strict=True):
        if max(e["skills"].values()) >= 3:
            assert f == EXPERT_FACTOR
    trainees = sum(1 for f in factors if f == TRAINEE_FACTOR)
    assert 5 <= trainees <= 30


def test_preferences_cost_a_job_served_by_someone_else() -> None:
    data = generate_dispatch(engineers=10, jobs=40, seed=1, preferences=True)
    assert data["objective"]["unpreferred_cost"] == 150.0
    assert any(j["preferred_engineers"] for j in data["jobs"])


def test_a_bad_share_is_named() -> None:
    with pytest.raises(ValueError, match="crew_share"):
        generate_dispatch(engineers=10, jobs=40, seed=1, crew_share=1.5)


def test_a_generated_day_with_every_rule_gets_a_valid_plan_with_crews_served() -> None:
    data = generate_dispatch(
        engineers=15, jobs=55, seed=2, crew_share=0.1, speeds=True, preferences=True
    )
    problem = problem_from_json(data)
    plan = solve(problem, SolveOptions(time_limit_s=4.0, seed=0, solution_limit=30))
    assert check(problem, plan) == []
    crew_jobs = {j.id for j in problem.jobs if j.crew > 1}
    served = [o for o in plan.jobs if o.id in crew_jobs]
    assert len(served) >= len(crew_jobs) // 2
    for o in served:
        assert len(set(o.engineers)) == problem.jobs[problem.job_index[o.id]].crew
