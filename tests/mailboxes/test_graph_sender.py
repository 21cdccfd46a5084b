"""The Graph sender (outbound.graph) against the local Graph stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest

from outbound.factory import make_sender
from outbound.graph import GraphSender
from outbound.sender import Envelope, SendError
from tests.fakes.graph_server import GraphState, running_graph
from tests.mailboxes.test_graph import RotatingToken, Sleeps


@pytest.fixture
def graph() -> Iterator[tuple[GraphState, str]]:
    with running_graph() as served:
        yield served


def _sender(graph: tuple[GraphState, str], sleeps: Sleeps | None = None) -> GraphSender:
    state, url = graph
    sender = make_sender(
        "graph",
        mailbox=state.user,
        token_provider=RotatingToken(),
        base_url=url,
        sleep=sleeps or Sleeps(),
    )
    assert isinstance(sender, GraphSender)
    return sender


def _forward(message_id: str, attachment: bytes | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = "mecc@council.example"
    msg["To"] = "social.worker@council.example"
    msg["Subject"] = "Visit record: T.C. (E1234567)"
    msg["Message-ID"] = message_id
    msg["X-Mailbot-Outbox"] = "42"
    msg.set_content("Summary: visit on 5 January, child seen alone.")
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="record.pdf")
    return msg.as_bytes()


def test_small_message_goes_through_sendmail_as_base64_mime(graph: tuple[GraphState, str]) -> None:
    state, _ = graph
    sender = _sender(graph)
    envelope = Envelope(
        "mecc@council.example", ("social.worker@council.example", "manager@council.example")
    )
    try:
        assert sender.already_sent("<fwd-1@mailbot.example>") is False
        sender.send(_forward("<fwd-1@mailbot.example>"), envelope, "<fwd-1@mailbot.example>")
        assert sender.already_sent("<fwd-1@mailbot.example>") is True
    finally:
        sender.close()
    (sent,) = state.sent
    parsed = message_from_bytes(sent, policy=default_policy)
    assert parsed["Subject"] == "Visit record: T.C. (E1234567)"
    assert parsed["Bcc"] == "manager@council.example"  # an envelope-only recipient is not lost
    (call,) = [c for c in state.calls if c.path.endswith("/sendMail")]
    assert call.headers["Content-Type"] == "text/plain"


def test_large_message_is_sent_as_a_draft_with_an_upload_session(
    graph: tuple[GraphState, str],
) -> None:
    state, _ = graph
    big = bytes(range(256)) * (5 * 1024 * 1024 // 256)  # 5 MiB: over sendMail's limit
    sender = _sender(graph)
    try:
        sender.send(
            _forward("<fwd-2@mailbot.example>", big),
            Envelope("mecc@council.example", ("social.worker@council.example",)),
            "<fwd-2@mailbot.example>",
        )
        assert sender.already_sent("<fwd-2@mailbot.example>") is True
    finally:
        sender.close()
    assert state.sent == []
    (draft,) = state.sent_json
    assert draft["subject"] == "Visit record: T.C. (E1234567)"
    assert draft["toRecipients"] == [{"emailAddress": {"address": "social.worker@council.example"}}]
    assert draft["internetMessageId"] == "<fwd-2@mailbot.example>"
    assert draft["attachments"] == [{"name": "record.pdf", "bytes": big}]
    puts = [c for c in state.calls if c.method == "PUT"]
    assert len(puts) == 2 and all("Authorization" not in c.headers for c in puts)


def test_throttled_send_waits_retry_after_then_succeeds(graph: tuple[GraphState, str]) -> None:
    state, _ = graph
    sleeps = Sleeps()
    sender = _sender(graph, sleeps)
    state.faults.append((429, "3"))
    try:
        sender.send(
            _forward("<fwd-3@mailbot.example>"),
            Envelope("mecc@council.example", ("social.worker@council.example",)),
            "<fwd-3@mailbot.example>",
        )
    finally:
        sender.close()
    assert sleeps.seconds == [3.0] and len(state.sent) == 1


def test_unavailable_during_send_is_temporary_and_not_retried_blindly(
    graph: tuple[GraphState, str],
) -> None:
    state, _ = graph
    sender = _sender(graph)
    state.faults.append((503, "1"))  # the server may or may not have acted: the outbox decides
    try:
        with pytest.raises(SendError) as caught:
            sender.send(
                _forward("<fwd-4@mailbot.example>"),
                Envelope("mecc@council.example", ("social.worker@council.example",)),
                "<fwd-4@mailbot.example>",
            )
    finally:
        sender.close()
    assert caught.value.permanent is False
    assert state.sent == []


def test_unknown_user_is_a_permanent_failure(graph: tuple[GraphState, str]) -> None:
    _state, url = graph
    sender = make_sender(
        "graph",
        mailbox="nobody@council.example",
        token_provider=RotatingToken(),
        base_url=url,
        sleep=Sleeps(),
    )
    try:
        with pytest.raises(SendError) as caught:
            sender.send(
                _forward("<fwd-5@mailbot.example>"),
                Envelope("mecc@council.example", ("social.worker@council.example",)),
                "<fwd-5@mailbot.example>",
            )
        assert caught.value.permanent is True
        assert sender.already_sent("<fwd-5@mailbot.example>") is None
    finally:
        sender.close()
