"""The service's own periodic work, for the scheduler's leader: admin alerts, daily retention.

``periodic(deps)`` is called on every scheduler scan by the one process holding the
scheduler lease. It checks for incidents (and emails the administrators once per
incident) every time, and runs retention once a day (at the first scan on or after
``RETENTION_HOUR`` UTC, unless a ``retention_run`` was audited that day). It never raises:
a failure is logged and tried again at the next scan.
"""

from __future__ import annotations

import logging
from datetime import datetime, time

from sqlalchemy import select

from mailbot.context import Deps
from mailbot.ops.alerts import check_and_alert
from mailbot.ops.retention import run_retention
from store.models import AuditRow

log = logging.getLogger(__name__)

RETENTION_HOUR = 2  # UTC: a quiet hour


def retention_due(deps: Deps, now: datetime) -> bool:
    if now.hour < RETENTION_HOUR:
        return False
    start = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
    with deps.sessions() as session:
        done = session.scalar(
            select(AuditRow.id)
            .where(AuditRow.action == "retention_run", AuditRow.at >= start)
            .limit(1)
        )
    return done is None


def periodic(deps: Deps) -> dict[str, object]:
    """Alerts every time, retention when due; what was done (for logs and tests)."""
    done: dict[str, object] = {}
    try:
        done["alerts"] = check_and_alert(deps)
    except Exception:
        log.exception("admin alert check failed")
    try:
        if retention_due(deps, deps.clock.now()):
            done["retention"] = run_retention(deps).describe()
    except Exception:
        log.exception("retention run failed")
    return done
