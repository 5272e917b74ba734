"""Plain stored records (regions, engineers, sites, ...): list, read, create, change, delete.

Reference data has no rules beyond its fields, so one :class:`Records` per
table says all that differs: the word for one record in messages, the filters
a list takes, the fields that must name an existing record of another table
(422 naming the field when they do not), and a check of the record as a whole
after a change of some of its fields (422 naming the field it blames).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from api.errors import ApiError, not_found
from api.paging import filtered, page

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sqlalchemy.orm import Session

    from api.models import Base


@dataclass(frozen=True)
class Records:
    """One table of plain records as the API serves it."""

    #: The word for one record in messages ("engineer").
    label: str
    model: type[Base]
    #: query parameter -> the condition it adds to a list
    conditions: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    #: field -> the model whose record it must name
    references: Mapping[str, type[Base]] = field(default_factory=dict)
    order_by: str = "id"
    #: Raises ApiError when the changed record breaks a rule between its fields.
    consistent: Callable[[Any], None] | None = None

    def page(self, s: Session, args: Mapping[str, Any]) -> dict[str, Any]:
        query = filtered(select(self.model), args, self.conditions)
        return page(s, query, args, getattr(self.model, self.order_by))

    def get(self, s: Session, ident: str) -> Any:
        """The record, or 404 naming it."""
        row = s.get(self.model, ident)
        if row is None:
            raise not_found(self.label, ident, "id")
        return row

    def create(self, s: Session, data: dict[str, Any]) -> Any:
        """A new record; 409 when its id is taken."""
        self._check_references(s, data)
        if s.get(self.model, data["id"]) is not None:
            raise ApiError(409, f"{self.label} '{data['id']}' already exists", "id")
        row = self.model(**data)
        if self.consistent is not None:
            self.consistent(row)
        s.add(row)
        s.flush()
        return row

    def change(self, s: Session, ident: str, data: dict[str, Any]) -> Any:
        """The fields given change, the others stay."""
        row = self.get(s, ident)
        self._check_references(s, data)
        for key, value in data.items():
            setattr(row, key, value)
        if self.consistent is not None:
            self.consistent(row)
        s.flush()
        return row

    def delete(self, s: Session, ident: str) -> None:
        """Gone, unless other records refer to it (the database refuses: 409)."""
        s.delete(self.get(s, ident))
        s.flush()

    def _check_references(self, s: Session, data: Mapping[str, Any]) -> None:
        for name, model in self.references.items():
            value = data.get(name)
            if value is not None and s.get(model, value) is None:
                raise ApiError(422, f"{name} '{value}' does not exist", name)
