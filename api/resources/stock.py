"""Stock on hand per depot and van, counts, receipts, transfers and the movement ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import or_, select

from api.auth import current_user, requires
from api.errors import ApiError
from api.models import Role, Stock, StockMovement
from api.resources.crud import filtered, page
from api.schemas import (
    MovementSchema,
    PageArgs,
    ReceiptSchema,
    StockFilter,
    StockSchema,
    TransferSchema,
    page_schema,
)
from api.session import session
from api.stock import count, on_hand, receive, transfer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

blp = Blueprint(
    "stock", __name__, url_prefix="/api/v1", description="Spare parts on hand and their movements."
)

MovementArgs = Schema.from_dict(
    {
        **PageArgs().fields,
        "part_id": fields.String(),
        "job_id": fields.String(),
        "location_id": fields.String(),
    },
    name="MovementArgs",
)


def _level(s: Session, part_id: str, kind: str, location_id: str) -> dict[str, Any]:
    """Units of a part now on hand at one place, in the stock schema's form."""
    return {
        "part_id": part_id,
        "location_kind": kind,
        "location_id": location_id,
        "quantity": on_hand(s, part_id, kind, location_id),
    }


@blp.route("/stock")
class StockLevels(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(StockFilter, location="query")
    @blp.response(200, page_schema(StockSchema, "StockPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Units on hand per part and place (depot or van), filtered."""
        query = filtered(
            select(Stock),
            args,
            {
                "part_id": lambda v: Stock.part_id == v,
                "location_kind": lambda v: Stock.location_kind == v,
                "location_id": lambda v: Stock.location_id == v,
            },
        )
        return page(session(), query, args, Stock.id)

    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(StockSchema)
    @blp.response(200, StockSchema)
    def put(self, data: dict[str, Any]) -> dict[str, Any]:
        """Record a stock count: the quantity found; the difference goes to the ledger."""
        s = session()
        place = (data["location_kind"], data["location_id"])
        count(s, data["part_id"], place, data["quantity"], current_user().id)
        out = _level(s, data["part_id"], *place)
        s.commit()
        return out


@blp.route("/stock/transfers")
class Transfers(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(TransferSchema)
    @blp.response(201, StockSchema(many=True))
    def post(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Move units between depots and vans (409 if the source holds too few)."""
        s = session()
        source = (data["from_"]["kind"], data["from_"]["id"])
        target = (data["to"]["kind"], data["to"]["id"])
        transfer(s, data["part_id"], source, target, data["quantity"], current_user().id)
        out = [_level(s, data["part_id"], *place) for place in (source, target)]
        s.commit()
        return out


@blp.route("/stock/receipts")
class Receipts(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(ReceiptSchema)
    @blp.response(201, StockSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Units received from a supplier at a depot (or a van)."""
        s = session()
        target = (data["to"]["kind"], data["to"]["id"])
        receive(s, data["part_id"], target, data["quantity"], current_user().id)
        out = _level(s, data["part_id"], *target)
        s.commit()
        return out


@blp.route("/stock/movements")
class Movements(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(MovementArgs, location="query")
    @blp.response(200, page_schema(MovementSchema, "MovementPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The ledger, newest first: consumption, transfers, receipts and counts."""
        query = filtered(
            select(StockMovement),
            args,
            {
                "part_id": lambda v: StockMovement.part_id == v,
                "job_id": lambda v: StockMovement.job_id == v,
                "location_id": lambda v: or_(StockMovement.from_id == v, StockMovement.to_id == v),
            },
        )
        return page(session(), query, args, StockMovement.id.desc())


__all__ = ["ApiError", "blp"]
