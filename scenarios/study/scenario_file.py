"""Scenario files: a baseline organisation and named variants expressed as changes to it.

A file (YAML or JSON) looks like::

    name: Shanghai 2027 staffing
    days: 20
    seed: 1
    baseline:
      region: shanghai
      engineers: 30
      jobs_per_day: 110
    variants:
      - name: two more in Suzhou
        add_engineers: [{city: Suzhou, count: 2}]
      - name: two more like E003
        add_engineers: [{like: E003, count: 2}]
      - name: emergencies within 2 h
        sla: {emergency: {gold: 120, silver: 120}}

Every baseline setting has a default (:data:`DEFAULTS`); a variant may change
any of them (nested settings merge) and also add or remove engineers, close
depots or train engineers in a skill. Errors name the field:
``variants[1].sla.emergency.gold: must be a positive number of minutes``.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pathcheck import PathError
from scenarios.add_engineers import Addition, read_additions
from scenarios.generator.catalogue import PRODUCT_LINES
from scenarios.generator.cities import REGIONS

if TYPE_CHECKING:
    from collections.abc import Collection

FAULT_LEVELS = ("emergency", "normal", "follow_up")
TIERS = ("gold", "silver", "bronze")
VAN_POLICIES = ("none", "common", "all")

#: The baseline's settings when a file does not give them.
DEFAULTS: dict[str, Any] = {
    "region": "shanghai",
    "engineers": 30,
    "jobs_per_day": 110.0,  # with 30 engineers and 8 on call: 90 % of emergencies on time
    "depots": None,  # the generator's default for the team size
    "start_date": "2026-11-30",  # a Monday
    "tiers": {"gold": 0.3, "silver": 0.5, "bronze": 0.2},  # share of sites under each contract
    "coverage": {"gold": "7x24", "silver": "business_hours", "bronze": "business_hours"},
    # minutes of SLA time to respond, per fault level and tier
    "sla": {
        "emergency": {"gold": 240, "silver": 240, "bronze": 480},
        "normal": {"gold": 480, "silver": 600, "bronze": 1200},
        "follow_up": {"gold": 1440, "silver": 1440, "bronze": 2400},
    },
    "part_known_share": 0.6,  # repairs whose part is known when the fault is reported
    "van_stock": "common",  # which parts a van is refilled with each evening: none, common, all
    "stock": {"fill_rate": 0.95},  # the stock plan's goal: fill_rate or budget
    "transit_days": 1,  # central warehouse -> regional depot
    "supplier_lead_days": 14,  # supplier -> central warehouse
    # Searches are capped by a number of steps, so a study is reproducible; the times
    # are only a safety limit (reached first, they would make it depend on the machine).
    "plan_solutions": 10,  # the morning plan's search: improving solutions (x20 ruin-and-recreate steps)
    "replan_steps": 200,  # each re-plan's improvement steps
    "plan_time_s": 60.0,
    "replan_time_s": 30.0,
    "replan_at": ["10:00", "13:00"],  # when the day is re-planned for jobs reported since
    # and also when an emergency is reported during the day (at the next quarter hour)
    "replan_on_emergency": True,
    # nights (from `from` to the next working morning) and weekends: `engineers` on duty
    # each week for the emergencies of 7x24 contracts that cannot wait for the morning
    "on_call": {"engineers": 8, "from": "17:00"},
    # the installed base: each site's units are serviced every `cycle_days` days,
    # within `tolerance_days` either side of the due date
    "maintenance": {"units_per_site": None, "cycle_days": 90, "tolerance_days": 7},
    "costs": {
        "engineer_hour": 45.0,
        "overtime_hour": 70.0,
        "km": 0.5,
        "holding_rate_year": 0.25,
        "callout": 80.0,  # each call-out of an on-call engineer
        "on_call_day": 30.0,  # each engineer's day (or night) on call
    },
}
#: What a variant may do besides changing settings.
OPERATIONS = ("add_engineers", "remove_engineers", "close_depots", "train")


class StudyError(PathError):
    """A scenario file that cannot be used; the message starts with the field's path."""


@dataclass(frozen=True)
class Variant:
    name: str
    settings: dict[str, Any]  # the baseline with the variant's setting changes merged in
    operations: dict[str, Any]  # add_engineers, remove_engineers, close_depots, train


@dataclass(frozen=True)
class Study:
    name: str
    days: int
    seed: int
    variants: tuple[Variant, ...]  # the baseline first


def load_study(path: str | Path, days: int | None = None, seed: int | None = None) -> Study:
    """Read and check a scenario file (``.yaml``, ``.yml`` or ``.json``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StudyError(str(path), f"cannot be read ({exc.strerror})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise StudyError(str(path), f"is not valid YAML: {exc}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StudyError(
                str(path), f"is not valid JSON: {exc.msg} at line {exc.lineno}"
            ) from None
    return study_from_data(data, days, seed)


def study_from_data(data: Any, days: int | None = None, seed: int | None = None) -> Study:
    _require(isinstance(data, dict), "", "a scenario file is an object (mapping)")
    unknown = sorted(set(data) - {"name", "days", "seed", "baseline", "variants"})
    _require(
        not unknown,
        unknown[0] if unknown else "",
        "unknown field; use name, days, seed, baseline, variants",
    )
    name = data.get("name", "study")
    _require(isinstance(name, str) and name.strip() != "", "name", "must be a non-empty string")
    days = days if days is not None else data.get("days", 20)
    _require(_is_int(days) and 1 <= days <= 365, "days", "must be an integer from 1 to 365")
    seed = seed if seed is not None else data.get("seed", 0)
    _require(_is_int(seed) and seed >= 0, "seed", "must be a non-negative integer")
    baseline = _merge(copy.deepcopy(DEFAULTS), data.get("baseline") or {}, "baseline")
    _check_settings(baseline, "baseline")
    raw_variants = data.get("variants", [])
    _require(isinstance(raw_variants, list), "variants", "must be a list")
    variants = [Variant("baseline", baseline, {})]
    for i, raw in enumerate(raw_variants):
        where = f"variants[{i}]"
        _require(isinstance(raw, dict), where, "must be an object")
        vname = raw.get("name")
        _require(
            isinstance(vname, str) and vname.strip() != "",
            f"{where}.name",
            "must be a non-empty string",
        )
        _require(
            vname not in {v.name for v in variants}, f"{where}.name", f"'{vname}' is used twice"
        )
        changes = {k: v for k, v in raw.items() if k != "name" and k not in OPERATIONS}
        settings = _merge(copy.deepcopy(baseline), changes, where)
        _check_settings(settings, where)
        operations = {k: raw[k] for k in OPERATIONS if k in raw}
        _check_operations(operations, settings, where)
        variants.append(Variant(vname, settings, operations))
    return Study(name, int(days), int(seed), tuple(variants))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _clock_between(value: Any, first_hour: int, last_hour: int) -> bool:
    """``value`` is a time "HH:MM" whose hour is from ``first_hour`` to ``last_hour``."""
    return (
        isinstance(value, str)
        and len(value) == 5
        and value[2] == ":"
        and value[:2].isdigit()
        and value[3:].isdigit()
        and first_hour <= int(value[:2]) <= last_hour
        and int(value[3:]) < 60
    )


def _require(condition: bool, path: str, rule: str) -> None:
    if not condition:
        raise StudyError(path, rule)


def _merge(base: dict[str, Any], changes: Any, path: str) -> dict[str, Any]:
    """``base`` with ``changes`` merged in (nested objects merge); unknown keys are errors."""
    _require(isinstance(changes, dict), path, "must be an object")
    for key, value in changes.items():
        where = f"{path}.{key}"
        _require(key in base, where, f"unknown setting; known: {', '.join(sorted(base))}")
        if isinstance(base[key], dict) and key not in ("stock",):
            base[key] = _merge(base[key], value, where)
        else:
            base[key] = copy.deepcopy(value)
    return base


def _check_settings(s: dict[str, Any], path: str) -> None:
    _require(
        s["region"] in REGIONS, f"{path}.region", f"must be one of {', '.join(sorted(REGIONS))}"
    )
    _require(
        _is_int(s["engineers"]) and 1 <= s["engineers"] <= 500,
        f"{path}.engineers",
        "must be an integer from 1 to 500",
    )
    _require(
        _is_number(s["jobs_per_day"]) and 0 < s["jobs_per_day"] <= 5000,
        f"{path}.jobs_per_day",
        "must be a number above 0 (at most 5000)",
    )
    _require(
        s["depots"] is None
        or (_is_int(s["depots"]) and 1 <= s["depots"] <= len(REGIONS[s["region"]].cities)),
        f"{path}.depots",
        f"must be an integer from 1 to the region's {len(REGIONS[s['region']].cities)} cities",
    )
    try:
        start = date.fromisoformat(str(s["start_date"]))
    except ValueError:
        raise StudyError(f"{path}.start_date", "must be a date YYYY-MM-DD") from None
    _require(start.weekday() < 5, f"{path}.start_date", "must be a working day (Monday to Friday)")
    shares = s["tiers"]
    for tier in TIERS:
        _require(
            _is_number(shares.get(tier)) and shares[tier] >= 0,
            f"{path}.tiers.{tier}",
            "must be a share >= 0",
        )
        _require(
            s["coverage"].get(tier) in ("7x24", "business_hours"),
            f"{path}.coverage.{tier}",
            "must be 7x24 or business_hours",
        )
    _require(sum(shares[t] for t in TIERS) > 0, f"{path}.tiers", "shares must not all be 0")
    for level in FAULT_LEVELS:
        for tier in TIERS:
            value = s["sla"].get(level, {}).get(tier)
            _require(
                _is_number(value) and value > 0,
                f"{path}.sla.{level}.{tier}",
                "must be a positive number of minutes",
            )
    _require(
        _is_number(s["part_known_share"]) and 0 <= s["part_known_share"] <= 1,
        f"{path}.part_known_share",
        "must be between 0 and 1",
    )
    _require(
        s["van_stock"] in VAN_POLICIES,
        f"{path}.van_stock",
        f"must be one of {', '.join(VAN_POLICIES)}",
    )
    stock = s["stock"]
    _require(
        isinstance(stock, dict) and len(stock) == 1 and set(stock) <= {"fill_rate", "budget"},
        f"{path}.stock",
        "must be {fill_rate: F} or {budget: B}",
    )
    if "fill_rate" in stock:
        _require(
            _is_number(stock["fill_rate"]) and 0 < stock["fill_rate"] < 1,
            f"{path}.stock.fill_rate",
            "must be between 0 and 1 (exclusive)",
        )
    else:
        _require(
            _is_number(stock["budget"]) and stock["budget"] >= 0,
            f"{path}.stock.budget",
            "must be a number >= 0",
        )
    for key in ("transit_days", "supplier_lead_days"):
        _require(
            _is_int(s[key]) and 0 <= s[key] <= 365,
            f"{path}.{key}",
            "must be an integer from 0 to 365",
        )
    for key in ("plan_solutions", "replan_steps"):
        _require(
            _is_int(s[key]) and 1 <= s[key] <= 100000,
            f"{path}.{key}",
            "must be an integer from 1 to 100000",
        )
    for key in ("plan_time_s", "replan_time_s"):
        _require(
            _is_number(s[key]) and 0.1 <= s[key] <= 600,
            f"{path}.{key}",
            "must be a number of seconds from 0.1 to 600",
        )
    _require(isinstance(s["replan_at"], list), f"{path}.replan_at", "must be a list of times HH:MM")
    for i, t in enumerate(s["replan_at"]):
        _require(
            _clock_between(t, 8, 17),
            f"{path}.replan_at[{i}]",
            "must be a time HH:MM between 08:00 and 17:59",
        )
    _require(
        isinstance(s["replan_on_emergency"], bool),
        f"{path}.replan_on_emergency",
        "must be true or false",
    )
    on_call = s["on_call"]
    _require(
        _is_int(on_call["engineers"]) and 0 <= on_call["engineers"] <= 500,
        f"{path}.on_call.engineers",
        "must be an integer from 0 to 500 (a team smaller than that is all on call)",
    )
    _require(
        _clock_between(on_call["from"], 12, 23),
        f"{path}.on_call.from",
        "must be a time HH:MM between 12:00 and 23:59",
    )
    pm = s["maintenance"]
    _require(
        pm["units_per_site"] is None
        or (_is_number(pm["units_per_site"]) and 0 <= pm["units_per_site"] <= 100),
        f"{path}.maintenance.units_per_site",
        "must be a number from 0 to 100, or null for what jobs_per_day implies",
    )
    _require(
        _is_int(pm["cycle_days"]) and 7 <= pm["cycle_days"] <= 730,
        f"{path}.maintenance.cycle_days",
        "must be an integer from 7 to 730",
    )
    _require(
        _is_int(pm["tolerance_days"]) and 0 <= pm["tolerance_days"] < pm["cycle_days"] // 2,
        f"{path}.maintenance.tolerance_days",
        "must be an integer from 0 to less than half of cycle_days",
    )
    for key, value in s["costs"].items():
        _require(_is_number(value) and value >= 0, f"{path}.costs.{key}", "must be a number >= 0")


def study_additions(
    value: Any, region: str, engineers: Collection[str] | None, path: str
) -> list[Addition]:
    """A variant's ``add_engineers``: cities of its region, ``like`` one of ``engineers``."""
    return read_additions(
        value,
        f"{path}.add_engineers",
        engineers=engineers,
        team="the team",
        cities={c.name for c in REGIONS[region].cities},
        cities_of="the region's cities",
        error=StudyError,
    )


def _check_operations(ops: dict[str, Any], settings: dict[str, Any], path: str) -> None:
    if "add_engineers" in ops:  # the engineers ``like`` names are checked with the team
        study_additions(ops["add_engineers"], settings["region"], None, path)
    if "remove_engineers" in ops:
        value = ops["remove_engineers"]
        _require(
            _is_int(value) and 1 <= value < settings["engineers"],
            f"{path}.remove_engineers",
            "must be a number of engineers, fewer than the team",
        )
    if "close_depots" in ops:
        value = ops["close_depots"]
        _require(
            isinstance(value, list) and all(isinstance(d, str) for d in value),
            f"{path}.close_depots",
            "must be a list of depot ids (D-XX)",
        )
    if "train" in ops:
        t = ops["train"]
        lines = {p.name for p in PRODUCT_LINES}
        _require(
            isinstance(t, dict), f"{path}.train", "must be {skill: LINE, engineers: N, level: 1-3}"
        )
        _require(
            t.get("skill") in lines,
            f"{path}.train.skill",
            f"must be one of {', '.join(sorted(lines))}",
        )
        _require(
            _is_int(t.get("engineers")) and t["engineers"] >= 1,
            f"{path}.train.engineers",
            "must be a positive integer",
        )
        _require(t.get("level", 2) in (1, 2, 3), f"{path}.train.level", "must be 1, 2 or 3")
