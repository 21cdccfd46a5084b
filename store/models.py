"""The database tables (SQLAlchemy 2 typed ORM). Migrations live in store/migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ChildRow(Base):
    __tablename__ = "children"
    child_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    first_name: Mapped[str] = mapped_column(String(120))
    last_name: Mapped[str] = mapped_column(String(120))
    dob: Mapped[date | None] = mapped_column(Date)
    legal_status: Mapped[str] = mapped_column(String(8))
    rag: Mapped[str] = mapped_column(String(8))
    rag_date: Mapped[date | None] = mapped_column(Date)
    school: Mapped[str] = mapped_column(String(200), default="")
    social_worker: Mapped[str] = mapped_column(String(200))
    social_worker_email: Mapped[str] = mapped_column(String(320), index=True)
    team_manager_email: Mapped[str] = mapped_column(String(320), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    plans: Mapped[list[PlanRow]] = relationship(
        back_populates="child", cascade="all, delete-orphan"
    )


class PlanRow(Base):
    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("child_id", "visitor_email"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.child_id", ondelete="CASCADE"))
    visitor_name: Mapped[str] = mapped_column(String(200))
    visitor_email: Mapped[str] = mapped_column(String(320), index=True)
    visitor_org: Mapped[str] = mapped_column(String(200), default="")
    visitor_role: Mapped[str] = mapped_column(String(20))
    visit_method: Mapped[str] = mapped_column(String(20))
    frequency_days: Mapped[int | None] = mapped_column(Integer)
    next_visit_due: Mapped[date | None] = mapped_column(Date)
    child: Mapped[ChildRow] = relationship(back_populates="plans")


class TrackerRevision(Base):
    """One row per tracker import; the roster cache is keyed by the latest id."""

    __tablename__ = "tracker_revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(300))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RawMessage(Base):
    """The original bytes, addressed by SHA-256: kept whatever happens to the message."""

    __tablename__ = "raw_messages"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once purged by retention
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MessageRow(Base):
    """The ledger: one row per message seen at one mailbox position."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("mailbox", "position"),
        Index("ix_messages_message_id", "message_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(100))
    position: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(ForeignKey("raw_messages.sha256"), index=True)
    message_id: Mapped[str | None] = mapped_column(String(998))
    sender: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    correlation_id: Mapped[str] = mapped_column(String(36), default="")
    # Several workers: a received message is claimed for processing with a lease, and the
    # mailbox's watcher moves it out of the inbox once it is processed.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RecordRow(Base):
    """A visit record read from a message."""

    __tablename__ = "records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_row_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    visit_date: Mapped[date | None] = mapped_column(Date)
    visitor_name: Mapped[str | None] = mapped_column(String(200))
    visitor_org: Mapped[str | None] = mapped_column(String(200))
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)  # every extracted value
    match_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    uploaded_by: Mapped[str | None] = mapped_column(String(320))
    children: Mapped[list[RecordChild]] = relationship(cascade="all, delete-orphan")
    flags: Mapped[list[RiskFlagRow]] = relationship(cascade="all, delete-orphan")


class RecordChild(Base):
    __tablename__ = "record_children"
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    child_id: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class RiskFlagRow(Base):
    __tablename__ = "risk_flags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    indicator: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    evidence: Mapped[str] = mapped_column(Text)
    matched: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(String(320))


class VisitRow(Base):
    """A visit due under a plan; completed by a received record."""

    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("plan_id", "due_date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[str] = mapped_column(String(40), index=True)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    visit_date: Mapped[date | None] = mapped_column(Date)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    status: Mapped[str] = mapped_column(String(20), default="due")  # due | done | cancelled


class OutboxRow(Base):
    """An email to send, composed in full; ``key`` makes every send unique."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    message_id: Mapped[str] = mapped_column(String(998), index=True)
    mail_from: Mapped[str] = mapped_column(String(320))
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending|sending|sent|failed|held
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visits.id", ondelete="SET NULL"), index=True
    )
    child_ids: Mapped[list[Any]] = mapped_column(default=list)
    reference: Mapped[str | None] = mapped_column(String(40), index=True)


class ExceptionRow(Base):
    """An item on the exceptions queue: a person must look."""

    __tablename__ = "exceptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_row_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    candidates: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), index=True)  # open | assigned | dismissed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(320))
    resolution: Mapped[str | None] = mapped_column(Text)


class AuditRow(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(320))  # "mailbot" or a user's email
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(60), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class MailboxStateRow(Base):
    __tablename__ = "mailbox_state"
    mailbox: Mapped[str] = mapped_column(String(100), primary_key=True)
    cursor: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    backlog: Mapped[int | None] = mapped_column(Integer)  # waiting in the folder after a fetch


class LeaseRow(Base):
    """A named lease (scheduler leader, a mailbox's watcher) held until it expires."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(
        String(30)
    )  # business_support|team_manager|social_worker|admin
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
