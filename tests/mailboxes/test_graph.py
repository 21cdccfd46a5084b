"""The Graph mailbox against a local Graph stand-in that answers the requests httpx sends."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from mailbot.errors import MailboxError
from mailbot.mailboxes.factory import make_mailbox
from mailbot.mailboxes.graph import GraphMailbox
from tests.fakes.graph_server import GraphState, running_graph
from tests.mailboxes.conftest import MemoryCursors, make_message


@dataclass
class RotatingToken:
    """Hands out token-1 until asked for a fresh one, then token-2, ..."""

    issued: int = 1
    refreshes: int = 0

    def __call__(self, force_refresh: bool = False) -> str:
        if force_refresh:
            self.issued += 1
            self.refreshes += 1
        return f"token-{self.issued}"


@dataclass
class Sleeps:
    seconds: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def graph() -> Iterator[tuple[GraphState, str]]:
    with running_graph() as served:
        yield served


def _box(
    graph: tuple[GraphState, str],
    cursors: MemoryCursors,
    sleeps: Sleeps | None = None,
    token: RotatingToken | None = None,
) -> GraphMailbox:
    state, url = graph
    box = make_mailbox(
        "graph",
        "m365",
        cursors,
        mailbox=state.user,
        base_url=url,
        token_provider=token or RotatingToken(),
        sleep=sleeps or Sleeps(),
        rand=lambda: 0.5,
        poll_interval=5.0,
    )
    assert isinstance(box, GraphMailbox)
    return box


def _subject(raw: bytes) -> str:
    return next(x[9:].decode() for x in raw.splitlines() if x.startswith(b"Subject: "))


def test_delta_yields_messages_oldest_first_across_pages_and_moves_after_acknowledge(
    graph: tuple[GraphState, str], cursors: MemoryCursors
) -> None:
    state, _ = graph
    for n in range(5):
        state.deliver(make_message(f"record {n}"))
    box = _box(graph, cursors)
    try:
        items = list(box.fetch())
        assert [_subject(i.raw) for i in items] == [f"record {n}" for n in range(5)]
        box.acknowledge(items[0].position, "forwarded")
        box.acknowledge(items[1].position, "exception")
        for item in items[2:]:
            box.acknowledge(item.position, "duplicate")
        assert list(box.fetch()) == []
    finally:
        box.close()
    processed, exceptions = state.folder_id("Processed"), state.folder_id("Exceptions")
    assert processed and exceptions
    assert len(state.in_folder(processed)) == 4 and len(state.in_folder(exceptions)) == 1
    assert state.in_folder("inbox") == []
    assert "deltatoken" in cursors.states["m365"]["delta_link"]
    assert state.max_in_flight <= 4


def test_a_restart_resumes_from_the_saved_delta_link_and_rereads_an_unacknowledged_round(
    graph: tuple[GraphState, str], cursors: MemoryCursors
) -> None:
    state, _ = graph
    state.deliver(make_message("first"))
    first = _box(graph, cursors)
    (item,) = first.fetch()
    first.acknowledge(item.position, "forwarded")
    state.deliver(make_message("second"))
    assert [_subject(i.raw) for i in first.fetch()] == ["second"]  # crash before acknowledging
    first.close()

    second = _box(graph, cursors)
    try:
        again = list(second.fetch())
        assert [_subject(i.raw) for i in again] == ["second"]
        second.acknowledge(again[0].position, "forwarded")
        state.deliver(make_message("third"))
        assert [_subject(i.raw) for i in second.fetch()] == ["third"]
    finally:
        second.close()


def test_expired_delta_link_starts_a_full_resync(
    graph: tuple[GraphState, str], cursors: MemoryCursors
) -> None:
    state, url = graph
    state.deliver(make_message("still in the inbox"))
    cursors.states["m365"] = {
        "delta_link": f"{url}/users/{state.user}/mailFolders/inbox/messages/delta?$deltatoken=999"
    }
    box = _box(graph, cursors)
    try:
        assert [_subject(i.raw) for i in box.fetch()] == ["still in the inbox"]
    finally:
        box.close()


def test_throttling_is_honoured_with_retry_after(
    graph: tuple[GraphState, str], cursors: MemoryCursors
) -> None:
    state, _ = graph
    state.deliver(make_message("slow day"))
    state.faults += [(429, "7"), (503, "2")]
    sleeps = Sleeps()
    box = _box(graph, cursors, sleeps)
    try:
        assert [_subject(i.raw) for i in box.fetch()] == ["slow day"]
    finally:
        box.close()
    assert sleeps.seconds == [7.0, 2.0]


def test_expired_token_is_refreshed_once_and_the_request_retried(
    graph: tuple[GraphState, str], cursors: MemoryCursors
) -> None:
    state, _ = graph
    state.deliver(make_message("after expiry"))
    token = RotatingToken()
    box = _box(graph, cursors, token=token)
    try:
        state.valid_tokens = {"token-2"}  # token-1 expires
        assert [_subject(i.raw) for i in box.fetch()] == ["after expiry"]
        assert token.refreshes == 1
        state.valid_tokens = set()  # the tenant revoked the app: a clear error, no loop
        with pytest.raises(MailboxError, match="InvalidAuthenticationToken") as caught:
            box.wait(0)
        assert "token-" not in str(caught.value)
    finally:
        box.close()


def test_wait_polls_the_delta_link_until_mail_arrives(
    graph: tuple[GraphState, str], cursors: MemoryCursors
) -> None:
    state, _ = graph
    sleeps = Sleeps()
    box = _box(graph, cursors, sleeps)

    def deliver_on_second_poll(seconds: float) -> None:
        sleeps.seconds.append(seconds)
        if len(sleeps.seconds) == 2:
            state.deliver(make_message("polled in"))

    box._sleep = deliver_on_second_poll
    try:
        assert list(box.fetch()) == []
        assert box.wait(3600) is True
        assert sleeps.seconds == [5.0, 5.0]
        assert [_subject(i.raw) for i in box.fetch()] == ["polled in"]
    finally:
        box.close()


def test_a_message_moved_away_by_a_person_is_skipped(
    graph: tuple[GraphState, str], cursors: MemoryCursors
) -> None:
    state, _ = graph
    gone = state.deliver(make_message("moved by a person"))
    state.deliver(make_message("still here"))
    box = _box(graph, cursors)
    try:
        assert box.wait(0) is True  # listed ...
        del state.messages[gone]  # ... then moved before its body was read
        assert [_subject(i.raw) for i in box.fetch()] == ["still here"]
    finally:
        box.close()


def test_the_fake_answers_a_mail_folder_with_its_item_count(
    graph: tuple[GraphState, str],
) -> None:
    state, url = graph
    for n in range(3):
        state.deliver(make_message(f"waiting {n}"))
    headers = {"Authorization": "Bearer token-1"}
    folder = f"{url}/users/{state.user}/mailFolders/inbox"
    answer = httpx.get(folder, params={"$select": "totalItemCount"}, headers=headers)
    assert answer.status_code == 200
    assert {k: v for k, v in answer.json().items() if not k.startswith("@")} == {
        "id": "inbox",
        "totalItemCount": 3,
    }
    assert httpx.get(folder, headers=headers).json()["displayName"] == "Inbox"
    assert httpx.get(f"{folder}x", headers=headers).status_code == 404


def test_backlog_is_the_folder_count_once_per_fetch_less_what_was_moved(
    graph: tuple[GraphState, str], cursors: MemoryCursors
) -> None:
    state, _ = graph
    for n in range(5):
        state.deliver(make_message(f"record {n}"))
    box = _box(graph, cursors)
    try:
        assert box.backlog() is None  # not fetched yet
        for item in box.fetch(limit=2):
            box.acknowledge(item.position, "forwarded")
        assert box.backlog() == 3 == len(state.in_folder("inbox"))
        counts = [c for c in state.calls if c.path.endswith("/mailFolders/inbox")]
        assert [c.query for c in counts] == [{"$select": ["totalItemCount"]}]  # one request
        state.deliver(make_message("late"))
        for item in box.fetch():
            box.acknowledge(item.position, "forwarded")
        assert box.backlog() == 1 == len(state.in_folder("inbox"))  # "late": the next round
        assert len([c for c in state.calls if c.path.endswith("/mailFolders/inbox")]) == 2
    finally:
        box.close()


def test_backlog_is_unknown_when_graph_does_not_give_the_folder_count(
    graph: tuple[GraphState, str], cursors: MemoryCursors
) -> None:
    state, url = graph
    state.deliver(make_message("read all the same"), folder="AQMkUnlisted")  # the count: 404
    box = make_mailbox(
        "graph", "m365", cursors, mailbox=state.user, base_url=url, folder="AQMkUnlisted",
        token_provider=RotatingToken(), sleep=Sleeps(), rand=lambda: 0.5,
    )  # fmt: skip
    try:
        assert [_subject(i.raw) for i in box.fetch()] == ["read all the same"]
        assert box.backlog() is None
    finally:
        box.close()
