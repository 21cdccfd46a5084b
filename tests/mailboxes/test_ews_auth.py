"""Signing in to Exchange on premises: NTLM, OAuth2 client credentials from a configured token
endpoint, and a server certificate signed by the council's own CA (``cafile``). Real exchangelib
(requests_ntlm / pyspnego, requests-oauthlib) against the local EWS and token stand-ins."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

from mailbot.errors import ConfigError, MailboxError
from mailbot.mailboxes.ews import EwsMailbox
from mailbot.mailboxes.factory import make_mailbox
from mailbot.settings import Settings, load
from mailbot.wiring import make_mailbox_from, make_sender_from
from outbound.factory import make_sender
from outbound.sender import Envelope, SendError
from tests.fakes.ews_server import EwsState, running_ews
from tests.fakes.token_server import TokenState, make_certificate, running_token_server
from tests.mailboxes.conftest import MemoryCursors, make_message

ADDRESS = "mecc@council.example"


def _options(endpoint: str, **overrides: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "email_address": ADDRESS,
        "service_endpoint": endpoint,
        "auth": "ntlm",
        "username": "COUNCIL\\mecc",
        "password": "ews-secret",
    }
    options.update(overrides)
    return options


def _box(endpoint: str, cursors: MemoryCursors, **overrides: Any) -> EwsMailbox:
    options = {"sleep": lambda seconds: None, **_options(endpoint, **overrides)}
    box = make_mailbox("ews", "exchange", cursors, **options)
    assert isinstance(box, EwsMailbox)
    return box


def _subject(raw: bytes) -> str:
    return str(message_from_bytes(raw, policy=default_policy)["Subject"])


def _forward(message_id: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = ADDRESS
    msg["To"] = "social.worker@council.example"
    msg["Subject"] = "Visit record: T.C. (E1234567)"
    msg["Message-ID"] = message_id
    msg.set_content("Summary: child seen alone; no concerns.")
    return msg.as_bytes()


@pytest.fixture(autouse=True)
def _fresh_exchangelib_protocols() -> Iterator[None]:
    """exchangelib caches one Protocol (with its auth type) per endpoint and credentials for the
    whole process; a later test's server may get a port an earlier one used."""
    from exchangelib import close_connections

    close_connections()
    yield
    close_connections()


@pytest.fixture
def ntlm() -> Iterator[tuple[EwsState, str]]:
    with running_ews(EwsState(auth="ntlm")) as served:
        yield served


# -- NTLM ---------------------------------------------------------------------------------


def test_ntlm_mailbox_fetches_and_moves_a_message_signing_in_once_per_connection(
    ntlm: tuple[EwsState, str], cursors: MemoryCursors
) -> None:
    state, endpoint = ntlm
    state.deliver(make_message("record over ntlm"))
    box = _box(endpoint, cursors)
    try:
        (item,) = box.fetch()
        assert _subject(item.raw) == "record over ntlm"
        box.acknowledge(item.position, "forwarded")
        assert list(box.fetch()) == []
    finally:
        box.close()
    processed = state.folder_named("Processed")
    assert processed and [_subject(i.mime) for i in state.in_folder(processed)] == [
        "record over ntlm"
    ]
    # one NTLM handshake: every later request rode on the signed-in keep-alive connection
    assert state.logins == ["ntlm COUNCIL\\mecc"]
    assert {"GetItem", "MoveItem"} <= set(state.operations)


def test_ntlm_wrong_user_is_a_clear_mailbox_error_and_the_mailbox_carries_on(
    ntlm: tuple[EwsState, str], cursors: MemoryCursors, caplog: pytest.LogCaptureFixture
) -> None:
    state, endpoint = ntlm
    state.deliver(make_message("waiting"))
    box = _box(endpoint, cursors, username="COUNCIL\\intruder", password="Pa55-Wrong-User")
    try:
        with caplog.at_level(logging.INFO), pytest.raises(MailboxError) as caught:
            list(box.fetch())
        message = str(caught.value)
        assert "mailbox 'exchange'" in message
        assert "Exchange refused the sign-in (ntlm authentication as COUNCIL\\intruder)" in message
        assert "Pa55-Wrong-User" not in message
        assert "Pa55-Wrong-User" not in caplog.text
        with pytest.raises(MailboxError):  # asked again (the daemon retries): the same answer
            box.wait(0)
    finally:
        box.close()
    assert state.refused[-1] == "ntlm: unknown user COUNCIL\\intruder"
    assert state.logins == []
    assert "GetFolder" not in state.operations  # nothing was answered to the refused user
    assert len(state.in_folder("F-inbox")) == 1


def test_ntlm_wrong_password_is_refused(ntlm: tuple[EwsState, str], cursors: MemoryCursors) -> None:
    state, endpoint = ntlm
    box = _box(endpoint, cursors, password="Not-The-Secret-7")
    try:
        with pytest.raises(MailboxError) as caught:
            list(box.fetch())
        assert "refused the sign-in" in str(caught.value)
        assert "Not-The-Secret-7" not in str(caught.value)
    finally:
        box.close()
    assert state.refused[-1] == "ntlm: wrong password for COUNCIL\\mecc"


def test_ntlm_sender_sends_and_finds_it_in_sent_items(ntlm: tuple[EwsState, str]) -> None:
    state, endpoint = ntlm
    sender = make_sender("ews", **_options(endpoint))
    try:
        sender.send(
            _forward("<fwd-ntlm@mailbot.example>"),
            Envelope(ADDRESS, ("social.worker@council.example",)),
            "<fwd-ntlm@mailbot.example>",
        )
        assert sender.already_sent("<fwd-ntlm@mailbot.example>") is True
    finally:
        sender.close()
    (sent,) = state.sent
    assert message_from_bytes(sent, policy=default_policy)["Message-ID"] == (
        "<fwd-ntlm@mailbot.example>"
    )
    assert state.logins and all(login == "ntlm COUNCIL\\mecc" for login in state.logins)


def test_ntlm_sender_with_a_wrong_user_fails_temporarily_naming_the_sign_in(
    ntlm: tuple[EwsState, str],
) -> None:
    _, endpoint = ntlm
    sender = make_sender("ews", **_options(endpoint, username="COUNCIL\\intruder"))
    try:
        with pytest.raises(SendError) as caught:
            sender.send(
                _forward("<fwd-x@mailbot.example>"),
                Envelope(ADDRESS, ("social.worker@council.example",)),
                "<fwd-x@mailbot.example>",
            )
        assert caught.value.permanent is False
        assert "refused the sign-in (ntlm authentication as COUNCIL\\intruder)" in str(caught.value)
        assert "ews-secret" not in str(caught.value)
    finally:
        sender.close()


# -- a private CA ---------------------------------------------------------------------------


@pytest.fixture
def tls_ews(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[EwsState, str, Path]]:
    """A fake EWS over HTTPS (NTLM, or the sign-in given as an indirect parameter) whose
    certificate no public CA signed; yields its CA file."""
    directory = tmp_path / "exchange-ca"
    directory.mkdir()
    cert, key = make_certificate(directory)
    auth = getattr(request, "param", "ntlm")
    with running_ews(EwsState(auth=auth), tls=(cert, key)) as (state, endpoint):
        yield state, endpoint, cert


def test_untrusted_certificate_is_a_clear_error_and_cafile_makes_it_work(
    tls_ews: tuple[EwsState, str, Path], cursors: MemoryCursors
) -> None:
    state, endpoint, ca = tls_ews
    state.deliver(make_message("over tls"))
    slept: list[float] = []
    untrusting = _box(endpoint, cursors, sleep=slept.append)
    try:
        with pytest.raises(MailboxError) as caught:
            list(untrusting.fetch())
        assert "TLS certificate is not trusted; set cafile" in str(caught.value)
        assert slept == []  # not retried: it cannot get better by itself
    finally:
        untrusting.close()
    assert state.operations == []

    trusting = _box(endpoint, cursors, cafile=str(ca))
    try:
        assert [_subject(i.raw) for i in trusting.fetch()] == ["over tls"]
    finally:
        trusting.close()
    assert state.logins == ["ntlm COUNCIL\\mecc"]

    sender = make_sender("ews", **_options(endpoint, cafile=str(ca)))
    try:
        assert sender.already_sent("<nothing-yet@mailbot.example>") is False
    finally:
        sender.close()


def test_cafile_is_trusted_only_for_its_own_server(
    tls_ews: tuple[EwsState, str, Path], cursors: MemoryCursors, tmp_path: Path
) -> None:
    _, endpoint, ca = tls_ews
    other_dir = tmp_path / "other-ca"
    other_dir.mkdir()
    with running_ews(EwsState(auth="ntlm"), tls=make_certificate(other_dir)) as (_, other):
        trusting = _box(endpoint, cursors, cafile=str(ca))
        stranger = _box(other, cursors)
        try:
            assert list(trusting.fetch()) == []
            with pytest.raises(MailboxError) as caught:
                list(stranger.fetch())
            assert "not trusted" in str(caught.value)
        finally:
            trusting.close()
            stranger.close()


def test_an_unreadable_cafile_is_named(
    tls_ews: tuple[EwsState, str, Path], cursors: MemoryCursors, tmp_path: Path
) -> None:
    _, endpoint, _ = tls_ews
    box = _box(endpoint, cursors, cafile=str(tmp_path / "missing-ca.pem"))
    try:
        with pytest.raises(MailboxError) as caught:
            list(box.fetch())
        assert "missing-ca.pem" in str(caught.value)
    finally:
        box.close()


# -- OAuth2 client credentials ------------------------------------------------------------


@pytest.fixture
def oauth(
    tmp_path: Path,
) -> Iterator[tuple[TokenState, EwsState, str, dict[str, Any]]]:
    """The token endpoint and a fake EWS that takes only the bearer tokens it issued, both over
    HTTPS with one certificate no public CA signed (as a council's CA signs its AD FS and its
    Exchange); yields (tokens, ews, endpoint, mailbox options)."""
    with running_token_server(tmp_path) as (tokens, authority, ca):
        # the token server's certificate and key, as make_certificate wrote them
        tls = (Path(ca), Path(ca).with_name("key.pem"))

        def accept(token: str) -> bool:
            return token in {f"tok-{n}" for n in range(1, tokens.issued + 1)}

        with running_ews(EwsState(auth="bearer", accept_token=accept), tls=tls) as (
            state,
            endpoint,
        ):
            options = {
                "auth": "oauth2",
                "username": None,
                "password": None,
                "tenant_id": tokens.tenant,
                "client_id": tokens.client_id,
                "client_secret": tokens.client_secret,
                "authority": authority.rsplit("/", 1)[0],  # https://127.0.0.1:PORT
                "cafile": ca,
            }
            yield tokens, state, endpoint, options


def test_oauth2_token_from_the_configured_authority_reads_the_mailbox(
    oauth: tuple[TokenState, EwsState, str, dict[str, Any]], cursors: MemoryCursors
) -> None:
    tokens, state, endpoint, options = oauth
    state.deliver(make_message("record over oauth"))
    box = _box(endpoint, cursors, **options)
    try:
        (item,) = box.fetch()
        assert _subject(item.raw) == "record over oauth"
        box.acknowledge(item.position, "exception")
    finally:
        box.close()
    assert tokens.issued == 1
    (request,) = tokens.requests
    assert request["grant_type"] == ["client_credentials"]
    assert request["scope"] == ["https://outlook.office365.com/.default"]
    assert state.logins and set(state.logins) == {"bearer"}
    assert set(state.impersonated) == {ADDRESS}  # app-only tokens act as the one mailbox
    exceptions = state.folder_named("Exceptions")
    assert exceptions and len(state.in_folder(exceptions)) == 1


def test_oauth2_sender_sends_with_a_token(
    oauth: tuple[TokenState, EwsState, str, dict[str, Any]],
) -> None:
    tokens, state, endpoint, options = oauth
    sender = make_sender("ews", **_options(endpoint, **options))
    try:
        sender.send(
            _forward("<fwd-oauth@mailbot.example>"),
            Envelope(ADDRESS, ("social.worker@council.example",)),
            "<fwd-oauth@mailbot.example>",
        )
    finally:
        sender.close()
    assert len(state.sent) == 1
    assert tokens.issued >= 1 and "bearer" in state.logins


def test_oauth2_refused_client_secret_is_a_clear_error_without_the_secret(
    oauth: tuple[TokenState, EwsState, str, dict[str, Any]],
    cursors: MemoryCursors,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tokens, state, endpoint, options = oauth
    box = _box(endpoint, cursors, **{**options, "client_secret": "Wrong-Secret-Q4"})
    try:
        with caplog.at_level(logging.INFO), pytest.raises(MailboxError) as caught:
            list(box.fetch())
    finally:
        box.close()
    message = str(caught.value)
    assert "refused the client credentials" in message
    assert "invalid_client" in message
    assert f"/{tokens.tenant}/oauth2/v2.0/token" in message
    assert "Wrong-Secret-Q4" not in message
    assert "Wrong-Secret-Q4" not in caplog.text
    assert tokens.issued == 0
    assert state.operations == []  # Exchange was never asked without a token


# -- settings -------------------------------------------------------------------------------


def _settings(tmp_path: Path, endpoint: str, cafile: Path, auth: str) -> Settings:
    """A mailbot.toml for Exchange on premises, as an administrator would write it."""
    password = tmp_path / "ews-password"
    password.write_text("ews-secret\n", encoding="utf-8")
    config = tmp_path / "mailbot.toml"
    config.write_text(
        f"""
[service]
mailbox_address = "{ADDRESS}"

[mailbox]
kind = "ews"
name = "exchange"
ews_url = "{endpoint}"
auth = "{auth}"
username = 'COUNCIL\\mecc'
password_file = "{password}"
cafile = "{cafile}"

[outbound]
kind = "ews"
""",
        encoding="utf-8",
    )
    return load(config, env={})


@pytest.mark.parametrize("tls_ews", ["ntlm", "basic"], indirect=True)
def test_ews_from_mailbot_toml_signs_in_as_configured_trusts_cafile_reads_and_sends(
    tls_ews: tuple[EwsState, str, Path], cursors: MemoryCursors, tmp_path: Path
) -> None:
    state, endpoint, ca = tls_ews
    settings = _settings(tmp_path, endpoint, ca, auth=state.auth)
    state.deliver(make_message("record via mailbot.toml"))
    box = make_mailbox_from(settings, cursors)  # type: ignore[arg-type]
    sender = make_sender_from(settings)
    try:
        (item,) = box.fetch()
        assert _subject(item.raw) == "record via mailbot.toml"
        sender.send(
            _forward("<fwd-toml@mailbot.example>"),
            Envelope(ADDRESS, ("social.worker@council.example",)),
            "<fwd-toml@mailbot.example>",
        )
    finally:
        box.close()
        sender.close()
    sent_items = [i.internet_id for i in state.in_folder("F-sentitems")]
    assert sent_items == ["<fwd-toml@mailbot.example>"]
    # Basic really is Basic (it used to become NTLM) and NTLM is NTLM, as the settings say
    assert state.logins and set(state.logins) == {f"{state.auth} COUNCIL\\mecc"}


@pytest.mark.parametrize("auth", ["password", "ntlm", "basic", "oauth2"])
def test_settings_accept_each_ews_auth(tmp_path: Path, auth: str) -> None:
    config = tmp_path / "mailbot.toml"
    lines = [
        "[mailbox]",
        'kind = "ews"',
        'ews_url = "https://mail.council.example/EWS/Exchange.asmx"',
        f'auth = "{auth}"',
        'cafile = "/etc/mailbot/council-ca.pem"',
    ]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = load(config, env={})
    assert settings.mailbox.auth == auth
    assert settings.mailbox.cafile == "/etc/mailbot/council-ca.pem"


def test_settings_refuse_an_unknown_ews_auth(tmp_path: Path) -> None:
    config = tmp_path / "mailbot.toml"
    config.write_text('[mailbox]\nkind = "ews"\nauth = "kerberos"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(config, env={})
    assert "[mailbox] auth" in str(caught.value)
    assert "kerberos" in str(caught.value)
