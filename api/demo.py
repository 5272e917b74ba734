"""The demo organisation: a generated region stored in the service's database.

The generator's day (engineers, jobs, depots, stock) becomes stored records:
each job's site belongs to a customer whose contract (gold 7x24, silver or
bronze business hours) gives the job its SLA deadlines through the service's
own SLA clock, as for any reported job. Every fifth site has an installed unit
serviced every 90 days (+/- 7), last visited 60 to 99 days ago, so preventive
visits fall due over the coming weeks and a few are overdue.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from api.auth import create_user
from api.config import defaults
from api.job_tickets import create_job
from api.models import (
    Asset,
    Contract,
    Customer,
    Depot,
    Engineer,
    Job,
    Part,
    Region,
    Role,
    Site,
    Stock,
    User,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TIME_ZONES = {
    "shanghai": "Asia/Shanghai",
    "rhine-ruhr": "Europe/Berlin",
    "dfw": "America/Chicago",
    "andorra": "Europe/Andorra",
}

#: Contract tiers: coverage and minutes of SLA time to respond and repair per fault level.
TIERS: dict[str, dict[str, Any]] = {
    "gold": {
        "coverage": "7x24",
        "terms": {
            "emergency": {"response_min": 240, "repair_min": 480},
            "normal": {"response_min": 480, "repair_min": 1440},
            "follow_up": {"response_min": 1440},
        },
    },
    "silver": {
        "coverage": "business_hours",
        "terms": {
            "emergency": {"response_min": 240, "repair_min": 600},
            "normal": {"response_min": 600, "repair_min": 1200},
            "follow_up": {"response_min": 1200},
        },
    },
    "bronze": {
        "coverage": "business_hours",
        "terms": {
            "emergency": {"response_min": 480, "repair_min": 1200},
            "normal": {"response_min": 1200, "repair_min": 2400},
            "follow_up": {"response_min": 2400},
        },
    },
}
FIRST = (
    "Li",
    "Wang",
    "Anna",
    "Jonas",
    "Maria",
    "Chen",
    "Lukas",
    "Sofia",
    "David",
    "Mei",
    "Omar",
    "Elena",
    "Tom",
    "Yuki",
    "Ines",
    "Paul",
)
LAST = (
    "Zhang",
    "Schmidt",
    "Garcia",
    "Müller",
    "Liu",
    "Rossi",
    "Novak",
    "Kim",
    "Silva",
    "Weber",
    "Huang",
    "Martin",
)
PART_NAMES = {
    "BATT": "battery pack",
    "BELT": "drive belt",
    "BRAK": "brake unit",
    "CAPA": "capacitor",
    "COIL": "coil",
    "COMP": "compressor",
    "CTRL": "controller board",
    "DETB": "detector board",
    "DOOR": "door operator",
    "FANS": "fan motor",
    "FILT": "filter set",
    "FUSE": "fuse kit",
    "INVT": "inverter",
    "LOCK": "door lock",
    "READ": "card reader",
    "RECT": "rectifier",
    "ROPE": "hoist rope",
    "SEAL": "seal kit",
    "SENS": "sensor",
    "TUBE": "x-ray tube",
    "VALV": "valve",
}


def first_working_day(today: date, weekdays: list[int]) -> date:
    day = today
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return day


def is_empty(s: Session) -> bool:
    """No region, engineer, job or user stored yet: nothing the demo could mix with."""
    return not any(
        s.scalar(select(func.count()).select_from(table)) for table in (Region, Engineer, Job, User)
    )


def seed(s: Session, data: dict[str, Any], region_id: str, day: date) -> dict[str, str]:
    """Store the generated day ``data`` as region ``region_id``; returns demo users' tokens."""
    zone = ZoneInfo(TIME_ZONES[region_id])
    region = Region(
        id=region_id,
        name=region_id.replace("-", " ").title(),
        timezone=zone.key,
        travel=data["travel"],
        objective=data["objective"],
    )
    s.add(region)
    s.flush()
    parts = sorted(
        {p for e in data["engineers"] for p in e["van_stock"]}
        | {p for d in data["depots"] for p in d["stock"]}
        | {p for j in data["jobs"] for p in j["parts"]}
    )
    for p in parts:
        code = p.split("-")[1] if "-" in p else p
        s.add(Part(id=p, name=PART_NAMES.get(code, code.title()), unit_cost=_cost(p)))
    for i, e in enumerate(data["engineers"]):
        shift_start = datetime.fromisoformat(e["shift"]["start"]).astimezone(zone)
        shift_end = datetime.fromisoformat(e["shift"]["end"]).astimezone(zone)
        brk = e["breaks"][0] if e["breaks"] else None
        s.add(
            Engineer(
                id=e["id"],
                name=f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}",
                region_id=region_id,
                home_lat=e["start"]["lat"],
                home_lon=e["start"]["lon"],
                shift_start=shift_start.strftime("%H:%M"),
                shift_end=shift_end.strftime("%H:%M"),
                max_overtime_min=int(e.get("max_overtime_min", 0)),
                break_earliest=_hhmm(brk["earliest"], zone) if brk else None,
                break_latest=_hhmm(brk["latest"], zone) if brk else None,
                break_min=int(brk["duration_min"]) if brk else 0,
                skills=dict(e["skills"]),
                tools=list(e.get("tools", [])),
                duration_factor=float(e.get("duration_factor", 1.0)),
            )
        )
    for d in data["depots"]:
        s.add(
            Depot(
                id=d["id"],
                region_id=region_id,
                name=f"Depot {d['id'].split('-')[-1]}",
                kind="regional",
                address=f"Depot {d['id']}",
                lat=d["location"]["lat"],
                lon=d["location"]["lon"],
                opens=_hhmm(d["hours"]["start"], zone),
                closes=_hhmm(d["hours"]["end"], zone),
                pickup_min=int(d.get("pickup_min", 15)),
                tools=list(d.get("tools", [])),
            )
        )
    s.flush()
    for e in data["engineers"]:
        for p, q in e["van_stock"].items():
            s.add(Stock(part_id=p, location_kind="van", location_id=e["id"], quantity=q))
    for d in data["depots"]:
        for p, q in d["stock"].items():
            s.add(Stock(part_id=p, location_kind="depot", location_id=d["id"], quantity=q))
    tiers = list(TIERS)
    for n, j in enumerate(data["jobs"]):
        tier = tiers[n % 3] if j["kind"] in ("emergency", "normal") else None
        customer = Customer(id=f"C{n + 1:04d}", name=f"Customer {n + 1:04d}")
        window = j["windows"][0] if j.get("windows") else None
        opens = _hhmm(window["start"], zone) if window else None
        closes = _hhmm(window["end"], zone) if window else None
        site = Site(
            id=f"S{n + 1:04d}",
            customer_id=customer.id,
            region_id=region_id,
            name=f"Site {n + 1:04d}",
            address=f"{(n * 37) % 900 + 1} Service Road, {data['meta'].get('cities', [''])[0]}",
            lat=j["site"]["lat"],
            lon=j["site"]["lon"],
        )
        s.add(customer)
        s.flush()
        s.add(site)
        contract_id = None
        if tier is not None:
            contract_id = f"K{n + 1:04d}"
            s.add(Contract(id=contract_id, customer_id=customer.id, tier=tier, **TIERS[tier]))
        s.flush()
        reported = (
            datetime.fromisoformat(window["start"])
            if window
            else datetime.combine(day, datetime.min.time(), tzinfo=zone)
        )
        job = create_job(
            s,
            {
                "id": j["id"],
                "site_id": site.id,
                "contract_id": contract_id,
                "kind": j["kind"],
                "priority": j["priority"],
                "description": _describe(j),
                "reported_at": reported,
                "earliest_start": None,
                "duration_min": int(j["duration_min"]),
                "skills": dict(j["skills"]),
                "parts": dict(j["parts"]),
                "tools": list(j.get("tools", [])),
                "follow_up_of": None,
                "crew": int(j.get("crew", 1)),
                "preferred_engineers": list(j.get("preferred_engineers", [])),
            },
        )
        if opens and closes and closes > opens and (opens, closes) != ("00:00", "00:00"):
            site.opens, site.closes = opens, closes if closes != "00:00" else "24:00"
        if n % 5 == 0:
            s.add(_unit_at(n, site, contract_id, day, j))
        del job
    tokens = {}
    ttl = defaults()["TOKEN_TTL_DAYS"]
    for name, role, engineer in (
        ("admin", Role.ADMIN, None),
        ("dispatcher", Role.DISPATCHER, None),
        ("planner", Role.PLANNER, None),
    ):
        tokens[name] = create_user(s, name, role.value, engineer, ttl)[1]
    for e in data["engineers"]:
        token = create_user(s, e["id"].lower(), Role.ENGINEER.value, e["id"], ttl)[1]
        if e["id"] == data["engineers"][0]["id"]:
            tokens[e["id"].lower()] = token
    s.flush()
    return tokens


def _unit_at(n: int, site: Site, contract_id: str | None, day: date, job: dict[str, Any]) -> Asset:
    """An installed unit at the site of generated job ``n``, with the job's skills."""
    line = min(job["skills"], default="general")
    return Asset(
        id=f"U{n + 1:04d}",
        site_id=site.id,
        contract_id=contract_id,
        name=f"{line.replace('_', ' ')} unit {n + 1:04d}",
        cycle_days=90,
        tolerance_days=7,
        last_visit=day - timedelta(days=60 + (n * 7) % 40),
        duration_min=60,
        priority=3,
        skills={line: 1} if line != "general" else {},
        parts={},
    )


def _hhmm(text: str, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(text).astimezone(zone).strftime("%H:%M")


def _cost(part: str) -> float:
    return float(40 + (sum(map(ord, part)) * 37) % 900)


def _describe(job: dict[str, Any]) -> str:
    skills = ", ".join(sorted(job["skills"])) or "general"
    return f"{job['kind'].replace('_', ' ')} visit ({skills})"
