"""The fieldplan service: a Flask app over the dispatch, stock and scenario engines.

``create_app`` wires configuration, the database (migrated on start by
default), authentication, error handling, the background-run executor and one
blueprint per area. The API lives under ``/api/v1``; its OpenAPI document is
``/api/v1/openapi.json`` and a browsable page ``/api/v1/docs``.

Layers: views (``api.resources``) parse with shapes (``api.schemas``) and call
one service function each (``job_tickets``, ``stock_levels``, ``records``,
``runs.launch``, ...), which take a database session and hold the queries and
the rules; background runs live in ``api.runs``. The service may import
``pathcheck``, ``dispatch``, ``inventory`` and ``scenarios``, never the
console command (``fieldplan``).
"""

from __future__ import annotations

import atexit
from typing import TYPE_CHECKING, Any

from flask import Flask, send_from_directory
from flask_smorest import Api

from api import audit, auth, errors, headers, session
from api.config import defaults
from api.db import transaction
from api.runs.executor import make_executor
from api.runs.reaper import Reaper
from api.runs.worker import queued_runs, recover

if TYPE_CHECKING:
    from collections.abc import Mapping

    from flask.typing import ResponseReturnValue


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The service app; ``config`` overrides the defaults (``DATABASE_URL``, ``RUN_EXECUTOR``, ...)."""
    from api.resources import (
        analysis,
        assets,
        calendars,
        health,
        jobs,
        plans,
        reference,
        runs,
        stock,
        users,
    )

    app = Flask(__name__)
    app.config.update(defaults())
    app.config.update(config or {})
    app.config["API_SPEC_OPTIONS"] = {
        "info": {
            "description": "Field-service dispatch and spare-parts planning. Send `Authorization: Bearer <token>`."
        },
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }
    session.init_app(app)
    rest = Api(app)
    errors.init_app(app)
    auth.init_app(app)
    headers.init_app(app)
    audit.init_app(app)
    db = app.extensions["fieldplan.db"]
    executor = make_executor(
        app.config["RUN_EXECUTOR"],
        db.sessions,
        app.config["RUN_WORKERS"],
        app.config["DATABASE_URL"],
        app.config["BROKER_URL"],
    )
    app.extensions["fieldplan.executor"] = executor
    atexit.register(executor.shutdown)
    if app.config["RUN_EXECUTOR"] != "inline":
        # a run whose worker died is failed once its heartbeat is this old
        reaper = Reaper(db.sessions, app.config["RUN_HEARTBEAT_LIMIT_S"])
        app.extensions["fieldplan.reaper"] = reaper
        atexit.register(reaper.stop)
    _resume(app, db.sessions, executor)
    views = (health, users, reference, calendars, assets, jobs, stock, plans, analysis, runs)
    for blueprint in dict.fromkeys(module.blp for module in views):  # health, users: "service"
        rest.register_blueprint(blueprint)
    app.add_url_rule("/api/v1/docs/assets/<path:name>", "docs_assets", _docs_asset)
    from api.web import web

    app.register_blueprint(web)
    return app


def _resume(app: Flask, sessions: Any, executor: Any) -> None:
    """Fail runs a dead process left running (single-process start only, never with
    workers elsewhere: the heartbeat check finds theirs), pick up queued ones (a
    broker that lost them gets them again; a second delivery is harmless)."""
    with sessions() as s, transaction(s):
        if app.config["RECOVER_ON_START"] and not app.config["BROKER_URL"]:
            recover(s)
        queued = queued_runs(s) if app.config["RESUME_QUEUED"] else []
    for run_id in queued:
        executor.submit(run_id)


def _docs_asset(name: str) -> ResponseReturnValue:
    """Swagger UI's files from the installed package: the docs page needs no other host."""
    import swagger_ui_bundle

    return send_from_directory(swagger_ui_bundle.swagger_ui_path, name)


__all__ = ["create_app"]
