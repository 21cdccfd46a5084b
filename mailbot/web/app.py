"""The business support web page: a Starlette app on the same store as the daemon."""

from __future__ import annotations

import contextlib
import logging
import secrets
from datetime import timedelta
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mailbot.context import Deps
from mailbot.errors import ConfigError
from mailbot.ops.server import health_routes
from mailbot.web import auth_routes, queue_routes, record_routes
from mailbot.web.access import Forbidden, NotFound
from mailbot.web.base import CsrfRejected, SignInNeeded, WebState, make_env
from mailbot.web.oidc import EntraConfig, EntraSignIn
from mailbot.web.security import LoginLimiter, SessionStore

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _entra(deps: Deps, http: httpx.Client | None) -> EntraSignIn | None:
    web = deps.settings.web
    if web.sign_in == "password":
        return None
    if not web.public_url:
        raise ConfigError("[web] public_url: Entra ID sign-in needs the page's public address")
    secret = deps.settings.secret("web", "client_secret")
    if not secret:
        raise ConfigError("[web] client_secret_file: Entra ID sign-in needs the client secret")
    config = EntraConfig(
        authority=web.authority,
        tenant_id=web.tenant_id,
        client_id=web.client_id,
        client_secret=secret,
        redirect_uri=web.public_url.rstrip("/") + "/auth/callback",
    )
    return EntraSignIn(config, http or httpx.Client(timeout=15.0))


def create_app(deps: Deps, *, http: httpx.Client | None = None) -> Starlette:
    """The web app; ``http`` is the client used to talk to Entra ID (tests pass their own)."""
    web = deps.settings.web
    key = deps.settings.secret("web", "secret_key")
    if not key:
        # Sessions live in this process's memory, so a key made now is as good as any.
        key = secrets.token_urlsafe(32)
    idle = timedelta(minutes=web.session_idle_minutes)
    ws = WebState(
        deps=deps,
        sessions=SessionStore(key, idle),
        limiter=LoginLimiter(web.login_attempts, timedelta(minutes=web.login_window_minutes)),
        env=make_env(deps.settings.service.timezone),
        entra=_entra(deps, http),
        password_sign_in=web.sign_in in {"password", "both"},
        secure_cookies=web.secure_cookies,
        idle=idle,
    )

    async def sign_in(request: Request, exc: Exception) -> Response:
        path = request.url.path
        target = "/login" if path in {"/", "/login"} else f"/login?next={path}"
        return RedirectResponse(target, status_code=303)

    async def error(request: Request, status: int, title: str, text: str) -> Response:
        session = ws.ensure_session(request)
        user = None
        with contextlib.suppress(SignInNeeded):
            user, session = await ws.signed_in(request)
        return await ws.page(
            request, "error.html", user=user, session=session, status=status, title=title,
            text=text,
        )  # fmt: skip

    async def forbidden(request: Request, exc: Exception) -> Response:
        log.info("403 for %s", request.url.path)
        return await error(request, 403, "Not allowed", "Your account cannot see this.")

    async def csrf(request: Request, exc: Exception) -> Response:
        log.info("form without a valid CSRF token on %s", request.url.path)
        return await error(request, 403, "Form expired", "Go back, reload the page and try again.")

    async def not_found(request: Request, exc: Exception) -> Response:
        return await error(request, 404, "Not found", "There is nothing at this address.")

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return await not_found(request, exc)
        return await error(request, status, "Cannot do that", "This address does not take that.")

    routes = [
        *auth_routes.routes(ws),
        *queue_routes.routes(ws),
        *record_routes.routes(ws),
        *health_routes(deps),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            SignInNeeded: sign_in,
            Forbidden: forbidden,
            CsrfRejected: csrf,
            NotFound: not_found,
            HTTPException: http_error,
        },
    )
    app.add_middleware(SecurityHeaders)
    app.state.web = ws
    return app
