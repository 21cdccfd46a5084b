"""The people who sign in to the web page: email, role, password hash (never the password)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import UserRow

ROLES = ("business_support", "team_manager", "social_worker", "admin")


class UserError(Exception):
    """A user cannot be added or changed as asked (unknown role, bad email)."""


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in value):
        raise UserError(f"not an email address: {email!r}")
    return value


def by_email(session: Session, email: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(func.lower(UserRow.email) == email.strip().lower()))


def by_id(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def upsert(
    session: Session,
    *,
    email: str,
    role: str,
    password_hash: str | None,
    now: datetime,
    display_name: str = "",
) -> tuple[UserRow, bool]:
    """Add the user, or change an existing one's role and password; (row, added)."""
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}; got {role!r}")
    address = normalise_email(email)
    row = by_email(session, address)
    if row is None:
        row = UserRow(
            email=address,
            role=role,
            password_hash=password_hash,
            display_name=display_name,
            active=True,
            created_at=now,
        )
        session.add(row)
        session.flush()
        return row, True
    row.role = role
    row.active = True
    if password_hash is not None:
        row.password_hash = password_hash
    if display_name:
        row.display_name = display_name
    session.flush()
    return row, False


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    row = session.get(UserRow, user_id)
    if row is None:
        raise UserError(f"no user with id {user_id}")
    row.password_hash = password_hash


def all_users(session: Session) -> list[UserRow]:
    return list(session.scalars(select(UserRow).order_by(UserRow.email)))
