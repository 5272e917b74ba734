"""Solomon VRPTW benchmark instances: reading, conversion to the dispatch contract, BKS.

Solomon semantics: a customer's time window bounds the start of service, the
depot's due date is the latest return, and travel time equals the Euclidean
distance in double precision (no rounding).
"""

from __future__ import annotations

import csv
import itertools
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from dispatch.io.contract import engineer_dict, job_dict, period, plane
from dispatch.io.problem_json import PROBLEM_SCHEMA

#: Unassigned penalty used for benchmark problems: large enough that serving every
#: customer always beats any travel saving.
UNASSIGNED_PENALTY = 1e9

_REPO = Path(__file__).resolve().parents[2]


class Depot(NamedTuple):
    """The depot (customer number 0): location and opening hours."""

    x: float
    y: float
    ready: float
    due: float


class Customer(NamedTuple):
    """One customer row of a Solomon file."""

    id: int
    x: float
    y: float
    demand: int
    ready: float
    due: float
    service: float


@dataclass(frozen=True)
class SolomonInstance:
    """A parsed Solomon instance; ``customers`` keep the file's order."""

    name: str
    vehicles: int
    capacity: int
    depot: Depot
    customers: tuple[Customer, ...]

    def customer(self, number: int) -> Customer:
        """The customer with Solomon number ``number``."""
        for c in self.customers:
            if c.id == number:
                return c
        raise KeyError(f"{self.name} has no customer {number}")


def shared_dir() -> Path:
    """The shared folder: ``$FIELDPLAN_SHARED`` or ``<repo>/../shared``."""
    env = os.environ.get("FIELDPLAN_SHARED")
    return Path(env) if env else _REPO.parent / "shared"


def solomon_dir() -> Path:
    """The folder holding the Solomon ``*.txt`` files and ``bks.csv``."""
    return shared_dir() / "benchmarks" / "solomon"


def instance_names() -> list[str]:
    """Names of the instances present in :func:`solomon_dir`, sorted."""
    return sorted(p.stem for p in solomon_dir().glob("*.txt"))


def _resolve(path: str | Path) -> Path:
    p = Path(path)
    if p.exists() or p.suffix or len(p.parts) > 1:
        return p
    return solomon_dir() / f"{p.name.upper()}.txt"


def read_solomon(path: str | Path) -> SolomonInstance:
    """Read a Solomon file; a bare name such as ``"C101"`` is looked up in :func:`solomon_dir`."""
    file = _resolve(path)
    lines = [line.strip() for line in file.read_text(encoding="ascii").splitlines()]
    lines = [line for line in lines if line]
    name = lines[0]
    try:
        v_at = next(i for i, line in enumerate(lines) if line.upper().startswith("VEHICLE"))
        c_at = next(i for i, line in enumerate(lines) if line.upper().startswith("CUSTOMER"))
    except StopIteration:
        raise ValueError(f"{file}: not a Solomon file (no VEHICLE/CUSTOMER section)") from None
    vehicles_s, capacity_s = lines[v_at + 2].split()[:2]
    rows: list[Customer] = []
    for line in lines[c_at + 2 :]:
        fields = line.split()
        if len(fields) < 7:
            raise ValueError(f"{file}: malformed customer line {line!r}")
        num = [float(f) for f in fields[:7]]
        rows.append(Customer(int(num[0]), num[1], num[2], int(num[3]), num[4], num[5], num[6]))
    if not rows or rows[0].id != 0:
        raise ValueError(f"{file}: the first customer line must be the depot (number 0)")
    d = rows[0]
    return SolomonInstance(
        name=name,
        vehicles=int(vehicles_s),
        capacity=int(capacity_s),
        depot=Depot(d.x, d.y, d.ready, d.due),
        customers=tuple(rows[1:]),
    )


def coordinates(inst: SolomonInstance) -> NDArray[np.float64]:
    """Points as an ``(n+1, 2)`` array: row 0 the depot, row i the i-th customer in file order."""
    pts = [(inst.depot.x, inst.depot.y)] + [(c.x, c.y) for c in inst.customers]
    return np.asarray(pts, dtype=np.float64)


def distance_matrix(inst: SolomonInstance) -> NDArray[np.float64]:
    """Exact (double-precision) Euclidean distances, indexed as :func:`coordinates`."""
    pts = coordinates(inst)
    diff = pts[:, None, :] - pts[None, :, :]
    out: NDArray[np.float64] = np.sqrt((diff**2).sum(axis=2))
    return out


def route_distance(inst: SolomonInstance, route: list[int] | tuple[int, ...]) -> float:
    """Length of depot -> customers (by Solomon number) -> depot, in double precision."""
    points = [(inst.depot.x, inst.depot.y)]
    points += [(c.x, c.y) for c in (inst.customer(n) for n in route)]
    points.append((inst.depot.x, inst.depot.y))
    return math.fsum(
        math.hypot(bx - ax, by - ay) for (ax, ay), (bx, by) in itertools.pairwise(points)
    )


def json_number(value: float) -> int | float:
    """Integral values as JSON integers (``90`` rather than ``90.0``), the others as they are."""
    return int(value) if float(value).is_integer() else value


def solomon_to_problem(
    inst: SolomonInstance, *, time_limit_s: float = 10, seed: int = 0
) -> dict[str, Any]:
    """The contract's problem JSON (numeric horizon, ``euclidean`` travel) for ``inst``."""
    num = json_number
    depot = plane(num(inst.depot.x), num(inst.depot.y))
    shift = period(num(inst.depot.ready), num(inst.depot.due))
    width = max(2, len(str(inst.vehicles)))
    engineers = [
        engineer_dict(
            f"V{k:0{width}d}",
            depot,
            shift,
            end=depot,
            max_overtime_min=0,
            breaks=[],
            skills={},
            van_stock={},
            tools=[],
            capacity=inst.capacity,
        )
        for k in range(1, inst.vehicles + 1)
    ]
    cwidth = max(3, len(str(max((c.id for c in inst.customers), default=0))))
    jobs = [
        job_dict(
            f"C{c.id:0{cwidth}d}",
            plane(num(c.x), num(c.y)),
            num(c.service),
            [period(num(c.ready), num(c.due))],
            kind="normal",
            priority=1,
            demand=c.demand,
        )
        for c in inst.customers
    ]
    return {
        "schema": PROBLEM_SCHEMA,
        "name": inst.name,
        "horizon": shift,
        "travel": {"kind": "euclidean"},
        "engineers": engineers,
        "jobs": jobs,
        "depots": [],
        "objective": {
            "unassigned_penalty": {"1": UNASSIGNED_PENALTY},
            "travel_cost_per_km": 1,
        },
        "options": {"time_limit_s": time_limit_s, "seed": seed},
    }


def job_number(job_id: str) -> int:
    """Solomon customer number of a job id from :func:`solomon_to_problem` (``"C007"`` -> 7)."""
    return int(job_id.lstrip("C"))


def _bks_row(instance_name: str, convention: str) -> dict[str, str]:
    path = solomon_dir() / "bks.csv"
    wanted = instance_name.upper()
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["instance"].upper() == wanted and row["convention"] == convention:
                return row
    raise KeyError(f"{path}: no row for {instance_name} with convention {convention!r}")


def bks(instance_name: str, convention: str = "distance_double") -> float:
    """Best-known distance for ``instance_name`` under ``convention`` (see bks.csv's README).

    Raises KeyError for an unknown instance or convention, ValueError for a value
    the file marks INVALID.
    """
    row = _bks_row(instance_name, convention)
    if "INVALID" in row.get("source", ""):
        raise ValueError(f"{instance_name} {convention} is marked INVALID: {row['source']}")
    return float(row["distance"])
