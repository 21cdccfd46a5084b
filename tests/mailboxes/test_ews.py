"""The Exchange (EWS) mailbox and sender: real exchangelib against a local EWS stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest

from mailbot.errors import MailboxError
from mailbot.mailboxes.ews import EwsMailbox
from mailbot.mailboxes.factory import make_mailbox
from outbound.ews import EwsSettings, make_account
from outbound.factory import make_sender
from outbound.sender import Envelope, SendError
from tests.fakes.ews_server import EwsState, running_ews
from tests.mailboxes.conftest import MemoryCursors, make_message


@pytest.fixture
def ews() -> Iterator[tuple[EwsState, str]]:
    with running_ews() as served:
        yield served


def _options(ews: tuple[EwsState, str], **overrides: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "email_address": "mecc@council.example",
        "service_endpoint": ews[1],
        "auth": "basic",
        "username": "COUNCIL\\mecc",
        "password": "ews-secret",
    }
    options.update(overrides)
    return options


def _box(ews: tuple[EwsState, str], cursors: MemoryCursors, **overrides: Any) -> EwsMailbox:
    box = make_mailbox("ews", "exchange", cursors, **_options(ews, **overrides))
    assert isinstance(box, EwsMailbox)
    return box


def _subject(raw: bytes) -> str:
    return str(message_from_bytes(raw, policy=default_policy)["Subject"])


def test_sync_yields_oldest_first_and_acknowledge_moves_into_created_folders(
    ews: tuple[EwsState, str], cursors: MemoryCursors
) -> None:
    state, _ = ews
    for n in range(3):
        state.deliver(make_message(f"record {n}"))
    box = _box(ews, cursors)
    try:
        items = list(box.fetch())
        assert [_subject(i.raw) for i in items] == ["record 0", "record 1", "record 2"]
        box.acknowledge(items[0].position, "forwarded")
        box.acknowledge(items[1].position, "exception")
        box.acknowledge(items[2].position, "ignored")
        assert list(box.fetch()) == []
    finally:
        box.close()
    processed, exceptions = state.folder_named("Processed"), state.folder_named("Exceptions")
    assert processed and exceptions
    assert [_subject(i.mime) for i in state.in_folder(exceptions)] == ["record 1"]
    assert len(state.in_folder(processed)) == 2
    assert state.in_folder("F-inbox") == []
    assert cursors.states["exchange"]["sync_state"].startswith("sync-")


def test_restart_resumes_from_the_saved_sync_state_and_rereads_unacknowledged_mail(
    ews: tuple[EwsState, str], cursors: MemoryCursors
) -> None:
    state, _ = ews
    state.deliver(make_message("acknowledged"))
    first = _box(ews, cursors)
    (item,) = first.fetch()
    first.acknowledge(item.position, "forwarded")
    state.deliver(make_message("not acknowledged"))
    assert [_subject(i.raw) for i in first.fetch()] == ["not acknowledged"]
    first.close()

    second = _box(ews, cursors)
    try:
        assert [_subject(i.raw) for i in second.fetch()] == ["not acknowledged"]
    finally:
        second.close()


def test_invalid_sync_state_starts_a_full_sync(
    ews: tuple[EwsState, str], cursors: MemoryCursors
) -> None:
    state, _ = ews
    state.deliver(make_message("still there"))
    cursors.states["exchange"] = {"sync_state": "corrupt"}
    box = _box(ews, cursors)
    try:
        assert [_subject(i.raw) for i in box.fetch()] == ["still there"]
    finally:
        box.close()


def test_busy_server_is_retried_after_its_back_off_hint(
    ews: tuple[EwsState, str], cursors: MemoryCursors
) -> None:
    state, _ = ews
    state.deliver(make_message("busy day"))
    slept: list[float] = []
    box = _box(ews, cursors, sleep=slept.append)
    try:
        state.busy = 2
        assert [_subject(i.raw) for i in box.fetch()] == ["busy day"]
    finally:
        box.close()
    assert slept == [0.05, 0.05]  # BackOffMilliseconds=50, as the server asked


def test_wait_polls_until_mail_arrives(ews: tuple[EwsState, str], cursors: MemoryCursors) -> None:
    state, _ = ews
    polls: list[float] = []

    def sleep(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) == 2:
            state.deliver(make_message("polled in"))

    box = _box(ews, cursors, sleep=sleep, poll_interval=7.0)
    try:
        assert list(box.fetch()) == []
        assert box.wait(3600) is True
        assert polls == [7.0, 7.0]
        assert [_subject(i.raw) for i in box.fetch()] == ["polled in"]
    finally:
        box.close()


def test_wrong_password_is_a_clear_error_without_the_password(
    ews: tuple[EwsState, str], cursors: MemoryCursors
) -> None:
    box = _box(ews, cursors, password="Not-The-Secret-7")
    try:
        with pytest.raises(MailboxError) as caught:
            list(box.fetch())
        assert "exchange" in str(caught.value)
        assert "Not-The-Secret-7" not in str(caught.value)
    finally:
        box.close()


def _forward(message_id: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "mecc@council.example"
    msg["To"] = "social.worker@council.example"
    msg["Subject"] = "Visit record: T.C. (E1234567)"
    msg["Message-ID"] = message_id
    msg.set_content("Summary: child seen alone; no concerns.")
    return msg.as_bytes()


def test_sender_sends_and_saves_then_finds_it_in_sent_items(ews: tuple[EwsState, str]) -> None:
    state, _ = ews
    sender = make_sender("ews", **_options(ews))
    envelope = Envelope(
        "mecc@council.example", ("social.worker@council.example", "manager@council.example")
    )
    try:
        assert sender.already_sent("<fwd-9@mailbot.example>") is False
        sender.send(_forward("<fwd-9@mailbot.example>"), envelope, "<fwd-9@mailbot.example>")
        assert sender.already_sent("<fwd-9@mailbot.example>") is True
    finally:
        sender.close()
    (sent,) = state.sent
    parsed = message_from_bytes(sent, policy=default_policy)
    assert parsed["Message-ID"] == "<fwd-9@mailbot.example>"
    assert parsed["Bcc"] == "manager@council.example"
    assert "CreateItem" in state.operations


def test_sender_with_wrong_password_fails_temporarily(ews: tuple[EwsState, str]) -> None:
    sender = make_sender("ews", **_options(ews, password="wrong"))
    try:
        with pytest.raises(SendError) as caught:
            sender.send(
                _forward("<fwd-10@mailbot.example>"),
                Envelope("mecc@council.example", ("social.worker@council.example",)),
                "<fwd-10@mailbot.example>",
            )
        assert caught.value.permanent is False
        assert "wrong" not in str(caught.value)
        assert sender.already_sent("<fwd-10@mailbot.example>") is None
    finally:
        sender.close()


def test_the_fake_gives_a_folder_total_count(ews: tuple[EwsState, str]) -> None:
    state, _ = ews
    for n in range(2):
        state.deliver(make_message(f"waiting {n}"))
    account = make_account(EwsSettings(**_options(ews)))
    try:
        assert account.inbox.total_count == 2
        state.deliver(make_message("one more"))
        assert account.inbox.refresh().total_count == 3
    finally:
        account.protocol.close()


def test_backlog_is_the_folder_total_count_once_per_fetch_less_what_was_moved(
    ews: tuple[EwsState, str], cursors: MemoryCursors
) -> None:
    state, _ = ews
    for n in range(5):
        state.deliver(make_message(f"record {n}"))
    box = _box(ews, cursors)
    try:
        assert box.backlog() is None  # not fetched yet
        for item in box.fetch(limit=2):
            box.acknowledge(item.position, "forwarded")
        assert box.backlog() == 3 == len(state.in_folder("F-inbox"))
        first = state.operations.count("GetFolder")
        state.deliver(make_message("late"))
        for item in box.fetch():
            box.acknowledge(item.position, "forwarded")
        assert box.backlog() == 1 == len(state.in_folder("F-inbox"))  # "late": the next round
        assert state.operations.count("GetFolder") == first + 1  # one refresh for the round
    finally:
        box.close()
