"""Signing in, sessions, CSRF and who may see what, over real HTTP to the running page."""

from __future__ import annotations

import re

from sqlalchemy import select

from store.models import AuditRow, ExceptionRow
from tests.web.conftest import Site
from tests.web.helpers import csrf_of, http_sign_in
from tests.web.seed import DISMISS_SUBJECT


def test_anonymous_requests_are_sent_to_sign_in(site: Site) -> None:
    with site.client() as client:
        for path in ("/", "/exceptions", "/exceptions/1", "/visits", "/flags", "/records/1",
                     "/messages/1/attachments/0"):  # fmt: skip
            response = client.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login"), path
        assert client.get("/exceptions/3").headers["location"] == "/login?next=/exceptions/3"
        posted = client.post("/exceptions/1/dismiss", data={"reason": "x"})
        assert posted.status_code == 303 and posted.headers["location"].startswith("/login")


def test_cookie_flags_and_security_headers(site: Site) -> None:
    with site.client() as client:
        signed = http_sign_in(client, "bs@example.gov.uk")
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        page = client.get("/exceptions")
        assert page.status_code == 200
        csp = page.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["cache-control"] == "no-store"


def test_secure_cookie_flag_is_on_by_default(site: Site) -> None:
    from mailbot.web.app import create_app

    assert site.deps.settings.web.secure_cookies is False  # the test server runs on http
    from dataclasses import replace

    secure = replace(site.deps, settings=replace(
        site.deps.settings, web=replace(site.deps.settings.web, secure_cookies=True)))  # fmt: skip
    assert create_app(secure).state.web.secure_cookies is True


def test_a_form_without_the_csrf_token_is_refused(site: Site) -> None:
    item = site.exception_id(DISMISS_SUBJECT)
    with site.client() as client:
        http_sign_in(client, "bs@example.gov.uk")
        for data in ({"reason": "spam"}, {"reason": "spam", "csrf": "forged"}):
            refused = client.post(f"/exceptions/{item}/dismiss", data=data)
            assert refused.status_code == 403
            assert "Form expired" in refused.text
        with site.deps.sessions() as session:
            assert session.get(ExceptionRow, item).status == "open"  # type: ignore[union-attr]
        token = csrf_of(client.get(f"/exceptions/{item}").text)
        done = client.post(f"/exceptions/{item}/dismiss", data={"reason": "spam", "csrf": token})
        assert done.status_code == 303
        with site.deps.sessions() as session:
            assert session.get(ExceptionRow, item).status == "dismissed"  # type: ignore[union-attr]


def test_login_form_needs_its_csrf_token(site: Site) -> None:
    with site.client() as client:
        client.get("/login")
        refused = client.post(
            "/login",
            data={"email": "bs@example.gov.uk", "password": "correct horse battery staple"},
        )
        assert refused.status_code == 403


def test_wrong_password_then_rate_limited(site: Site) -> None:
    with site.client() as client:
        for _ in range(5):
            wrong = http_sign_in(client, "bs@example.gov.uk", "not the password at all")
            assert wrong.status_code == 401
            assert "do not match" in wrong.text
        paused = http_sign_in(client, "bs@example.gov.uk")  # even the right password waits
        assert paused.status_code == 429
        assert "Too many attempts" in paused.text
        other = http_sign_in(client, "admin@example.gov.uk")  # another account is not held up
        assert other.status_code == 303
    site.clock.advance(minutes=16)
    with site.client() as client:
        assert http_sign_in(client, "bs@example.gov.uk").status_code == 303


def test_idle_session_expires_and_sign_out_ends_it(site: Site) -> None:
    with site.client() as client:
        http_sign_in(client, "bs@example.gov.uk")
        assert client.get("/exceptions").status_code == 200
        site.clock.advance(minutes=29)
        assert client.get("/exceptions").status_code == 200  # use keeps it alive
        site.clock.advance(minutes=31)
        assert client.get("/exceptions").status_code == 303
    with site.client() as client:
        http_sign_in(client, "bs@example.gov.uk")
        cookie = client.cookies["mailbot_session"]
        token = csrf_of(client.get("/exceptions").text)
        assert client.post("/logout", data={"csrf": token}).status_code == 303
    with site.client() as thief:
        thief.cookies.set("mailbot_session", cookie)
        assert thief.get("/exceptions").status_code == 303


def test_social_worker_sees_only_their_own_children(site: Site) -> None:
    own = site.record_id("E1000001")  # Priya Shah's child
    other = site.record_id("E1000003")  # Daniel Okafor's child
    with site.client() as client:
        assert http_sign_in(client, "priya.shah@example.gov.uk").headers["location"] == "/"
        assert client.get("/").headers["location"] == "/flags"
        assert client.get(f"/records/{own}").status_code == 200
        refused = client.get(f"/records/{other}")
        assert refused.status_code == 403
        assert "Oliver" not in refused.text
        assert client.get("/exceptions").status_code == 403
        assert client.get("/exceptions/1").status_code == 403
        visits = client.get("/visits").text
        assert "Thomas Hartley" in visits and "Oliver Brennan" not in visits
        token = csrf_of(client.get("/flags").text)
        assert client.post(f"/records/{other}/reviewed", data={"csrf": token}).status_code == 403
        assert client.post(f"/records/{own}/uploaded", data={"csrf": token}).status_code == 403


def test_team_manager_sees_their_teams_children(site: Site) -> None:
    with site.client() as client:
        http_sign_in(client, "mark.ellis@example.gov.uk")
        assert client.get(f"/records/{site.record_id('E1000001')}").status_code == 200
        assert client.get(f"/records/{site.record_id('E1000003')}").status_code == 200
        assert (
            client.get(f"/records/{site.record_id('E1000004')}").status_code == 403
        )  # Ruth's team


def test_every_view_and_download_is_audited(site: Site) -> None:
    from tests.web.seed import HOSTILE_SUBJECT

    item = site.exception_id(HOSTILE_SUBJECT)
    record = site.record_id("E1000001")
    with site.client() as client:
        http_sign_in(client, "bs@example.gov.uk")
        page = client.get(f"/exceptions/{item}").text
        assert "notes.txt" in page
        link = re.search(r'href="(/messages/\d+/attachments/\d+)"', page)
        assert link is not None
        download = client.get(link.group(1))
        assert download.status_code == 200
        assert download.content.startswith(b"Visit notes")
        assert "attachment" in download.headers["content-disposition"]
        assert download.headers["content-type"] == "application/octet-stream"
        assert client.get(f"/records/{record}").status_code == 200
    with site.deps.sessions() as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.actor == "bs@example.gov.uk")).all()
    seen = {(r.action, r.subject_type, r.subject_id) for r in rows}
    assert ("viewed", "exception", str(item)) in seen
    assert ("viewed", "record", str(record)) in seen
    assert any(r.action == "downloaded" and r.detail.get("file") == "notes.txt" for r in rows)


def test_only_unmatched_items_can_be_reprocessed(site: Site) -> None:
    with site.deps.sessions() as session:
        item = session.scalar(select(ExceptionRow.id).where(ExceptionRow.code == "corrupt"))
    assert item is not None
    with site.client() as client:
        http_sign_in(client, "bs@example.gov.uk")
        page = client.get(f"/exceptions/{item}").text
        assert "Reprocess" not in page
        done = client.post(f"/exceptions/{item}/reprocess", data={"csrf": csrf_of(page)})
        assert done.headers["location"] == f"/exceptions/{item}"
        assert "not about matching" in client.get(f"/exceptions/{item}").text
    with site.deps.sessions() as session:
        assert session.get(ExceptionRow, item).status == "open"  # type: ignore[union-attr]
