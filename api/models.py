"""The service's stored data: SQLAlchemy 2.0 typed ORM, one class per table.

Times are stored in UTC and always come back time-zone aware (SQLite keeps no
zone, so :class:`UtcDateTime` restores it). Codes people use (engineer "E001",
part "P-FILT-01") are the primary keys, so the dispatch contract's ids and the
database's are the same strings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: every stored time needs a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        date: Date,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    ENGINEER = "engineer"
    PLANNER = "planner"
    ADMIN = "admin"


class TicketStatus(StrEnum):
    """Where a stored job stands in its life cycle (:data:`api.job_lifecycle.TRANSITIONS`).

    Not what a re-plan's state of the day says of a job (done, in progress,
    cancelled: :class:`dispatch.model.day_state.ReportedStatus`), which is read off this.
    """

    NEW = "new"
    PLANNED = "planned"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"
    DONE = "done"
    NEEDS_FOLLOW_UP = "needs_follow_up"
    CANCELLED = "cancelled"


#: Where stock is kept: at a depot or in an engineer's van (``Stock.location_kind``).
LOCATION_KINDS = ("depot", "van")


class RunKind(StrEnum):
    PLAN = "plan"
    SCENARIO = "scenario"
    STOCK = "stock"
    STUDY = "study"


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Region(Base):
    """A service territory: its time zone, working calendar and travel model."""

    __tablename__ = "regions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    opens: Mapped[str] = mapped_column(String(5), default="08:00")
    closes: Mapped[str] = mapped_column(String(5), default="18:00")
    weekdays: Mapped[list[Any]] = mapped_column(default=lambda: [0, 1, 2, 3, 4])
    holidays: Mapped[list[Any]] = mapped_column(default=list)
    travel: Mapped[dict[str, Any]] = mapped_column(
        default=lambda: {"kind": "great_circle", "speed_kmh": 35.0, "circuity": 1.3}
    )
    #: The dispatch contract's ``objective`` section used for this region's plans.
    objective: Mapped[dict[str, Any]] = mapped_column(default=dict)


class User(Base):
    """Someone who signs in with a bearer token. The token is stored as its hash only;
    none (revoked) until an admin rotates it; it stops working when it expires or the
    user is deactivated."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    engineer_id: Mapped[str | None] = mapped_column(ForeignKey("engineers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)
    token_expires_at: Mapped[datetime | None]
    token_last_used_at: Mapped[datetime | None]

    @property
    def has_token(self) -> bool:
        return self.token_hash is not None


class Engineer(Base):
    __tablename__ = "engineers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[str] = mapped_column(ForeignKey("regions.id"), index=True)
    home_lat: Mapped[float]
    home_lon: Mapped[float]
    shift_start: Mapped[str] = mapped_column(String(5), default="08:00")
    shift_end: Mapped[str] = mapped_column(String(5), default="17:00")
    workdays: Mapped[list[Any]] = mapped_column(default=lambda: [0, 1, 2, 3, 4])
    max_overtime_min: Mapped[int] = mapped_column(default=0)
    break_earliest: Mapped[str | None] = mapped_column(String(5))
    break_latest: Mapped[str | None] = mapped_column(String(5))
    break_min: Mapped[int] = mapped_column(default=0)
    skills: Mapped[dict[str, Any]] = mapped_column(default=dict)
    tools: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)
    #: Their time on a job is its duration times this (a trainee over 1, an expert under).
    duration_factor: Mapped[float] = mapped_column(default=1.0)


class AbsenceKind(StrEnum):
    TIME_OFF = "time_off"
    SICKNESS = "sickness"
    TRAINING = "training"


class Absence(Base):
    """Days an engineer does not work (first and last day included, region's dates)."""

    __tablename__ = "absences"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="ck_absence_days"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    engineer_id: Mapped[str] = mapped_column(ForeignKey("engineers.id"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(240), default="")


class OnCallDuty(Base):
    """An engineer on call for a region's emergencies from ``start`` to ``end``: the
    rota for nights and weekends."""

    __tablename__ = "on_call_duties"
    __table_args__ = (CheckConstraint('"end" > start', name="ck_on_call_times"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    region_id: Mapped[str] = mapped_column(ForeignKey("regions.id"), index=True)
    engineer_id: Mapped[str] = mapped_column(ForeignKey("engineers.id"), index=True)
    start: Mapped[datetime]
    end: Mapped[datetime]


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))


class Site(Base):
    __tablename__ = "sites"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    region_id: Mapped[str] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    address: Mapped[str] = mapped_column(String(240), default="")
    lat: Mapped[float]
    lon: Mapped[float]
    opens: Mapped[str | None] = mapped_column(String(5))
    closes: Mapped[str | None] = mapped_column(String(5))


class Contract(Base):
    """A customer's service contract; ``terms`` maps a fault level to its commitments.

    ``terms`` is ``{"emergency": {"response_min": 240, "repair_min": 480}, ...}``,
    minutes of SLA time counted by ``coverage`` (``7x24`` or ``business_hours``).
    """

    __tablename__ = "contracts"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    tier: Mapped[str] = mapped_column(String(40))
    coverage: Mapped[str] = mapped_column(String(20))
    terms: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Asset(Base):
    """An installed unit at a customer's site with a preventive-maintenance cycle.

    A visit is due every ``cycle_days`` days after ``last_visit``, within
    ``tolerance_days`` either side; a visit done moves ``last_visit`` to its
    actual date, so the next cycle counts from it.
    """

    __tablename__ = "assets"
    __table_args__ = (
        CheckConstraint("cycle_days >= 1", name="ck_asset_cycle"),
        CheckConstraint(
            "tolerance_days >= 0 AND tolerance_days < cycle_days", name="ck_asset_tolerance"
        ),
        CheckConstraint("duration_min > 0", name="ck_asset_duration"),
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    contract_id: Mapped[str | None] = mapped_column(ForeignKey("contracts.id"))
    name: Mapped[str] = mapped_column(String(160))
    cycle_days: Mapped[int]
    tolerance_days: Mapped[int] = mapped_column(default=0)
    last_visit: Mapped[date]
    duration_min: Mapped[int]
    priority: Mapped[int] = mapped_column(default=3)
    skills: Mapped[dict[str, Any]] = mapped_column(default=dict)
    parts: Mapped[dict[str, Any]] = mapped_column(default=dict)

    site: Mapped[Site] = relationship(lazy="joined")


class Job(Base):
    """A service job. ``appointment_start``/``appointment_end``: the arrival window
    promised to the customer when the hotline booked one; every plan keeps it."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(
            "(appointment_start IS NULL AND appointment_end IS NULL)"
            " OR appointment_end > appointment_start",
            name="ck_job_appointment",
        ),
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    contract_id: Mapped[str | None] = mapped_column(ForeignKey("contracts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    priority: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=TicketStatus.NEW.value, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime]
    earliest_start: Mapped[datetime | None]
    response_deadline: Mapped[datetime | None]
    repair_deadline: Mapped[datetime | None]
    duration_min: Mapped[int]
    skills: Mapped[dict[str, Any]] = mapped_column(default=dict)
    parts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    tools: Mapped[list[Any]] = mapped_column(default=list)
    follow_up_of: Mapped[str | None] = mapped_column(ForeignKey("jobs.id"))
    #: The installed unit a preventive visit services (:mod:`api.maintenance_visits`).
    asset_id: Mapped[str | None] = mapped_column(ForeignKey("assets.id"), index=True)
    appointment_start: Mapped[datetime | None]
    appointment_end: Mapped[datetime | None]
    #: How many engineers do the job together, and the engineers the customer asks for.
    crew: Mapped[int] = mapped_column(default=1)
    preferred_engineers: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")
    contract: Mapped[Contract | None] = relationship()
    events: Mapped[list[JobEvent]] = relationship(
        back_populates="job", order_by="JobEvent.id", cascade="all, delete-orphan"
    )


class JobEvent(Base):
    """One step of a job's history: who moved it to which status, when, with which parts."""

    __tablename__ = "job_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    engineer_id: Mapped[str | None] = mapped_column(ForeignKey("engineers.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    parts_used: Mapped[list[Any]] = mapped_column(default=list)

    job: Mapped[Job] = relationship(back_populates="events")


class Depot(Base):
    __tablename__ = "depots"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    region_id: Mapped[str | None] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10), default="regional")
    address: Mapped[str] = mapped_column(String(240), default="")
    lat: Mapped[float]
    lon: Mapped[float]
    opens: Mapped[str] = mapped_column(String(5), default="08:00")
    closes: Mapped[str] = mapped_column(String(5), default="18:00")
    pickup_min: Mapped[int] = mapped_column(default=15)
    tools: Mapped[list[Any]] = mapped_column(default=list)


class Part(Base):
    __tablename__ = "parts"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    unit_cost: Mapped[float] = mapped_column(default=0.0)


class Stock(Base):
    """Units of a part on hand at a depot or in an engineer's van; never negative."""

    __tablename__ = "stock"
    __table_args__ = (
        UniqueConstraint("part_id", "location_kind", "location_id", name="uq_stock_place"),
        CheckConstraint("quantity >= 0", name="ck_stock_not_negative"),
        CheckConstraint("location_kind IN ('depot', 'van')", name="ck_stock_location_kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[str] = mapped_column(ForeignKey("parts.id"), index=True)
    location_kind: Mapped[str] = mapped_column(String(10))
    location_id: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int]


class StockMovement(Base):
    """The ledger: every change of a stock quantity, with where from, where to and why."""

    __tablename__ = "stock_movements"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    part_id: Mapped[str] = mapped_column(ForeignKey("parts.id"), index=True)
    quantity: Mapped[int]
    from_kind: Mapped[str | None] = mapped_column(String(10))
    from_id: Mapped[str | None] = mapped_column(String(40))
    to_kind: Mapped[str | None] = mapped_column(String(10))
    to_id: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(20))
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Run(Base):
    """A background computation: a day's plan, a scenario study or a stock plan."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(10), default=RunStatus.QUEUED.value, index=True)
    region_id: Mapped[str | None] = mapped_column(ForeignKey("regions.id"))
    day: Mapped[date | None]
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    progress: Mapped[dict[str, Any]] = mapped_column(default=dict)
    problem: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    worker: Mapped[str | None] = mapped_column(String(120))
    published_at: Mapped[datetime | None]
    superseded_at: Mapped[datetime | None]


class RunPart(Base):
    """One variant of a study carried out on its own, by whichever worker takes it
    (with a task engine): the study is done when its parts are."""

    __tablename__ = "run_parts"
    __table_args__ = (UniqueConstraint("run_id", "part", name="uq_run_part"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    part: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=RunStatus.QUEUED.value)
    worker: Mapped[str | None] = mapped_column(String(120))
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)


class Assignment(Base):
    """One stop of a published plan: a job visit, a depot pickup or a break."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("run_id", "engineer_id", "sequence", name="uq_assignment_stop"),
        UniqueConstraint("day", "job_id", "engineer_id", name="uq_assignment_job_day"),
        Index("ix_assignment_engineer_day", "engineer_id", "day"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    region_id: Mapped[str] = mapped_column(ForeignKey("regions.id"))
    day: Mapped[date]
    engineer_id: Mapped[str] = mapped_column(ForeignKey("engineers.id"))
    sequence: Mapped[int]
    type: Mapped[str] = mapped_column(String(10))
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id"))
    depot_id: Mapped[str | None] = mapped_column(ForeignKey("depots.id"))
    arrival: Mapped[datetime | None]
    start: Mapped[datetime]
    end: Mapped[datetime]
    pickup: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: A crew job's stop on its lead's day: the lead carries its parts and tools.
    lead: Mapped[bool] = mapped_column(default=False)

    job: Mapped[Job | None] = relationship()
    depot: Mapped[Depot | None] = relationship()
