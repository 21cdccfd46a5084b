"""``mailbot status``: the readiness checks plus what an administrator wants to see at a glance.

Each mailbox (connected or not, its backlog after the last fetch, last fetch, last error, a
cursor summary), the outbox (waiting, stuck, failing, oldest), the exceptions queue, and the
last tracker import. No personal data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailbot.context import Deps
from mailbot.ops.health import exceptions_waiting, readiness
from store.models import MailboxStateRow, TrackerRevision

_OPAQUE = ("link", "token", "state", "delta", "sync")


def cursor_summary(cursor: dict[str, Any]) -> str:
    """A short, safe view of a mailbox cursor: numbers shown, opaque tokens by length only."""
    parts = []
    for key in sorted(cursor):
        value = str(cursor[key])
        if any(word in key.lower() for word in _OPAQUE) or len(value) > 40:
            parts.append(f"{key}=<{len(value)} chars>")
        else:
            parts.append(f"{key}={value}")
    return ", ".join(parts) or "none yet"


def status_report(deps: Deps) -> tuple[bool, dict[str, Any]]:
    now = deps.clock.now()
    with deps.sessions() as session:
        ok, checks = readiness(session, deps.settings, now)
        if not checks["database"]["ok"]:
            return ok, {"ready": ok, "now": now.isoformat(), **checks}
        _add_details(session, checks)
    return ok, {"ready": ok, "now": now.isoformat(), **checks}


def _add_details(session: Session, checks: dict[str, Any]) -> None:
    for row in session.scalars(select(MailboxStateRow)):
        entry = checks["mailboxes"].setdefault(
            row.mailbox,
            {
                "ok": None,
                "connected": None,
                "backlog": row.backlog,
                "note": "not in the settings",
                "last_fetch_at": _iso(row.last_fetch_at),
            },
        )
        entry["cursor"] = cursor_summary(row.cursor or {})
    count, oldest = exceptions_waiting(session)
    checks["exceptions"] = {"open": count, "oldest": _iso(oldest)}
    last = session.scalar(select(TrackerRevision).order_by(TrackerRevision.id.desc()).limit(1))
    checks["tracker"] = (
        {"imported_at": _iso(last.imported_at), "source": last.source} if last else None
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _ago(iso: str | None, now: datetime) -> str:
    if not iso:
        return "never"
    seconds = int((now - datetime.fromisoformat(iso)).total_seconds())
    if seconds < 120:
        return f"{iso[:19]}Z ({seconds}s ago)"
    if seconds < 7200:
        return f"{iso[:19]}Z ({seconds // 60} min ago)"
    return f"{iso[:19]}Z ({seconds // 3600} h ago)"


def _connection(box: dict[str, Any]) -> str:
    if box.get("connected") is None:
        return "connection unknown"
    if box["connected"]:
        return "connected"
    if box.get("last_error"):
        return "not connected (see the last error)"
    if box.get("last_fetch_at"):
        return f"not connected (no fetch for over {_span(box['late_after_seconds'])})"
    return "not connected (never fetched)"


def _span(seconds: float) -> str:
    return f"{int(seconds)} s" if seconds < 120 else f"{int(seconds // 60)} min"


def format_status(report: dict[str, Any]) -> str:
    now = datetime.fromisoformat(report["now"])
    lines = [f"mailbot is {'READY' if report['ready'] else 'NOT READY'} ({report['now'][:19]}Z)"]
    db = report["database"]
    lines.append(f"database: {'ok' if db['ok'] else 'NOT REACHABLE (' + str(db['error']) + ')'}")
    if not db["ok"]:
        return "\n".join(lines) + "\n"
    for name, box in report["mailboxes"].items():
        state = {True: "ok", False: "LATE", None: "unknown"}[box["ok"]]
        backlog = "unknown" if box.get("backlog") is None else str(box["backlog"])
        lines.append(
            f"mailbox {name}: {state}; {_connection(box)}; backlog {backlog};"
            f" last fetch {_ago(box['last_fetch_at'], now)}"
        )
        if box.get("last_error"):
            lines.append(f"  last error {_ago(box['last_error_at'], now)}: {box['last_error']}")
        if "cursor" in box:
            lines.append(f"  cursor: {box['cursor']}")
    out = report["outbox"]
    oldest = f" (oldest due {_ago(out['oldest_due_at'], now)})" if out["pending"] else ""
    lines.append(
        f"outbox: {'ok' if out['ok'] else 'NOT OK'}; {out['pending']} waiting{oldest},"
        f" {out['stuck']} stuck,"
        f" {out['retrying']} retrying, {out['failed_last_hour']} failed in the last hour"
        f" ({out['failed_total']} failed in all)"
    )
    exc = report["exceptions"]
    lines.append(
        f"exceptions waiting: {exc['open']}"
        + (f" (oldest since {_ago(exc['oldest'], now)})" if exc["open"] else "")
    )
    tracker = report["tracker"]
    lines.append(
        f"last tracker import: {_ago(tracker['imported_at'], now)} from {tracker['source']}"
        if tracker
        else "last tracker import: never"
    )
    return "\n".join(lines) + "\n"
