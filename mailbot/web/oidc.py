"""Sign-in through Microsoft Entra ID: OpenID Connect, authorization-code flow with PKCE.

The page sends the browser to the tenant's authorize endpoint; the browser comes back with a
code; the page swaps it (with its client secret) for an ID token, checks the token's
signature against the tenant's published keys, its issuer, audience, expiry and nonce, and
takes the email it names. That email must belong to an active user in the database.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from mailbot.errors import MailbotError


class SignInError(MailbotError):
    """Entra ID sign-in did not work (refused, misconfigured, unreachable, bad token)."""


@dataclass(frozen=True)
class EntraConfig:
    authority: str  # https://login.microsoftonline.com
    tenant_id: str
    client_id: str
    client_secret: str
    redirect_uri: str  # <public_url>/auth/callback

    def __repr__(self) -> str:
        return f"EntraConfig(tenant_id={self.tenant_id!r}, client_id={self.client_id!r})"


@dataclass(frozen=True)
class Started:
    url: str
    state: str
    nonce: str
    verifier: str


class EntraSignIn:
    def __init__(self, config: EntraConfig, http: httpx.Client) -> None:
        self._config = config
        self._http = http
        self._metadata: dict[str, Any] | None = None
        self._lock = threading.Lock()

    @property
    def discovery_url(self) -> str:
        c = self._config
        return f"{c.authority.rstrip('/')}/{c.tenant_id}/v2.0/.well-known/openid-configuration"

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInError(f"Entra ID could not be reached: {type(exc).__name__}") from exc
        if not isinstance(data, dict):
            raise SignInError("Entra ID answered with something that is not JSON")
        return data

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._metadata is None:
                self._metadata = self._get_json(self.discovery_url)
            return self._metadata

    def start(self) -> Started:
        meta = self.metadata()
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        verifier = secrets.token_urlsafe(48)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        query = urlencode(
            {
                "client_id": self._config.client_id,
                "response_type": "code",
                "redirect_uri": self._config.redirect_uri,
                "response_mode": "query",
                "scope": "openid email profile",
                "state": state,
                "nonce": nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        return Started(f"{meta['authorization_endpoint']}?{query}", state, nonce, verifier)

    def finish(self, code: str, verifier: str, nonce: str) -> str:
        """The signed-in person's email (lower-cased), from a verified ID token."""
        meta = self.metadata()
        try:
            response = self._http.post(
                str(meta["token_endpoint"]),
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self._config.redirect_uri,
                    "client_id": self._config.client_id,
                    "client_secret": self._config.client_secret,
                    "code_verifier": verifier,
                    "scope": "openid email profile",
                },
            )
        except httpx.HTTPError as exc:
            raise SignInError(f"Entra ID could not be reached: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise SignInError(f"Entra ID refused the sign-in (HTTP {response.status_code})")
        token = response.json().get("id_token")
        if not isinstance(token, str):
            raise SignInError("Entra ID sent no ID token")
        claims = self._verify(token, meta)
        if claims.get("nonce") != nonce:
            raise SignInError("the ID token is not for this sign-in (nonce)")
        email = claims.get("email") or claims.get("preferred_username") or claims.get("upn")
        if not isinstance(email, str) or "@" not in email:
            raise SignInError("the ID token names no email address")
        return email.strip().lower()

    def _verify(self, token: str, meta: dict[str, Any]) -> dict[str, Any]:
        keys = jwt.PyJWKSet.from_dict(self._get_json(str(meta["jwks_uri"])))
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = next((k for k in keys.keys if k.key_id == kid), None)
            if key is None:
                raise SignInError("the ID token was signed with an unknown key")
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                audience=self._config.client_id,
                issuer=str(meta["issuer"]),
                leeway=60,
            )
        except jwt.PyJWTError as exc:
            raise SignInError(f"the ID token is not valid: {type(exc).__name__}") from exc
        return claims
