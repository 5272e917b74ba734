"""What every engine returns and how it reports progress, shared so no engine imports another."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dispatch.model.draft import RouteDraft

#: Progress callback: (seconds since start, best search objective in money, solutions found).
ProgressCallback = Callable[[float, float, int], None]


@dataclass(frozen=True, slots=True)
class EngineResult:
    """Routes found; ``fallback`` holds routes from an earlier, independent step."""

    drafts: tuple[RouteDraft, ...]
    status: str
    solutions: int
    first_solution_s: float | None
    wall_s: float
    fallback: tuple[RouteDraft, ...] | None = None
