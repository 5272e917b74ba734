"""`fieldplan pm generate`: the preventive visits the installed base makes due."""

from __future__ import annotations

import argparse
import json
from datetime import date as Date
from datetime import datetime
from pathlib import Path
from typing import Any

from fieldplan.console import err, out
from fieldplan.files import write_json

_Subparsers = argparse._SubParsersAction  # argparse exposes no public name for it


def register(top: _Subparsers[argparse.ArgumentParser], generate: object) -> None:
    """Add the ``pm`` area to the command line."""
    pm = top.add_parser(
        "pm", help="preventive maintenance: visits due from each unit's cycle"
    ).add_subparsers(dest="command", required=True)
    gen = pm.add_parser(
        "generate",
        help="the visits due in a horizon, as jobs with a window on each working day "
        "of their tolerance (written alone, or added to a problem)",
    )
    gen.add_argument("assets", type=Path, help="installed units: .json or .csv (see docs)")
    gen.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
    gen.add_argument("--days", type=int, required=True, help="days in the horizon")
    gen.add_argument(
        "--problem",
        type=Path,
        help="add the visits to this problem's jobs (same ids are replaced); its "
        "horizon's UTC offset is used",
    )
    gen.add_argument(
        "--utc-offset",
        default=None,
        help="the sites' UTC offset, e.g. +08:00 (default: the problem's, else +00:00)",
    )
    gen.add_argument(
        "--working-days",
        default="0-4",
        help="weekdays visits may go on, 0 = Monday (default 0-4, Monday to Friday)",
    )
    gen.add_argument("-o", "--output", type=Path, required=True)
    gen.set_defaults(handler=_generate)


def _generate(args: argparse.Namespace) -> int:
    from dispatch.errors import ProblemError
    from dispatch.maintenance import Horizon, read_assets, visits_due

    try:
        first = Date.fromisoformat(args.first)
        problem = _read(args.problem) if args.problem else None
        offset = _offset(args.utc_offset, problem)
        horizon = Horizon(first, args.days, offset, _weekdays(args.working_days))
        assets = read_assets(args.assets)
        visits = visits_due(assets, horizon)
    except (ValueError, ProblemError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        return 2
    if problem is None:
        write_json(args.output, {"jobs": visits})
    else:
        fresh = {v["id"] for v in visits}
        problem["jobs"] = [j for j in problem["jobs"] if j["id"] not in fresh] + visits
        write_json(args.output, problem)
    out.print(
        f"{len(visits)} preventive visits due from {len(assets)} units, "
        f"{horizon.first} to {horizon.last}, written to {args.output}"
    )
    return 0


def _read(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise ValueError(f"--problem: {path} is not a dispatch problem (no jobs list)")
    return data


def _offset(given: str | None, problem: dict[str, Any] | None) -> int:
    """Minutes east of UTC: ``--utc-offset``, else the problem horizon's, else 0."""
    if given is not None:
        try:
            moment = datetime.fromisoformat(f"2026-01-01T00:00:00{given}")
        except ValueError:
            raise ValueError(f"--utc-offset: '{given}' is not like +08:00") from None
    elif problem is not None and isinstance(problem.get("horizon", {}).get("start"), str):
        moment = datetime.fromisoformat(problem["horizon"]["start"])
    else:
        return 0
    delta = moment.utcoffset()
    return 0 if delta is None else int(delta.total_seconds() // 60)


def _weekdays(text: str) -> frozenset[int]:
    """``0-4`` or ``0,2,4``: weekday numbers, Monday 0."""
    days: set[int] = set()
    try:
        for part in text.split(","):
            low, _, high = part.partition("-")
            days.update(range(int(low), int(high or low) + 1))
    except ValueError:
        raise ValueError(f"--working-days: '{text}' is not like 0-4 or 0,2,4") from None
    if not days or not days <= set(range(7)):
        raise ValueError(f"--working-days: '{text}' must name weekdays 0 (Monday) to 6")
    return frozenset(days)
