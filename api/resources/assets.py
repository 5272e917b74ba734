"""The installed base: assets with a maintenance cycle, and the preventive visits they are due."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import inspect, select

from api.auth import current_user, requires
from api.db import transaction
from api.errors import ApiError
from api.maintenance_visits import generate_visits
from api.models import Asset, Contract, Role, Site
from api.resources.crud import Resource, register
from api.schemas.asset_shapes import AssetSchema, VisitRequestSchema, VisitsSchema
from api.session import session

blp = Blueprint(
    "assets",
    __name__,
    url_prefix="/api/v1",
    description="Installed units with their maintenance cycles, and the preventive visits due.",
)


def _asset_rules(row: Asset) -> None:
    """Rules between an asset's fields, checked on the whole record after any change."""
    if row.tolerance_days >= row.cycle_days:
        raise ApiError(422, "tolerance_days must be less than cycle_days", "tolerance_days")
    if row.contract_id is None:
        return
    s = inspect(row).session or session()
    site, contract = s.get(Site, row.site_id), s.get(Contract, row.contract_id)
    if site is not None and contract is not None and site.customer_id != contract.customer_id:
        raise ApiError(422, "the contract belongs to another customer than the site", "contract_id")


ASSETS = Resource(
    "assets",
    Asset,
    AssetSchema,
    filters={
        "site_id": (fields.String(), lambda v: Asset.site_id == v),
        "region_id": (
            fields.String(),
            lambda v: Asset.site_id.in_(select(Site.id).where(Site.region_id == v)),
        ),
    },
    read_roles=(Role.DISPATCHER, Role.PLANNER),
    write_roles=(Role.PLANNER,),
    references={"site_id": Site, "contract_id": Contract},
    consistent=_asset_rules,
)
register(blp, ASSETS)


@blp.route("/maintenance/visits")
class MaintenanceVisits(MethodView):
    @requires(Role.PLANNER, Role.DISPATCHER)
    @blp.doc(
        summary="Generate the preventive visits due",
        description=(
            "Stores a job PM-<asset>-<due date> for each visit due in the horizon at the"
            " region's assets, startable from the first working day of its tolerance band and"
            " due when the site closes on its due day. Generating again updates the visits"
            " still new and never doubles them; new visits the cycle no longer gives are"
            " cancelled. Planners and dispatchers."
        ),
    )
    @blp.arguments(VisitRequestSchema)
    @blp.response(200, VisitsSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        with transaction(session()) as s:
            return generate_visits(
                s, data["region_id"], data["first_day"], data["days"], current_user().id
            )
