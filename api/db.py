"""The database: one engine per app, one session per request or background run.

SQLite (the embedded default) gets foreign keys, WAL and a busy timeout so the
service and its background runs can share the file; PostgreSQL is used as is.
The schema is owned by Alembic (:func:`upgrade`); nothing else creates tables.
Every write goes through :func:`transaction`, so a failure leaves nothing half-written.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str, *, immediate: bool = True) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created.

    With ``immediate`` a SQLite transaction takes the write lock when it begins, so
    concurrent writers wait for each other instead of failing on upgrade.
    """
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling would start transactions too late for
        # BEGIN IMMEDIATE; SQLAlchemy's documented recipe takes it over.
        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(s: Session) -> Iterator[Session]:
    """One unit of work on ``s``: committed when the block ends, all rolled back if it raises.

    It takes over a transaction the session already began (a request has read its
    user by then), so whatever the request wrote, reads included, commits together.
    """
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise


def ping(s: Session) -> str:
    """The database's dialect name, once a round trip has shown it answers."""
    s.execute(text("SELECT 1"))
    return s.get_bind().dialect.name


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (creating it if empty)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    command.upgrade(config, revision)


def current_revision(url: str) -> str | None:
    from alembic.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
