"""How mailbot signs in to an Exchange Server through exchangelib, and which certificate authority
it trusts there: shared by the EWS mailbox and the EWS sender (both go through
``outbound.ews.make_account``).

Sign-in (``auth``):

- ``ntlm`` (``password`` is the same): NTLM with ``DOMAIN\\user`` (or ``user@domain``) and a
  password, through requests_ntlm / pyspnego. The usual choice for Exchange Server on premises.
- ``basic``: HTTP Basic with the same user name and password; only where the server offers it,
  and only over HTTPS.
- ``oauth2``: OAuth 2.0 client credentials (exchangelib's ``OAuth2Credentials``, an app-only
  token used with EWS impersonation of the mailbox). exchangelib always asks
  ``login.microsoftonline.com`` for the token; ``token_url`` below points it at the configured
  authority instead (a sovereign cloud, or an on-premises AD FS), by overriding the credentials'
  documented ``token_url`` property.

Trust (``cafile``): exchangelib's documented hook for TLS settings is the adapter class
``BaseProtocol.HTTP_ADAPTER_CLS``, one class for the whole process. ``TrustAdapter`` keeps that
class-level hook harmless: it changes ``verify`` only for requests to an origin (scheme, host,
port) registered with ``trust``; every other request made through exchangelib in the process
is verified as before (the system store, or ``REQUESTS_CA_BUNDLE``).
"""

from __future__ import annotations

import logging
import ssl
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
from exchangelib import OAuth2Credentials
from exchangelib.protocol import BaseProtocol

log = logging.getLogger(__name__)

AUTH_KINDS = ("ntlm", "basic", "oauth2")
_ALIASES = {"password": "ntlm", "oauth": "oauth2"}
DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
# Microsoft's public identity platforms: a council's own CA never signs these.
_PUBLIC_IDENTITY_HOSTS = frozenset(
    {"login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn"}
)


def auth_kind(value: str) -> str:
    """``ntlm`` | ``basic`` | ``oauth2`` for a configured ``auth`` (``password`` means NTLM)."""
    kind = _ALIASES.get(value.strip().lower(), value.strip().lower())
    if kind not in AUTH_KINDS:
        raise ValueError(
            f"ews auth must be one of ntlm, basic, oauth2 (or password, meaning ntlm), not {value!r}"
        )
    return kind


def token_url(authority: str, tenant_id: str | None) -> str:
    """The OAuth2 token endpoint: ``{authority}/{tenant}/oauth2/v2.0/token`` for Entra ID, and
    ``{authority}/oauth2/token`` for an AD FS authority (one whose path ends in ``/adfs``)."""
    base = (authority or DEFAULT_AUTHORITY).rstrip("/")
    if urlsplit(base).path.lower().endswith("/adfs"):
        return f"{base}/oauth2/token"
    if not tenant_id:
        raise ValueError("ews auth oauth2 needs tenant_id (the Entra ID directory)")
    return f"{base}/{tenant_id}/oauth2/v2.0/token"


def is_public_identity(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() in _PUBLIC_IDENTITY_HOSTS


class TokenUrlCredentials(OAuth2Credentials):  # type: ignore[misc]
    """exchangelib's client-credentials grant, with the token requested from ``token_url``."""

    def __init__(self, *, token_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._token_url = token_url

    @property
    def token_url(self) -> str:
        return self._token_url


# -- trusting a private CA ------------------------------------------------------------------

_TRUSTED: dict[str, str] = {}  # origin -> CA file
_TRUSTED_LOCK = threading.Lock()


def origin(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def trusted_ca(url: str) -> str | None:
    """The CA file registered for ``url``'s origin, if any."""
    with _TRUSTED_LOCK:
        return _TRUSTED.get(origin(url))


class TrustAdapter(requests.adapters.HTTPAdapter):
    """exchangelib's HTTP adapter: verifies a registered origin against its CA file only."""

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        if verify is not False and request.url:
            verify = trusted_ca(request.url) or verify
        return super().send(
            request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
        )


def install_adapter() -> None:
    """Make ``TrustAdapter`` exchangelib's adapter class (once; it changes nothing on its own)."""
    with _TRUSTED_LOCK:
        current = BaseProtocol.HTTP_ADAPTER_CLS
        if isinstance(current, type) and issubclass(current, TrustAdapter):
            return
        if current is not requests.adapters.HTTPAdapter:
            raise ValueError(
                f"exchangelib already uses another HTTP adapter ({current.__name__}); "
                "mailbot cannot add its CA file to it"
            )
        BaseProtocol.HTTP_ADAPTER_CLS = TrustAdapter


def trust(url: str, cafile: str | None) -> None:
    """Verify ``url``'s server against ``cafile`` from now on (None: the default trust again)."""
    install_adapter()
    key = origin(url)
    path: str | None = None
    if cafile:
        resolved = Path(cafile).expanduser().resolve()
        try:
            ssl.create_default_context(cafile=str(resolved))
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(
                f"cafile {cafile!r}: not a readable PEM certificate file ({exc})"
            ) from exc
        path = str(resolved)
    with _TRUSTED_LOCK:
        before = _TRUSTED.get(key)
        if path is None:
            _TRUSTED.pop(key, None)
        else:
            _TRUSTED[key] = path
    if before != path:
        log.info("ews: %s is verified against %s", key, path or "the default CA store")


# -- explaining failures --------------------------------------------------------------------


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def is_certificate_error(exc: BaseException) -> bool:
    """The server's TLS certificate was not trusted (retrying will not help)."""
    return any(
        isinstance(e, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(e)
        for e in _chain(exc)
    )


def explain(exc: BaseException, *, auth: str, username: str | None, token_endpoint: str) -> str:
    """A plain-words reason for a sign-in or trust failure ('' for anything else). Names the
    user and the endpoint, never a password, secret or token."""
    from exchangelib.errors import UnauthorizedError
    from oauthlib.oauth2 import OAuth2Error

    if is_certificate_error(exc):
        return (
            "the server's TLS certificate is not trusted; set cafile to the certificate of the "
            "CA that signed it"
        )
    if isinstance(exc, UnauthorizedError):
        who = f" as {username}" if username and auth != "oauth2" else ""
        return f"Exchange refused the sign-in ({auth} authentication{who})"
    for cause in _chain(exc):
        if isinstance(cause, OAuth2Error):
            return f"the token endpoint {token_endpoint} refused the client credentials"
    return ""
