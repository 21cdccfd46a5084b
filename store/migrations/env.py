"""Alembic environment: the engine comes from store.db (never from a URL in a file)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Engine

from store.models import Base

config = context.config
engine: Engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
