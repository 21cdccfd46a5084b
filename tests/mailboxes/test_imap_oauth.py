"""IMAP logins and Exchange Online's mid-session token expiry, against a scripted server: what
the loopback Dovecot cannot be made to do on cue. XOAUTH2 against the real Dovecot (tokens from
msal, checked by its oauth2 passdb) is in test_imap_oauth_dovecot.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from mailbot.errors import MailboxError
from mailbot.mailboxes.imap import ImapMailbox
from mailbot.mailboxes.retry import BackoffPolicy
from tests.fakes.imap_server import ImapState, running_imap
from tests.mailboxes.conftest import MemoryCursors, make_message


@dataclass
class CountingToken:
    issued: int = 1
    forced: int = 0

    def __call__(self, force_refresh: bool = False) -> str:
        if force_refresh:
            self.issued += 1
            self.forced += 1
        return f"token-{self.issued}"


def _box(port: int, token: CountingToken, slept: list[float], **options: Any) -> ImapMailbox:
    settings: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "tls": "plain",
        "username": "mecc@council.example",
        "token_provider": token,
        "backoff": BackoffPolicy(base=0.5, cap=4.0, attempts=4),
        "sleep": slept.append,
        "rand": lambda: 0.0,
    }
    return ImapMailbox("m365-imap", MemoryCursors(), **{**settings, **options})


def test_access_token_expired_during_idle_refreshes_the_token_and_reconnects() -> None:
    token, slept = CountingToken(), list[float]()
    with running_imap() as (state, port):
        box = _box(port, token, slept)
        try:
            assert list(box.fetch()) == []
            state.expire_during_idle = True
            state.arrives_with_expiry = make_message("arrived while the token expired")
            assert box.wait(30) is True
            assert token.forced == 1
            assert state.logins == ["token-1", "token-2"]
            assert box.connections == 2
            (item,) = box.fetch()
            assert b"arrived while the token expired" in item.raw
            assert item.position == "INBOX/7/1"
        finally:
            box.close()
    assert slept == [0.25]  # one back-off (half the base: jitter 0) before reconnecting


def test_a_refused_token_is_retried_once_fresh_then_reported() -> None:
    token, slept = CountingToken(), list[float]()
    with running_imap(ImapState(valid_tokens={"token-2"})) as (state, port):
        box = _box(port, token, slept)
        try:
            assert list(box.fetch()) == []  # token-1 refused, a fresh token-2 accepted
            assert state.logins == ["token-1", "token-2"]
            box.close()
            state.valid_tokens = set()
            with pytest.raises(MailboxError, match="refused") as caught:
                list(box.fetch())
            assert "token-" not in str(caught.value)
        finally:
            box.close()


@pytest.mark.parametrize("login", ["xoauth2", "password"])
def test_a_login_the_server_cannot_check_now_is_retried_with_backoff_not_refused(
    login: str,
) -> None:
    token, slept = CountingToken(), list[float]()
    password = {"token_provider": None, "password": "pw"} if login == "password" else {}
    with running_imap(ImapState(messages={1: make_message("waiting")}, unavailable=2)) as (_, port):
        box = _box(port, token, slept, **password)
        try:
            (item,) = box.fetch()  # NO [UNAVAILABLE] twice, then in
            assert b"waiting" in item.raw
        finally:
            box.close()
    assert slept == [0.25, 0.5]  # the reconnection backoff, as for a lost connection
    assert token.forced == 0  # the token was not the problem: not replaced
