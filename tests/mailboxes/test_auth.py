"""OAuth2 client-credentials tokens through the real msal, against a local HTTPS token endpoint."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailbot.auth import AuthError, MsalTokenProvider
from tests.fakes.token_server import TokenState, running_token_server


@pytest.fixture
def idp(tmp_path: Path) -> Iterator[tuple[TokenState, str, str]]:
    with running_token_server(tmp_path) as served:
        yield served


def _provider(
    idp: tuple[TokenState, str, str], now: list[float], secret: str | None = None
) -> MsalTokenProvider:
    state, authority, cafile = idp
    return MsalTokenProvider(
        tenant_id=state.tenant,
        client_id=state.client_id,
        client_secret=secret or state.client_secret,
        oidc_authority=authority,
        verify=cafile,
        refresh_margin=300,
        monotonic=lambda: now[0],
    )


def test_token_is_cached_then_refreshed_before_it_expires(idp: tuple[TokenState, str, str]) -> None:
    state, _, _ = idp
    now = [1000.0]
    provider = _provider(idp, now)
    assert provider() == "tok-1"
    now[0] += 3000  # 599 s left: more than the 300 s margin
    assert provider() == "tok-1"
    now[0] += 300  # 299 s left: refreshed ahead of expiry
    assert provider() == "tok-2"
    assert provider(force_refresh=True) == "tok-3"  # the server said the token expired
    assert state.issued == 3
    assert state.requests[0]["grant_type"] == ["client_credentials"]
    assert state.requests[0]["scope"] == ["https://graph.microsoft.com/.default"]


def test_refused_secret_is_a_clear_error_that_never_shows_the_secret(
    idp: tuple[TokenState, str, str], caplog: pytest.LogCaptureFixture
) -> None:
    provider = _provider(idp, [0.0], secret="wrong-secret-Zq9")
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthError) as caught:
        provider()
    assert "invalid_client" in str(caught.value)
    assert "wrong-secret-Zq9" not in str(caught.value)
    assert "wrong-secret-Zq9" not in repr(provider)
    assert "wrong-secret-Zq9" not in caplog.text


def test_unreachable_identity_platform_is_an_auth_error(tmp_path: Path) -> None:
    provider = MsalTokenProvider(
        tenant_id="t",
        client_id="c",
        client_secret="s",
        oidc_authority="https://127.0.0.1:9/t",
        timeout=2,
    )
    with pytest.raises(AuthError, match="cannot get a token"):
        provider()
