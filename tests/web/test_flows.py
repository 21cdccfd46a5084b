"""What business support, team managers and social workers do, in a real headless Chromium."""

from __future__ import annotations

import mailbox
import re
from email import message_from_bytes, policy
from typing import Any

import pytest
from sqlalchemy import select

from mailbot.daemon import Daemon
from mailbot.registry import import_tracker
from store.models import ExceptionRow, OutboxRow, RecordRow, RiskFlagRow
from tests.web.conftest import Site
from tests.web.helpers import shot, sign_in
from tests.web.seed import DISMISS_SUBJECT, HOSTILE_SUBJECT, TWO_JACKS_SUBJECT, tracker

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _sent(site: Site) -> list[Any]:
    Daemon.from_settings(site.deps.settings, site.clock).send_outbox()
    box = mailbox.Maildir(site.root / "var" / "outbox", create=False)
    return [message_from_bytes(m.as_bytes(), policy=policy.default) for m in box]


def test_sign_in_open_an_exception_assign_it_and_the_forward_is_sent(site: Site, page: Any) -> None:
    item = site.exception_id(TWO_JACKS_SUBJECT)
    page.goto(f"{site.url}/exceptions/{item}")
    assert "/login" in page.url  # signed out: sent to sign in, then back to the item
    page.get_by_label("Email address").fill("bs@example.gov.uk")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}/exceptions/{item}")

    assert page.get_by_text("Not sure which child this is about").first.is_visible()
    # both Jack Wilsons are offered, with the tracker's details to tell them apart
    assert page.get_by_label("Jack Wilson (E1000006)").is_visible()
    assert page.get_by_label("Jack Wilson (E1000007)").is_visible()
    assert page.get_by_text("02 Feb 2013").is_visible()
    page.get_by_label("Jack Wilson (E1000006)").check()
    shot(page, "11-assign-chosen")
    page.get_by_role("button", name="Assign and forward to the social worker").click()
    page.wait_for_url(f"{site.url}/exceptions")
    assert "forwarded to priya.shah@example.gov.uk" in page.get_by_role("status").inner_text()
    shot(page, "12-assigned")

    with site.deps.sessions() as session:
        row = session.get(ExceptionRow, item)
        assert (
            row is not None and row.status == "assigned" and row.resolved_by == "bs@example.gov.uk"
        )
        outbox = session.scalars(
            select(OutboxRow).where(OutboxRow.record_id == row.record_id)
        ).all()
    assert [o.recipients for o in outbox] == [["priya.shah@example.gov.uk"]]
    forwards = [m for m in _sent(site) if "priya.shah@example.gov.uk" in str(m["To"])
                and "E1000006" in str(m["Subject"])]  # fmt: skip
    assert len(forwards) == 2  # the automatic one from the demo, and this one
    page.goto(f"{site.url}/exceptions/{item}")
    history = page.locator("table.trail").inner_text()
    assert re.search(r"bs@example\.gov\.uk\s+assigned\s+children: E1000006", history)


def test_search_the_tracker_by_date_of_birth_then_assign(site: Site, page: Any) -> None:
    sign_in(page, site.url, "bs@example.gov.uk")
    item = site.exception_id(HOSTILE_SUBJECT)
    page.goto(f"{site.url}/exceptions/{item}")
    page.get_by_label("Find a child by name, ID or date of birth").fill("12/03/2014")
    page.get_by_role("button", name="Search the tracker").click()
    page.wait_for_load_state()
    found = page.get_by_label("Thomas Hartley (E1000001)")
    assert found.is_visible()
    assert page.get_by_text("Priya Shah").first.is_visible()
    shot(page, "13-search-results")
    found.check()
    page.get_by_role("button", name="Assign and forward to the social worker").click()
    page.wait_for_url(f"{site.url}/exceptions")
    with site.deps.sessions() as session:
        assert session.get(ExceptionRow, item).resolution == "E1000001"  # type: ignore[union-attr]


def test_dismiss_with_a_reason(site: Site, page: Any) -> None:
    sign_in(page, site.url, "bs@example.gov.uk")
    item = site.exception_id(DISMISS_SUBJECT)
    count = int(page.locator("nav .count").first.inner_text())
    page.goto(f"{site.url}/exceptions/{item}")
    page.get_by_label("Why it needs no action").fill("a question about the rota, answered by phone")
    page.get_by_role("button", name="Dismiss").click()
    page.wait_for_url(f"{site.url}/exceptions")
    assert f"Item {item} dismissed" in page.get_by_role("status").inner_text()
    assert int(page.locator("nav .count").first.inner_text()) == count - 1
    assert DISMISS_SUBJECT not in page.locator("main").inner_text()
    page.get_by_label("Status").select_option("dismissed")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert DISMISS_SUBJECT in page.locator("main").inner_text()
    with site.deps.sessions() as session:
        row = session.get(ExceptionRow, item)
        assert row is not None and row.status == "dismissed"
        assert row.resolution == "a question about the rota, answered by phone"


def test_dismiss_without_a_reason_is_not_done(site: Site, page: Any) -> None:
    sign_in(page, site.url, "bs@example.gov.uk")
    item = site.exception_id(DISMISS_SUBJECT)
    page.goto(f"{site.url}/exceptions/{item}")
    page.get_by_label("Why it needs no action").fill("   ")
    page.get_by_role("button", name="Dismiss").click()
    page.wait_for_url(f"{site.url}/exceptions/{item}")
    assert "needs a reason" in page.get_by_role("alert").inner_text()


def test_mark_a_record_uploaded_from_the_visits_board(site: Site, page: Any) -> None:
    sign_in(page, site.url, "bs@example.gov.uk")
    record = site.record_id("E1000001")
    page.goto(f"{site.url}/visits")
    card = page.locator("li.card", has=page.locator(f'a[href="/records/{record}"]'))
    card.get_by_text("Fields to copy into the visit form").click()
    assert card.get_by_text(
        "18/11/2026"
    ).is_visible()  # the visit date, as the case system wants it
    card.get_by_role("button", name="Mark uploaded").click()
    page.wait_for_url(f"{site.url}/visits")
    assert f"Record {record} marked as uploaded" in page.get_by_role("status").inner_text()
    assert page.locator(f'main a[href="/records/{record}"]').count() == 0
    with site.deps.sessions() as session:
        row = session.get(RecordRow, record)
        assert row is not None and row.uploaded_by == "bs@example.gov.uk"
        assert row.uploaded_at == site.clock.now()
    page.goto(f"{site.url}/records/{record}")
    assert "by bs@example.gov.uk" in page.locator("main").inner_text()


def test_team_manager_marks_flags_reviewed(site: Site, page: Any) -> None:
    sign_in(page, site.url, "mark.ellis@example.gov.uk")
    assert page.url.endswith("/flags")
    record = site.record_id("E1000011")  # child not seen: flagged; Priya's child, Mark's team
    card = page.locator("li.card", has=page.locator(f'a[href="/records/{record}"]'))
    assert card.locator("mark").count() >= 1  # the words that raised the flag are highlighted
    shot(page, "14-flags-team-manager")
    card.get_by_role("button", name="Mark reviewed").click()
    page.wait_for_url(f"{site.url}/flags")
    assert page.locator(f'main a[href="/records/{record}"]').count() == 0
    with site.deps.sessions() as session:
        flags = session.scalars(select(RiskFlagRow).where(RiskFlagRow.record_id == record)).all()
    assert flags and all(f.reviewed_by == "mark.ellis@example.gov.uk" for f in flags)
    page.goto(f"{site.url}/flags?show=all")
    assert "Reviewed by mark.ellis@example.gov.uk" in page.locator("main").inner_text()


def test_ask_the_sender_to_resend(site: Site, page: Any) -> None:
    sign_in(page, site.url, "bs@example.gov.uk")
    item = site.exception_id(TWO_JACKS_SUBJECT)
    page.goto(f"{site.url}/exceptions/{item}")
    page.get_by_label("Child the record is about").select_option("E1000007")
    page.get_by_label("Note to the sender (optional)").fill("Please add the date of birth.")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(f"{site.url}/exceptions/{item}")
    status = page.get_by_role("status").inner_text()
    assert "robin.vale@charity.example.org" in status
    reference = re.search(r"MECC-[0-9A-Z]{6}", status)
    assert reference is not None
    assert "resend requested" in page.locator("table.trail").inner_text()
    asks = [m for m in _sent(site) if m["To"] == "robin.vale@charity.example.org"]
    assert len(asks) == 1
    assert reference.group(0) in str(asks[0]["Subject"])
    body = asks[0].get_body(preferencelist=("plain",)).get_content()
    assert "Please add the date of birth." in body
    assert "Wilson" not in body  # the partner is told initials and ID, not the surname


def test_reprocess_after_a_tracker_update(site: Site, page: Any) -> None:
    sign_in(page, site.url, "bs@example.gov.uk")
    with site.deps.sessions() as session:
        item = session.scalar(
            select(ExceptionRow.id).where(ExceptionRow.reason.like("%Harvey Quinn%"))
        )
    assert item is not None
    page.goto(f"{site.url}/exceptions/{item}")
    page.get_by_role("button", name="Reprocess").click()
    page.wait_for_url(f"{site.url}/exceptions/{item}")
    assert "still not certain" in page.get_by_role("status").inner_text()

    updated = tracker() + (
        "E1000013,Harvey,Quinn,2013-03-03,CIN,Green,2026-10-01,Castle Academy,Daniel Okafor,"
        "daniel.okafor@example.gov.uk,mark.ellis@example.gov.uk,Jenny Cole,"
        "jenny.cole@health.example.nhs.uk,Riverside School Nursing,partner,face_to_face,42,\n"
    )
    (site.root / "tracker2.csv").write_text(updated, encoding="utf-8")
    import_tracker(site.deps, site.root / "tracker2.csv")
    page.get_by_role("button", name="Reprocess").click()
    page.wait_for_url(f"{site.url}/exceptions")
    assert "forwarded to daniel.okafor@example.gov.uk" in page.get_by_role("status").inner_text()
    with site.deps.sessions() as session:
        assert session.get(ExceptionRow, item).status == "assigned"  # type: ignore[union-attr]


def test_hostile_html_email_is_shown_safely(site: Site, page: Any) -> None:
    remote: list[str] = []
    page.on("request", lambda r: remote.append(r.url) if "127.0.0.1" not in r.url else None)
    sign_in(page, site.url, "bs@example.gov.uk")
    page.goto(f"{site.url}/exceptions/{site.exception_id(HOSTILE_SUBJECT)}")
    body = page.locator(".mail-body")
    assert body.get_by_text("Hello, here are my notes.").is_visible()
    assert body.locator("script, img, iframe, form, style").count() == 0
    assert page.evaluate("window.pwned === undefined")
    assert page.title() != "PWNED"
    assert body.locator("a[href^='javascript']").count() == 0
    page.get_by_text("Preview notes.txt as text").click()
    preview = page.locator(".attachments details pre")
    assert preview.is_visible() and "Visit notes" in preview.inner_text()
    assert remote == []
