"""Insert a row unless its unique key is taken, in one statement on SQLite and PostgreSQL.

``INSERT … ON CONFLICT DO NOTHING RETURNING id`` replaces "look, then insert inside a
savepoint": one round trip instead of four, and no race between the look and the insert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.models import Base


def table(model: type[Base]) -> Table:
    """The model's table, typed for Core statements."""
    return cast(Table, model.__table__)


def insert_new(
    session: Session,
    model: type[Base],
    values: Mapping[str, Any],
    unique: Sequence[str],
    returning: str | None = "id",
) -> Any:
    """Insert ``values`` into ``model``'s table; the ``returning`` column of the new row, or
    None when a row with the same ``unique`` columns exists (nothing is written then)."""
    target = table(model)
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = make(target).values(dict(values)).on_conflict_do_nothing(index_elements=unique)
    if returning is None:
        session.execute(statement)
        return None
    return session.execute(statement.returning(target.c[returning])).scalar()
