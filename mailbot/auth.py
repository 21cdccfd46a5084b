"""OAuth2 access tokens for Microsoft 365 (client credentials through msal), cached and refreshed.

Adapters (IMAP XOAUTH2, Graph, EWS) take any ``TokenSource``: a callable returning a bearer
token, called with ``force_refresh=True`` after the server said the token expired. The secret
is held privately, never logged and never shown in ``repr``.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from mailbot.errors import MailbotError

log = logging.getLogger(__name__)

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
OUTLOOK_SCOPE = "https://outlook.office365.com/.default"  # IMAP / SMTP / EWS in Exchange Online


class AuthError(MailbotError):
    """No access token could be had (bad tenant, client or secret; identity platform down)."""


class TokenSource(Protocol):
    def __call__(self, force_refresh: bool = False) -> str:
        """A valid access token; a fresh one (not from any cache) when ``force_refresh``."""
        ...


@dataclass(frozen=True)
class StaticToken:
    """A fixed token (tests, or a token minted elsewhere)."""

    value: str

    def __call__(self, force_refresh: bool = False) -> str:
        return self.value

    def __repr__(self) -> str:
        return "StaticToken(<hidden>)"


class MsalTokenProvider:
    """Client-credentials tokens from Microsoft Entra ID through msal.

    A token is reused until ``refresh_margin`` seconds before it expires; then (or when forced)
    a new one is acquired. Thread-safe: one mailbox's threads share one provider.
    """

    def __init__(
        self,
        *,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        scopes: tuple[str, ...] = (GRAPH_SCOPE,),
        authority_host: str = "https://login.microsoftonline.com",
        oidc_authority: str | None = None,
        verify: bool | str = True,
        timeout: float = 30.0,
        refresh_margin: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
        app_factory: Callable[..., Any] | None = None,
    ) -> None:
        self._tenant_id = tenant_id
        self._client_id = client_id
        self.__secret = client_secret
        self._scopes = list(scopes)
        self._authority_host = authority_host.rstrip("/")
        self._oidc_authority = oidc_authority
        self._verify = verify
        self._timeout = timeout
        self._margin = refresh_margin
        self._monotonic = monotonic
        self._app_factory = app_factory
        self._app: Any = None
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MsalTokenProvider(tenant_id={self._tenant_id!r}, client_id={self._client_id!r})"

    def _make_app(self) -> Any:
        import msal

        factory = self._app_factory or msal.ConfidentialClientApplication
        kwargs: dict[str, Any] = {
            "client_credential": self.__secret,
            "token_cache": msal.TokenCache(),
            "http_client": self._http_client(),
        }
        if self._oidc_authority:
            kwargs["oidc_authority"] = self._oidc_authority
        else:
            kwargs["authority"] = f"{self._authority_host}/{self._tenant_id}"
        return factory(self._client_id, **kwargs)

    def _http_client(self) -> Any:
        """requests for msal, with our verify and timeout on every request: a session-wide
        ``verify`` would lose to REQUESTS_CA_BUNDLE, which many machines set."""
        import requests

        session = requests.Session()
        session.mount("https://", requests.adapters.HTTPAdapter(max_retries=1))
        session.request = functools.partial(  # type: ignore[method-assign]
            session.request, timeout=self._timeout, verify=self._verify
        )
        return session

    def __call__(self, force_refresh: bool = False) -> str:
        with self._lock:
            now = self._monotonic()
            if not force_refresh and self._token and now < self._expires_at - self._margin:
                return self._token
            return self._acquire(now)

    def _acquire(self, now: float) -> str:
        try:
            if self._app is None:
                self._app = self._make_app()
            cache = self._app.token_cache
            for entry in list(
                cache.search("AccessToken")
            ):  # our own cache decides; msal's must not
                cache.remove_at(entry)
            result = self._app.acquire_token_for_client(scopes=self._scopes)
        except Exception as exc:  # msal raises ValueError / requests errors for an unreachable IdP
            self._app = None
            raise AuthError(
                f"cannot get a token for client {self._client_id} in tenant {self._tenant_id}: "
                f"{type(exc).__name__}"
            ) from exc
        token = result.get("access_token") if isinstance(result, dict) else None
        if not token:
            error = result.get("error", "unknown") if isinstance(result, dict) else "no answer"
            description = (
                str(result.get("error_description", "")) if isinstance(result, dict) else ""
            )
            raise AuthError(
                f"token refused for client {self._client_id} in tenant {self._tenant_id}: "
                f"{error}: {description.splitlines()[0] if description else ''}".rstrip(": ")
            )
        self._token = str(token)
        self._expires_at = now + float(result.get("expires_in", 3600))
        log.info(
            "new access token for client %s (expires in %ss)",
            self._client_id,
            result.get("expires_in"),
        )
        return self._token


def read_secret_file(path: str) -> str:
    """A secret kept in a file (the first line, stripped); the error names the path, not the value."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().strip()
    except OSError as exc:
        raise MailbotError(f"cannot read secret file {path}: {exc.strerror}") from exc
