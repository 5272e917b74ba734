"""The one shape of ``add_engineers`` in both what-if files, the day's and the study's.

A list of entries, each ``{"count": n, "like": ENGINEER_ID}`` (that many
copies of an engineer of the team) or ``{"count": n, "city": CITY}`` (that
many engineers for a city of :mod:`scenarios.generator.cities`); ``count``
defaults to 1. What a copy is differs by file and is said where it is made
(:func:`scenarios.day_whatif.apply_variant`,
:func:`scenarios.study.world.build_world`); reading the entries is the same,
so both files refuse the same mistakes with the same field-named errors, each
raised as the file's own error type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Collection

    from pathcheck import PathError

#: The rule an entry of the wrong shape breaks.
SHAPE = "must be {count: N, like: ENGINEER_ID} or {count: N, city: CITY}"
#: The most engineers one entry may add.
MOST = 100


@dataclass(frozen=True)
class Addition:
    """One entry: ``count`` engineers, copied from ``like`` or placed in ``city`` (one is None)."""

    count: int
    like: str | None = None
    city: str | None = None


def read_additions(
    value: Any,
    path: str,
    *,
    engineers: Collection[str] | None,
    team: str,
    cities: Collection[str],
    cities_of: str,
    error: type[PathError],
) -> list[Addition]:
    """The entries of ``value`` (the ``add_engineers`` at ``path``), checked.

    ``engineers`` are the ids ``like`` may name, None while the team is not
    known yet (any non-empty id passes, to be checked once it is); ``team``
    and ``cities_of`` name, in the errors, where the ids and ``cities`` come
    from ("the problem", "the region's cities").

    Raises
    ------
    PathError
        As ``error``, naming the field: ``variants[0].add_engineers[1].city: ...``.
    """
    if not isinstance(value, list):
        raise error(path, "must be a list")
    out = []
    for i, entry in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(entry, dict) or ("like" in entry) == ("city" in entry):
            raise error(where, SHAPE)
        like, city = entry.get("like"), entry.get("city")
        if "like" in entry and not (
            isinstance(like, str) and like != "" and (engineers is None or like in engineers)
        ):
            raise error(f"{where}.like", f"must name an engineer of {team}")
        if "city" in entry and not (isinstance(city, str) and city in cities):
            raise error(f"{where}.city", f"must be one of {cities_of}: {', '.join(sorted(cities))}")
        count = entry.get("count", 1)
        if not (isinstance(count, int) and not isinstance(count, bool) and 1 <= count <= MOST):
            raise error(f"{where}.count", f"must be an integer from 1 to {MOST}")
        out.append(Addition(count, like, city))
    return out
