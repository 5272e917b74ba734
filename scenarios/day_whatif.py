"""What-if on one day: the same jobs planned under changed staffing or SLA, side by side.

A planner's quick question ("what if E007 is off?", "two more engineers like
E003?", "emergencies within 2 h?") answered by planning the day once per
variant with the same seed and comparing the figures each plan yields.
Variants are changes to the baseline problem (contract JSON):

- ``remove_engineers``: ids of engineers who do not work;
- ``add_engineers``: ``[{"count": 2, "like": "E003"}]`` copies of an engineer
  (same home, shift, skills, tools; an empty van; ids ``E003+1``, ``E003+2``),
  or ``[{"count": 2, "city": "Suzhou"}]`` copies of the engineer whose start is
  nearest that city's centre (a city of :mod:`scenarios.generator.cities`);
  the shape the study's scenario file uses too (:mod:`scenarios.add_engineers`);
- ``emergency_response_min``: priority-1 jobs must be reached within this many
  minutes of their window opening (never later than their own deadline).
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from dispatch.errors import ProblemError, require
from scenarios.add_engineers import Addition, read_additions
from scenarios.generator.cities import REGIONS, City, km_between

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from dispatch.model.plan import Plan

CHANGES = ("remove_engineers", "add_engineers", "emergency_response_min")
#: The cities ``add_engineers`` may name, by name: every region's.
CITIES: dict[str, City] = {c.name: c for r in REGIONS.values() for c in r.cities}


def apply_variant(problem: dict[str, Any], variant: dict[str, Any], path: str) -> dict[str, Any]:
    """A copy of ``problem`` with the variant's changes; errors name ``path``'s field."""
    require(isinstance(variant, dict), path, "must be an object")
    require(
        isinstance(variant.get("name"), str) and variant["name"] != "",
        f"{path}.name",
        "must be a non-empty string",
    )
    unknown = sorted(set(variant) - {"name", *CHANGES})
    require(
        not unknown,
        f"{path}.{unknown[0] if unknown else ''}",
        f"unknown change; use one of {', '.join(CHANGES)}",
    )
    out = copy.deepcopy(problem)
    ids = [e["id"] for e in out["engineers"]]
    for i, gone in enumerate(variant.get("remove_engineers", [])):
        require(
            gone in ids, f"{path}.remove_engineers[{i}]", f"engineer '{gone}' is not in the problem"
        )
    out["engineers"] = [
        e for e in out["engineers"] if e["id"] not in set(variant.get("remove_engineers", []))
    ]
    additions = read_additions(
        variant.get("add_engineers", []),
        f"{path}.add_engineers",
        engineers=ids,
        team="the problem",
        cities=CITIES,
        cities_of="the generator's cities",
        error=ProblemError,
    )
    taken = set(ids)
    for i, add in enumerate(additions):
        model = _model(problem["engineers"], add, f"{path}.add_engineers[{i}]")
        for _ in range(add.count):
            clone = copy.deepcopy(model)
            clone["id"] = _copy_id(model["id"], taken)
            clone["van_stock"] = {}
            out["engineers"].append(clone)
    require(out["engineers"], f"{path}.remove_engineers", "leaves no engineer")
    if "emergency_response_min" in variant:
        limit = variant["emergency_response_min"]
        require(
            isinstance(limit, (int, float)) and limit > 0,
            f"{path}.emergency_response_min",
            "must be a positive number of minutes",
        )
        for job in out["jobs"]:
            if job.get("priority") == 1 and job.get("windows"):
                due = datetime.fromisoformat(job["windows"][0]["start"]) + timedelta(minutes=limit)
                own = job.get("sla_deadline")
                if own is None or datetime.fromisoformat(own) > due:
                    job["sla_deadline"] = due.isoformat()
    return out


def _model(engineers: list[dict[str, Any]], add: Addition, where: str) -> dict[str, Any]:
    """The engineer an entry copies: the one it names, or the one starting nearest its city."""
    if add.like is not None:
        return next(e for e in engineers if e["id"] == add.like)
    city = CITIES[str(add.city)]
    placed = [e for e in engineers if {"lat", "lon"} <= set(e.get("start") or {})]
    require(bool(placed), f"{where}.city", "needs engineers whose start has a lat and lon")
    return min(
        placed, key=lambda e: km_between(e["start"]["lat"], e["start"]["lon"], city.lat, city.lon)
    )


def _copy_id(original: str, taken: set[str]) -> str:
    """``E003+1``, ``E003+2``, ...: the first such id not yet taken (and now taken)."""
    n = 1
    while f"{original}+{n}" in taken:
        n += 1
    taken.add(f"{original}+{n}")
    return f"{original}+{n}"


def figures(plan: Plan) -> dict[str, Any]:
    """What a planner compares, all recomputed from the plan's routes."""
    k = plan.kpis
    p1 = k.sla_met_by_priority.get("1", {})
    return {
        "jobs": k.jobs,
        "assigned": k.assigned,
        "sla_met": k.sla_met,
        "sla_met_pct": round(k.sla_met_pct, 2),
        "p1_sla_met": p1.get("sla_met", 0),
        "p1_jobs": p1.get("jobs", 0),
        "engineers_used": k.engineers_used,
        "km": round(k.km, 1),
        "travel_min": round(k.travel_min, 1),
        "overtime_min": round(k.overtime_min, 1),
        "late_min": round(k.late_min, 1),
        "objective": round(k.objective, 2),
    }


def compare(
    problem: dict[str, Any],
    variants: Sequence[dict[str, Any]],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Plan the baseline and each variant; figures and differences against the baseline.

    Raises
    ------
    ProblemError
        A variant that does not apply (the path names ``variants[i].<field>``).
    """
    from dispatch.io.problem_json import problem_from_json
    from dispatch.solve import solve

    require(
        isinstance(variants, list) and len(variants) >= 1, "variants", "must be a non-empty list"
    )
    names = [v.get("name") if isinstance(v, dict) else None for v in variants]
    require(len(set(names)) == len(names), "variants", "names must be unique")
    changed = [apply_variant(problem, v, f"variants[{i}]") for i, v in enumerate(variants)]
    total = len(changed) + 1
    rows: list[dict[str, Any]] = []
    for done, (name, data) in enumerate([("baseline", problem), *zip(names, changed, strict=True)]):
        parsed = problem_from_json(data)
        rows.append(
            {
                "name": name,
                "engineers": len(parsed.engineers),
                "figures": figures(solve(parsed, parsed.options)),
            }
        )
        if progress is not None:
            progress(done + 1, total)
    base = rows[0]["figures"]
    for row in rows[1:]:
        row["difference"] = {k: round(v - base[k], 2) for k, v in row["figures"].items()}
    return {"baseline": rows[0], "variants": rows[1:]}


__all__ = ["CHANGES", "ProblemError", "apply_variant", "compare", "figures"]
