"""The fieldplan service: a Flask app over the dispatch, stock and scenario engines.

``create_app`` wires configuration, the database (migrated on start by
default), authentication, error handling, the background-run executor and one
blueprint per area. The API lives under ``/api/v1``; its OpenAPI document is
``/api/v1/openapi.json`` and a browsable page ``/api/v1/docs``.
"""

from __future__ import annotations

import atexit
from typing import TYPE_CHECKING, Any

from flask import Flask, send_from_directory
from flask_smorest import Api

from api import auth, errors, session
from api.config import defaults
from api.runs import make_executor, queued_runs

if TYPE_CHECKING:
    from collections.abc import Mapping

    from flask.typing import ResponseReturnValue


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The service app; ``config`` overrides the defaults (``DATABASE_URL``, ``RUN_EXECUTOR``, ...)."""
    from api.resources import analysis, health, jobs, plans, reference, stock

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
    db = app.extensions["fieldplan.db"]
    executor = make_executor(app.config["RUN_EXECUTOR"], db.sessions, app.config["RUN_WORKERS"])
    app.extensions["fieldplan.executor"] = executor
    atexit.register(executor.shutdown)
    _resume(app, db.sessions, executor)
    for module in (health, reference, jobs, stock, plans, analysis):
        rest.register_blueprint(module.blp)
    app.add_url_rule("/api/v1/docs/assets/<path:name>", "docs_assets", _docs_asset)
    from api.web import web

    app.register_blueprint(web)
    return app


def _resume(app: Flask, sessions: Any, executor: Any) -> None:
    """Fail runs a dead process left running (single-process start only), pick up queued ones."""
    from api.runs import recover

    with sessions() as s, s.begin():
        if app.config["RECOVER_ON_START"]:
            recover(s)
        queued = queued_runs(s) if app.config["RESUME_QUEUED"] else []
    for run_id in queued:
        executor.submit(run_id)


def _docs_asset(name: str) -> ResponseReturnValue:
    """Swagger UI's files from the installed package: the docs page needs no other host."""
    import swagger_ui_bundle

    return send_from_directory(swagger_ui_bundle.swagger_ui_path, name)


__all__ = ["create_app"]
