"""Lists a page at a time: a query narrowed by the filters a request gives, cut into one page.

Every list of the API answers ``{items, page, per_page, total}``; the total
counts the filtered query, so a client knows how many pages there are. A page
holds at most the service's ``MAX_PAGE_SIZE`` items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app, has_app_context
from sqlalchemy import func, select

from api.errors import ApiError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sqlalchemy.orm import Session


def filtered(
    query: Any, args: Mapping[str, Any], conditions: Mapping[str, Callable[[Any], Any]]
) -> Any:
    """``query`` narrowed by the condition of each filter the request gives."""
    for key, condition in conditions.items():
        if key in args:
            query = query.where(condition(args[key]))
    return query


def page(s: Session, query: Any, args: Mapping[str, Any], order: Any) -> dict[str, Any]:
    """The page ``args`` asks for (``page``, ``per_page``) of ``query`` in ``order``."""
    per_page, number = args["per_page"], args["page"]
    most = int(current_app.config.get("MAX_PAGE_SIZE", per_page)) if has_app_context() else per_page
    if per_page > most:
        raise ApiError(422, f"must be at most {most}", "per_page", "query")
    total = s.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(s.scalars(query.order_by(order).limit(per_page).offset((number - 1) * per_page)))
    return {"items": items, "page": number, "per_page": per_page, "total": int(total or 0)}
