"""Pillac's technician routing benchmark (TRSP with skills, tools and spare parts).

Pillac, Guéret & Medaglia (2013), *A parallel matheuristic for the technician
routing and scheduling problem*, Optimization Letters 7(7). Solomon's
100-customer coordinates, windows and service times; 25 technicians with a
home, a shift, skills, tools and van stock; requests that need skills (hard),
tools and parts (from the van, or from one detour to the central depot, which
holds every tool and unlimited parts).

The objective is the sum of the used technicians' route durations: travel,
service and waiting, each technician leaving home as late as is feasible. In
the contract this is ``working_cost_per_min`` 1 with no travel cost, Euclidean
travel at speed 1, and the central depot as a depot with every tool, stock
enough for every request and no pickup time.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatch.io.contract import depot_dict, engineer_dict, job_dict, period, plane
from dispatch.io.problem_json import PROBLEM_SCHEMA
from scenarios.instances.solomon import UNASSIGNED_PENALTY, json_number, shared_dir

#: Contract id of the central depot.
DEPOT_ID = "DEPOT"


@dataclass(frozen=True)
class Node:
    """One row of a Pillac file: the depot, a technician or a request."""

    id: int
    x: float
    y: float
    ready: float
    due: float
    service: float
    skills: frozenset[int]
    tools: frozenset[int]
    parts: tuple[int, ...]


@dataclass(frozen=True)
class PillacInstance:
    """A parsed instance: the depot (row 0), technicians (rows 1..K), requests (the rest)."""

    name: str
    depot: Node
    technicians: tuple[Node, ...]
    requests: tuple[Node, ...]
    tool_types: int

    @property
    def part_types(self) -> int:
        """How many part types the instance has."""
        return max(len(n.parts) for n in (*self.technicians, *self.requests))


def pillac_dir() -> Path:
    """The folder holding ``crew25/`` and ``bks/``."""
    return shared_dir() / "benchmarks" / "trsp-pillac"


def instance_names() -> list[str]:
    """Instance names (``"C101.100_25-5-5-5"`` ...) present in ``crew25/``, sorted."""
    return sorted(p.stem for p in (pillac_dir() / "crew25").glob("*.txt"))


def _resolve(path: str | Path) -> Path:
    p = Path(path)
    if p.exists() or len(p.parts) > 1:
        return p
    name = p.name if p.name.endswith(".txt") else f"{p.name}.txt"
    direct = pillac_dir() / "crew25" / name
    if direct.exists():
        return direct
    matches = sorted((pillac_dir() / "crew25").glob(f"{p.name.upper()}.*.txt"))
    if len(matches) != 1:
        raise FileNotFoundError(f"no single Pillac instance named {p.name!r} in {direct.parent}")
    return matches[0]


_SET = re.compile(r"\[([^\]]*)\]")


def _ints(text: str) -> list[int]:
    return [int(t) for t in text.split(",") if t.strip()]


def _row(line: str, file: Path) -> Node:
    head = line.split("[", 1)[0].split()
    sets = _SET.findall(line)
    if len(head) != 6 or len(sets) != 3:
        raise ValueError(f"{file}: malformed row {line!r}")
    n = [float(v) for v in head]
    return Node(
        id=int(n[0]),
        x=n[1],
        y=n[2],
        ready=n[3],
        due=n[4],
        service=n[5],
        skills=frozenset(_ints(sets[0])),
        tools=frozenset(_ints(sets[1])),
        parts=tuple(_ints(sets[2])),
    )


def read_pillac(path: str | Path) -> PillacInstance:
    """Read a ``crew25`` file; a bare name such as ``"C101"`` is looked up in :func:`pillac_dir`."""
    file = _resolve(path)
    lines = [line.strip() for line in file.read_text(encoding="ascii").splitlines()]
    lines = [line for line in lines if line]
    try:
        counts_at = next(i for i, line in enumerate(lines) if line.upper().startswith("CREW"))
        table_at = next(i for i, line in enumerate(lines) if line.upper().startswith("ID"))
    except StopIteration:
        raise ValueError(f"{file}: not a Pillac TRSP file (no CREW or ID header)") from None
    crew, _skills, tools = (int(v) for v in lines[counts_at + 1].split()[:3])
    rows = [_row(line, file) for line in lines[table_at + 1 :]]
    if len(rows) < crew + 2 or rows[0].id != 0:
        raise ValueError(f"{file}: expected the depot, {crew} technicians and requests")
    return PillacInstance(
        name=lines[0],
        depot=rows[0],
        technicians=tuple(rows[1 : crew + 1]),
        requests=tuple(rows[crew + 1 :]),
        tool_types=tools,
    )


def technician_id(number: int) -> str:
    """Contract id of technician ``number`` (1-based, as in the file)."""
    return f"T{number:02d}"


def request_id(number: int) -> str:
    """Contract id of request ``number`` (its row id in the file)."""
    return f"R{number:03d}"


def _named(prefix: str, values: frozenset[int]) -> list[str]:
    return [f"{prefix}{v}" for v in sorted(values)]


def _stock(parts: tuple[int, ...]) -> dict[str, int]:
    return {f"p{k}": q for k, q in enumerate(parts) if q > 0}


def pillac_to_problem(
    inst: PillacInstance, *, time_limit_s: float = 60, seed: int = 0
) -> dict[str, Any]:
    """The contract's problem JSON for ``inst`` (see the module docstring for the mapping)."""
    num, depot = json_number, inst.depot
    engineers = [
        engineer_dict(
            technician_id(t.id),
            plane(num(t.x), num(t.y)),
            period(num(t.ready), num(t.due)),
            end=plane(num(t.x), num(t.y)),
            max_overtime_min=0,
            breaks=[],
            skills={s: 1 for s in _named("s", t.skills)},
            van_stock=_stock(t.parts),
            tools=_named("t", t.tools),
            capacity=0,
        )
        for t in inst.technicians
    ]
    jobs = [
        job_dict(
            request_id(r.id),
            plane(num(r.x), num(r.y)),
            num(r.service),
            [period(num(r.ready), num(r.due))],
            kind="normal",
            priority=1,
            skills={s: 1 for s in _named("s", r.skills)},
            parts=_stock(r.parts),
            tools=_named("t", r.tools),
        )
        for r in inst.requests
    ]
    # Enough of every part for every request at once: the depot is unlimited.
    total = tuple(sum(r.parts[k] for r in inst.requests) for k in range(inst.part_types))
    every_tool = frozenset(range(inst.tool_types))
    hours = period(num(depot.ready), num(depot.due))
    return {
        "schema": PROBLEM_SCHEMA,
        "name": inst.name,
        "horizon": hours,
        "travel": {"kind": "euclidean"},
        "engineers": engineers,
        "jobs": jobs,
        "depots": [
            depot_dict(
                DEPOT_ID,
                plane(num(depot.x), num(depot.y)),
                hours,
                pickup_min=0,
                stock=_stock(total),
                tools=_named("t", every_tool),
            )
        ],
        "objective": {
            "unassigned_penalty": {"1": UNASSIGNED_PENALTY},
            "travel_cost_per_km": 0,
            "working_cost_per_min": 1,
        },
        "options": {"time_limit_s": time_limit_s, "seed": seed},
    }


def bks(instance_name: str, table: Path | None = None) -> float:
    """Best-known total duration (``bks_duration_2013_report`` of ``table``,
    by default the shared ``bks/bks.csv``)."""
    path = table or pillac_dir() / "bks" / "bks.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["instance"] == instance_name:
                return float(row["bks_duration_2013_report"])
    raise KeyError(f"{path}: no row for {instance_name}")


@dataclass(frozen=True)
class BksRoute:
    """One technician's route in a best-known solution: request ids, 0 for the central depot."""

    technician: int
    stops: tuple[int, ...]


def bks_routes(inst: PillacInstance, solutions: Path | None = None) -> list[BksRoute]:
    """The best-known routes of ``inst`` in ``solutions``, by default the shared
    ``bks/pillac-minwt.sol`` (non-empty routes only).

    A route string is ``k,...,125+k``: technician ``k``'s home, the requests,
    at most one ``150+k`` (the central depot, most often right after leaving
    home) and ``125+k`` (home again), for 25 technicians and 100 requests.
    """
    path = solutions or pillac_dir() / "bks" / "pillac-minwt.sol"
    key = f"{inst.name}-S="
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(key):
            body = line[len(key) :].strip().strip("<>")
            break
    else:
        raise KeyError(f"{path}: no routes for {inst.name}")
    crew, n_requests = len(inst.technicians), len(inst.requests)
    out = []
    for part in body.split("|"):
        nodes = _ints(part)
        if len(nodes) <= 2:
            continue
        k = nodes[0]
        depot = 2 * crew + n_requests + k
        out.append(BksRoute(k, tuple(0 if n == depot else n for n in nodes[1:-1])))
    return out
