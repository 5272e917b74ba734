"""The rules of contract 1.2 on a generated problem: crews, engineer speeds, preferences.

Field-service days have a share of jobs two engineers do together (a lift, a
heavy unit, a safety rule), trainees who take longer than the job's book time
and experts who take less, and customers who ask for the engineer they know.
The generators leave these out unless asked, so that the days they made before
stay as they were; this adds them to a finished problem, from its own random
stream, so each can be switched on alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dispatch.travel.providers import haversine_km

#: Kinds of job that may need a crew: work on the unit itself, seldom a repair call.
CREW_KINDS = {"installation": 3.0, "preventive": 1.0, "normal": 1.0, "emergency": 0.5}
#: Share of crew jobs that need three engineers rather than two.
CREW_OF_THREE = 0.1
#: A crew is drawn from qualified engineers living this close to the site.
CREW_RADIUS_KM = 60.0
#: Trainees: share of the team and how much longer they take.
TRAINEE_SHARE, TRAINEE_FACTOR = 0.15, 1.3
#: Engineers with a level-3 skill work faster than the book time.
EXPERT_FACTOR = 0.85
#: What a job served by none of its preferred engineers costs (a few km of driving
#: more than a customer's wish is worth, far less than any lateness).
UNPREFERRED_COST = 150.0


def add_field_rules(
    problem: dict[str, Any],
    rng: np.random.Generator,
    *,
    crew_share: float = 0.0,
    speeds: bool = False,
    preferences: bool = False,
) -> dict[str, Any]:
    """Add crews (``crew_share`` of the jobs), speeds and costed preferences in place."""
    if not 0.0 <= crew_share <= 1.0:
        raise ValueError(f"crew_share: must be between 0 and 1, got {crew_share!r}")
    engineers = problem["engineers"]
    jobs = problem["jobs"]
    if crew_share > 0:
        _crews(rng, engineers, jobs, crew_share)
    if speeds:
        for e in engineers:
            if max(e.get("skills", {}).values(), default=0) >= 3:
                e["duration_factor"] = EXPERT_FACTOR
            elif rng.random() < TRAINEE_SHARE / 0.92:  # trainees are never the experts
                e["duration_factor"] = TRAINEE_FACTOR
    if preferences:
        problem["objective"]["unpreferred_cost"] = UNPREFERRED_COST
    return problem


def _crews(
    rng: np.random.Generator,
    engineers: list[dict[str, Any]],
    jobs: list[dict[str, Any]],
    share: float,
) -> None:
    """Mark ``share`` of the jobs as crew jobs, among those with a crew living near."""
    lat = np.array([e["start"]["lat"] for e in engineers])
    lon = np.array([e["start"]["lon"] for e in engineers])
    possible: list[tuple[int, int]] = []  # (job, qualified engineers near)
    for i, job in enumerate(jobs):
        if job.get("pinned_engineer") or job.get("kind", "normal") not in CREW_KINDS:
            continue
        needs = job.get("skills", {})
        qualified = np.array(
            [
                all(e.get("skills", {}).get(s, 0) >= lvl for s, lvl in needs.items())
                and e["id"] not in job.get("excluded_engineers", ())
                for e in engineers
            ]
        )
        km = haversine_km(np.asarray(job["site"]["lat"]), np.asarray(job["site"]["lon"]), lat, lon)
        near = int(np.sum(qualified & (km <= CREW_RADIUS_KM)))
        if near >= 3:
            possible.append((i, near))
    wanted = min(round(share * len(jobs)), len(possible))
    if not wanted:
        return
    weights = np.array([CREW_KINDS[jobs[i].get("kind", "normal")] for i, _ in possible])
    picks = rng.choice(len(possible), size=wanted, replace=False, p=weights / weights.sum())
    for k in sorted(int(p) for p in picks):
        i, near = possible[k]
        three = near >= 4 and rng.random() < CREW_OF_THREE
        jobs[i]["crew"] = 3 if three else 2
