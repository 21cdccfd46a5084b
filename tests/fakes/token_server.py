"""A local Microsoft Entra ID stand-in over HTTPS for msal: OIDC discovery and the token endpoint
(client credentials). Tokens are "tok-1", "tok-2", ... with the ``expires_in`` asked for.

``running_introspection_server`` answers, over plain HTTP on loopback, a mail server's RFC 7662
introspection (``POST /introspect`` with ``token=...``, as Dovecot's oauth2 passdb sends it)
about the tokens issued here: active unless revoked, expired or issued while ``mail_access``
was off (an app whose mailbox permission was withdrawn still gets tokens, useless ones). While
``introspection_up`` is off it answers 503 (the identity platform is down), and Dovecot answers
the login ``NO [UNAVAILABLE] Temporary authentication failure``."""

from __future__ import annotations

import datetime
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class TokenState:
    tenant: str = "00000000-0000-0000-0000-00000000c0de"
    client_id: str = "11111111-2222-3333-4444-555555555555"
    client_secret: str = "s3cret-value~for-tests"
    expires_in: int = 3599
    issued: int = 0
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    # what the introspection endpoint says about the tokens issued
    username: str = "mecc@council.example"  # the mailbox the tokens are good for
    mail_access: bool = True  # False: tokens issued meanwhile are inactive from birth
    clock: Callable[[], float] = time.monotonic
    inactive: set[str] = field(default_factory=set)
    expires_at: dict[str, float] = field(default_factory=dict)
    introspected: list[str] = field(default_factory=list)  # tokens asked about, in order
    introspection_up: bool = True  # False: 503, nothing is answered about any token
    turned_away: int = 0  # introspection requests answered 503
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self) -> str:
        with self.lock:
            self.issued += 1
            token = f"tok-{self.issued}"
            self.expires_at[token] = self.clock() + self.expires_in
            if not self.mail_access:
                self.inactive.add(token)
            return token

    def revoke(self, *tokens: str) -> None:
        with self.lock:
            self.inactive.update(tokens)

    def introspect(self, token: str) -> dict[str, Any]:
        """RFC 7662: an unknown, revoked or expired token is just ``{"active": false}``."""
        with self.lock:
            self.introspected.append(token)
            expires = self.expires_at.get(token)
            active = expires is not None and token not in self.inactive and self.clock() < expires
        if not active:
            return {"active": False}
        return {
            "active": True,
            "username": self.username,
            "client_id": self.client_id,
            "token_type": "Bearer",
            "scope": "https://outlook.office365.com/.default",
        }


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (cert.pem, key.pem), made per run."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        base = self.server.authority
        if (
            self.path.split("?")[0]
            == f"/{self.server.state.tenant}/.well-known/openid-configuration"
        ):
            self._json(
                200,
                {
                    "issuer": base,
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                },
            )
            return
        self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        form = parse_qs(body)
        state.requests.append(form)
        if form.get("client_secret") != [state.client_secret] or form.get("client_id") != [
            state.client_id
        ]:
            self._json(
                401,
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x",
                },
            )
            return
        token = state.issue()
        self._json(
            200, {"token_type": "Bearer", "expires_in": state.expires_in, "access_token": token}
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: TokenState
    authority: str


class _IntrospectionHandler(_Handler):
    def do_GET(self) -> None:
        self._json(405, {"error": "method_not_allowed"})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        token = parse_qs(body).get("token", [""])[0]
        if self.path.split("?")[0] != "/introspect" or not token:
            self._json(400, {"error": "invalid_request"})
            return
        state = self.server.state
        if not state.introspection_up:
            with state.lock:
                state.turned_away += 1
            self._json(503, {"error": "temporarily_unavailable"})
            return
        self._json(200, state.introspect(token))


@contextmanager
def running_introspection_server(state: TokenState, port: int) -> Iterator[str]:
    """Serves ``state``'s tokens' introspection on http://127.0.0.1:PORT/introspect (yields it)."""
    server = _Server(("127.0.0.1", port), _IntrospectionHandler)
    server.state = state
    server.authority = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"{server.authority}/introspect"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def running_token_server(directory: Path) -> Iterator[tuple[TokenState, str, str]]:
    """Yields (state, authority URL for msal's oidc_authority, CA file to verify it with)."""
    cert, key = make_certificate(directory)
    server = _Server(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.state = TokenState()
    server.authority = f"https://127.0.0.1:{server.server_address[1]}/{server.state.tenant}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server.state, server.authority, str(cert)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
