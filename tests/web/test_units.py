"""The page's small pure parts: sanitising, highlighting, working days, sessions, the limiter."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mailbot.web.boards import highlight, working_days_after
from mailbot.web.mailview import clean_html, safe_filename
from mailbot.web.security import LoginLimiter, SessionStore, csrf_ok

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("html", "kept", "gone"),
    [
        ("<p>Hi</p><script>alert(1)</script>", "<p>Hi</p>", "alert"),
        ('<img src="http://x.example/p.gif">text', "text", "<img"),
        ('<p style="background:url(http://x.example/a)">a</p>', "<p>a</p>", "url("),
        ('<a href="javascript:alert(1)">go</a>', "go", "javascript"),
        ('<a href="https://ok.example/">ok</a>', 'href="https://ok.example/"', "onclick"),
        ('<div onmouseover="steal()">x</div>', "<div>x</div>", "steal"),
        ('<iframe src="https://x.example"></iframe><p>after</p>', "<p>after</p>", "iframe"),
        ("<style>body{}</style><table><tr><td>1</td></tr></table>", "<td>1</td>", "body{}"),
        ('<form action="https://x.example"><input name="a"></form>b', "b", "<input"),
    ],
)
def test_clean_html(html: str, kept: str, gone: str) -> None:
    cleaned = str(clean_html(html))
    assert kept in cleaned
    assert gone not in cleaned


@pytest.mark.parametrize(
    ("evidence", "matched", "parts"),
    [
        (
            "Mum's new partner has moved in.",
            "New Partner",
            ("Mum's ", "new partner", " has moved in."),
        ),
        ("Child not seen.", "", ("", "Child not seen.", "")),
        ("Nothing matched here.", "bruise", ("", "Nothing matched here.", "")),
    ],
)
def test_highlight(evidence: str, matched: str, parts: tuple[str, str, str]) -> None:
    assert highlight(evidence, matched) == parts


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 27), 7, date(2026, 12, 8)),  # a Friday: two weekends skipped
        (date(2026, 12, 22), 3, date(2026, 12, 29)),  # Christmas Day and Boxing Day (Mon 28th)
        (date(2026, 12, 22), 0, date(2026, 12, 22)),
    ],
)
def test_working_days_after(start: date, n: int, expected: date) -> None:
    assert working_days_after(start, n, "england_wales") == expected


def test_working_days_skip_closure_days() -> None:
    assert working_days_after(date(2026, 11, 27), 1, "england_wales", ["2026-11-30"]) == date(
        2026, 12, 1
    )


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ('re"cord.pdf', "re_cord.pdf"),
        ("C:\\Users\\x\\visit.docx", "visit.docx"),
        ("...", "attachment"),
        ("visit\r\nSet-Cookie: a=b.pdf", "visit__Set-Cookie_ a_b.pdf"),
    ],
)
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_session_cookie_is_signed_and_idle_sessions_end() -> None:
    store = SessionStore("k" * 32, timedelta(minutes=30))
    session = store.new(T0)
    cookie = store.cookie_value(session)
    assert store.load(cookie, T0 + timedelta(minutes=20)) is session
    assert store.load(session.token, T0) is None  # the bare token is not a signed cookie
    assert store.load(cookie[:-2] + "xx", T0) is None
    assert SessionStore("other key" * 4, timedelta(minutes=30)).load(cookie, T0) is None
    assert store.load(cookie, T0 + timedelta(minutes=51)) is None
    assert store.load(cookie, T0 + timedelta(minutes=52)) is None  # gone for good


def test_signing_in_rotates_the_session() -> None:
    store = SessionStore("k" * 32, timedelta(minutes=30))
    before = store.new(T0)
    after = store.rotate(before, T0, user_id=7)
    assert after.token != before.token and after.csrf != before.csrf
    assert store.load(store.cookie_value(before), T0) is None
    assert csrf_ok(after, after.csrf) and not csrf_ok(after, before.csrf)
    assert not csrf_ok(None, after.csrf) and not csrf_ok(after, "") and not csrf_ok(after, None)


def test_login_limiter() -> None:
    limiter = LoginLimiter(3, timedelta(minutes=15))
    for i in range(3):
        assert not limiter.blocked("A@x.org", "1.2.3.4", T0)
        limiter.failed("a@x.org", "1.2.3.4", T0 + timedelta(minutes=i))
    assert limiter.blocked("a@x.org", "1.2.3.4", T0 + timedelta(minutes=3))
    assert not limiter.blocked("a@x.org", "5.6.7.8", T0 + timedelta(minutes=3))
    assert not limiter.blocked("a@x.org", "1.2.3.4", T0 + timedelta(minutes=16))
