"""The multi-day co-simulation: conservation of parts and jobs, staffing, first-time fix, reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fieldplan.cli import main
from scenarios.study.report import table_rows, write_report
from scenarios.study.runner import run_study
from scenarios.study.scenario_file import Study, StudyError, load_study, study_from_data

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "scenarios" / "examples").glob("*.yaml"))
QUICK = {"plan_solutions": 2, "replan_steps": 40}


def _study(
    days: int = 3,
    baseline: dict[str, Any] | None = None,
    variants: list[dict[str, Any]] | None = None,
) -> Study:
    base = {"engineers": 6, "jobs_per_day": 22, **QUICK, **(baseline or {})}
    return study_from_data(
        {"name": "t", "days": days, "seed": 3, "baseline": base, "variants": variants or []}
    )


def test_parts_and_jobs_are_conserved() -> None:
    (result,) = run_study(_study(days=4), workers=1)
    c = result.conservation
    # every unit on hand at the start or received from the supplier was used, is on a
    # shelf or in a van, or is on its way from the central warehouse to a depot
    assert c["initial"] + c["received"] == c["consumed"] + c["on_hand"] + c["in_transit"]
    assert c["consumed"] > 0
    j = result.jobs
    assert j["arrived"] == j["done"] + j["backlog"] + j["cancelled"]
    assert j["done"] == sum(d.visits + d.callouts for d in result.days)
    assert [d.day for d in result.days] == [1, 2, 3, 4]
    assert result.days[0].date == "2026-11-30"  # the default start, a Monday


def test_the_same_study_and_seed_give_the_same_figures() -> None:
    (first,) = run_study(_study(days=2), workers=1)
    (again,) = run_study(_study(days=2), workers=1)
    assert first.kpis == again.kpis and first.days == again.days


def test_the_same_seed_meets_the_same_faults_in_every_variant() -> None:
    base, more = run_study(
        _study(
            days=2, variants=[{"name": "more", "add_engineers": [{"city": "Shanghai", "count": 2}]}]
        ),
        workers=1,
    )
    assert [d.arrived for d in base.days] == [d.arrived for d in more.days]


def test_more_engineers_never_respond_later_in_a_controlled_case() -> None:
    """Three engineers for 30 faults a day cannot keep up; six more in the same city can."""
    study = _study(
        days=3,
        baseline={"engineers": 3, "jobs_per_day": 30},
        variants=[{"name": "nine", "add_engineers": [{"city": "Shanghai", "count": 6}]}],
    )
    base, more = run_study(study, workers=2)
    assert more.kpis["engineers"] == 9 and base.kpis["engineers"] == 3
    assert more.kpis["on_time_pct"] >= base.kpis["on_time_pct"]
    assert more.kpis["backlog_end"] < base.kpis["backlog_end"]


def test_first_time_fix_follows_what_the_vans_hold() -> None:
    """No part is known before the visit: only the van can fix the fault at once."""
    study = _study(
        days=3,
        baseline={
            "part_known_share": 0.0,
            "jobs_per_day": 12,
            "stock": {"fill_rate": 0.99},
            "van_stock": "all",
        },
        variants=[{"name": "empty", "van_stock": "none"}],
    )
    full, empty = run_study(study, workers=2)
    assert full.kpis["first_time_fix_pct"] == 100.0
    assert (
        empty.kpis["first_time_fix_pct"] < 60.0
    )  # only faults that need no part (30 %) are fixed at once
    assert empty.kpis["repair_hours_mean"] > full.kpis["repair_hours_mean"]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_loads_and_runs_a_day(path: Path) -> None:
    study = load_study(path, days=1)
    assert len(study.variants) >= 3 and study.variants[0].name == "baseline"
    for v in study.variants:
        v.settings.update(QUICK)
    results = run_study(study, workers=2)
    assert [r.name for r in results] == [v.name for v in study.variants]
    for r in results:
        assert r.jobs["arrived"] == r.jobs["done"] + r.jobs["backlog"]
        assert r.kpis["stock_investment"] > 0


def test_there_are_examples_for_each_kind_of_change() -> None:
    changes = set()
    for path in EXAMPLES:
        for v in load_study(path).variants[1:]:
            changes |= {
                k
                for k in (
                    *v.operations,
                    *_changed(v.settings, load_study(path).variants[0].settings),
                )
            }
    assert {
        "add_engineers",
        "remove_engineers",
        "close_depots",
        "train",
        "sla",
        "jobs_per_day",
        "stock",
        "van_stock",
        "on_call",
    } <= changes
    assert len(EXAMPLES) >= 5


def _changed(settings: dict[str, Any], base: dict[str, Any]) -> set[str]:
    return {k for k in settings if settings[k] != base[k]}


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"baseline": {"region": "atlantis"}}, "baseline.region"),  # unknown region
        ({"baseline": {"engineers": -2}}, "baseline.engineers"),  # negative team
        ({"baseline": {"jobs": 10}}, "baseline.jobs"),  # unknown setting
        ({"days": 0}, "days"),  # nothing to simulate
        (
            {"variants": [{"name": "x", "sla": {"emergency": {"gold": 0}}}]},
            "variants[0].sla.emergency.gold",
        ),  # zero minutes
        (
            {"variants": [{"name": "x", "stock": {"fill_rate": 1.5}}]},
            "variants[0].stock.fill_rate",
        ),  # not a rate
        (
            {"variants": [{"name": "x", "add_engineers": [{"city": "Paris", "count": 1}]}]},
            "variants[0].add_engineers[0].city",
        ),  # outside the region
        (
            {"variants": [{"name": "x", "remove_engineers": 30}]},
            "variants[0].remove_engineers",
        ),  # the whole team
        ({"variants": [{"name": "a"}, {"name": "a"}]}, "variants[1].name"),  # twice the same name
        ({"variants": [{"jobs_per_day": 9}]}, "variants[0].name"),  # no name
        ({"baseline": {"replan_at": ["25:00"]}}, "baseline.replan_at[0]"),  # not a time
    ],
)
def test_bad_scenario_files_name_the_field(data: dict[str, Any], path: str) -> None:
    with pytest.raises(StudyError) as caught:
        study_from_data(data)
    assert caught.value.path == path


def test_an_unknown_depot_is_named_before_any_simulation() -> None:
    study = _study(days=1, variants=[{"name": "x", "close_depots": ["D-XX"]}])
    with pytest.raises(StudyError, match=r"variants\[0\]\.close_depots\[0\]: no depot 'D-XX'"):
        run_study(study, workers=1)


def test_a_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(StudyError, match="is not valid YAML"):
        load_study(bad)


def test_the_report_and_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = {
        "name": "tiny",
        "days": 2,
        "seed": 3,
        "baseline": {"engineers": 4, "jobs_per_day": 14, **QUICK},
        "variants": [{"name": "one more", "add_engineers": [{"city": "Shanghai", "count": 1}]}],
    }
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert (
        main(["scenario", "run", str(path), "-o", str(tmp_path / "report"), "--workers", "1"]) == 0
    )
    for name in (
        "report.html",
        "report.md",
        "results.json",
        "on-time.png",
        "backlog.png",
        "utilisation.png",
        "frontier.png",
    ):
        assert (tmp_path / "report" / name).stat().st_size > 0, name
    results = json.loads((tmp_path / "report" / "results.json").read_text())
    assert [r["name"] for r in results] == ["baseline", "one more"]
    md = (tmp_path / "report" / "report.md").read_text()
    assert "| figure | baseline | one more |" in md and "engineers | 4 | 5 (+1) |" in md
    assert "tiny" in capsys.readouterr().out
    assert main(["scenario", "run", str(tmp_path / "missing.yaml"), "-o", str(tmp_path / "x")]) == 2


def test_table_rows_show_differences_against_the_baseline(tmp_path: Path) -> None:
    base, more = run_study(
        _study(
            days=1, variants=[{"name": "more", "add_engineers": [{"city": "Shanghai", "count": 2}]}]
        ),
        workers=1,
    )
    rows = {r[0]: r[1:] for r in table_rows([base, more])}
    assert rows["engineers"] == ["6", "8 (+2)"]
    page = write_report(_study(days=1), [base, more], tmp_path)
    assert "8 (+2)" in page.read_text(encoding="utf-8")
