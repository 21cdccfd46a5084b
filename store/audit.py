"""The audit trail: every automatic and human action, who did it and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import AuditRow


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: object,
    **detail: Any,
) -> None:
    session.add(
        AuditRow(
            at=at,
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id),
            detail=detail,
        )
    )


def trail(session: Session, subject_type: str, subject_id: object) -> list[AuditRow]:
    return list(
        session.scalars(
            select(AuditRow)
            .where(AuditRow.subject_type == subject_type, AuditRow.subject_id == str(subject_id))
            .order_by(AuditRow.id)
        )
    )
