"""Reading JSON with its path in hand, so every refusal names the field and the rule."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from dispatch.errors import ProblemError, require
from dispatch.travel.locations import GeoPoint, Location, PlanePoint


class Obj:
    """A JSON object being read, with its path, so every error can name the field."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, dict):
            raise ProblemError(path or "(root)", "must be a JSON object")
        self.data: dict[str, Any] = data
        self.path = path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def raw(self, key: str) -> Any:
        if key not in self.data or self.data[key] is None:
            raise ProblemError(self.at(key), "is required")
        return self.data[key]

    def string(self, key: str, default: str | None = None) -> str:
        if not self.has(key) and default is not None:
            return default
        value = self.raw(key)
        require(isinstance(value, str) and value != "", self.at(key), "must be a non-empty string")
        return str(value)

    def number(self, key: str, default: float | None = None) -> float:
        if not self.has(key) and default is not None:
            return default
        return number(self.raw(key), self.at(key))

    def integer(self, key: str, default: int | None = None) -> int:
        if not self.has(key) and default is not None:
            return default
        value = self.raw(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        require(
            isinstance(value, int) and not isinstance(value, bool),
            self.at(key),
            "must be an integer",
        )
        return int(value)

    def obj(self, key: str) -> Obj:
        return Obj(self.raw(key), self.at(key))

    def array(self, key: str, *, required: bool = True) -> list[Any]:
        if not self.has(key):
            if required:
                raise ProblemError(self.at(key), "is required")
            return []
        value = self.raw(key)
        require(isinstance(value, list), self.at(key), "must be an array")
        return list(value)

    def counts(self, key: str) -> dict[str, int]:
        """A map of name -> whole count (skills with levels, parts with quantities)."""
        if not self.has(key):
            return {}
        inner = self.obj(key)
        return {name: inner.integer(name) for name in inner.data}

    def names(self, key: str) -> frozenset[str]:
        return frozenset(self.strings(key))

    def strings(self, key: str) -> list[str]:
        """A list of names in the order given (empty when the key is absent)."""
        items = self.array(key, required=False)
        for i, item in enumerate(items):
            require(isinstance(item, str) and item != "", f"{self.at(key)}[{i}]", "must be a name")
        return [str(item) for item in items]


def number(value: object, path: str) -> float:
    require(
        isinstance(value, int | float) and not isinstance(value, bool), path, "must be a number"
    )
    require(math.isfinite(float(value)), path, "must be finite")  # type: ignore[arg-type]
    return float(value)  # type: ignore[arg-type]


def read_json(path: str | Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ProblemError(str(path), f"cannot be read ({exc.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemError(
            str(path), f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


def point_from_json(inner: Obj, geo: bool) -> Location:
    """A location: lat/lon on the earth, or x/y on a plane (euclidean travel)."""
    if geo:
        require(inner.has("lat") and inner.has("lon"), inner.path, "must give lat and lon")
        return GeoPoint(inner.number("lat"), inner.number("lon"))
    require(inner.has("x") and inner.has("y"), inner.path, "must give x and y (euclidean travel)")
    return PlanePoint(inner.number("x"), inner.number("y"))
