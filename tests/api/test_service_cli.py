"""The service's commands: db upgrade, users create, and the demo without the server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from api.db import current_revision, make_engine, session_factory
from api.models import Asset, Assignment, Engineer, Job, Run, User
from fieldplan.cli import main

if TYPE_CHECKING:
    import pytest


def test_db_upgrade_and_users_create(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert current_revision(url) == "0007"
    _schema_matches_the_models(url)
    assert main(["users", "create", "ops", "--role", "dispatcher", "--database-url", url]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert (
        main(["users", "create", "ops", "--role", "dispatcher", "--database-url", url]) == 2
    )  # name taken
    assert (
        main(["users", "create", "eng", "--role", "engineer", "--database-url", url]) == 2
    )  # which engineer?
    from api.auth import hash_token

    with session_factory(make_engine(url))() as s:
        users = list(s.scalars(select(User)))
    assert [(u.name, u.role, u.token_hash) for u in users] == [
        ("ops", "dispatcher", hash_token(token))
    ]


def test_the_demo_stores_plans_and_publishes_a_day(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    code = main(
        [
            "demo",
            "--no-serve",
            "--engineers",
            "6",
            "--jobs",
            "24",
            "--time-limit",
            "2",
            "--database-url",
            url,
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "dispatcher" in printed and "/api/v1/engineers/E001/assignments?date=" in printed
    with session_factory(make_engine(url))() as s:
        assert s.scalar(select(func.count()).select_from(Engineer)) == 6
        assert s.scalar(select(func.count()).select_from(Job)) == 24
        run = s.scalars(select(Run)).one()
        assert run.status == "done" and run.published_at is not None
        stops = sum(len(r["stops"]) for r in run.result["plan"]["routes"])  # type: ignore[index]
        assert s.scalar(select(func.count()).select_from(Assignment)) == stops
        planned = s.scalar(select(func.count()).select_from(Job).where(Job.status == "planned"))
        assert planned == run.result["plan"]["kpis"]["assigned"]  # type: ignore[index]
        units = s.scalars(select(Asset).order_by(Asset.id)).all()
        assert [u.site_id for u in units] == ["S0001", "S0006", "S0011", "S0016", "S0021"]
        assert {(u.cycle_days, u.tolerance_days) for u in units} == {(90, 7)}


def _schema_matches_the_models(url: str) -> None:
    """The migrations build exactly the tables the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from api.db import make_engine
    from api.models import Base

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()


def test_the_demo_never_deletes_a_database_it_is_given(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/kept.db"
    assert main(["users", "create", "ops", "--role", "dispatcher", "--database-url", url]) == 0
    code = main(["demo", "--no-serve", "--engineers", "2", "--jobs", "4", "--database-url", url])
    assert code == 2
    assert "already holds data and is left as it is" in capsys.readouterr().out
    with session_factory(make_engine(url))() as s:
        assert [u.name for u in s.scalars(select(User))] == ["ops"]
        assert s.scalar(select(func.count()).select_from(Engineer)) == 0
