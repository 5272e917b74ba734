"""Background runs: a restart never leaves a run "running"; planners' scenario and stock runs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from api import create_app
from api.models import Run
from api.runs.executor import ThreadExecutor
from api.runs.worker import INTERRUPTED, recover
from scenarios.generator.stock_problem import generate_inventory
from tests.api.conftest import MONDAY, World, job_body


def _problem(world: World) -> dict[str, object]:
    from api.day_problem import day_problem

    with world.sessions() as s:
        return day_problem(s, "metro", date(2026, 11, 30), 1.0)


def test_a_restart_fails_the_run_in_flight_and_runs_the_queued_one(
    world: World, database_url: str
) -> None:
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    problem = _problem(world)
    with world.sessions() as s, s.begin():
        s.add(
            Run(
                kind="plan",
                status="running",
                region_id="metro",
                day=date(2026, 11, 30),
                params={},
                problem=problem,
                worker="host:1:1",
            )
        )
        s.add(
            Run(
                kind="plan",
                status="queued",
                region_id="metro",
                day=date(2026, 11, 30),
                params={},
                problem=problem,
            )
        )
    # the process died; a new one starts on the same database
    create_app({"DATABASE_URL": database_url, "RUN_EXECUTOR": "inline"}).extensions[
        "fieldplan.db"
    ].dispose()
    with world.sessions() as s:
        running, queued = s.scalars(select(Run).order_by(Run.id)).all()
    assert (
        running.status == "failed"
        and running.error == INTERRUPTED
        and running.finished_at is not None
    )
    assert (
        queued.status == "done"
        and queued.result is not None
        and queued.result["plan"]["kpis"]["assigned"] == 1
    )


def test_recover_touches_only_running_runs(world: World) -> None:
    with world.sessions() as s, s.begin():
        s.add_all(
            [
                Run(kind="plan", status=st, params={})
                for st in ("running", "queued", "done", "failed")
            ]
        )
    with world.sessions() as s, s.begin():
        assert recover(s) == 1
    with world.sessions() as s:
        assert [r.status for r in s.scalars(select(Run).order_by(Run.id))] == [
            "failed",
            "queued",
            "done",
            "failed",
        ]


def test_the_thread_executor_runs_in_the_background_and_records_failures(world: World) -> None:
    world.post("dispatcher", "/api/v1/jobs", job_body("J1"))
    good = _problem(world)
    with world.sessions() as s, s.begin():
        ok = Run(kind="plan", status="queued", params={}, problem=good)
        bad = Run(kind="plan", status="queued", params={}, problem={"schema": "nonsense"})
        s.add_all([ok, bad])
        s.flush()
        ids = (ok.id, bad.id)
    executor = ThreadExecutor(world.sessions, workers=1)
    for run_id in ids:
        executor.submit(run_id)
    executor.submit(ids[0])  # a second submission finds it claimed and does nothing
    executor.shutdown()  # waits for the worker thread
    with world.sessions() as s:
        ok_run, bad_run = (s.get(Run, i) for i in ids)
    assert ok_run is not None and ok_run.status == "done" and ok_run.progress["fraction"] == 1.0
    assert bad_run is not None and bad_run.status == "failed" and "schema" in (bad_run.error or "")


def test_a_scenario_run_compares_variants_with_the_baseline(world: World) -> None:
    for i in range(4):
        world.post("dispatcher", "/api/v1/jobs", job_body(f"J{i}", duration_min=150))
    body = {
        "region": "metro",
        "date": MONDAY,
        "time_limit_s": 1,
        "variants": [
            {"name": "E2 off", "remove_engineers": ["E2"]},
            {"name": "two more", "add_engineers": [{"like": "E1", "count": 2}]},
        ],
    }
    r = world.post("planner", "/api/v1/scenarios", body)
    assert r.status_code == 202 and r.json["kind"] == "scenario"
    run = world.get("planner", f"/api/v1/scenarios/{r.json['id']}").json
    assert run["status"] == "done", run["error"]
    base, off, more = run["result"]["baseline"], *run["result"]["variants"]
    assert (base["name"], base["engineers"], off["engineers"], more["engineers"]) == (
        "baseline",
        2,
        1,
        4,
    )
    assert base["figures"]["jobs"] == 4
    # two engineers do two 150 min jobs each; one alone fits three in 540 min less a 30 min break
    assert (
        base["figures"]["assigned"],
        off["figures"]["assigned"],
        more["figures"]["assigned"],
    ) == (4, 3, 4)
    assert off["difference"]["assigned"] == -1 and more["difference"]["assigned"] == 0


def test_a_bad_variant_is_refused_naming_it(world: World) -> None:
    body = {
        "region": "metro",
        "date": MONDAY,
        "variants": [{"name": "x", "remove_engineers": ["E9"]}],
    }
    r = world.post("planner", "/api/v1/scenarios", body)
    assert r.status_code == 422 and "variants[0].remove_engineers[0]" in r.json["errors"]["json"]
    with world.sessions() as s:
        assert s.scalars(select(Run)).first() is None


def test_a_stock_plan_run_returns_the_contract_plan(world: World) -> None:
    problem = generate_inventory(parts=5, regions=2, seed=1)
    r = world.post("planner", "/api/v1/stock-plans", {"problem": problem})
    assert r.status_code == 202
    run = world.get("planner", f"/api/v1/stock-plans/{r.json['id']}").json
    assert run["status"] == "done" and run["kind"] == "stock"
    plan = run["result"]["plan"]
    assert plan["schema"] == "fieldplan.inventory.plan/1" and set(plan["levels"]) == {
        p["sku"] for p in problem["parts"]
    }
    listed = world.get("planner", "/api/v1/stock-plans").json
    assert listed["total"] == 1 and "result" not in listed["items"][0]
    bad = world.post("planner", "/api/v1/stock-plans", {"problem": {**problem, "parts": "none"}})
    assert bad.status_code == 422 and "parts" in bad.json["errors"]["json"]


def test_a_study_runs_and_serves_its_report(world: World) -> None:
    study = {"name": "tiny", "days": 1, "seed": 2, "baseline": {"engineers": 4, "jobs_per_day": 12, "plan_solutions": 2, "replan_steps": 40}, "variants": [{"name": "one more", "add_engineers": [{"city": "Shanghai", "count": 1}]}]}
    r = world.post("planner", "/api/v1/studies", {"study": study})
    assert r.status_code == 202 and r.json["kind"] == "study"
    run = world.get("planner", f"/api/v1/studies/{r.json['id']}").json
    assert run["status"] == "done", run["error"]
    assert run["progress"]["variants_done"] == 2
    assert [v["name"] for v in run["result"]["variants"]] == ["baseline", "one more"]
    table = {row[0]: row[1:] for row in run["result"]["table"]}
    assert table["engineers"] == ["4", "5 (+1)"]
    page = world.get("planner", f"/api/v1/studies/{r.json['id']}/report")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "<h1>tiny</h1>" in html and "5 (+1)" in html and html.count('src="data:image/png;base64,') == 4
    bad = world.post("planner", "/api/v1/studies", {"study": {**study, "variants": [{"name": "x", "sla": {"emergency": {"gold": 0}}}]}})
    assert bad.status_code == 422 and "study.variants[0].sla.emergency.gold" in bad.json["errors"]["json"]


def test_an_unexpected_failure_is_logged_and_the_run_says_only_its_kind(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from api.runs import worker

    def broken(params: Any, problem: Any, heartbeat: Any) -> Any:
        raise RuntimeError("cannot open /srv/secret/config.yaml")

    monkeypatch.setattr(worker, "runner_for", lambda kind, params: broken)
    with world.sessions() as s, s.begin():
        run = Run(kind="plan", status="queued", params={}, problem={})
        s.add(run)
        s.flush()
        run_id = run.id
    worker.execute(world.sessions, run_id)
    answer = world.get("dispatcher", f"/api/v1/plans/{run_id}").json
    assert answer["status"] == "failed"
    assert answer["error"] == "internal error (RuntimeError); the detail is in the service log"
    assert "/srv/secret/config.yaml" in caplog.text  # the detail, for the operator only
