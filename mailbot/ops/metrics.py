"""Prometheus metrics: counters the daemon feeds through small hooks, gauges read from the store.

The hooks (``observe_message``, ``observe_send``, ``observe_fetch``) count what this
process did. What the whole service holds (exceptions waiting, the outbox queue, each
mailbox's last fetch) is read from the database at scrape time by ``StoreCollector``, so
every worker reports the same truth. Everything lives in ``REGISTRY``, never in the
prometheus_client global default, so tests stay isolated. No label ever carries personal
data: outcomes, email kinds and mailbox names only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailbot.clock import Clock
from mailbot.ops.health import exceptions_waiting
from store.models import MailboxStateRow, OutboxRow

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)

REGISTRY = CollectorRegistry(auto_describe=True)

MESSAGES = Counter(
    "mailbot_messages",
    "Messages processed, by outcome (forwarded, exception, duplicate, ignored).",
    ["outcome"],
    registry=REGISTRY,
)
PROCESSING = Histogram(
    "mailbot_message_processing_seconds",
    "Time to process one message (read, match, flag, route, commit).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
    registry=REGISTRY,
)
FORWARD_LATENCY = Histogram(
    "mailbot_forward_latency_seconds",
    "From a message being taken from the mailbox to its forward accepted for delivery.",
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
SENDS = Counter(
    "mailbot_emails_sent",
    "Emails the outbox worker tried to send, by kind (forward, alert, follow_up, ...) and result.",
    ["kind", "result"],
    registry=REGISTRY,
)
FETCHES = Counter(
    "mailbot_mailbox_fetches",
    "Fetches from each mailbox by this process, by result (ok, error).",
    ["mailbox", "result"],
    registry=REGISTRY,
)
LAST_OK_FETCH = Gauge(
    "mailbot_mailbox_last_ok_fetch_by_process_timestamp_seconds",
    "When this process last fetched from the mailbox without error (Unix time).",
    ["mailbox"],
    registry=REGISTRY,
)


def observe_message(outcome: str, latency_seconds: float | None = None) -> None:
    """One message processed; ``latency_seconds`` is how long processing took, when known."""
    MESSAGES.labels(outcome=outcome).inc()
    if latency_seconds is not None:
        PROCESSING.observe(max(latency_seconds, 0.0))


def observe_send(kind: str, ok: bool, latency_seconds: float | None = None) -> None:
    """One send attempt; for a forward sent, ``latency_seconds`` is queued-to-sent."""
    SENDS.labels(kind=kind, result="ok" if ok else "error").inc()
    if ok and kind == "forward" and latency_seconds is not None:
        FORWARD_LATENCY.observe(max(latency_seconds, 0.0))


def observe_fetch(mailbox: str, ok: bool, at: datetime) -> None:
    FETCHES.labels(mailbox=mailbox, result="ok" if ok else "error").inc()
    if ok:
        LAST_OK_FETCH.labels(mailbox=mailbox).set(at.timestamp())


class StoreCollector(Collector):
    """Gauges computed from the database at each scrape (the same for every worker)."""

    def __init__(
        self, sessions: Callable[[], AbstractContextManager[Session]], clock: Clock
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def collect(self) -> Iterator[Metric]:
        now = self._clock.now()
        with self._sessions() as session:
            yield from self._exceptions(session, now)
            yield from self._outbox(session, now)
            yield from self._mailboxes(session)

    def _exceptions(self, session: Session, now: datetime) -> Iterator[Metric]:
        count, oldest = exceptions_waiting(session)
        yield GaugeMetricFamily(
            "mailbot_exceptions_open", "Items waiting on the exceptions queue.", value=count
        )
        yield GaugeMetricFamily(
            "mailbot_exceptions_oldest_open_seconds",
            "Age of the oldest item waiting on the exceptions queue (0 when empty).",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )

    def _outbox(self, session: Session, now: datetime) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "mailbot_outbox_rows", "Emails in the outbox, by status.", labels=["status"]
        )
        counts = dict(
            session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
            .tuples()
            .all()
        )
        for status in ("pending", "sending", "sent", "failed", "held"):
            depth.add_metric([status], counts.get(status, 0))
        yield depth
        oldest = session.scalar(
            select(func.min(OutboxRow.created_at)).where(
                OutboxRow.status.in_(("pending", "sending"))
            )
        )
        yield GaugeMetricFamily(
            "mailbot_outbox_oldest_unsent_seconds",
            "Age of the oldest email not yet sent: the oldest unprocessed work (0 when none).",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )

    def _mailboxes(self, session: Session) -> Iterator[Metric]:
        last = GaugeMetricFamily(
            "mailbot_mailbox_last_fetch_timestamp_seconds",
            "When any worker last fetched from the mailbox without error (Unix time).",
            labels=["mailbox"],
        )
        errors = GaugeMetricFamily(
            "mailbot_mailbox_last_error_timestamp_seconds",
            "When a fetch from the mailbox last failed (Unix time; 0 if never).",
            labels=["mailbox"],
        )
        for row in session.scalars(select(MailboxStateRow).order_by(MailboxStateRow.mailbox)):
            if row.last_fetch_at is not None:
                last.add_metric([row.mailbox], row.last_fetch_at.timestamp())
            errors.add_metric(
                [row.mailbox], row.last_error_at.timestamp() if row.last_error_at else 0.0
            )
        yield last
        yield errors


class _Both(Collector):
    def __init__(self, store: Collector | None) -> None:
        self._store = store

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()
        if self._store is not None:
            yield from self._store.collect()


def scrape_registry(store: StoreCollector | None) -> CollectorRegistry:
    """A registry exposing this process's counters and, when given, the store's gauges."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Both(store))
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    """The text format Prometheus scrapes."""
    return generate_latest(registry)
