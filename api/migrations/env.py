"""Alembic environment: the URL comes from the caller (api.db.upgrade) or DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

from api.db import make_engine
from api.models import Base

config = context.config
url = config.attributes.get("url") or os.environ.get("DATABASE_URL")
if not url:
    raise SystemExit("DATABASE_URL is not set")

engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
