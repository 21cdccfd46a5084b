"""Retention: a dry run changes nothing; a real run empties raw mail and sent copies, keeps records."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mailbot import casework
from mailbot.ops.retention import run_retention
from store.models import (
    AuditRow,
    ExceptionRow,
    MessageRow,
    OutboxRow,
    RawMessage,
    RecordRow,
)
from tests.ops.conftest import Service, process_demo


def _raw(svc: Service, message_row_id: int) -> bytes | None:
    with svc.deps.sessions() as session:
        message = session.get(MessageRow, message_row_id)
        assert message is not None
        raw = session.get(RawMessage, message.sha256)
        assert raw is not None
        return raw.data


def _record_of(svc: Service, message_row_id: int) -> RecordRow:
    with svc.deps.sessions() as session:
        record = session.scalar(select(RecordRow).where(RecordRow.message_row_id == message_row_id))
        assert record is not None
        return record


def _forwards(svc: Service, record_id: int) -> list[OutboxRow]:
    with svc.deps.sessions() as session:
        return list(
            session.scalars(
                select(OutboxRow).where(
                    OutboxRow.record_id == record_id, OutboxRow.kind == "forward"
                )
            )
        )


def _exception_of(svc: Service, message_row_id: int) -> int:
    with svc.deps.sessions() as session:
        found = session.scalar(
            select(ExceptionRow.id).where(ExceptionRow.message_row_id == message_row_id)
        )
        assert found is not None
        return found


def test_dry_run_then_real_run(service: Service) -> None:
    results = process_demo(service)
    by_outcome: dict[str, list[int]] = {}
    for _, r in sorted(results.items()):
        by_outcome.setdefault(r.outcome.value, []).append(r.row_id)  # type: ignore[attr-defined]
    [duplicate] = by_outcome["duplicate"]
    with service.deps.sessions() as session:
        original = session.get(MessageRow, duplicate).duplicate_of  # type: ignore[union-attr]
    assert original is not None
    uploaded = _record_of(service, original)
    casework.mark_uploaded(service.deps, uploaded.id, "bs.officer@example.gov.uk")
    not_uploaded = next(i for i in by_outcome["forwarded"] if i != original)
    dismissed, still_open = by_outcome["exception"][:2]
    casework.dismiss(
        service.deps, _exception_of(service, dismissed), "not ours", "bs@example.gov.uk"
    )
    ignored = by_outcome["ignored"][0]
    with service.deps.sessions() as session, session.begin():
        session.add(
            AuditRow(at=service.clock.now() - timedelta(days=2556), actor="mailbot",
                     action="sent", subject_type="outbox", subject_id="0", detail={})
        )  # fmt: skip

    service.clock.advance(days=29)  # nothing is due yet
    early = run_retention(service.deps, dry_run=True)
    assert early.message_ids == () and early.raw_messages == 0
    assert early.audit_deleted == 1  # the old audit entry is simply old

    service.clock.advance(days=62)  # 91 days on: past every limit
    dry = run_retention(service.deps, dry_run=True)
    assert dry.dry_run
    assert {original, duplicate, dismissed, ignored} <= set(dry.message_ids)
    assert not {not_uploaded, still_open} & set(dry.message_ids)
    assert dry.reasons["uploaded"] >= 1 and dry.reasons["duplicate"] == 1
    assert dry.reasons["dismissed"] == 1 and dry.reasons["ignored"] >= 1
    assert [f.id for f in _forwards(service, uploaded.id)] == list(dry.outbox_ids)
    assert _raw(service, original) is not None  # a dry run changes nothing
    assert all(f.raw for f in _forwards(service, uploaded.id))
    with service.deps.sessions() as session:
        assert session.scalar(select(AuditRow).where(AuditRow.action == "retention_run")) is None

    real = run_retention(service.deps)
    assert real.message_ids == dry.message_ids and real.raw_bytes == dry.raw_bytes > 0
    for gone in (original, duplicate, dismissed, ignored):
        assert _raw(service, gone) is None
    for kept in (not_uploaded, still_open):
        assert _raw(service, kept)
    assert all(f.raw == b"" for f in _forwards(service, uploaded.id))
    kept_forwards = _forwards(service, _record_of(service, not_uploaded).id)
    assert kept_forwards and all(f.raw for f in kept_forwards)
    # the records themselves are kept
    again = _record_of(service, original)
    assert again.uploaded_at is not None and again.fields
    # audited with counts and ids, never content
    with service.deps.sessions() as session:
        run = session.scalar(select(AuditRow).where(AuditRow.action == "retention_run"))
        assert run is not None
        assert run.detail["raw_messages"] == real.raw_messages
        assert sorted(run.detail["message_ids"]) == sorted(real.message_ids)
        assert run.detail["audit_deleted"] == 1
        purged = session.scalars(
            select(AuditRow).where(
                AuditRow.action == "raw_purged", AuditRow.subject_id == str(original)
            )
        ).all()
        assert [p.detail for p in purged] == [{"reason": "uploaded"}]
        message = session.get(MessageRow, original)
        assert message is not None
        for entry in session.scalars(select(AuditRow).where(AuditRow.at == service.clock.now())):
            text = str(entry.detail)
            assert message.sender not in text and "@" not in text
        assert session.scalar(select(AuditRow).where(AuditRow.subject_id == "0")) is None
    # a second run has nothing left to do
    assert run_retention(service.deps).raw_messages == 0


def test_a_record_uploaded_recently_is_kept(service: Service) -> None:
    results = process_demo(service)
    row_id = next(r.row_id for r in results.values() if r.outcome.value == "forwarded")  # type: ignore[attr-defined]
    service.clock.advance(days=80)
    casework.mark_uploaded(service.deps, _record_of(service, row_id).id, "bs@example.gov.uk")
    service.clock.advance(days=80)  # 160 days after arrival, 80 after upload
    summary = run_retention(service.deps)
    assert row_id not in summary.message_ids
    assert _raw(service, row_id)
