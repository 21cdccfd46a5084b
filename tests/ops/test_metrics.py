"""Metrics: the hooks' counters and the store's gauges in one scrape, in Prometheus text format."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from mailbot.ops import metrics
from store.models import OutboxRow
from tests.ops.conftest import START, Service, process_demo


def _scrape(svc: Service) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    store = metrics.StoreCollector(svc.deps.sessions, svc.deps.clock)
    text = metrics.exposition(metrics.scrape_registry(store)).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _value(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_hooks_are_counted(sqlite_service: Service) -> None:
    before = _scrape(sqlite_service)
    metrics.observe_message("forwarded", 0.3)
    metrics.observe_message("forwarded", None)
    metrics.observe_message("exception", 0.1)
    metrics.observe_send("forward", True, latency_seconds=4.0)
    metrics.observe_send("alert", False)
    metrics.observe_fetch("mecc", True, START)
    metrics.observe_fetch("mecc", False, START)
    after = _scrape(sqlite_service)

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert delta("mailbot_messages_total", outcome="forwarded") == 2
    assert delta("mailbot_messages_total", outcome="exception") == 1
    assert delta("mailbot_message_processing_seconds_count") == 2
    assert delta("mailbot_emails_sent_total", kind="forward", result="ok") == 1
    assert delta("mailbot_emails_sent_total", kind="alert", result="error") == 1
    assert delta("mailbot_forward_latency_seconds_count") == 1
    assert delta("mailbot_forward_latency_seconds_bucket", le="5.0") == 1
    assert delta("mailbot_forward_latency_seconds_bucket", le="2.0") == 0
    assert delta("mailbot_mailbox_fetches_total", mailbox="mecc", result="error") == 1
    assert (
        _value(after, "mailbot_mailbox_last_ok_fetch_by_process_timestamp_seconds", mailbox="mecc")
        == START.timestamp()
    )


def test_store_gauges_at_scrape_time(service: Service) -> None:
    results = process_demo(service)
    exceptions = sum(r.outcome.value == "exception" for r in results.values())  # type: ignore[attr-defined]
    with service.deps.sessions() as session:
        emails = session.scalar(select(func.count()).select_from(OutboxRow))
    service.clock.advance(minutes=10)
    samples = _scrape(service)
    assert exceptions and emails
    assert _value(samples, "mailbot_exceptions_open") == exceptions
    assert _value(samples, "mailbot_exceptions_oldest_open_seconds") == 600
    assert _value(samples, "mailbot_outbox_rows", status="sent") == emails
    assert _value(samples, "mailbot_outbox_rows", status="pending") == 0
    assert _value(samples, "mailbot_outbox_oldest_unsent_seconds") == 0
    assert (
        _value(samples, "mailbot_mailbox_last_fetch_timestamp_seconds", mailbox="mecc")
        == START.timestamp()
    )


def test_oldest_unsent_grows_with_a_stuck_email(service: Service) -> None:
    from store import outbox

    with service.deps.sessions() as session, session.begin():
        outbox.enqueue(
            session, key="k", kind="forward", message_id="k@example.gov.uk",
            mail_from="mecc@example.gov.uk", recipients=["sw@example.gov.uk"], raw=b"x",
            now=service.clock.now(),
        )  # fmt: skip
    service.clock.advance(hours=2)
    samples = _scrape(service)
    assert _value(samples, "mailbot_outbox_rows", status="pending") == 1
    assert _value(samples, "mailbot_outbox_oldest_unsent_seconds") == timedelta(hours=2).seconds


def test_no_label_carries_an_address(sqlite_service: Service) -> None:
    process_demo(sqlite_service)
    metrics.observe_message("forwarded", 0.1)
    store = metrics.StoreCollector(sqlite_service.deps.sessions, sqlite_service.deps.clock)
    text = metrics.exposition(metrics.scrape_registry(store)).decode()
    assert "@" not in text
