"""What an after-sales organisation services, and how its work is mixed.

Product lines and their spare parts (with how popular each part is and where
it is stocked), the special tools, the mix of job kinds, service durations,
site opening hours, engineers' shifts and the SLA commitments a generated day
is made of. Data only: the generator draws from it, the co-simulation reuses
the same lines and parts, so a study's faults need the parts a day plans for.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProductLine:
    """A line of installed equipment: its share of the jobs, how long work on it takes,
    and the special tool some of its jobs need."""

    name: str
    share: float
    duration_factor: float
    tool: str | None


@dataclass(frozen=True, slots=True)
class Part:
    """A spare part. ``tier`` decides where it is stocked: ``common`` parts ride in vans
    and sit in every depot, ``medium`` in most depots, ``rare`` in one or two."""

    id: str
    line: str
    tier: str
    popularity: float  # relative demand within its product line


PRODUCT_LINES: tuple[ProductLine, ...] = (
    ProductLine("hvac", 0.27, 1.00, "refrigerant-recovery"),
    ProductLine("elevator", 0.22, 1.00, "lift-kit"),
    ProductLine("ups-power", 0.15, 0.90, "hv-test-set"),
    ProductLine("access-control", 0.13, 0.75, None),
    ProductLine("chiller", 0.12, 1.15, "refrigerant-recovery"),
    ProductLine("medical-imaging", 0.11, 1.25, "hv-test-set"),
)

PARTS: tuple[Part, ...] = (
    Part("P-FILT-01", "hvac", "common", 5.0),  # filter set
    Part("P-CAPA-01", "hvac", "common", 4.0),  # run capacitor
    Part("P-BELT-01", "hvac", "common", 3.0),  # fan belt
    Part("P-VALV-01", "hvac", "medium", 1.5),  # expansion valve
    Part("P-COMP-01", "hvac", "rare", 0.6),  # scroll compressor
    Part("P-DOOR-01", "elevator", "common", 5.0),  # door roller kit
    Part("P-BRAK-01", "elevator", "medium", 2.0),  # brake pad set
    Part("P-INVT-01", "elevator", "rare", 0.7),  # inverter drive board
    Part("P-ROPE-01", "elevator", "rare", 0.4),  # suspension rope set
    Part("P-FUSE-01", "ups-power", "common", 4.0),  # fuse set
    Part("P-FANS-01", "ups-power", "common", 3.0),  # cooling fan
    Part("P-BATT-01", "ups-power", "medium", 3.0),  # battery module
    Part("P-RECT-01", "ups-power", "rare", 0.6),  # rectifier board
    Part("P-READ-01", "access-control", "common", 5.0),  # card reader
    Part("P-LOCK-01", "access-control", "common", 3.0),  # magnetic lock
    Part("P-CTRL-01", "access-control", "medium", 1.5),  # door controller
    Part("P-SENS-01", "chiller", "common", 4.0),  # temperature sensor
    Part("P-SEAL-01", "chiller", "medium", 2.0),  # pump seal kit
    Part("P-COMP-02", "chiller", "rare", 0.5),  # screw compressor bearing kit
    Part("P-DETB-01", "medical-imaging", "medium", 2.0),  # detector board
    Part("P-COIL-01", "medical-imaging", "rare", 0.8),  # RF coil
    Part("P-TUBE-01", "medical-imaging", "rare", 0.5),  # X-ray tube
)

TOOLS: tuple[str, ...] = tuple(sorted({p.tool for p in PRODUCT_LINES if p.tool is not None}))

#: Share of jobs by kind; the planned visits (preventive, installation) are a
#: little under half of a typical day.
KIND_MIX: tuple[tuple[str, float], ...] = (
    ("emergency", 0.15),
    ("normal", 0.42),
    ("preventive", 0.30),
    ("installation", 0.10),
    ("follow_up", 0.03),
)

#: Service durations in minutes by kind (values, probabilities), before the product line's factor.
DURATIONS: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    "emergency": ((30, 45, 60, 75, 90, 120, 150), (0.10, 0.20, 0.25, 0.20, 0.13, 0.08, 0.04)),
    "normal": ((30, 45, 60, 75, 90, 120), (0.15, 0.25, 0.25, 0.15, 0.12, 0.08)),
    "preventive": ((30, 45, 60, 90, 120), (0.20, 0.30, 0.30, 0.15, 0.05)),
    "installation": ((90, 120, 150, 180, 240), (0.25, 0.35, 0.20, 0.15, 0.05)),
    "follow_up": ((30, 45, 60, 75), (0.30, 0.30, 0.30, 0.10)),
}

#: Site opening hours (minutes after local midnight). "appointment" (in :data:`HOURS_MIX`)
#: is a 2 h arrival slot agreed with the customer instead.
SITE_HOURS: dict[str, tuple[tuple[int, int], ...]] = {
    "business": ((480, 1080),),  # 08:00-18:00
    "office": ((540, 1020),),  # 09:00-17:00
    "split": ((540, 720), (840, 1020)),  # closed over lunch
    "allday": ((0, 1440),),  # hospitals, data centres, malls
}
#: How often each kind of job meets each kind of opening hours.
HOURS_MIX: dict[str, tuple[tuple[str, float], ...]] = {
    "emergency": (("allday", 0.40), ("business", 0.45), ("office", 0.15)),
    "normal": (
        ("business", 0.40),
        ("office", 0.30),
        ("split", 0.15),
        ("appointment", 0.10),
        ("allday", 0.05),
    ),
    "preventive": (("business", 0.45), ("office", 0.40), ("split", 0.10), ("appointment", 0.05)),
    "installation": (("business", 0.50), ("office", 0.40), ("appointment", 0.10)),
    "follow_up": (("appointment", 0.70), ("office", 0.30)),
}

#: Shifts (start, end) in minutes after midnight: 08:00-17:00, 07:30-16:30, 09:00-18:00.
SHIFTS: tuple[tuple[int, int], ...] = ((480, 1020), (450, 990), (540, 1080))

#: Response commitments for emergencies: on site within 4 h in a city, 8 h remote.
EMERGENCY_SLA_MIN = {"city": 240, "remote": 480}
#: Share of sites in the countryside along the roads between cities.
REMOTE_SHARE = 0.12
#: Share of repair jobs (emergency, normal) whose diagnosis calls for a part.
PART_SHARE = 0.40
#: Skill levels a job asks for, and how often: mostly junior work, level 3 rarely.
JOB_LEVELS = ((1, 2, 3), (0.62, 0.32, 0.06))
