"""Gehring & Homberger VRPTW instances (200 to 1,000 customers): reading, best-known solutions.

The instances are Solomon's problem at scale: every vehicle leaves one depot,
windows are tight and the fleet is large, which is how a big regional office
looks. They come in VRPLIB form (read with the ``vrplib`` package) beside a
``.sol`` file holding a best-known solution and its cost under the DIMACS
convention: each arc's Euclidean length truncated to one decimal, distance
only. A parsed instance is a :class:`~scenarios.instances.solomon.SolomonInstance`,
so :func:`~scenarios.instances.solomon.solomon_to_problem` writes it as a
dispatch problem (travel times in double precision, as the best-known
solutions are feasible in them).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from pathlib import Path

from scenarios.instances.solomon import Customer, Depot, SolomonInstance, shared_dir

_COST = re.compile(r"^Cost\s+([0-9.]+)\s*$", re.MULTILINE)
_ROUTE = re.compile(r"^Route #\d+:\s*(.*)$", re.MULTILINE)


def homberger_dir() -> Path:
    """The folder holding ``GH200/`` and ``GH400/``."""
    return shared_dir() / "benchmarks" / "homberger"


def instance_paths(size: int) -> list[Path]:
    """The ``.vrp`` files of one size (200 or 400 customers) present, sorted by name."""
    return sorted((homberger_dir() / f"GH{size}").glob("*.vrp"), key=_natural)


def _natural(path: Path) -> tuple[str, int]:
    family, _, number = path.stem.rpartition("_")
    return family, int(number) if number.isdigit() else 0


def read_homberger(path: str | Path) -> SolomonInstance:
    """Read a VRPLIB ``.vrp`` file of the family (node 1 is the depot)."""
    import vrplib

    data = vrplib.read_instance(str(path))
    xy, windows, demand = data["node_coord"], data["time_window"], data["demand"]
    service = data["service_time"]
    services = [float(service)] * len(xy) if not hasattr(service, "__len__") else list(service)
    depot = Depot(float(xy[0][0]), float(xy[0][1]), float(windows[0][0]), float(windows[0][1]))
    customers = tuple(
        Customer(
            k,
            float(xy[k][0]),
            float(xy[k][1]),
            int(demand[k]),
            float(windows[k][0]),
            float(windows[k][1]),
            float(services[k]),
        )
        for k in range(1, len(xy))
    )
    return SolomonInstance(
        str(data["name"]), int(data["vehicles"]), int(data["capacity"]), depot, customers
    )


def best_known(path: str | Path) -> tuple[float, list[list[int]]]:
    """The best-known cost (DIMACS convention) and routes (customer numbers) beside ``path``."""
    text = Path(path).with_suffix(".sol").read_text(encoding="ascii")
    found = _COST.search(text)
    if found is None:
        raise ValueError(f"{path}: the .sol file gives no Cost")
    routes = [[int(n) for n in line.split()] for line in _ROUTE.findall(text)]
    return float(found.group(1)), routes


def dimacs_distance(inst: SolomonInstance, routes: Sequence[Sequence[int]]) -> float:
    """Total distance of ``routes`` (customer numbers, depot implied at both ends), each
    arc's Euclidean length truncated to one decimal, as the best-known costs are given."""
    points = {0: (inst.depot.x, inst.depot.y)} | {c.id: (c.x, c.y) for c in inst.customers}
    total = 0.0
    for route in routes:
        stops = [0, *route, 0]
        for a, b in itertools.pairwise(stops):
            (xa, ya), (xb, yb) = points[a], points[b]
            total += math.floor(math.hypot(xa - xb, ya - yb) * 10) / 10
    return round(total, 1)
