"""A tiny OpenID Connect provider shaped like Microsoft Entra ID, for the sign-in tests.

It serves the discovery document, an authorize endpoint that signs in ``email`` at once and
sends the browser back with a code, a token endpoint that checks the client secret and the
PKCE verifier and returns an RS256-signed ID token, and the signing keys.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

TENANT = "00000000-1111-2222-3333-444444444444"
CLIENT_ID = "mecc-web-client"
CLIENT_SECRET = "a-client-secret-for-tests"


@dataclass
class FakeEntra:
    base: str  # http://127.0.0.1:PORT
    email: str = "bs@example.gov.uk"
    wrong_nonce: bool = False
    key: Any = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: int = 0

    @property
    def issuer(self) -> str:
        return f"{self.base}/{TENANT}/v2.0"

    def app(self) -> Starlette:
        async def discovery(request: Request) -> Response:
            return JSONResponse({
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.base}/{TENANT}/oauth2/v2.0/authorize",
                "token_endpoint": f"{self.base}/{TENANT}/oauth2/v2.0/token",
                "jwks_uri": f"{self.base}/{TENANT}/discovery/v2.0/keys",
            })  # fmt: skip

        async def authorize(request: Request) -> Response:
            q = request.query_params
            if q.get("client_id") != CLIENT_ID or q.get("code_challenge_method") != "S256":
                return JSONResponse({"error": "invalid_request"}, status_code=400)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "challenge": q["code_challenge"],
                "nonce": q["nonce"],
                "redirect_uri": q["redirect_uri"],
            }
            query = urlencode({"code": code, "state": q["state"]})
            return RedirectResponse(f"{q['redirect_uri']}?{query}", status_code=302)

        async def token(request: Request) -> Response:
            self.token_requests += 1
            form = await request.form()
            grant = self.codes.pop(str(form.get("code")), None)
            verifier = str(form.get("code_verifier", ""))
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if (
                grant is None
                or form.get("client_secret") != CLIENT_SECRET
                or challenge != grant["challenge"]
                or form.get("redirect_uri") != grant["redirect_uri"]
            ):
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            now = int(time.time())
            claims = {
                "iss": self.issuer,
                "aud": CLIENT_ID,
                "iat": now,
                "nbf": now,
                "exp": now + 600,
                "nonce": "not-yours" if self.wrong_nonce else grant["nonce"],
                "preferred_username": self.email,
                "tid": TENANT,
            }
            id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})
            return JSONResponse({"id_token": id_token, "token_type": "Bearer"})

        async def keys(request: Request) -> Response:
            jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
            jwk.update({"kid": "k1", "use": "sig", "alg": "RS256"})
            return JSONResponse({"keys": [jwk]})

        return Starlette(
            routes=[
                Route(f"/{TENANT}/v2.0/.well-known/openid-configuration", discovery),
                Route(f"/{TENANT}/oauth2/v2.0/authorize", authorize),
                Route(f"/{TENANT}/oauth2/v2.0/token", token, methods=["POST"]),
                Route(f"/{TENANT}/discovery/v2.0/keys", keys),
            ]
        )
