"""Signing in and out: a password (argon2), or Microsoft Entra ID when configured."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot.web.base import WebState
from mailbot.web.oidc import SignInError
from mailbot.web.security import check_password
from store import users

log = logging.getLogger(__name__)


def _next(value: object) -> str:
    """Only a path on this site (never another site) is followed after signing in."""
    text = value if isinstance(value, str) else ""
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return "/"
    return text


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def routes(ws: WebState) -> list[Route]:
    async def login_page(request: Request) -> Response:
        session = ws.ensure_session(request)
        return await ws.page(
            request,
            "login.html",
            user=None,
            session=session,
            next=_next(request.query_params.get("next")),
            password=ws.password_sign_in,
            entra=ws.entra is not None,
        )

    def _check(email: str, password: str) -> int | None:
        with ws.deps.sessions() as db:
            row = users.by_email(db, email)
            ok = check_password(row.password_hash if row else None, password)
            return row.id if ok and row is not None and row.active else None

    async def login(request: Request) -> Response:
        session = ws.ensure_session(request)
        form = await ws.form(request, session)
        email = str(form.get("email", "")).strip().lower()
        password = str(form.get("password", ""))
        target = _next(form.get("next"))
        now = ws.deps.clock.now()
        client = _client(request)

        async def again(message: str, status: int) -> Response:
            return await ws.page(
                request, "login.html", user=None, session=session, status=status,
                next=target, password=ws.password_sign_in, entra=ws.entra is not None,
                error=message, email=email,
            )  # fmt: skip

        if not ws.password_sign_in:
            return await again("Sign in with your council account.", 400)
        if ws.limiter.blocked(email, client, now):
            log.warning("sign-in paused after repeated failures")
            return await again("Too many attempts. Wait 15 minutes and try again.", 429)
        user_id = await ws.run(_check, email, password) if email and password else None
        if user_id is None:
            ws.limiter.failed(email, client, now)
            log.info("a sign-in failed")
            return await again("That email and password do not match an account.", 401)
        ws.limiter.succeeded(email, client)
        fresh = ws.sessions.rotate(session, now, user_id)
        response = RedirectResponse(target, status_code=303)
        ws.set_cookie(response, fresh)
        return response

    async def logout(request: Request) -> Response:
        session = ws.session(request)
        await ws.form(request, session)
        if session is not None:
            ws.sessions.end(session)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie("mailbot_session", path="/")
        return response

    async def entra_start(request: Request) -> Response:
        if ws.entra is None:
            return RedirectResponse("/login", status_code=303)
        session = ws.ensure_session(request)
        try:
            started = await ws.run(ws.entra.start)
        except SignInError as exc:
            log.error("Entra ID sign-in: %s", exc)
            return ws.back("/login", session, "Council sign-in is not available just now.", True)
        session.data["oidc"] = {
            "state": started.state,
            "nonce": started.nonce,
            "verifier": started.verifier,
            "next": _next(request.query_params.get("next")),
        }
        response = RedirectResponse(started.url, status_code=303)
        ws.set_cookie(response, session)
        return response

    def _active_user(email: str) -> int | None:
        with ws.deps.sessions() as db:
            row = users.by_email(db, email)
            return row.id if row is not None and row.active else None

    async def entra_callback(request: Request) -> Response:
        session = ws.session(request)
        pending = session.data.pop("oidc", None) if session else None
        state = request.query_params.get("state")
        code = request.query_params.get("code")
        if ws.entra is None or session is None or not pending or state != pending["state"]:
            return RedirectResponse("/login", status_code=303)
        if not code:
            return ws.back("/login", session, "Council sign-in was cancelled or refused.", True)
        try:
            email = await ws.run(ws.entra.finish, code, pending["verifier"], pending["nonce"])
        except SignInError as exc:
            log.warning("Entra ID sign-in: %s", exc)
            return ws.back("/login", session, "Council sign-in did not work. Try again.", True)
        user_id = await ws.run(_active_user, email)
        if user_id is None:
            return ws.back("/login", session, "Your account has no access to this page.", True)
        fresh = ws.sessions.rotate(session, ws.deps.clock.now(), user_id)
        response = RedirectResponse(pending["next"], status_code=303)
        ws.set_cookie(response, fresh)
        return response

    return [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/login/entra", entra_start, methods=["GET"]),
        Route("/auth/callback", entra_callback, methods=["GET"]),
    ]
