"""Seven days a week: the on-call rota and its call-outs, preventive visits from the
installed units' cycles, the figures of nights, weekends and maintenance, and sizing a
team for a target. Call-outs and visits are checked against values worked out here
from the world's own coordinates and settings, not read back from the simulation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from fieldplan.cli import main
from scenarios.generator.cities import km_between
from scenarios.study import sizing
from scenarios.study.arrivals import Arrivals
from scenarios.study.cosim import Simulation
from scenarios.study.logistics import CENTRAL, Logistics
from scenarios.study.on_call import CIRCUITY, PREPARE_MIN, OnCall
from scenarios.study.results import DAY, DayFigures, SimJob, VariantResult, reached_in_time
from scenarios.study.scenario_file import StudyError, study_from_data
from scenarios.study.world import World, build_world

QUICK = {"plan_solutions": 2, "replan_steps": 40}


def _world(**settings: Any) -> World:
    study = study_from_data(
        {
            "seed": 3,
            "baseline": {"engineers": 6, "jobs_per_day": 22, **QUICK, **settings},
        }
    )
    s = study.variants[0].settings
    return build_world(s, s, {}, 3)


def _emergency(world: World, arrivals: Arrivals, tier: str, reported: float) -> SimJob:
    """An emergency at the first site of ``tier`` needing no part, and no skill
    beyond level 1 of the site's line."""
    k, site = next((k, s) for k, s in enumerate(world.sites) if s.tier == tier)
    job = SimJob(
        id=f"X-{tier}",
        site=k,
        kind="emergency",
        priority=1,
        reported=reported,
        deadline=arrivals.deadline(reported, "emergency", tier),
        tier=tier,
        part=None,
        known=True,
        duration=60,
        skills={site.line: 1},
        tools=[],
        earliest=reported,
        root=f"X-{tier}",
    )
    arrivals.jobs[job.id] = job
    arrivals.open[job.id] = job
    return job


def _quiet_night(world: World) -> tuple[Arrivals, OnCall]:
    arrivals = Arrivals(world, 3)
    arrivals.open.clear()
    return arrivals, OnCall(world, arrivals, Logistics(world))


def test_a_gold_emergency_at_night_goes_to_the_duty_engineer_who_is_there_first() -> None:
    world = _world(on_call={"engineers": 3})
    arrivals, on_call = _quiet_night(world)
    job = _emergency(world, arrivals, "gold", 22 * 60)  # Monday 22:00
    assert job.deadline == 22 * 60 + 240  # 7x24: four hours later, in the night
    on_call.cover_evening(0)
    site = world.sites[job.site]
    able = [e for e in on_call.rota(0) if e.skills.get(site.line, 0) >= 1]
    drive = {
        e.id: km_between(e.lat, e.lon, site.lat, site.lon) * CIRCUITY / world.speed_kmh * 60
        for e in able
    }
    first = min(drive, key=lambda e: (drive[e], e))
    assert [(c.job, c.engineer) for c in on_call.callouts] == [(job.id, first)]
    assert job.first_visit == pytest.approx(22 * 60 + PREPARE_MIN + drive[first])
    assert job.closed_at == pytest.approx(job.first_visit + 60) and job.fixed
    assert job.id not in arrivals.open
    assert on_call.work_min == pytest.approx(2 * drive[first] + 60)
    assert reached_in_time(job) == (job.first_visit <= job.deadline)


def test_an_emergency_that_can_wait_for_the_morning_is_not_called_out() -> None:
    # business hours: the clock stops overnight, so a silver emergency waits for the team
    world = _world(on_call={"engineers": 3})
    arrivals, on_call = _quiet_night(world)
    silver = _emergency(world, arrivals, "silver", 22 * 60)
    on_call.cover_evening(0)
    assert on_call.callouts == [] and silver.id in arrivals.open
    # a gold emergency with 12 h to respond is due at 10:00, after the team starts (+90 min)
    world = _world(
        on_call={"engineers": 3}, sla={"emergency": {"gold": 720, "silver": 240, "bronze": 480}}
    )
    arrivals, on_call = _quiet_night(world)
    gold = _emergency(world, arrivals, "gold", 22 * 60)
    assert gold.deadline == DAY + 10 * 60
    assert on_call.next_morning(22 * 60) == DAY + on_call.morning
    on_call.cover_evening(0)
    assert on_call.callouts == [] and gold.id in arrivals.open


def test_nobody_on_call_means_no_call_outs() -> None:
    world = _world(on_call={"engineers": 0})
    arrivals, on_call = _quiet_night(world)
    job = _emergency(world, arrivals, "gold", 5 * DAY + 11 * 60)  # Saturday 11:00
    on_call.cover_day(5)
    assert on_call.callouts == [] and job.first_visit is None and on_call.duty_days == 0


def test_the_rota_is_the_same_all_week_turns_weekly_and_spreads_over_the_region() -> None:
    world = _world(engineers=12, on_call={"engineers": 3})
    on_call = OnCall(world, Arrivals(world, 3), Logistics(world))
    week = [on_call.rota(d) for d in range(7)]
    assert all(r == week[0] for r in week) and len(week[0]) == 3
    assert on_call.rota(7) != week[0]
    cities = {e.city for e in world.engineers}
    assert len({e.city for e in week[0]}) == min(3, len(cities))


def test_a_preventive_visit_opens_with_its_band_and_the_visit_moves_the_next_cycle() -> None:
    world = _world()
    unit = replace(world.units[0], last_visit=-85, cycle_days=90, tolerance_days=7)
    world.units = [unit]
    arrivals = Arrivals(world, 3)
    arrivals.open.clear()
    assert arrivals._preventive(0) == 1  # due on day 5, band from day -2 to day 12
    job = arrivals.open[f"PM-{unit.id}-5"]
    assert (job.kind, job.earliest, job.deadline) == ("preventive", 6 * 60, 12 * DAY + 18 * 60)
    assert arrivals._preventive(1) == 0  # one visit open at a time
    arrivals.visited(job, 3 * DAY + 9 * 60, 3 * DAY + 10 * 60)
    assert arrivals.units[unit.id].last_visit == 3
    assert [arrivals._preventive(d) for d in (84, 85, 86)] == [0, 0, 1]  # 3 + 90 - 7 = 86
    assert f"PM-{unit.id}-93" in arrivals.open


def test_a_week_with_its_weekend_reports_nights_weekends_and_maintenance_as_they_happened() -> None:
    study = study_from_data(
        {
            "days": 6,  # Monday to Monday: a weekend inside
            "seed": 3,
            "baseline": {
                "engineers": 6,
                "jobs_per_day": 22,
                **QUICK,
                "on_call": {"engineers": 2},
                "maintenance": {"cycle_days": 10, "tolerance_days": 2},
            },
        }
    )
    s = study.variants[0].settings
    sim = Simulation(build_world(s, s, {}, 3), study.days, 3)
    result = sim.run()
    k, jobs = result.kpis, list(sim.arrivals.jobs.values())
    horizon = 8 * DAY  # Monday 30 November to Monday 7 December, included
    preventive = [j for j in jobs if j.kind == "preventive" and j.deadline < horizon]
    assert preventive, "a 10-day cycle must make visits due within the week"
    inside = [j for j in preventive if j.first_visit is not None and j.first_visit <= j.deadline]
    assert k["pm_compliance_pct"] == round(100 * len(inside) / len(preventive), 1)
    assert all(j.first_visit >= j.earliest for j in inside)
    gold_weekend = [
        j
        for j in jobs
        if j.kind == "emergency"
        and j.tier == "gold"
        and int(j.reported // DAY) in (5, 6)
        and j.deadline < horizon
    ]
    if gold_weekend:
        met = sum(1 for j in gold_weekend if reached_in_time(j))
        assert k["weekend_on_time_pct"] == round(100 * met / len(gold_weekend), 1)
    assert k["callouts"] == len(sim.on_call.callouts)
    assert all(sim.arrivals.jobs[c.job].first_visit == c.arrival for c in sim.on_call.callouts)
    assert sim.on_call.duty_days == 2 * 8
    assert k["on_call_hours"] == round(sim.on_call.work_min / 60, 1)
    hours = [
        (sim.execution.busy_total.get(e.id, 0.0) + sim.on_call.busy.get(e.id, 0.0)) / 60
        for e in sim.world.engineers
    ]
    assert k["workload_spread_h"] == round(max(hours) - min(hours), 1)
    assert result.jobs["arrived"] == result.jobs["done"] + result.jobs["backlog"]
    # each day's arrivals (the weekend's with Monday's) and the follow-ups the visits made
    follow_ups = sum(1 for j in jobs if j.kind == "follow_up")
    assert sum(d.arrived for d in result.days) + follow_ups == result.jobs["arrived"]


def test_the_backlog_growth_is_the_weekly_slope_in_days_of_arrivals() -> None:
    def result(backlogs: list[int]) -> VariantResult:
        days = [
            DayFigures(i + 1, "", 10, 0, b, 0, 0, 0.0, 0.0, 0.0) for i, b in enumerate(backlogs)
        ]
        return VariantResult("x", days, {}, {}, {}, {}, {})

    # ten days or more: the backlog on days 5, 10, 15 (30, 40, 50) grows 10 a week,
    # one day of arrivals (10 a day); Monday's peaks (99) do not count
    weeks = [50, 40, 30, 30, 30, 99, 60, 50, 45, 40, 99, 70, 60, 55, 50]
    assert sizing.backlog_growth(result(weeks)) == pytest.approx(1.0)
    # shorter: each day's backlog, 2 more a day, is 10 a week, again one day of arrivals
    assert sizing.backlog_growth(result([20, 22, 24, 26, 28])) == pytest.approx(1.0)
    with pytest.raises(StudyError, match="at least 4 days"):
        sizing.backlog_growth(result([1, 2, 3]))


def test_sizing_finds_the_smallest_team_in_few_simulations(monkeypatch: Any) -> None:
    tried: list[int] = []

    def simulate(study: Any, engineers: int, target: sizing.Target) -> sizing.Trial:
        tried.append(engineers)
        return sizing.Trial(
            engineers, 95.0 if engineers >= 37 else 80.0, 0.0, 0, 80.0, 0.0, engineers >= 37
        )

    monkeypatch.setattr(sizing, "_simulate", simulate)
    monkeypatch.setattr(sizing, "estimate", lambda study: 20)
    found = sizing.size_staff(study_from_data({}), sizing.Target())
    assert found.smallest == 37
    assert len(tried) == len(set(tried)) <= 9
    assert all(n < 37 for n in tried if n not in (37, 40))  # 40 is the doubled guess


def test_the_size_command_simulates_a_small_team(tmp_path: Path) -> None:
    path = tmp_path / "small.json"
    import json

    path.write_text(
        json.dumps(
            {
                "name": "small",
                "days": 4,
                "seed": 3,
                "baseline": {"engineers": 4, "jobs_per_day": 12, **QUICK},
            }
        ),
        encoding="utf-8",
    )
    report = tmp_path / "size.md"
    code = main(
        [
            "scenario",
            "size",
            str(path),
            "--min",
            "2",
            "--max",
            "3",
            "--emergency-on-time",
            "0",
            "--backlog-growth",
            "100",
            "-o",
            str(report),
        ]
    )
    assert code == 0
    text = report.read_text(encoding="utf-8")
    assert "Smallest team: **2 engineers**." in text and "| 2 |" in text
    assert main(["scenario", "size", str(path), "--min", "3", "--max", "2"]) == 2


@pytest.mark.parametrize(
    ("baseline", "path"),
    [
        ({"on_call": {"engineers": -1}}, "baseline.on_call.engineers"),
        ({"on_call": {"from": "08:00"}}, "baseline.on_call.from"),
        ({"maintenance": {"tolerance_days": 45}}, "baseline.maintenance.tolerance_days"),
        ({"maintenance": {"cycle_days": 3}}, "baseline.maintenance.cycle_days"),
        ({"maintenance": {"units_per_site": -1}}, "baseline.maintenance.units_per_site"),
        ({"replan_on_emergency": "yes"}, "baseline.replan_on_emergency"),
        ({"costs": {"callout": -5}}, "baseline.costs.callout"),
    ],
)
def test_bad_seven_day_settings_name_the_field(baseline: dict[str, Any], path: str) -> None:
    with pytest.raises(StudyError) as caught:
        study_from_data({"baseline": baseline})
    assert caught.value.path == path


def test_a_part_held_nowhere_is_ordered_for_the_jobs_waiting_for_it() -> None:
    world = _world(supplier_lead_days=14, transit_days=1)
    logistics = Logistics(world)
    depot = world.depots[0].id
    part = "P-RARE"  # in no stock plan, on no shelf
    assert all(part not in levels for levels in logistics.levels.values())
    logistics.refill_and_order(0, {(depot, part): 2})
    assert [o for o in logistics.pipeline if o[2] == part] == [(14, CENTRAL, part, 2)]
    logistics.refill_and_order(1, {(depot, part): 2})  # already on order: nothing more
    assert [o for o in logistics.pipeline if o[2] == part] == [(14, CENTRAL, part, 2)]
    logistics.receive(14)
    assert logistics.on_hand[CENTRAL][part] == 2
    logistics.refill_and_order(14, {(depot, part): 2})
    assert [o for o in logistics.pipeline if o[2] == part] == [(15, depot, part, 2)]
    logistics.receive(15)
    assert logistics.stock_at(depot)[part] == 2 and logistics.on_hand[CENTRAL][part] == 0
