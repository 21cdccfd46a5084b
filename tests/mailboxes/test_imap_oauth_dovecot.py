"""XOAUTH2 against the real loopback Dovecot, with tokens msal gets from the local token endpoint.

scripts/servers/start-dovecot.sh gives Dovecot an oauth2 passdb for XOAUTH2 and OAUTHBEARER that
POSTs each token to http://127.0.0.1:$MAILTEST_OAUTH_INTROSPECT_PORT/introspect (RFC 7662); these
tests serve that endpoint from the fake identity platform that issued the token.

What Dovecot 2.3 does with a token: it asks about it at login only. An inactive one (revoked,
expired, or issued to an app without mailbox access) gets a 401 JSON challenge and then
``NO [AUTHENTICATIONFAILED]``; a session already logged in carries on. It never sends Exchange
Online's ``BYE ... AccessTokenExpired`` (that is tested against the scripted server in
test_imap_oauth.py): here a revoked or expired token shows at the next login. While the
introspection endpoint is down it answers ``NO [UNAVAILABLE] Temporary authentication failure``.
"""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from mailbot.auth import OUTLOOK_SCOPE, MsalTokenProvider
from mailbot.errors import MailboxError
from mailbot.mailboxes.factory import make_mailbox
from mailbot.mailboxes.imap import ImapMailbox
from mailbot.mailboxes.retry import BackoffPolicy
from tests.fakes.token_server import (
    TokenState,
    running_introspection_server,
    running_token_server,
)
from tests.mailboxes.conftest import Dovecot, MemoryCursors, make_message

pytestmark = pytest.mark.servers
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts" / "servers"
USER, PASSWORD = "bob", "bobpw"


@dataclass
class Oauth:
    dovecot: Dovecot
    state: TokenState  # the token endpoint and, through it, the introspection endpoint
    provider: MsalTokenProvider
    now: list[float]  # the clock of msal's token cache and of the tokens' expiry


@pytest.fixture
def oauth(dovecot: Dovecot, tmp_path: Path) -> Iterator[Oauth]:
    with IMAPClient(dovecot.host, dovecot.port, ssl=False, timeout=30) as probe:
        offered = probe.capabilities()
    ext = dovecot.root / "dovecot" / "dovecot-oauth2.conf.ext"
    url = f"introspection_url = http://127.0.0.1:{dovecot.introspect_port}/introspect"
    if b"AUTH=XOAUTH2" not in offered or url not in (ext.read_text() if ext.exists() else ""):
        message = (
            f"needs Dovecot with XOAUTH2 asking 127.0.0.1:{dovecot.introspect_port} about "
            "tokens: restart it with scripts/servers/start-dovecot.sh (same MAILTEST_* variables)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    now = [1000.0]
    with ExitStack() as stack:
        state, authority, cafile = stack.enter_context(running_token_server(tmp_path))
        state.username, state.clock = USER, lambda: now[0]
        try:
            stack.enter_context(running_introspection_server(state, dovecot.introspect_port))
        except OSError as exc:
            pytest.fail(
                f"cannot serve Dovecot's token introspection on 127.0.0.1:"
                f"{dovecot.introspect_port} (MAILTEST_OAUTH_INTROSPECT_PORT): {exc.strerror}"
            )
        provider = MsalTokenProvider(
            tenant_id=state.tenant,
            client_id=state.client_id,
            client_secret=state.client_secret,
            scopes=(OUTLOOK_SCOPE,),
            oidc_authority=authority,
            verify=cafile,
            monotonic=lambda: now[0],
        )
        yield Oauth(dovecot, state, provider, now)


@pytest.fixture
def folder(oauth: Oauth) -> Iterator[str]:
    """A fresh folder of bob's for one test; removed afterwards."""
    dovecot, name = oauth.dovecot, f"T{uuid.uuid4().hex[:10]}"
    with dovecot.admin(USER, PASSWORD) as admin:
        admin.create_folder(name)
    yield name
    with dovecot.admin(USER, PASSWORD) as admin:
        for existing in admin.list_folders(pattern=f"{name}*"):
            admin.delete_folder(existing[2])


def _mailbox(oauth: Oauth, folder: str, **options: Any) -> ImapMailbox:
    settings: dict[str, Any] = {
        "host": oauth.dovecot.host,
        "port": oauth.dovecot.port,
        "tls": "starttls",
        "cafile": oauth.dovecot.cafile,
        "username": USER,
        "token_provider": oauth.provider,
        "folder": folder,
        "processed_folder": f"{folder}/Processed",
        "exceptions_folder": f"{folder}/Exceptions",
        "backoff": BackoffPolicy(base=0.1, cap=1.0, attempts=5),
    }
    settings.update(options)
    box = make_mailbox("imap", "mecc", MemoryCursors(), **settings)
    assert isinstance(box, ImapMailbox)
    return box


def _append(dovecot: Dovecot, folder: str, *subjects: str) -> None:
    """Delivered by another mail client, logged in with bob's password."""
    with dovecot.admin(USER, PASSWORD) as admin:
        for subject in subjects:
            admin.append(folder, make_message(subject))


def _subjects(items: list[Any]) -> list[str]:
    return [
        line[9:].decode()
        for item in items
        for line in item.raw.splitlines()
        if line.startswith(b"Subject: ")
    ]


def test_mailbot_reads_and_files_mail_over_xoauth2_with_a_token_from_msal(
    oauth: Oauth, folder: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _append(oauth.dovecot, folder, "visit record over oauth")
    box = _mailbox(oauth, folder)
    try:
        items = list(box.fetch())
        assert _subjects(items) == ["visit record over oauth"]
        box.acknowledge(items[0].position, "forwarded")
    finally:
        box.close()
    with oauth.dovecot.admin(USER, PASSWORD) as admin:
        assert admin.folder_status(folder, [b"MESSAGES"])[b"MESSAGES"] == 0
        assert admin.folder_status(f"{folder}/Processed", [b"MESSAGES"])[b"MESSAGES"] == 1
    assert oauth.state.requests[0]["grant_type"] == ["client_credentials"]
    assert oauth.state.requests[0]["scope"] == [OUTLOOK_SCOPE]
    assert oauth.state.introspected == ["tok-1"]  # Dovecot asked about msal's token, once
    assert box.connections == 1
    sasl = base64.b64encode(f"user={USER}\1auth=Bearer tok-1\1\1".encode()).decode()
    for secret in ("tok-1", sasl, oauth.state.client_secret):
        assert secret not in caplog.text


def test_passwords_go_to_the_password_file_and_bearer_tokens_to_the_introspection_endpoint(
    oauth: Oauth,
) -> None:
    dovecot, state = oauth.dovecot, oauth.state
    with IMAPClient(dovecot.host, dovecot.port, ssl=False, timeout=30) as client:
        client.login(USER, PASSWORD)
    with (
        IMAPClient(dovecot.host, dovecot.port, ssl=False, timeout=30) as client,
        pytest.raises(LoginError, match="AUTHENTICATIONFAILED"),
    ):
        client.login(USER, "not-the-password")
    assert state.introspected == []  # a password is never sent to the token endpoint
    token = oauth.provider()
    for mechanism in ("XOAUTH2", "OAUTHBEARER"):
        with IMAPClient(dovecot.host, dovecot.port, ssl=False, timeout=30) as client:
            if mechanism == "XOAUTH2":
                client.oauth2_login(USER, token)
            else:
                client.oauthbearer_login(USER, token)
            assert client.select_folder("INBOX")[b"UIDVALIDITY"]
    assert state.introspected == [token, token]
    with (
        IMAPClient(dovecot.host, dovecot.port, ssl=False, timeout=30) as client,
        pytest.raises(LoginError, match="AUTHENTICATIONFAILED"),
    ):
        client.oauth2_login("alice", token)  # bob's token does not open alice's mailbox


def test_a_token_dovecot_refuses_is_a_clear_error_then_a_fresh_valid_token_gets_in(
    oauth: Oauth, folder: str
) -> None:
    state = oauth.state
    state.mail_access = False  # e.g. IMAP.AccessAsApp not consented yet: tokens, useless ones
    _append(oauth.dovecot, folder, "waiting for consent")
    box = _mailbox(oauth, folder)
    try:
        with pytest.raises(MailboxError) as caught:
            list(box.fetch())
        message = str(caught.value)
        assert "refused" in message and repr(USER) in message
        assert "tok-" not in message and "tok-" not in repr(caught.value.__cause__)
        # mailbot asked msal for a fresh token before giving up, and Dovecot refused that too
        assert state.introspected == ["tok-1", "tok-2"]
        assert state.issued == 2

        state.mail_access = True  # consent granted: the next token msal gets is good
        assert _subjects(list(box.fetch())) == ["waiting for consent"]
        assert state.introspected[2:] == ["tok-2", "tok-3"]
    finally:
        box.close()


def test_a_token_revoked_mid_session_is_refused_at_the_next_login_then_a_fresh_one_is_used(
    oauth: Oauth, folder: str
) -> None:
    state = oauth.state
    box = _mailbox(oauth, folder)
    try:
        _append(oauth.dovecot, folder, "before the revocation")
        assert _subjects(list(box.fetch())) == ["before the revocation"]
        state.revoke("tok-1")
        _append(oauth.dovecot, folder, "after the revocation")
        assert _subjects(list(box.fetch())) == ["after the revocation"]  # same session
        assert box.connections == 1
        box.close()  # the connection is made again (a network drop, a daemon restart)

        _append(oauth.dovecot, folder, "after reconnecting")
        assert _subjects(list(box.fetch())) == ["after reconnecting"]
        assert box.connections == 2
        assert state.introspected == ["tok-1", "tok-1", "tok-2"]  # refused, then a fresh one
        assert state.issued == 2
    finally:
        box.close()


def test_the_token_is_refreshed_before_it_expires_so_dovecot_never_refuses_it(
    oauth: Oauth, folder: str
) -> None:
    state = oauth.state
    box = _mailbox(oauth, folder)
    try:
        assert list(box.fetch()) == []
        box.close()
        oauth.now[0] += state.expires_in - 120  # two minutes left: still valid at Dovecot
        _append(oauth.dovecot, folder, "near the token's expiry")
        assert _subjects(list(box.fetch())) == ["near the token's expiry"]
        assert state.introspected == ["tok-1", "tok-2"]  # no refused login in between
    finally:
        box.close()


def test_while_dovecot_cannot_check_tokens_the_login_fails_temporarily_and_is_retried(
    oauth: Oauth, folder: str, caplog: pytest.LogCaptureFixture
) -> None:
    state, slept = oauth.state, list[float]()
    _append(oauth.dovecot, folder, "sent while the identity platform was down")
    state.introspection_up = False  # Dovecot: NO [UNAVAILABLE] Temporary authentication failure
    box = _mailbox(oauth, folder, sleep=slept.append, rand=lambda: 0.0)
    try:
        with caplog.at_level(logging.INFO), pytest.raises(MailboxError) as caught:
            list(box.fetch())
        message = str(caught.value)
        assert "login failed temporarily after 5 attempts" in message
        assert "[UNAVAILABLE] Temporary authentication failure" in message
        assert "refused" not in message
        assert state.turned_away == 5  # every attempt reached Dovecot's token check
        assert slept == [0.05, 0.1, 0.2, 0.4]  # with the capped backoff in between

        state.introspection_up = True
        assert _subjects(list(box.fetch())) == ["sent while the identity platform was down"]
    finally:
        box.close()
    assert state.issued == 1  # the token was never the problem: kept, not replaced
    assert state.introspected == ["tok-1"]
    assert "tok-1" not in caplog.text


@pytest.mark.slow
def test_dovecot_restart_while_idling_with_a_revoked_token_reconnects_with_a_fresh_one(
    oauth: Oauth, folder: str
) -> None:
    state = oauth.state
    box = _mailbox(oauth, folder, backoff=BackoffPolicy(base=0.2, cap=1.0, attempts=30))
    env = {**os.environ, "MAILTEST_KEEP_MAIL": "1"}

    def restart_then_deliver() -> None:
        subprocess.run(
            ["bash", str(SCRIPTS / "start-dovecot.sh")], env=env, check=True, capture_output=True
        )
        _append(oauth.dovecot, folder, "sent during the outage")

    try:
        assert list(box.fetch()) == []
        state.revoke("tok-1")
        worker = threading.Thread(target=restart_then_deliver)
        worker.start()
        try:
            woke = box.wait(120)
        finally:
            worker.join()
        assert woke is True
        items = list(box.fetch())
        while not items and box.wait(30):  # woke on the reconnect just before the APPEND
            items = list(box.fetch())
        assert _subjects(items) == ["sent during the outage"]
        assert state.introspected[:3] == ["tok-1", "tok-1", "tok-2"]
        assert state.issued == 2
    finally:
        box.close()
