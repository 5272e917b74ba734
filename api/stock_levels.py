"""Stock as the API answers it: pages of levels and of the ledger, and the level a change leaves.

A count, a receipt or a transfer is booked by :mod:`api.stock_ledger` and
answered with what is now on hand where it happened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from api.models import Stock, StockMovement
from api.paging import filtered, page
from api.stock_ledger import count, on_hand, receive, transfer

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session


def level(s: Session, part_id: str, kind: str, location_id: str) -> dict[str, Any]:
    """Units of a part now on hand at one place, in the stock shape."""
    return {
        "part_id": part_id,
        "location_kind": kind,
        "location_id": location_id,
        "quantity": on_hand(s, part_id, kind, location_id),
    }


def level_page(s: Session, args: Mapping[str, Any]) -> dict[str, Any]:
    """Units on hand per part and place, filtered by part, kind of place or place."""
    query = filtered(
        select(Stock),
        args,
        {
            "part_id": lambda v: Stock.part_id == v,
            "location_kind": lambda v: Stock.location_kind == v,
            "location_id": lambda v: Stock.location_id == v,
        },
    )
    return page(s, query, args, Stock.id)


def movement_page(s: Session, args: Mapping[str, Any]) -> dict[str, Any]:
    """The ledger, newest first, filtered by part, job or place (either end of a move)."""
    query = filtered(
        select(StockMovement),
        args,
        {
            "part_id": lambda v: StockMovement.part_id == v,
            "job_id": lambda v: StockMovement.job_id == v,
            "location_id": lambda v: or_(StockMovement.from_id == v, StockMovement.to_id == v),
        },
    )
    return page(s, query, args, StockMovement.id.desc())


def record_count(s: Session, data: Mapping[str, Any], user_id: int | None) -> dict[str, Any]:
    """The quantity a count found becomes the level; the difference goes to the ledger."""
    place = (data["location_kind"], data["location_id"])
    count(s, data["part_id"], place, data["quantity"], user_id)
    return level(s, data["part_id"], *place)


def record_transfer(
    s: Session, data: Mapping[str, Any], user_id: int | None
) -> list[dict[str, Any]]:
    """Units moved between places; the levels at the source and the target after it."""
    source = (data["from_"]["kind"], data["from_"]["id"])
    target = (data["to"]["kind"], data["to"]["id"])
    transfer(s, data["part_id"], source, target, data["quantity"], user_id)
    return [level(s, data["part_id"], *place) for place in (source, target)]


def record_receipt(s: Session, data: Mapping[str, Any], user_id: int | None) -> dict[str, Any]:
    """Units received at a place; the level there after it."""
    target = (data["to"]["kind"], data["to"]["id"])
    receive(s, data["part_id"], target, data["quantity"], user_id)
    return level(s, data["part_id"], *target)
