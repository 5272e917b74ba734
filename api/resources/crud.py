"""List, create, read, update and delete for one stored kind, with pagination and filters.

Every resource of plain reference data (regions, engineers, sites, ...) is the
same five views; this builds them on a blueprint so each resource module only
says what differs: the model, its schema, its filters and who may write. The
work itself is :class:`api.records.Records`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask.views import MethodView
from marshmallow import Schema, fields

from api.auth import requires, roles_text
from api.db import transaction
from api.records import Records
from api.schemas.common import PageArgs, page_schema
from api.session import session

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask_smorest import Blueprint

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
    order_by: str = "id"
    #: A rule between fields checked on the whole record after a change (PATCH gives some).
    consistent: Callable[[Any], None] | None = None

    @property
    def label(self) -> str:
        """The word for one record: "engineers" -> "engineer"."""
        return self.name.rstrip("s")

    def records(self) -> Records:
        conditions = {k: v[1] for k, v in self.filters.items()}
        return Records(
            self.label, self.model, conditions, self.references, self.order_by, self.consistent
        )


def register(blp: Blueprint, res: Resource) -> None:
    """Add ``/{name}`` (list, create) and ``/{name}/{id}`` (read, update, delete) to ``blp``."""
    model, schema, label, records = res.model, res.schema, res.label, res.records()
    filter_fields = {k: v[0] for k, v in res.filters.items()}
    list_args = Schema.from_dict(
        {**PageArgs().fields, **filter_fields}, name=f"{model.__name__}ListArgs"
    )
    read, write = roles_text(res.read_roles), roles_text(res.write_roles)
    page_of = page_schema(schema, f"{model.__name__}Page")
    update_schema = type(
        f"{model.__name__}UpdateSchema", (schema,), {"Meta": type("Meta", (), {"exclude": ("id",)})}
    )

    @blp.route(f"/{res.name}")
    class Collection(MethodView):
        @requires(*res.read_roles)
        @blp.doc(summary=f"List {res.name}", description=f"A page at a time, with filters. {read}")
        @blp.arguments(list_args, location="query")
        @blp.response(200, page_of)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            return records.page(session(), args)

        @requires(*res.write_roles)
        @blp.doc(summary=f"Create a {label}", description=write)
        @blp.arguments(schema)
        @blp.response(201, schema)
        def post(self, data: dict[str, Any]) -> Any:
            with transaction(session()) as s:
                return records.create(s, data)

    @blp.route(f"/{res.name}/<string:ident>")
    class Item(MethodView):
        @requires(*res.read_roles)
        @blp.doc(summary=f"Read a {label}", description=read)
        @blp.response(200, schema)
        def get(self, ident: str) -> Any:
            return records.get(session(), ident)

        @requires(*res.write_roles)
        @blp.doc(summary=f"Change a {label}", description=f"Only the fields given change. {write}")
        @blp.arguments(update_schema(partial=True))
        @blp.response(200, schema)
        def patch(self, data: dict[str, Any], ident: str) -> Any:
            with transaction(session()) as s:
                return records.change(s, ident, data)

        @requires(*res.write_roles)
        @blp.doc(
            summary=f"Delete a {label}", description=f"409 while other records refer to it. {write}"
        )
        @blp.response(204)
        def delete(self, ident: str) -> None:
            with transaction(session()) as s:
                records.delete(s, ident)
