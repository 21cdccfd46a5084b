"""Passwords, sessions, CSRF tokens and the sign-in rate limit.

Sessions live in memory, keyed by a random token that the browser holds in a cookie
signed with itsdangerous (Secure, HttpOnly, SameSite=Lax). Each session has its own CSRF
token; a session unused for ``idle`` is gone. Signing out, or restarting the page's
process, ends sessions at once. Everything takes the time from the caller's clock.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, Signer

_HASHER = PasswordHasher()
# Verified against when the email is unknown, so both cases take as long.
_DUMMY_HASH = _HASHER.hash("not a password anyone has")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always does the work of one verification."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass
class WebSession:
    token: str
    csrf: str
    last_seen: datetime
    user_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)  # OIDC state and nonce, flash text


class SessionStore:
    """Sessions in memory; the cookie carries only the signed random token."""

    def __init__(self, secret_key: str, idle: timedelta) -> None:
        self._signer = Signer(secret_key, salt="mailbot-web-session")
        self._idle = idle
        self._sessions: dict[str, WebSession] = {}
        self._lock = threading.Lock()

    def cookie_value(self, session: WebSession) -> str:
        return self._signer.sign(session.token.encode()).decode()

    def new(self, now: datetime) -> WebSession:
        session = WebSession(secrets.token_urlsafe(32), secrets.token_urlsafe(32), now)
        with self._lock:
            self._sweep(now)
            self._sessions[session.token] = session
        return session

    def load(self, cookie: str | None, now: datetime) -> WebSession | None:
        """The live session the cookie names, touched; None when unsigned, unknown or idle."""
        if not cookie:
            return None
        try:
            token = self._signer.unsign(cookie.encode()).decode()
        except (BadSignature, UnicodeDecodeError):
            return None
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if now - session.last_seen > self._idle:
                del self._sessions[token]
                return None
            session.last_seen = now
            return session

    def rotate(self, old: WebSession, now: datetime, user_id: int) -> WebSession:
        """A new token and CSRF token for a user who just signed in (no session fixation)."""
        fresh = WebSession(secrets.token_urlsafe(32), secrets.token_urlsafe(32), now, user_id)
        with self._lock:
            self._sessions.pop(old.token, None)
            self._sessions[fresh.token] = fresh
        return fresh

    def end(self, session: WebSession) -> None:
        with self._lock:
            self._sessions.pop(session.token, None)

    def _sweep(self, now: datetime) -> None:
        stale = [t for t, s in self._sessions.items() if now - s.last_seen > self._idle]
        for token in stale:
            del self._sessions[token]


def csrf_ok(session: WebSession | None, given: object) -> bool:
    return (
        session is not None
        and isinstance(given, str)
        and bool(given)
        and hmac.compare_digest(session.csrf.encode(), given.encode())
    )


class LoginLimiter:
    """At most ``attempts`` failed sign-ins per (email, client address) within ``window``."""

    def __init__(self, attempts: int, window: timedelta) -> None:
        self._attempts = attempts
        self._window = window
        self._failures: dict[tuple[str, str], deque[datetime]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: datetime) -> deque[datetime]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self._window:
            times.popleft()
        return times

    def blocked(self, email: str, client: str, now: datetime) -> bool:
        with self._lock:
            return len(self._recent((email.lower(), client), now)) >= self._attempts

    def failed(self, email: str, client: str, now: datetime) -> None:
        with self._lock:
            self._recent((email.lower(), client), now).append(now)

    def succeeded(self, email: str, client: str) -> None:
        with self._lock:
            self._failures.pop((email.lower(), client), None)
