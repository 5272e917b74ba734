"""`fieldplan serve`, `fieldplan worker`, `fieldplan db upgrade`, `fieldplan users
create|list|rotate|revoke|deactivate|activate`: the service's commands."""

from __future__ import annotations

import argparse
import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldplan.console import out

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.orm import Session


def register(top: Any, generate: Any) -> None:
    serve = top.add_parser(
        "serve", help="run the service (production WSGI server, loopback by default)"
    )
    _server_flags(serve)
    serve.set_defaults(handler=_serve)

    worker = top.add_parser(
        "worker",
        help="carry out the service's runs from the broker (FIELDPLAN_BROKER_URL), "
        "on this machine, beside any number of others",
    )
    worker.add_argument(
        "--queues",
        default="plans,analysis",
        help="plans (plans, re-plans), analysis (what-ifs, stock plans, studies); default both",
    )
    worker.add_argument(
        "--concurrency", type=int, default=None, help="runs at once (default: one per core)"
    )
    worker.add_argument("--database-url", help="default: DATABASE_URL")
    worker.add_argument("--broker-url", help="default: FIELDPLAN_BROKER_URL")
    worker.set_defaults(handler=_worker)

    db = top.add_parser("db", help="the service's database").add_subparsers(
        dest="command", required=True
    )
    up = db.add_parser("upgrade", help="create or migrate the database at DATABASE_URL")
    up.add_argument("--database-url", help="default: DATABASE_URL or ./instance/fieldplan.db")
    up.set_defaults(handler=_upgrade)

    users = top.add_parser("users", help="service users and their tokens").add_subparsers(
        dest="command", required=True
    )
    create = users.add_parser("create", help="make a user and print their token (shown once)")
    create.add_argument("name")
    create.add_argument(
        "--role", required=True, choices=["dispatcher", "engineer", "planner", "admin"]
    )
    create.add_argument("--engineer", help="the engineer id an engineer user is")
    create.add_argument("--database-url")
    create.set_defaults(handler=_create_user)
    listing = users.add_parser("list", help="users, their roles and their tokens' state")
    listing.add_argument("--database-url")
    listing.set_defaults(handler=_list_users)
    for name, text in (
        ("rotate", "issue a new token (printed once); the old one is refused from now on"),
        ("revoke", "refuse the user's token from now on; none until rotated"),
        ("deactivate", "refuse the user's token until they are activated again"),
        ("activate", "let a deactivated user's token work again"),
    ):
        step = users.add_parser(name, help=text)
        step.add_argument("name")
        step.add_argument("--database-url")
        step.set_defaults(handler=_token_step, step=name)


def _server_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (loopback only)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers", type=int, default=None, help="server processes (default: one per core)"
    )
    parser.add_argument("--threads", type=int, default=4, help="request threads per process")
    parser.add_argument("--database-url", help="default: DATABASE_URL or ./instance/fieldplan.db")


def _url(args: argparse.Namespace) -> str:
    from api.config import default_database_url

    return args.database_url or default_database_url()


def _upgrade(args: argparse.Namespace) -> int:
    from api.db import current_revision, upgrade

    url = _url(args)
    upgrade(url)
    out.print(f"database at {_safe(url)} is at revision {current_revision(url)}")
    return 0


@contextmanager
def _migrated_session(args: argparse.Namespace) -> Iterator[Session]:
    """A session on the migrated database of ``args``, in one transaction: committed when
    the block ends (a ``return`` inside included), rolled back if it raises."""
    from api.db import make_engine, session_factory, upgrade

    url = _url(args)
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as s, s.begin():
            yield s
    finally:
        engine.dispose()


def _create_user(args: argparse.Namespace) -> int:
    from api.auth import create_user
    from api.config import defaults
    from api.errors import ApiError

    with _migrated_session(args) as s:
        try:
            user, token = create_user(
                s, args.name, args.role, args.engineer, defaults()["TOKEN_TTL_DAYS"]
            )
        except ApiError as exc:
            out.print(f"[red]error:[/] {exc.field}: {exc.message}")
            return 2
        out.print(f"user {user.name} ({user.role}) created; token (shown once):")
        print(token)
    return 0


def _list_users(args: argparse.Namespace) -> int:
    from rich.table import Table
    from sqlalchemy import select

    from api.models import User

    table = Table(title="users")
    for column in ("name", "role", "engineer", "active", "token", "expires", "last used"):
        table.add_column(column)
    with _migrated_session(args) as s:
        for u in s.scalars(select(User).order_by(User.id)):
            table.add_row(
                u.name,
                u.role,
                u.engineer_id or "",
                "yes" if u.active else "no",
                "yes" if u.has_token else "revoked",
                u.token_expires_at.isoformat(timespec="minutes") if u.token_expires_at else "",
                u.token_last_used_at.isoformat(timespec="minutes") if u.token_last_used_at else "",
            )
    out.print(table)
    return 0


def _token_step(args: argparse.Namespace) -> int:
    from api.config import defaults
    from api.errors import ApiError
    from api.user_tokens import activate, deactivate, revoke, rotate, user_by_name

    with _migrated_session(args) as s:
        try:
            user = user_by_name(s, args.name)
            if args.step == "rotate":
                token = rotate(s, user, defaults()["TOKEN_TTL_DAYS"])
                out.print(f"user {user.name}: new token (shown once); the old one is refused:")
                print(token)
                return 0
            {"revoke": revoke, "deactivate": deactivate, "activate": activate}[args.step](s, user)
        except ApiError as exc:
            out.print(f"[red]error:[/] {exc.field}: {exc.message}")
            return 2
    out.print(f"user {args.name}: {args.step}d")
    return 0


def _worker(args: argparse.Namespace) -> int:
    """Run a Celery worker on the given queues, and the check for runs whose worker died."""
    from api.config import defaults
    from api.db import make_engine, session_factory
    from api.runs.celery_tasks import QUEUES, make_celery
    from api.runs.reaper import Reaper

    broker = args.broker_url or os.environ.get("FIELDPLAN_BROKER_URL", "")
    if not broker:
        out.print("[red]error:[/] a worker needs a broker: --broker-url or FIELDPLAN_BROKER_URL")
        return 2
    queues = [q.strip() for q in args.queues.split(",") if q.strip()]
    unknown = sorted(set(queues) - set(QUEUES))
    if unknown or not queues:
        out.print(f"[red]error:[/] --queues: use {', '.join(QUEUES)} (not {', '.join(unknown)})")
        return 2
    url = _url(args)
    os.environ["DATABASE_URL"] = url  # each worker process opens it after the fork
    reaper = Reaper(session_factory(make_engine(url)), defaults()["RUN_HEARTBEAT_LIMIT_S"])
    concurrency = args.concurrency or (os.cpu_count() or 1)
    out.print(
        f"worker on {_safe(broker)}, queues {', '.join(queues)}, {concurrency} at once, "
        f"database {_safe(url)}"
    )
    try:
        make_celery(broker).worker_main(
            [
                "worker",
                "--queues",
                ",".join(queues),
                "--concurrency",
                str(concurrency),
                "--hostname",
                f"fieldplan-{os.getpid()}@%h",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ]
        )
    finally:
        reaper.stop()
    return 0


def _serve(args: argparse.Namespace) -> int:
    serve(_url(args), args.host, args.port, args.workers, args.threads)
    return 0


def serve(url: str, host: str, port: int, workers: int | None, threads: int) -> None:
    """Migrate, fail runs a previous process left running, then serve with gunicorn."""
    from api.db import make_engine, session_factory, upgrade
    from api.runs import recover

    upgrade(url)
    failed = 0
    if not os.environ.get("FIELDPLAN_BROKER_URL"):  # runs of workers elsewhere go on
        engine = make_engine(url)
        with session_factory(engine)() as s, s.begin():
            failed = recover(s)
        engine.dispose()
    if failed:
        out.print(f"{failed} run(s) left running by a stopped service marked failed")
    workers = workers or (os.cpu_count() or 1)
    out.print(
        f"serving on http://{host}:{port}/ (API docs: http://{host}:{port}/api/v1/docs), {workers} processes x {threads} threads"
    )
    _Gunicorn(
        url,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",  # every request, on standard output; writes also go to the audit log
            "loglevel": "warning",
            "timeout": 120,
            "post_worker_init": _freeze_imports,
        },
    ).run()


def _freeze_imports(_worker: Any) -> None:
    """Move everything loaded so far out of the garbage collector's sight.

    The app's imports leave some 130,000 long-lived objects; a full collection
    scanning them stalls a request for 50-80 ms every few hundred requests.
    """
    import gc

    gc.collect()
    gc.freeze()


#: The demo's share of jobs two engineers do together, as in a real service business.
DEMO_CREW_SHARE = 0.05


def _safe(url: str) -> str:
    """The URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


class _Gunicorn:
    """gunicorn run from Python (its documented custom-application recipe)."""

    def __init__(self, url: str, options: dict[str, Any]) -> None:
        from gunicorn.app.base import BaseApplication

        database_url = url

        class App(BaseApplication):
            def load_config(self) -> None:
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                from api import create_app

                return create_app(
                    {"DATABASE_URL": database_url, "AUTO_UPGRADE": False, "RECOVER_ON_START": False}
                )

        self._app = App()

    def run(self) -> None:
        self._app.run()


def demo_database_url() -> str:
    """The demo's own SQLite file, ``./instance/demo.db``, apart from the service's default."""
    return f"sqlite:///{(Path.cwd() / 'instance' / 'demo.db').resolve()}"


def service_demo(args: argparse.Namespace) -> int:
    """A fresh demo database: generated region, today's plan requested and published through the API."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy.engine import make_url

    from api import create_app
    from api.db import make_engine, session_factory, upgrade
    from api.demo import TIME_ZONES, first_working_day, is_empty, seed
    from scenarios.generator.day import generate_dispatch

    chosen = args.database_url or os.environ.get("DATABASE_URL")
    url = chosen or demo_database_url()
    if chosen is None:  # the demo's own file, made afresh each time; no other is ever deleted
        database = make_url(url).database
        assert database is not None
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
    upgrade(url)
    region = args.region or "shanghai"
    day = first_working_day(datetime.now(ZoneInfo(TIME_ZONES[region])).date(), [0, 1, 2, 3, 4])
    data = generate_dispatch(
        args.engineers,
        args.jobs,
        args.seed,
        region=region,
        date=day.isoformat(),
        crew_share=DEMO_CREW_SHARE,
        speeds=True,
        preferences=True,
    )
    engine = make_engine(url)
    with session_factory(engine)() as s, s.begin():
        if not is_empty(s):
            out.print(
                f"[red]error:[/] the database at {_safe(url)} already holds data and is left"
                " as it is; the demo needs an empty one (or none given: its own ./instance/demo.db)"
            )
            return 2
        tokens = seed(s, data, region, day)
    engine.dispose()
    out.print(
        f"demo region {region}: {args.engineers} engineers, {args.jobs} jobs on {day.isoformat()} stored in {_safe(url)}"
    )

    app = create_app({"DATABASE_URL": url, "RUN_EXECUTOR": "inline", "AUTO_UPGRADE": False})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {tokens['dispatcher']}"}
    with out.status(f"planning {day.isoformat()} ({args.time_limit:g} s)…"):
        made = client.post(
            "/api/v1/plans",
            json={"region": region, "date": day.isoformat(), "time_limit_s": args.time_limit},
            headers=auth,
        )
    run_id = (made.json or {}).get("id")
    run: dict[str, Any] = client.get(f"/api/v1/plans/{run_id}", headers=auth).json or {}
    if run["status"] != "done":
        out.print(f"[red]the plan failed:[/] {run['error']}")
        return 1
    published: dict[str, Any] = (
        client.post(f"/api/v1/plans/{run['id']}/publish", headers=auth).json or {}
    )
    k = run["result"]["plan"]["kpis"]
    out.print(
        f"plan {run['id']}: {k['assigned']} of {k['jobs']} jobs assigned, SLA met {k['sla_met_pct']:.1f} %, "
        f"{k['km']:,.0f} km; published as {published['assignments']} stops"
    )
    base = f"http://{args.host}:{args.port}"
    out.print(
        f"dispatcher board: {base}/board?region={region}&date={day.isoformat()} (sign in with the dispatcher token)",
        highlight=False,
    )
    out.print(
        f"engineer's day:   {base}/day?date={day.isoformat()} (sign in with the e001 token)",
        highlight=False,
    )
    out.print("tokens (send as 'Authorization: Bearer <token>'):")
    for name, token in tokens.items():
        out.print(f"  {name:<11} {token}", highlight=False)
    first = data["engineers"][0]["id"]
    out.print(
        f"try: curl -H 'Authorization: Bearer {tokens[first.lower()]}' '{base}/api/v1/engineers/{first}/assignments?date={day.isoformat()}'",
        highlight=False,
    )
    if args.no_serve:
        out.print(f"serve it: fieldplan serve --database-url {_safe(url)}", highlight=False)
        return 0
    serve(url, args.host, args.port, args.workers, args.threads)
    return 0
