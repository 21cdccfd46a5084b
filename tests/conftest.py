"""Shared fixtures: settings for a workspace in a temporary folder, and the database URLs.

The servers (Dovecot, PostgreSQL) are installed and started by scripts/test, which exports
MAILTEST_* variables. Without them, a test that needs a server is skipped on a developer's
machine and fails under CI (CI=true), so CI can never pass by skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from mailbot.settings import Settings, load


def need_server(variable: str, what: str) -> str:
    value = os.environ.get(variable)
    if value:
        return value
    message = f"needs {what}: run the suite with scripts/test ({variable} is not set)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def write_settings(root: Path, db_url: str | None = None, **sections: dict[str, object]) -> Path:
    """A mailbot.toml for a workspace under ``root`` (the embedded default unless told)."""
    base: dict[str, dict[str, object]] = {
        "service": {"mailbox_address": "mecc@example.gov.uk"},
        "database": {"url": db_url or f"sqlite:///{root.as_posix()}/var/mailbot.db"},
        "mailbox": {"kind": "maildir", "path": f"{root.as_posix()}/var/mailbox"},
        "outbound": {"kind": "maildir", "path": f"{root.as_posix()}/var/outbox"},
        "limits": {"isolate_heavy_readers": False},
    }
    for name, values in sections.items():
        base.setdefault(name, {}).update(values)
    lines: list[str] = []
    for name, values in base.items():
        lines.append(f"[{name}]")
        for key, value in values.items():
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, int | float):
                lines.append(f"{key} = {value}")
            else:
                lines.append(f"{key} = {str(value)!r}".replace("'", '"'))
        lines.append("")
    path = root / "mailbot.toml"
    root.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    write_settings(tmp_path)
    return tmp_path


@pytest.fixture
def settings(workspace: Path) -> Settings:
    return load(workspace / "mailbot.toml", {})


def reset_postgres(url: str) -> None:
    from store.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each store test runs on SQLite and on a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path.as_posix()}/store.db"
        return
    url = need_server("MAILTEST_PG_URL", "PostgreSQL")
    reset_postgres(url)
    yield url
