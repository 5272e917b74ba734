"""Engineers' calendars: absences (time off, sickness, training) and the on-call rota.

Working patterns (weekdays and hours) are the engineer's own fields and region
holidays the region's; these two add what changes week by week. Plans read
them all (:mod:`api.day_problem`).
"""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields

from api.errors import ApiError
from api.models import Absence, Engineer, OnCallDuty, Region, Role
from api.resources.crud import Resource, register
from api.schemas.calendar_shapes import LONGEST_DUTY, AbsenceSchema, OnCallDutySchema

blp = Blueprint(
    "calendars",
    __name__,
    url_prefix="/api/v1",
    description="Engineers' absences and the on-call rota for nights and weekends.",
)

READERS = (Role.DISPATCHER, Role.PLANNER)


def _absence_days(row: Absence) -> None:
    if row.last_day < row.first_day:
        raise ApiError(422, "last_day must not be before first_day", "last_day")


def _duty_times(row: OnCallDuty) -> None:
    if row.end <= row.start:
        raise ApiError(422, "end must be after start", "end")
    if row.end - row.start > LONGEST_DUTY:
        raise ApiError(422, "a duty lasts at most 7 days", "end")


RESOURCES = (
    Resource(
        "absences",
        Absence,
        AbsenceSchema,
        filters={"engineer_id": (fields.String(), lambda v: Absence.engineer_id == v)},
        read_roles=READERS,
        write_roles=(Role.DISPATCHER,),
        references={"engineer_id": Engineer},
        order_by="first_day",
        consistent=_absence_days,
    ),
    Resource(
        "on-call",
        OnCallDuty,
        OnCallDutySchema,
        filters={
            "region_id": (fields.String(), lambda v: OnCallDuty.region_id == v),
            "engineer_id": (fields.String(), lambda v: OnCallDuty.engineer_id == v),
        },
        read_roles=READERS,
        write_roles=(Role.DISPATCHER,),
        references={"region_id": Region, "engineer_id": Engineer},
        order_by="start",
        consistent=_duty_times,
    ),
)

for resource in RESOURCES:
    register(blp, resource)
