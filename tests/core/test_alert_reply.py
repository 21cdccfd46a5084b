"""A partner answers an alert by plain reply: matched with certainty, answers read, forwarded."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from mailbot.app import build
from mailbot.clock import FixedClock
from mailbot.pipeline import Pipeline
from mailbot.registry import import_tracker
from mailbot.schedule.runner import run_due
from mailbot.settings import load
from store.models import OutboxRow, RecordRow, VisitRow
from tests.core.helpers import write_tracker


def _alert_for(deps: object, child_id: str) -> EmailMessage:
    with deps.sessions() as s:  # type: ignore[attr-defined]
        rows = list(s.scalars(select(OutboxRow).where(OutboxRow.kind == "alert")))
    mine = [r for r in rows if child_id in r.child_ids]
    assert mine, [r.child_ids for r in rows]
    return message_from_bytes(mine[0].raw, policy=policy.default)  # type: ignore[return-value]


def test_plain_reply_to_an_alert_is_matched_and_its_answers_read(workspace: Path) -> None:
    clock = FixedClock(datetime(2026, 11, 17, 9, 30, tzinfo=UTC))
    deps = build(load(workspace / "mailbot.toml", {}), clock)
    import_tracker(deps, write_tracker(workspace))
    queued = run_due(deps, clock.now())
    assert any(q["kind"] == "alert" and q["child_ids"] == ["E1000001"] for q in queued), queued
    alert = _alert_for(deps, "E1000001")
    assert alert["To"] == "jenny.cole@health.example.nhs.uk"
    reference = alert["X-Mailbot-Ref"]
    assert reference and reference in alert["Subject"]
    assert "Thomas" not in alert["Subject"]

    reply = EmailMessage()
    reply["From"] = "Jenny Cole <jenny.cole@health.example.nhs.uk>"
    reply["To"] = "mecc@example.gov.uk"
    reply["Subject"] = "RE: " + alert["Subject"]
    reply["Message-ID"] = "<reply-1@health.example.nhs.uk>"
    reply["In-Reply-To"] = alert["Message-ID"]
    reply["References"] = alert["Message-ID"]
    quoted = "\n".join(
        "> " + line for line in alert.get_body(("plain",)).get_content().splitlines()
    )  # type: ignore[union-attr]
    reply.set_content(
        "Child seen: Yes\nSeen alone: Yes\nDate of visit: 18/11/2026\nVisit method: Face to face\n"
        "Any concerns: No\nHas the risk changed: No\nObservations: Happy at school, eating well.\n\n"
        f"On 17 Nov 2026, MECC Mailbox wrote:\n{quoted}\n"
    )
    clock.advance(days=1)
    result = Pipeline(deps).process(reply.as_bytes(), mailbox="test", position="reply-1")
    assert result.outcome.value == "forwarded", result.reason
    assert result.child_ids == ("E1000001",)
    assert result.forward_to == ("priya.shah@example.gov.uk",)
    with deps.sessions() as s:
        record = s.scalars(select(RecordRow)).one()
        assert record.fields["child_seen"] is True
        assert record.fields["seen_alone"] is True
        assert record.fields["visit_date"] == "2026-11-18"
        assert record.fields["any_concerns"] is False
        assert "reference" in record.match_reason or "reply" in record.match_reason
        visit = s.scalars(
            select(VisitRow).where(VisitRow.child_id == "E1000001", VisitRow.record_id == record.id)
        ).one()
        assert visit.status == "done" and visit.responded_at is not None


def test_a_reply_from_someone_else_with_the_token_is_not_enough(workspace: Path) -> None:
    clock = FixedClock(datetime(2026, 11, 17, 9, 30, tzinfo=UTC))
    deps = build(load(workspace / "mailbot.toml", {}), clock)
    import_tracker(deps, write_tracker(workspace))
    run_due(deps, clock.now())
    alert = _alert_for(deps, "E1000001")
    stranger = EmailMessage()
    stranger["From"] = "Someone Else <someone@elsewhere.example.org>"
    stranger["To"] = "mecc@example.gov.uk"
    stranger["Subject"] = "FW: " + alert["Subject"]
    stranger["Message-ID"] = "<fw-1@elsewhere.example.org>"
    stranger.set_content("Child seen: Yes\nDate of visit: 18/11/2026\nObservations: fine.\n")
    result = Pipeline(deps).process(stranger.as_bytes(), mailbox="test", position="fw-1")
    assert result.outcome.value == "exception"
