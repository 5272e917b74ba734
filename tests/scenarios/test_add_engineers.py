"""``add_engineers``: one shape, ``like`` or ``city``, in the day's what-if and in the study's file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dispatch.errors import ProblemError
from dispatch.io.problem_json import problem_from_json
from pathcheck import PathError
from scenarios.day_whatif import apply_variant
from scenarios.generator.cities import REGIONS, km_between
from scenarios.generator.day import generate_dispatch
from scenarios.instances.solomon import read_solomon, solomon_to_problem
from scenarios.study.runner import check_worlds
from scenarios.study.scenario_file import Study, StudyError, study_from_data
from scenarios.study.world import World, build_world

SOLOMON = Path(__file__).resolve().parents[1] / "data" / "solomon" / "C101.txt"
#: Ten engineers: six around Shanghai, four around Suzhou.
DAY = generate_dispatch(10, 20, 1)


def _day(*adds: Any) -> dict[str, Any]:
    return apply_variant(DAY, {"name": "v", "add_engineers": list(adds)}, "variants[0]")


def _study(*adds: Any) -> Study:
    return study_from_data(
        {
            "days": 1,
            "seed": 3,
            "baseline": {"engineers": 10, "jobs_per_day": 20},
            "variants": [{"name": "v", "add_engineers": list(adds)}],
        }
    )


def _world(study: Study) -> World:
    base, variant = study.variants
    return build_world(base.settings, variant.settings, variant.operations, study.seed)


def test_the_day_copies_the_engineer_it_is_told_like() -> None:
    out = _day({"count": 2, "like": "E003"})
    model = next(e for e in DAY["engineers"] if e["id"] == "E003")
    copies = out["engineers"][len(DAY["engineers"]) :]
    assert [e["id"] for e in copies] == ["E003+1", "E003+2"]
    for e in copies:
        assert {**e, "id": "E003", "van_stock": model["van_stock"]} == model
        assert e["van_stock"] == {}
    problem_from_json(out)  # a valid problem


def test_the_day_copies_the_engineer_starting_nearest_a_city() -> None:
    suzhou = REGIONS["shanghai"].city("SZ")
    nearest = min(
        DAY["engineers"],
        key=lambda e: km_between(e["start"]["lat"], e["start"]["lon"], suzhou.lat, suzhou.lon),
    )
    out = _day({"count": 1, "city": "Suzhou"})
    (copy,) = out["engineers"][len(DAY["engineers"]) :]
    assert copy["id"] == f"{nearest['id']}+1"
    assert copy["start"] == nearest["start"] and copy["skills"] == nearest["skills"]
    assert km_between(copy["start"]["lat"], copy["start"]["lon"], suzhou.lat, suzhou.lon) < 20


def test_the_day_gives_each_copy_its_own_id() -> None:
    out = _day({"like": "E007"}, {"count": 1, "city": "Suzhou"}, {"count": 1, "like": "E007"})
    ids = [e["id"] for e in out["engineers"]]
    assert len(ids) == len(set(ids)) == 13
    assert {"E007+1", "E007+2"} <= set(ids)
    problem_from_json(out)


def test_the_study_copies_an_engineer_of_the_team() -> None:
    before = {e.id: e for e in _world(_study()).engineers}
    world = _world(_study({"count": 2, "like": "E008"}))
    model, copies = before["E008"], world.engineers[len(before) :]
    assert len(copies) == 2 and not {e.id for e in copies} & set(before)
    for e in copies:
        assert (e.city, e.shift, e.skills, e.tools) == (
            model.city,
            model.shift,
            model.skills,
            model.tools,
        )
        assert (e.max_overtime_min, e.break_min) == (model.max_overtime_min, model.break_min)


def test_the_study_still_hires_near_a_city() -> None:
    world = _world(_study({"city": "Suzhou", "count": 2}))
    assert [e.city for e in world.engineers[10:]] == ["Suzhou", "Suzhou"]


def test_the_study_may_copy_an_engineer_the_variant_removes() -> None:
    study = study_from_data(
        {
            "seed": 3,
            "baseline": {"engineers": 10, "jobs_per_day": 20},
            "variants": [{"name": "v", "remove_engineers": 1, "add_engineers": [{"like": "E010"}]}],
        }
    )
    model = next(e for e in _world(_study()).engineers if e.id == "E010")
    world = _world(study)
    assert len(world.engineers) == 10
    assert (world.engineers[-1].city, world.engineers[-1].skills) == (model.city, model.skills)


def test_the_study_names_an_unknown_engineer_before_any_simulation() -> None:
    with pytest.raises(StudyError) as caught:
        check_worlds(_study({"count": 1, "like": "E077"}))
    assert caught.value.path == "variants[0].add_engineers[0].like"
    assert caught.value.rule == "must name an engineer of the team"


#: (add_engineers, the field at fault below ``variants[0].add_engineers``)
MISTAKES: list[tuple[Any, str]] = [
    ({"city": "Suzhou"}, ""),  # not a list
    (["Suzhou"], "[0]"),  # not an object
    ([{"count": 2}], "[0]"),  # neither like nor city
    ([{"count": 2, "like": "E001", "city": "Suzhou"}], "[0]"),  # both
    ([{"count": 2, "like": ""}], "[0].like"),
    ([{"count": 2, "like": 7}], "[0].like"),
    ([{"count": 2, "city": "Atlantis"}], "[0].city"),
    ([{"count": 2, "city": ["Suzhou"]}], "[0].city"),
    ([{"count": 0, "city": "Suzhou"}], "[0].count"),
    ([{"count": 101, "like": "E001"}], "[0].count"),
    ([{"count": True, "like": "E001"}], "[0].count"),
    ([{"city": "Suzhou"}, {"count": "two", "city": "Suzhou"}], "[1].count"),
]


@pytest.mark.parametrize(("adds", "field"), MISTAKES)
def test_both_files_refuse_the_same_mistakes_naming_the_same_field(adds: Any, field: str) -> None:
    path = f"variants[0].add_engineers{field}"
    variant = {"name": "v", "add_engineers": adds}
    with pytest.raises(ProblemError) as day:
        apply_variant(DAY, variant, "variants[0]")
    with pytest.raises(StudyError) as study:
        study_from_data({"variants": [variant]})
    assert day.value.path == study.value.path == path
    assert isinstance(day.value, PathError) and isinstance(study.value, PathError)
    if not field.endswith((".like", ".city")):  # the rest list the problem's or region's names
        assert day.value.rule == study.value.rule


def test_the_day_refuses_an_engineer_it_does_not_have() -> None:
    with pytest.raises(ProblemError, match=r"add_engineers\[0\]\.like: must name an engineer"):
        _day({"count": 1, "like": "E077"})


def test_the_day_names_the_city_field_when_engineers_have_no_coordinates() -> None:
    flat = solomon_to_problem(read_solomon(SOLOMON))
    with pytest.raises(ProblemError) as caught:
        apply_variant(flat, {"name": "v", "add_engineers": [{"city": "Suzhou"}]}, "variants[0]")
    assert caught.value.path == "variants[0].add_engineers[0].city"
