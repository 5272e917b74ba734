"""Running a study: every variant simulated, in parallel on the available cores."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING

from scenarios.study.cosim import run_variant
from scenarios.study.world import build_world

if TYPE_CHECKING:
    from collections.abc import Callable

    from scenarios.study.results import VariantResult
    from scenarios.study.scenario_file import Study, Variant


def run_part(study: Study, index: int) -> VariantResult:
    """Simulate one variant of the study (0: the baseline) on its own."""
    return _one(study, index)


def _one(study: Study, index: int) -> VariantResult:
    variant: Variant = study.variants[index]
    baseline = study.variants[0].settings
    path = "baseline" if index == 0 else f"variants[{index - 1}]"
    world = build_world(baseline, variant.settings, variant.operations, study.seed, path)
    return run_variant(world, study.days, study.seed, variant.name)


def check_worlds(study: Study) -> None:
    """Build each variant's world once, so a bad change fails before any simulation."""
    baseline = study.variants[0].settings
    for i, v in enumerate(study.variants):
        build_world(
            baseline,
            v.settings,
            v.operations,
            study.seed,
            "baseline" if i == 0 else f"variants[{i - 1}]",
        )


def run_study(
    study: Study, workers: int | None = None, done: Callable[[str], None] | None = None
) -> list[VariantResult]:
    """Simulate every variant (baseline first in the answer); ``done`` hears each finish."""
    check_worlds(study)
    workers = workers or min(len(study.variants), os.cpu_count() or 1)
    results: dict[int, VariantResult] = {}
    if workers <= 1:
        for i in range(len(study.variants)):
            results[i] = _one(study, i)
            if done is not None:
                done(results[i].name)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_one, study, i): i for i in range(len(study.variants))}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if done is not None:
                    done(results[futures[future]].name)
    return [results[i] for i in range(len(study.variants))]
