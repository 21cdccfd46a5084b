"""Admin alerts: one email per incident, a new one only after the incident has cleared."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import select

from mailbot.ops.alerts import check_and_alert
from store import outbox
from store.models import AuditRow, OutboxRow
from tests.ops.conftest import ADMIN, Service, make_service


def _alerts(svc: Service) -> list[OutboxRow]:
    with svc.deps.sessions() as session:
        return list(
            session.scalars(
                select(OutboxRow).where(OutboxRow.kind == "admin_alert").order_by(OutboxRow.id)
            )
        )


def test_late_mailbox_alerts_once_per_incident(service: Service) -> None:
    svc = service
    svc.daemon.process_mailbox()
    svc.clock.advance(minutes=29)
    assert check_and_alert(svc.deps) == []
    svc.clock.advance(minutes=2)
    svc.daemon.cursors.fetched("mecc", "IMAP login failed")
    keys = check_and_alert(svc.deps)
    assert len(keys) == 1 and keys[0].startswith("admin_alert:mailbox:mecc:")
    [row] = _alerts(svc)
    svc.daemon.send_outbox()  # the daemon sends it (the mailbox is down, not the outbox)
    for _ in range(3):
        svc.clock.advance(minutes=10)
        assert check_and_alert(svc.deps) == []  # the same incident: no second email
    assert len(_alerts(svc)) == 1
    assert row.recipients == [ADMIN]
    mail = message_from_bytes(row.raw, policy=policy.default)
    assert "mailbox 'mecc' not fetched for 30 minutes" in str(mail["Subject"])
    body = mail.get_body(("plain",))
    assert body is not None and "IMAP login failed" in body.get_content()

    svc.daemon.process_mailbox()  # it recovers: the incident closes
    assert check_and_alert(svc.deps) == []
    svc.clock.advance(minutes=31)  # and fails again: a new incident, a new email
    assert len(check_and_alert(svc.deps)) == 1
    assert len(_alerts(svc)) == 2
    with svc.deps.sessions() as session:
        actions = session.scalars(
            select(AuditRow.action).where(AuditRow.subject_type == "service_incident")
        ).all()
    assert actions == ["incident_opened", "incident_closed", "incident_opened"]


def test_failing_outbox_alerts_once(service: Service) -> None:
    svc = service
    with svc.deps.sessions() as session, session.begin():
        for key in "abc":
            outbox.enqueue(
                session, key=key, kind="forward", message_id=f"{key}@example.gov.uk",
                mail_from="mecc@example.gov.uk", recipients=["sw@example.gov.uk"],
                raw=b"x", now=svc.clock.now(),
            )  # fmt: skip
        rows = outbox.claim(session, worker="w", now=svc.clock.now(), lease=timedelta(minutes=5))
        for row in rows:
            outbox.mark_failed(row, "451 busy", retry_at=svc.clock.now() + timedelta(hours=1))
    svc.daemon.process_mailbox()
    keys = check_and_alert(svc.deps)
    assert keys == [f"admin_alert:outbox:{svc.clock.now().isoformat(timespec='seconds')}"]
    assert check_and_alert(svc.deps) == []
    [row] = _alerts(svc)
    text = message_from_bytes(row.raw, policy=policy.default).get_body(("plain",))
    assert text is not None and "Retrying after an error: 3" in text.get_content()
    assert "sw@example.gov.uk" not in row.raw.decode()  # counts, never recipients


def test_no_admin_addresses_opens_the_incident_without_email(tmp_path: Path) -> None:
    svc = make_service(tmp_path, service={"admin_emails": ""})
    svc.daemon.process_mailbox()
    svc.clock.advance(hours=1)
    assert check_and_alert(svc.deps) == []
    assert _alerts(svc) == []
    with svc.deps.sessions() as session:
        assert session.scalar(select(AuditRow.action).where(AuditRow.action == "incident_opened"))
