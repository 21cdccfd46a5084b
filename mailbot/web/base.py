"""What every page shares: the signed-in user, the CSRF check, rendering and the cookie."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from mailbot.context import Deps
from mailbot.web import queries
from mailbot.web.access import User
from mailbot.web.oidc import EntraSignIn
from mailbot.web.security import LoginLimiter, SessionStore, WebSession, csrf_ok
from store import users

COOKIE = "mailbot_session"
T = TypeVar("T")


class SignInNeeded(Exception):
    """No signed-in user: the browser is sent to the sign-in page."""


class CsrfRejected(Exception):
    """A form came without this session's CSRF token (HTTP 403)."""


def _date(value: Any, fmt: str = "%d %b %Y") -> str:
    return value.strftime(fmt) if value else ""


def make_env(timezone: str = "Europe/London") -> Environment:
    """Templates from the package; times are shown in the service's own time zone."""
    zone = ZoneInfo(timezone)
    env = Environment(
        loader=PackageLoader("mailbot.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _date
    env.filters["when"] = lambda v: _date(v.astimezone(zone) if v else v, "%d %b %Y %H:%M")
    env.filters["sentence"] = lambda v: (v[:1].upper() + v[1:]) if v else ""
    env.filters["iso"] = lambda v: v.isoformat() if v else ""
    return env


@dataclass
class WebState:
    deps: Deps
    sessions: SessionStore
    limiter: LoginLimiter
    env: Environment
    entra: EntraSignIn | None
    password_sign_in: bool
    secure_cookies: bool
    idle: timedelta

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking work (the database, the readers) off the event loop."""
        return await run_in_threadpool(fn, *args)

    def session(self, request: Request) -> WebSession | None:
        return self.sessions.load(request.cookies.get(COOKIE), self.deps.clock.now())

    def ensure_session(self, request: Request) -> WebSession:
        return self.session(request) or self.sessions.new(self.deps.clock.now())

    def _user(self, session: WebSession) -> User | None:
        if session.user_id is None:
            return None
        with self.deps.sessions() as db:
            row = users.by_id(db, session.user_id)
            if row is None or not row.active:
                return None
            return User(row.id, row.email, row.role, row.display_name)

    async def signed_in(self, request: Request) -> tuple[User, WebSession]:
        session = self.session(request)
        user = await self.run(self._user, session) if session else None
        if user is None or session is None:
            raise SignInNeeded
        return user, session

    async def form(self, request: Request, session: WebSession | None) -> FormData:
        form = await request.form()
        if not csrf_ok(session, form.get("csrf")):
            raise CsrfRejected
        return form

    def set_cookie(self, response: Response, session: WebSession) -> None:
        response.set_cookie(
            COOKIE,
            self.sessions.cookie_value(session),
            max_age=int(self.idle.total_seconds()),
            httponly=True,
            secure=self.secure_cookies,
            samesite="lax",
            path="/",
        )

    def _counts(self, user: User) -> queries.Counts:
        with self.deps.sessions() as db:
            return queries.counts(db, user)

    async def page(
        self,
        request: Request,
        template: str,
        *,
        user: User | None,
        session: WebSession,
        status: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        counts = await self.run(self._counts, user) if user else None
        flash = session.data.pop("flash", None)
        html = self.env.get_template(template).render(
            user=user,
            csrf=session.csrf,
            counts=counts,
            flash=flash,
            path=request.url.path,
            council=self.deps.settings.service.council_name,
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        self.set_cookie(response, session)
        return response

    def back(self, url: str, session: WebSession, message: str, error: bool = False) -> Response:
        """Post/redirect/get with a message shown once on the next page."""
        session.data["flash"] = {"text": message, "error": error}
        response = RedirectResponse(url, status_code=303)
        self.set_cookie(response, session)
        return response
