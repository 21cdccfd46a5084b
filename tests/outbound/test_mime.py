"""The MIME writer: what it writes reads back the same through the standard library."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage

from outbound.mime import build
from outbound.templates import Rendered
from outbound.values import FileAttachment, Recipients, Stamp

STAMP = Stamp("m1@exampleshire.gov.uk", datetime(2026, 3, 10, 9, 30, tzinfo=UTC), "p@q", ("a@b",))


def _build(**kw: object) -> EmailMessage:
    values: dict[str, object] = {
        "kind": "forward",
        "rendered": Rendered("Visit record", "Seen today.\n", "<p>Seen today.</p>"),
        "from_name": "Exampleshire MECC",
        "from_address": "mecc@exampleshire.gov.uk",
        "recipients": Recipients(("sw@exampleshire.gov.uk",)),
        "stamp": STAMP,
    }
    values.update(kw)
    raw = build(**values).raw  # type: ignore[arg-type]
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF on the wire"
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    assert not msg.defects
    return msg


def test_long_and_non_ascii_headers_read_back_unchanged() -> None:
    subject = "Visit record for J.T. (C123456) \u2014 RISK FLAG " + "word " * 30
    team = tuple(f"social.worker{i}@exampleshire.gov.uk" for i in range(8))
    msg = _build(
        rendered=Rendered(subject, "t", "<p>h</p>"),
        from_name="Comhairle nan \u00c8ilean Siar MECC",
        recipients=Recipients(team, ("tm@exampleshire.gov.uk",)),
    )
    assert msg["Subject"] == " ".join(subject.split())
    assert msg["From"].addresses[0].display_name == "Comhairle nan \u00c8ilean Siar MECC"
    assert [a.addr_spec for a in msg["To"].addresses] == list(team)
    assert msg["Cc"] == "tm@exampleshire.gov.uk"
    assert msg["References"] == "<a@b> <p@q>"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Date"].datetime == STAMP.date


def test_text_parts_keep_every_character_and_line() -> None:
    text = "Caf\u00e9 visit.\n" + "x" * 200 + "\n.\nFrom the school  \n\ttabbed\n"
    msg = _build(rendered=Rendered("s", text, "<p>caf\u00e9 \u2014 ok</p>"))
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().replace("\r\n", "\n") == text  # CRLF on the wire
    assert html.get_content() == "<p>caf\u00e9 \u2014 ok</p>"


def test_attachments_round_trip_and_odd_types_become_octet_stream() -> None:
    data = bytes(range(256)) * 50
    files = (
        FileAttachment("Visit record.docx", "application/msword", data),
        FileAttachment("odd", "text/plain; charset=x\r\nBcc: evil@x", b"abc"),
        FileAttachment("nested.eml", "message/rfc822", b"x"),
    )
    msg = _build(attachments=files)
    parts = list(msg.iter_attachments())
    assert [p.get_filename() for p in parts] == ["Visit record.docx", "odd", "nested.eml"]
    assert parts[0].get_content() == data
    assert parts[1].get_content_type() == "text/plain"
    assert parts[2].get_content_type() == "application/octet-stream"
    assert msg["Bcc"] is None


def test_an_original_holding_the_boundary_cannot_break_the_message() -> None:
    first = build(
        kind="forward", rendered=Rendered("s", "t", "h"), from_name="M",
        from_address="mecc@exampleshire.gov.uk",
        recipients=Recipients(("sw@exampleshire.gov.uk",)), stamp=STAMP, original=b"x",
    ).raw  # fmt: skip
    boundary = first.split(b'boundary="', 1)[1].split(b'"', 1)[0]
    original = b"From: a@b\r\nSubject: trap\r\n\r\n--" + boundary + b"--\r\nstill the original\r\n"
    msg = _build(original=original)
    [part] = list(msg.iter_attachments())
    assert part.get_content_type() == "message/rfc822"
    inner = part.get_content()
    assert inner["Subject"] == "trap"
    assert "still the original" in inner.get_content()
