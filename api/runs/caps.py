"""Limits on what one request may ask of the shared workers, per role.

A run holds a worker for its whole time limit, so the service caps the time
limit a request may ask, the size of a study (planned days over all its
variants, each day's re-plans counted), and how many runs one user may have
waiting or running at once. Each cap is a setting (see :func:`caps_from_env`);
a request over one is refused before anything is queued, 422 naming the field
and the cap.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from api.errors import ApiError
from api.models import Role, Run, RunStatus

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session

    from api.models import RunKind, User

#: Default caps per role: seconds a solve may be given, solves one study may hold
#: (days x variants x (1 + re-plans a day)), runs one user may have queued or running.
DEFAULT_CAPS: dict[str, dict[str, float]] = {
    "time_limit_s": {"dispatcher": 120, "planner": 600, "admin": 600},
    "study_size": {"dispatcher": 0, "planner": 3000, "admin": 10000},
    "queued_runs": {"dispatcher": 10, "planner": 5, "admin": 20},
}


def caps_from_env() -> dict[str, dict[str, float]]:
    """The caps, each overridable as ``FIELDPLAN_CAP_<NAME>="dispatcher=60,planner=300"``."""
    out = {name: dict(per_role) for name, per_role in DEFAULT_CAPS.items()}
    for name, per_role in out.items():
        raw = os.environ.get(f"FIELDPLAN_CAP_{name.upper()}", "")
        for item in filter(None, (part.strip() for part in raw.split(","))):
            role, _, value = item.partition("=")
            if role.strip() not in per_role:
                raise ValueError(f"FIELDPLAN_CAP_{name.upper()}: unknown role {role.strip()!r}")
            per_role[role.strip()] = float(value)
    return out


def study_size(study: Any) -> int:
    """Solves a study holds: each variant's days, each with its morning plan and re-plans."""
    return sum(study.days * (1 + len(v.settings.get("replan_at", ()))) for v in study.variants)


def check_caps(
    s: Session,
    caps: Mapping[str, Mapping[str, float]],
    user: User | None,
    kind: RunKind,
    params: Mapping[str, Any],
) -> None:
    """Refuse (422, naming the field and the cap) a run over one of the user's caps."""
    if user is None:
        return
    role = Role(user.role).value
    limit = params.get("time_limit_s")
    cap = caps["time_limit_s"].get(role)
    if limit is not None and cap is not None and float(limit) > cap:
        raise ApiError(422, f"must be at most {cap:g} s for a {role}", "time_limit_s")
    if "study" in params:
        from scenarios.study.scenario_file import study_from_data

        size = study_size(study_from_data(params["study"]))
        cap = caps["study_size"].get(role)
        if cap is not None and size > cap:
            raise ApiError(
                422,
                f"holds {size} solves (days x variants x (1 + re-plans a day)); "
                f"a {role} may start at most {cap:g}",
                "study",
            )
    cap = caps["queued_runs"].get(role)
    if cap is not None:
        waiting = s.scalar(
            select(func.count())
            .select_from(Run)
            .where(
                Run.created_by == user.id,
                Run.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]),
            )
        )
        if (waiting or 0) >= cap:
            raise ApiError(
                422,
                f"you have {waiting} runs queued or running; a {role} may have at most "
                f"{cap:g} at once (cancel one, or wait)",
                "queued_runs",
            )
