"""Reading installed units (assets) from a JSON list or a CSV/spreadsheet export.

One object or row per unit; the columns are :class:`Asset`'s fields, with
``lat`` and ``lon`` for the site in a table, and skills and parts written as
``name:count`` pairs separated by ``;`` (``hvac:2;elec:1``). A bad value is
refused with the unit (JSON) or the row (CSV) and the column named.
"""

from __future__ import annotations

import csv
import json
from datetime import date as Date
from datetime import time
from pathlib import Path
from typing import Any

from dispatch.errors import ProblemError
from dispatch.maintenance.cycles import DEFAULT_PRIORITY, Asset


def read_assets(path: Path) -> list[Asset]:
    """Every unit in a ``.json`` (a list, or ``{"assets": [...]}``) or ``.csv`` file."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        # row 1 is the header, as a spreadsheet numbers it
        return _unique([asset_from_json(row, f"row {n}") for n, row in enumerate(rows, start=2)])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ProblemError("", f"{path.name} is not JSON: {exc}") from None
    items = data.get("assets") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ProblemError("assets", "must be a list of units")
    return _unique([asset_from_json(raw, f"assets[{i}]") for i, raw in enumerate(items)])


def _unique(assets: list[Asset]) -> list[Asset]:
    seen: set[str] = set()
    for asset in assets:
        if asset.id in seen:
            raise ProblemError(f"assets[{asset.id}].id", "is given twice")
        seen.add(asset.id)
    return assets


def asset_from_json(raw: Any, path: str) -> Asset:
    """Read one unit; errors name the unit by id (JSON) or ``path`` (a CSV row) and the field."""
    if not isinstance(raw, dict):
        raise ProblemError(path, "must be an object")
    ident = raw.get("id")
    by_id = not path.startswith("row") and isinstance(ident, str) and ident
    where = f"assets[{ident}]" if by_id else path

    def field_of(name: str, kind: type, default: Any = ...) -> Any:
        if name not in raw or raw[name] is None or raw[name] == "":
            if default is ...:
                raise ProblemError(f"{where}.{name}", "is required")
            return default
        value = raw[name]
        try:
            if kind is Date:
                return Date.fromisoformat(str(value))
            if kind is time:
                return time.fromisoformat(str(value))
            if kind is int:
                number = float(value)
                if number != int(number):
                    raise ValueError
                return int(number)
            if kind is float:
                return float(value)
            if kind is dict:
                return _levels(value)
        except (TypeError, ValueError):
            label = {
                Date: "a date (YYYY-MM-DD)",
                time: "a time (HH:MM)",
                int: "a whole number",
                float: "a number",
                dict: "name:count pairs",
            }[kind]
            raise ProblemError(f"{where}.{name}", f"must be {label}, got {value!r}") from None
        return str(value)

    site = raw.get("site")
    if site is None and "lat" in raw and "lon" in raw:
        site = {"lat": field_of("lat", float), "lon": field_of("lon", float)}
    if not isinstance(site, dict):
        raise ProblemError(f"{where}.site", "is required (an object, or lat and lon columns)")
    return Asset(
        id=str(field_of("id", str)),
        site={k: float(v) for k, v in site.items()},
        cycle_days=field_of("cycle_days", int),
        last_visit=field_of("last_visit", Date),
        duration_min=field_of("duration_min", float),
        tolerance_days=field_of("tolerance_days", int, 0),
        opens=field_of("opens", time, time(8, 0)),
        closes=field_of("closes", time, time(17, 0)),
        skills=field_of("skills", dict, {}),
        parts=field_of("parts", dict, {}),
        priority=field_of("priority", int, DEFAULT_PRIORITY),
    )


def _levels(value: Any) -> dict[str, int]:
    """``{"hvac": 2}`` as it is, or the spreadsheet form ``"hvac:2;elec:1"``."""
    if isinstance(value, dict):
        return {str(k): int(v) for k, v in value.items()}
    out = {}
    for item in str(value).split(";"):
        if item.strip():
            name, _, count = item.partition(":")
            out[name.strip()] = int(count or 1)
    return out
