"""Bad input is refused with the JSON path and the rule; good input round-trips."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from dispatch.errors import ProblemError
from dispatch.io.problem_json import problem_from_json, problem_from_text, problem_to_json
from tests.dispatch.builders import at, depot, engineer, job, problem_dict


def _base() -> dict[str, Any]:
    return problem_dict(
        [engineer("E1", 0, skills={"hvac": 2}), engineer("E2", 10)],
        [job("J1", 5, skills={"hvac": 1}), job("J2", 7)],
        [depot("D1", 3, stock={"P1": 2})],
    )


def _refused(mutate: Any, pattern: str) -> None:
    data = _base()
    mutate(data)
    with pytest.raises(ProblemError, match=pattern):
        problem_from_json(data)


def test_valid_problem_round_trips() -> None:
    problem = problem_from_json(_base())
    again = problem_from_json(json.loads(json.dumps(problem_to_json(problem))))
    assert again.jobs == problem.jobs
    assert again.engineers == problem.engineers
    assert again.depots == problem.depots
    assert again.horizon == problem.horizon


def test_malformed_json_names_line_and_column() -> None:
    with pytest.raises(ProblemError, match=r"malformed JSON at line 1 column 12"):
        problem_from_text('{"schema": }')


@pytest.mark.parametrize(
    ("mutate", "pattern"),
    [
        # wrong schema version
        (lambda d: d.update(schema="fieldplan.dispatch.problem/9"), r"^schema: must be"),
        # a window that ends before it starts
        (
            lambda d: d["jobs"][0].update(windows=[{"start": at("12:00"), "end": at("09:00")}]),
            r"jobs\[J1\]\.windows\[0\]\.end: must not be before",
        ),
        # a negative duration
        (lambda d: d["jobs"][1].update(duration_min=-5), r"jobs\[J2\]\.duration_min: must be >= 0"),
        # an unknown engineer in pinned_engineer
        (
            lambda d: d["jobs"][0].update(pinned_engineer="E9"),
            r"jobs\[J1\]\.pinned_engineer: unknown engineer 'E9'",
        ),
        # an unknown engineer in excluded_engineers
        (
            lambda d: d["jobs"][0].update(excluded_engineers=["X"]),
            r"jobs\[J1\]\.excluded_engineers: unknown engineer 'X'",
        ),
        # an unknown travel kind
        (lambda d: d.update(travel={"kind": "teleport"}), r"travel\.kind: unknown kind 'teleport'"),
        # a missing required field
        (lambda d: d["engineers"][1].pop("shift"), r"engineers\[E2\]\.shift: is required"),
        # a time without a UTC offset
        (
            lambda d: d["jobs"][0].update(sla_deadline="2026-11-24T10:00:00"),
            r"jobs\[J1\]\.sla_deadline: .* has no UTC offset",
        ),
        # a string where a number belongs
        (
            lambda d: d["jobs"][0].update(duration_min="90"),
            r"jobs\[J1\]\.duration_min: must be a number",
        ),
        # duplicate ids
        (lambda d: d["jobs"][1].update(id="J1"), r"jobs\[J1\]\.id: is used twice"),
        # an unknown job kind
        (lambda d: d["jobs"][0].update(kind="repair"), r"jobs\[J1\]\.kind: must be one of"),
        # priority zero
        (lambda d: d["jobs"][0].update(priority=0), r"jobs\[J1\]\.priority: must be >= 1"),
        # negative stock
        (
            lambda d: d["depots"][0].update(stock={"P1": -1}),
            r"depots\[D1\]\.stock\.P1: must be >= 0",
        ),
        # a break whose latest start is before its earliest
        (
            lambda d: d["engineers"][0].update(
                breaks=[{"earliest": at("13:00"), "latest": at("12:00"), "duration_min": 30}]
            ),
            r"engineers\[E1\]\.breaks\[0\]\.latest: must not be before",
        ),
        # overlapping windows
        (
            lambda d: d["jobs"][0].update(
                windows=[
                    {"start": at("08:00"), "end": at("12:00")},
                    {"start": at("11:00"), "end": at("15:00")},
                ]
            ),
            r"jobs\[J1\]\.windows\[1\]\.start: must not be before windows\[0\]\.end",
        ),
        # a geographic location where euclidean travel needs x/y
        (
            lambda d: d["jobs"][0].update(site={"lat": 31.2, "lon": 121.4}),
            r"jobs\[J1\]\.site: must give x and y",
        ),
        # a skill level that is not a whole number
        (
            lambda d: d["jobs"][0].update(skills={"hvac": 1.5}),
            r"jobs\[J1\]\.skills\.hvac: must be an integer",
        ),
        # a negative objective weight
        (
            lambda d: d["objective"].update(overtime_cost_per_min=-1),
            r"objective\.overtime_cost_per_min: must be >= 0",
        ),
        # a zero time limit
        (lambda d: d["options"].update(time_limit_s=0), r"options\.time_limit_s: must be > 0"),
        # no schema at all
        (lambda d: d.pop("schema"), r"^schema: is required"),
    ],
)
def test_bad_input_names_path_and_rule(mutate: Any, pattern: str) -> None:
    _refused(mutate, pattern)


def _matrix_problem(minutes: list[list[float]]) -> dict[str, Any]:
    data = problem_dict([engineer("E1", 0)], [job("J1", 5)])
    points = [{"lat": 31.0, "lon": 121.0}, {"lat": 31.1, "lon": 121.1}]
    data["engineers"][0].update(start=points[0], end=points[0])
    data["jobs"][0].update(site=points[1])
    data["travel"] = {
        "kind": "matrix",
        "points": points,
        "minutes": minutes,
        "km": [[0, 9], [9, 0]],
    }
    return data


def test_matrix_travel_is_used_as_given() -> None:
    problem = problem_from_json(_matrix_problem([[0, 12], [14, 0]]))
    assert problem.network.minutes(0, 1) == 12 and problem.network.minutes(1, 0) == 14
    assert problem.network.km(0, 1) == 9


def test_matrix_that_is_not_square_is_refused() -> None:
    with pytest.raises(ProblemError, match=r"travel\.minutes: is not square: row 1 has 3 values"):
        problem_from_json(_matrix_problem([[0, 12], [14, 0, 3]]))


def test_matrix_must_cover_every_location() -> None:
    data = _matrix_problem([[0, 12], [14, 0]])
    data["jobs"][0]["site"] = {"lat": 32.0, "lon": 121.0}
    with pytest.raises(ProblemError, match=r"jobs\[J1\]\.site: is not one of travel\.points"):
        problem_from_json(data)


def test_validated_problem_is_not_mutated_by_caller_copies() -> None:
    data = _base()
    problem = problem_from_json(copy.deepcopy(data))
    data["jobs"][0]["duration_min"] = 999
    assert problem.jobs[0].duration_min == 60


def test_root_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ProblemError, match=r"^\(root\): must be a JSON object"):
        problem_from_json([1, 2])
