"""The machine, versions and settings a benchmark ran with, for its results file."""

from __future__ import annotations

import datetime as dt
import os
import platform
from importlib import metadata


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def environment() -> dict[str, str]:
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{_cpu_model()}, {os.cpu_count()} cores, {platform.machine()}",
        "os": platform.platform(),
        "python": platform.python_version(),
        "fieldplan": _version("fieldplan"),
        "ortools": _version("ortools"),
        "pyvrp": _version("pyvrp"),
        "pyvroom": _version("pyvroom"),
    }


def environment_markdown(settings: dict[str, object]) -> str:
    rows = {**environment(), **{k: str(v) for k, v in settings.items()}}
    return "\n".join(["| | |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in rows.items())])
