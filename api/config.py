"""Service settings: the database URL and how background runs are executed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from api.runs.caps import caps_from_env


def default_database_url() -> str:
    """``DATABASE_URL`` if set, else a SQLite file in ``./instance`` (created on first start)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{(Path.cwd() / 'instance' / 'fieldplan.db').resolve()}"


def defaults() -> dict[str, Any]:
    return {
        "DATABASE_URL": default_database_url(),
        # "process": each run in a process of its own (the embedded default); "thread":
        # worker threads of the web process; "inline": at once in the request's thread
        # after it commits (tests and scripts).
        "RUN_EXECUTOR": os.environ.get("FIELDPLAN_RUN_EXECUTOR", "process"),
        "RUN_WORKERS": int(os.environ.get("FIELDPLAN_RUN_WORKERS", "1")),
        # Celery's broker (Redis): runs go to `fieldplan worker` processes on any machine.
        "BROKER_URL": os.environ.get("FIELDPLAN_BROKER_URL", ""),
        # Migrate the database when the app starts (the embedded default).
        "AUTO_UPGRADE": True,
        # At start, fail runs left running by a dead process (only where one process
        # starts alone; `fieldplan serve` does it before its workers start) and pick up
        # queued runs.
        "RECOVER_ON_START": True,
        "RESUME_QUEUED": True,
        "API_TITLE": "fieldplan",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
        "JSON_SORT_KEYS": False,
        "MAX_PAGE_SIZE": 500,
        # The largest request body: a bigger one is refused (413) before it is read.
        "MAX_CONTENT_LENGTH": int(float(os.environ.get("FIELDPLAN_MAX_BODY_MB", "32")) * 2**20),
        # Road servers a region's travel may name (hosts): the service fetches them.
        "OSRM_HOSTS": [
            h.strip()
            for h in os.environ.get("FIELDPLAN_OSRM_HOSTS", "127.0.0.1,localhost").split(",")
            if h.strip()
        ],
        # Caps per role on runs: time limit, study size, runs queued or running per user.
        "RUN_CAPS": caps_from_env(),
        # A running run whose heartbeat is older than this is failed (its worker died).
        "RUN_HEARTBEAT_LIMIT_S": float(os.environ.get("FIELDPLAN_RUN_HEARTBEAT_LIMIT_S", "60")),
        # Days a token is valid from when it is issued (0: until revoked or rotated).
        "TOKEN_TTL_DAYS": float(os.environ.get("FIELDPLAN_TOKEN_TTL_DAYS", "90")),
    }
