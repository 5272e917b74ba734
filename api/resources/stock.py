"""Stock on hand per depot and van, counts, receipts, transfers and the movement ledger."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_user, requires
from api.db import transaction
from api.models import Role
from api.schemas.common import page_schema
from api.schemas.stock_shapes import (
    MovementArgs,
    MovementSchema,
    ReceiptSchema,
    StockFilter,
    StockSchema,
    TransferSchema,
)
from api.session import session
from api.stock_levels import (
    level_page,
    movement_page,
    record_count,
    record_receipt,
    record_transfer,
)

blp = Blueprint(
    "stock", __name__, url_prefix="/api/v1", description="Spare parts on hand and their movements."
)


@blp.route("/stock")
class StockLevels(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(StockFilter, location="query")
    @blp.response(200, page_schema(StockSchema, "StockPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Units on hand per part and place (depot or van), filtered."""
        return level_page(session(), args)

    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(StockSchema)
    @blp.response(200, StockSchema)
    def put(self, data: dict[str, Any]) -> dict[str, Any]:
        """Record a stock count: the quantity found; the difference goes to the ledger."""
        with transaction(session()) as s:
            return record_count(s, data, current_user().id)


@blp.route("/stock/transfers")
class Transfers(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(TransferSchema)
    @blp.response(201, StockSchema(many=True))
    def post(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Move units between depots and vans (409 if the source holds too few)."""
        with transaction(session()) as s:
            return record_transfer(s, data, current_user().id)


@blp.route("/stock/receipts")
class Receipts(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(ReceiptSchema)
    @blp.response(201, StockSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Units received from a supplier at a depot (or a van)."""
        with transaction(session()) as s:
            return record_receipt(s, data, current_user().id)


@blp.route("/stock/movements")
class Movements(MethodView):
    @requires(Role.DISPATCHER, Role.PLANNER)
    @blp.arguments(MovementArgs, location="query")
    @blp.response(200, page_schema(MovementSchema, "MovementPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The ledger, newest first: consumption, transfers, receipts and counts."""
        return movement_page(session(), args)
