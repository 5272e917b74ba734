"""Solomon reader, contract conversion and best-known values.

C101 is kept in ``tests/data/solomon``; the best-known table (50 kB) and the
whole set of 56 instances are read from the shared folder, and their tests
skip without it.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from scenarios.instances.solomon import (
    SolomonInstance,
    bks,
    distance_matrix,
    job_number,
    read_solomon,
    route_distance,
    solomon_dir,
    solomon_to_problem,
)

C101 = Path(__file__).resolve().parents[1] / "data" / "solomon" / "C101.txt"
needs_shared = pytest.mark.skipif(
    not (solomon_dir() / "C101.txt").is_file() or not (solomon_dir() / "bks.csv").is_file(),
    reason=f"the Solomon instances and best-known table are not in {solomon_dir()} "
    "(FIELDPLAN_SHARED names the shared data folder)",
)


@pytest.fixture(scope="module")
def c101() -> SolomonInstance:
    return read_solomon(C101)


def test_c101_header(c101: SolomonInstance) -> None:
    assert c101.name == "C101"
    assert c101.vehicles == 25
    assert c101.capacity == 200
    assert len(c101.customers) == 100
    assert [c.id for c in c101.customers] == list(range(1, 101))


def test_c101_depot_and_first_customer(c101: SolomonInstance) -> None:
    assert c101.depot == (40, 50, 0, 1236)
    first = c101.customers[0]
    assert (first.id, first.x, first.y) == (1, 45, 68)
    assert (first.demand, first.ready, first.due, first.service) == (10, 912, 967, 90)
    assert c101.customer(1) == first


@needs_shared
def test_read_by_name(c101: SolomonInstance) -> None:
    assert read_solomon("C101") == c101


def test_problem_dict_validates(c101: SolomonInstance) -> None:
    from dispatch.io.problem_json import problem_from_json

    data = solomon_to_problem(c101)
    assert data["schema"] == "fieldplan.dispatch.problem/1"
    assert data["horizon"] == {"start": 0, "end": 1236}
    assert data["travel"] == {"kind": "euclidean"}
    assert len(data["engineers"]) == 25 and data["engineers"][0]["id"] == "V01"
    assert data["engineers"][-1]["id"] == "V25"
    job = data["jobs"][0]
    assert job["id"] == "C001" and job_number(job["id"]) == 1
    assert job["site"] == {"x": 45, "y": 68}
    assert job["windows"] == [{"start": 912, "end": 967}]
    assert (job["duration_min"], job["demand"], job["priority"]) == (90, 10, 1)
    problem = problem_from_json(data)
    assert len(problem.jobs) == 100
    assert len(problem.engineers) == 25
    assert all(e.capacity == 200 and e.max_overtime_min == 0 for e in problem.engineers)


@needs_shared
def test_bks_values() -> None:
    assert bks("C101") == 828.94
    with (solomon_dir() / "bks.csv").open(newline="") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if r["instance"] == "R101" and r["convention"] == "distance_double"
        ]
    assert len(rows) == 1
    assert bks("R101") == float(rows[0]["distance"])
    assert bks("C101", "distance_trunc1_dimacs") == 827.3


@needs_shared
def test_bks_refuses_unknown_and_invalid() -> None:
    with pytest.raises(KeyError):
        bks("X999")
    with pytest.raises(ValueError, match="INVALID"):
        bks("R109", "distance_double_lit")


def test_route_distance_is_exact_double(c101: SolomonInstance) -> None:
    # depot (40, 50) -> customer 1 (45, 68) -> depot
    by_hand = 2 * math.sqrt(5**2 + 18**2)
    assert route_distance(c101, [1]) == by_hand
    assert route_distance(c101, []) == 0.0
    # not rounded or truncated to one decimal
    assert by_hand != round(by_hand, 1)
    matrix = distance_matrix(c101)
    assert matrix.shape == (101, 101)
    assert matrix[0, 1] == math.sqrt(5**2 + 18**2)
    assert route_distance(c101, [1, 2]) == pytest.approx(
        matrix[0, 1] + matrix[1, 2] + matrix[2, 0], abs=1e-12
    )


@needs_shared
def test_every_instance_reads() -> None:
    files = sorted(solomon_dir().glob("*.txt"))
    assert len(files) == 56
    for f in files:
        inst = read_solomon(f)
        assert inst.name == f.stem
        assert len(inst.customers) == 100
        assert bks(inst.name) > 0
