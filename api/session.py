"""The request's database session: opened on first use, closed (and rolled back) at teardown.

On SQLite a request that may write begins its transaction with BEGIN IMMEDIATE,
so two writers queue instead of failing halfway; reads stay concurrent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app, g, request

from api.db import make_engine, session_factory, upgrade

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Database:
    url: str
    reader: Engine
    writer: Engine
    #: Sessions that may write (requests that change data, background runs, commands).
    sessions: sessionmaker[Session] = field(init=False)
    #: Sessions for reads (on SQLite, without taking the write lock).
    readers: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = session_factory(self.writer)
        self.readers = session_factory(self.reader)

    def dispose(self) -> None:
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()


def open_database(url: str) -> Database:
    writer = make_engine(url)
    reader = make_engine(url, immediate=False) if url.startswith("sqlite") else writer
    return Database(url, reader, writer)


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    if app.config.get("AUTO_UPGRADE", True):
        upgrade(url)
    app.extensions["fieldplan.db"] = open_database(url)
    app.teardown_appcontext(_close)


def database() -> Database:
    db: Database = current_app.extensions["fieldplan.db"]
    return db


def session() -> Session:
    """This request's session (reads only use a reader on SQLite)."""
    if "db_session" not in g:
        db = database()
        factory = db.readers if request and request.method in READ_METHODS else db.sessions
        g.db_session = factory()
    s: Session = g.db_session
    return s


def _close(_exc: BaseException | None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        s.close()
