"""List, create, read, update and delete for one stored kind, with pagination and filters.

Every resource of plain reference data (regions, engineers, sites, ...) is the
same five views; this builds them on a blueprint so each resource module only
says what differs: the model, its schema, its filters and who may write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import func, select

from api.auth import requires, roles_text
from api.errors import ApiError, not_found
from api.schemas import PageArgs, page_schema
from api.session import session

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask_smorest import Blueprint
    from sqlalchemy.orm import Session

    from api.models import Base, Role


@dataclass
class Resource:
    """What a CRUD resource needs: model, schema, filters, roles and reference checks."""

    name: str
    model: type[Base]
    schema: type[Schema]
    #: query parameter -> (its field, the condition it adds)
    filters: dict[str, tuple[fields.Field, Callable[[Any], Any]]] = field(default_factory=dict)
    read_roles: tuple[Role, ...] = ()
    write_roles: tuple[Role, ...] = ()
    #: field -> model it must name (checked on create and update, 422 naming the field)
    references: dict[str, type[Base]] = field(default_factory=dict)
    create: Callable[[Session, dict[str, Any]], Any] | None = None
    update_schema: type[Schema] | None = None
    order_by: str = "id"


def filtered(query: Any, args: dict[str, Any], conditions: dict[str, Callable[[Any], Any]]) -> Any:
    """``query`` narrowed by the condition of each filter the request gives."""
    for key, condition in conditions.items():
        if key in args:
            query = query.where(condition(args[key]))
    return query


def page(s: Session, query: Any, args: dict[str, Any], order: Any) -> dict[str, Any]:
    total = s.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    per_page, number = args["per_page"], args["page"]
    items = list(s.scalars(query.order_by(order).limit(per_page).offset((number - 1) * per_page)))
    return {"items": items, "page": number, "per_page": per_page, "total": int(total or 0)}


def check_references(s: Session, res: Resource, data: dict[str, Any]) -> None:
    for name, model in res.references.items():
        value = data.get(name)
        if value is not None and s.get(model, value) is None:
            raise ApiError(422, f"{name} '{value}' does not exist", name)


def register(blp: Blueprint, res: Resource) -> None:
    """Add ``/{name}`` (list, create) and ``/{name}/{id}`` (read, update, delete) to ``blp``."""
    model, schema = res.model, res.schema
    filter_fields = {k: v[0] for k, v in res.filters.items()}
    conditions = {k: v[1] for k, v in res.filters.items()}
    list_args = Schema.from_dict(
        {**PageArgs().fields, **filter_fields}, name=f"{model.__name__}ListArgs"
    )
    read, write = roles_text(res.read_roles), roles_text(res.write_roles)
    page_of = page_schema(schema, f"{model.__name__}Page")
    update_schema = res.update_schema or type(
        f"{model.__name__}UpdateSchema", (schema,), {"Meta": type("Meta", (), {"exclude": ("id",)})}
    )
    label = res.name.rstrip("s")

    def get_or_404(s: Session, ident: str) -> Any:
        row = s.get(model, ident)
        if row is None:
            raise not_found(label, ident, "id")
        return row

    @blp.route(f"/{res.name}")
    class Collection(MethodView):
        @requires(*res.read_roles)
        @blp.doc(summary=f"List {res.name}", description=f"A page at a time, with filters. {read}")
        @blp.arguments(list_args, location="query")
        @blp.response(200, page_of)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            query = filtered(select(model), args, conditions)
            return page(session(), query, args, getattr(model, res.order_by))

        @requires(*res.write_roles)
        @blp.doc(summary=f"Create a {label}", description=write)
        @blp.arguments(schema)
        @blp.response(201, schema)
        def post(self, data: dict[str, Any]) -> Any:
            s = session()
            check_references(s, res, data)
            if res.create is not None:
                row = res.create(s, data)
            else:
                if s.get(model, data["id"]) is not None:
                    raise ApiError(409, f"{label} '{data['id']}' already exists", "id")
                row = model(**data)
                s.add(row)
                s.flush()
            s.commit()
            return row

    @blp.route(f"/{res.name}/<string:ident>")
    class Item(MethodView):
        @requires(*res.read_roles)
        @blp.doc(summary=f"Read a {label}", description=read)
        @blp.response(200, schema)
        def get(self, ident: str) -> Any:
            return get_or_404(session(), ident)

        @requires(*res.write_roles)
        @blp.doc(summary=f"Change a {label}", description=f"Only the fields given change. {write}")
        @blp.arguments(update_schema(partial=True))
        @blp.response(200, schema)
        def patch(self, data: dict[str, Any], ident: str) -> Any:
            s = session()
            row = get_or_404(s, ident)
            check_references(s, res, data)
            for key, value in data.items():
                setattr(row, key, value)
            s.flush()
            s.commit()
            return row

        @requires(*res.write_roles)
        @blp.doc(
            summary=f"Delete a {label}", description=f"409 while other records refer to it. {write}"
        )
        @blp.response(204)
        def delete(self, ident: str) -> None:
            s = session()
            s.delete(get_or_404(s, ident))
            s.flush()
            s.commit()
