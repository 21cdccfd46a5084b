"""Who may see what: business support and admins see everything; a team manager their team's
children; a social worker the children allocated to them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from store.models import ChildRow, ExceptionRow, RecordChild, RecordRow

ALL_SEEING = frozenset({"business_support", "admin"})
ROLE_NAMES = {
    "business_support": "Business support",
    "team_manager": "Team manager",
    "social_worker": "Social worker",
    "admin": "Administrator",
}


class Forbidden(Exception):
    """The signed-in user may not see or do this (HTTP 403)."""


class NotFound(Exception):
    """No such item (HTTP 404)."""


@dataclass(frozen=True)
class User:
    id: int
    email: str
    role: str
    display_name: str = ""

    @property
    def sees_all(self) -> bool:
        return self.role in ALL_SEEING

    @property
    def works_queue(self) -> bool:
        """The exceptions queue is business support's (and admins'): its items have no child yet."""
        return self.role in ALL_SEEING

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    @property
    def name(self) -> str:
        return self.display_name or self.email


def child_condition(user: User) -> ColumnElement[bool] | None:
    """A condition on ChildRow selecting the children this user may see; None for all."""
    if user.sees_all:
        return None
    email = user.email.lower()
    if user.role == "team_manager":
        return func.lower(ChildRow.team_manager_email) == email
    if user.role == "social_worker":
        return func.lower(ChildRow.social_worker_email) == email
    return ChildRow.child_id.is_(None)  # an unknown role sees nothing


def visible_children(session: Session, user: User, child_ids: Iterable[str]) -> set[str]:
    wanted = set(child_ids)
    if not wanted:
        return set()
    query = select(ChildRow.child_id).where(ChildRow.child_id.in_(wanted))
    cond = child_condition(user)
    if cond is not None:
        query = query.where(cond)
    return set(session.scalars(query))


def record_child_ids(session: Session, record_id: int) -> list[str]:
    return list(
        session.scalars(select(RecordChild.child_id).where(RecordChild.record_id == record_id))
    )


def require_queue(user: User) -> None:
    if not user.works_queue:
        raise Forbidden("the exceptions queue is for business support")


def require_record(session: Session, user: User, record_id: int) -> RecordRow:
    """The record, when the user may see it: one of its children must be theirs."""
    record = session.get(RecordRow, record_id)
    if record is None:
        raise NotFound(f"record {record_id}")
    if user.sees_all:
        return record
    if not visible_children(session, user, record_child_ids(session, record_id)):
        raise Forbidden(f"record {record_id} is about a child not allocated to this user")
    return record


def require_message(session: Session, user: User, message_row_id: int) -> None:
    """A message's original (and its attachments): the queue's people, or the record's."""
    if user.sees_all:
        return
    records = session.scalars(
        select(RecordRow.id).where(RecordRow.message_row_id == message_row_id)
    ).all()
    for record_id in records:
        if visible_children(session, user, record_child_ids(session, record_id)):
            return
    raise Forbidden(f"message {message_row_id} is not about a child allocated to this user")


def require_exception(session: Session, user: User, exception_id: int) -> ExceptionRow:
    require_queue(user)
    row = session.get(ExceptionRow, exception_id)
    if row is None:
        raise NotFound(f"exception {exception_id}")
    return row
