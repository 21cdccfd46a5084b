"""The whole pipeline on the embedded default: every outcome, the hard cases, the forwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from mailbot.daemon import Daemon
from mailbot.demo_data import samples
from mailbot.registry import import_tracker
from mailbot.settings import load
from store.models import ExceptionRow, MessageRow, OutboxRow, RawMessage
from tests.conftest import write_settings
from tests.core.helpers import put_mail, sent_mail, write_tracker

SAMPLES = {s.name: s for s in samples()}


@pytest.fixture
def processed(workspace: Path) -> tuple[Daemon, dict[str, object]]:
    daemon = Daemon.from_settings(load(workspace / "mailbot.toml", {}))
    import_tracker(daemon.deps, write_tracker(workspace))
    put_mail(workspace, list(SAMPLES.values()))
    results = dict(daemon.process_mailbox())
    daemon.send_outbox()
    return daemon, results  # type: ignore[return-value]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_sample_has_its_outcome(processed: tuple[Daemon, dict], name: str) -> None:
    _, results = processed
    sample = SAMPLES[name]
    result = results[name]
    assert result.outcome.value == sample.expect, result.reason
    if sample.expect == "forwarded":
        assert set(result.child_ids) == set(sample.children)
        assert {f.indicator for f in result.flags} >= set(sample.flags)
    if sample.expect == "exception":
        assert result.reason


def test_negated_and_historical_mentions_raise_no_flag(processed: tuple[Daemon, dict]) -> None:
    _, results = processed
    assert results["19-negated.eml"].flags == ()


def test_forward_goes_to_the_childs_social_worker_only(
    processed: tuple[Daemon, dict], workspace: Path
) -> None:
    _, results = processed
    assert results["01-plain-body.eml"].forward_to == ("priya.shah@example.gov.uk",)
    # A reply quoting another child's record goes to the new child's worker, not Grace's.
    assert results["08-reply-quoting-other-child.eml"].forward_to == ("helen.price@example.gov.uk",)
    assert results["08-reply-quoting-other-child.eml"].child_ids == ("E1000008",)
    mail = [m for m in sent_mail(workspace) if m["X-Mailbot-Kind"] == "forward"]
    subjects = sorted(m["Subject"] for m in mail)
    assert any("TH E1000001" in s for s in subjects)
    # Siblings with the same social worker: one forward naming both children.
    siblings = [m for m in mail if "E1000001" in m["Subject"] and "E1000002" in m["Subject"]]
    assert len(siblings) == 1
    for m in mail:  # no full name in any subject
        assert "Hartley" not in m["Subject"] and "Thomas" not in m["Subject"]


def test_flagged_forward_says_risk_flag_and_copies_the_team_manager(
    processed: tuple[Daemon, dict], workspace: Path
) -> None:
    _, results = processed
    police = results["03-docx-form.eml"]
    assert "mark.ellis@example.gov.uk" in police.forward_to
    mail = [m for m in sent_mail(workspace) if "E1000003" in m["Subject"]]
    assert len(mail) == 1
    assert mail[0]["Subject"].startswith("RISK FLAG")
    body = mail[0].get_body(("plain",))  # type: ignore[attr-defined]
    assert "stopped by police" in body.get_content()


def test_every_message_kept_and_each_exception_queued(processed: tuple[Daemon, dict]) -> None:
    daemon, _ = processed
    with daemon.deps.sessions() as s:
        assert s.scalar(select(func.count()).select_from(MessageRow)) == len(SAMPLES)
        kept = s.scalar(
            select(func.count()).select_from(RawMessage).where(RawMessage.data.isnot(None))
        )
        assert kept == len(SAMPLES) - 1  # the duplicate shares its bytes with 01
        queued = s.scalar(select(func.count()).select_from(ExceptionRow))
        expected = sum(1 for x in SAMPLES.values() if x.expect == "exception")
        assert queued == expected


def test_running_again_forwards_nothing_twice(
    processed: tuple[Daemon, dict], workspace: Path
) -> None:
    daemon, _ = processed
    before = len(sent_mail(workspace))
    put_mail(workspace, [SAMPLES["01-plain-body.eml"], SAMPLES["03-docx-form.eml"]])
    again = dict(daemon.process_mailbox())
    daemon.send_outbox()
    assert {r.outcome.value for r in again.values()} == {"duplicate"}
    assert len(sent_mail(workspace)) == before


def test_pipeline_on_postgresql(tmp_path: Path, db_url: str) -> None:
    write_settings(tmp_path, db_url)
    settings = load(tmp_path / "mailbot.toml", {})
    from mailbot.app import open_database

    open_database(settings, migrate=True)
    daemon = Daemon.from_settings(settings)
    import_tracker(daemon.deps, write_tracker(tmp_path))
    chosen = [
        SAMPLES[n]
        for n in (
            "01-plain-body.eml",
            "07-name-only-unknown-sender.eml",
            "13-out-of-office.eml",
            "17-duplicate.eml",
        )
    ]
    put_mail(tmp_path, chosen)
    results = dict(daemon.process_mailbox())
    assert [results[s.name].outcome.value for s in chosen] == [s.expect for s in chosen]
    assert daemon.send_outbox() == 2  # the forward and the acknowledgement to the sender
    with daemon.deps.sessions() as s:
        kinds = sorted(s.scalars(select(OutboxRow.kind)))
        assert kinds == ["acknowledgement", "forward"]
