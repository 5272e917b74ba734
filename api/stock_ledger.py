"""Stock on hand and its ledger: every change is one conditional UPDATE plus a movement.

Taking units is ``UPDATE ... SET quantity = quantity - n WHERE quantity >= n``:
two engineers reporting the last unit at once cannot both succeed, on SQLite or
PostgreSQL, without any lock held across the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update

from api.errors import ApiError
from api.models import LOCATION_KINDS, Depot, Engineer, Part, Stock, StockMovement

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def check_location(s: Session, kind: str, ident: str, field: str) -> None:
    model = Depot if kind == "depot" else Engineer
    if kind not in LOCATION_KINDS:
        raise ApiError(422, "must be 'depot' or 'van'", field)
    if s.get(model, ident) is None:
        what = "depot" if kind == "depot" else "engineer (van)"
        raise ApiError(422, f"{what} '{ident}' does not exist", field)


def check_part(s: Session, part_id: str, field: str) -> None:
    if s.get(Part, part_id) is None:
        raise ApiError(422, f"part '{part_id}' does not exist", field)


def on_hand(s: Session, part_id: str, kind: str, ident: str) -> int:
    q = s.scalar(
        select(Stock.quantity).where(
            Stock.part_id == part_id, Stock.location_kind == kind, Stock.location_id == ident
        )
    )
    return int(q or 0)


def _take(s: Session, part_id: str, kind: str, ident: str, quantity: int, field: str) -> None:
    taken = s.execute(
        update(Stock)
        .where(
            Stock.part_id == part_id,
            Stock.location_kind == kind,
            Stock.location_id == ident,
            Stock.quantity >= quantity,
        )
        .values(quantity=Stock.quantity - quantity)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        have = on_hand(s, part_id, kind, ident)
        raise ApiError(
            409, f"{kind} {ident} holds {have} of part {part_id}, {quantity} needed", field
        )


def _put(s: Session, part_id: str, kind: str, ident: str, quantity: int) -> None:
    added = s.execute(
        update(Stock)
        .where(Stock.part_id == part_id, Stock.location_kind == kind, Stock.location_id == ident)
        .values(quantity=Stock.quantity + quantity)
        .execution_options(synchronize_session=False)
    )
    if added.rowcount == 0:  # type: ignore[attr-defined]
        s.add(Stock(part_id=part_id, location_kind=kind, location_id=ident, quantity=quantity))
        s.flush()


def consume(
    s: Session,
    part_id: str,
    kind: str,
    ident: str,
    quantity: int,
    job_id: str | None,
    user_id: int | None,
    field: str,
) -> None:
    """Units used on a job leave stock at ``kind``/``ident``."""
    check_part(s, part_id, f"{field}.part")
    check_location(s, kind, ident, f"{field}.source")
    _take(s, part_id, kind, ident, quantity, f"{field}.quantity")
    s.add(
        StockMovement(
            part_id=part_id,
            quantity=quantity,
            from_kind=kind,
            from_id=ident,
            reason="consumed",
            job_id=job_id,
            user_id=user_id,
        )
    )


def transfer(
    s: Session,
    part_id: str,
    source: tuple[str, str],
    target: tuple[str, str],
    quantity: int,
    user_id: int | None,
    reason: str = "transfer",
) -> None:
    """Move units between depots and vans (a pickup is a depot-to-van transfer)."""
    check_part(s, part_id, "part_id")
    check_location(s, *source, "from")
    check_location(s, *target, "to")
    if source == target:
        raise ApiError(422, "must differ from 'from'", "to")
    _take(s, part_id, *source, quantity, "quantity")
    _put(s, part_id, *target, quantity)
    s.add(
        StockMovement(
            part_id=part_id,
            quantity=quantity,
            from_kind=source[0],
            from_id=source[1],
            to_kind=target[0],
            to_id=target[1],
            reason=reason,
            user_id=user_id,
        )
    )


def receive(
    s: Session, part_id: str, target: tuple[str, str], quantity: int, user_id: int | None
) -> None:
    """Units arriving from a supplier (or a count that found more)."""
    check_part(s, part_id, "part_id")
    check_location(s, *target, "to")
    _put(s, part_id, *target, quantity)
    s.add(
        StockMovement(
            part_id=part_id,
            quantity=quantity,
            to_kind=target[0],
            to_id=target[1],
            reason="received",
            user_id=user_id,
        )
    )


def count(
    s: Session, part_id: str, place: tuple[str, str], quantity: int, user_id: int | None
) -> int:
    """Set the quantity found by a stock count; the difference is booked as an adjustment."""
    check_part(s, part_id, "part_id")
    check_location(s, *place, "location_id")
    row = s.scalar(
        select(Stock)
        .where(
            Stock.part_id == part_id, Stock.location_kind == place[0], Stock.location_id == place[1]
        )
        .with_for_update()
    )
    before = 0 if row is None else row.quantity
    if row is None:
        s.add(
            Stock(part_id=part_id, location_kind=place[0], location_id=place[1], quantity=quantity)
        )
    else:
        row.quantity = quantity
    delta = quantity - before
    if delta:
        s.add(
            StockMovement(
                part_id=part_id,
                quantity=abs(delta),
                from_kind=place[0] if delta < 0 else None,
                from_id=place[1] if delta < 0 else None,
                to_kind=place[0] if delta > 0 else None,
                to_id=place[1] if delta > 0 else None,
                reason="count",
                user_id=user_id,
            )
        )
    s.flush()
    return delta
