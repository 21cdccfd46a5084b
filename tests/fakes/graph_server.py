"""A local Microsoft Graph stand-in: answers the requests httpx sends for the Graph mailbox and
sender, with bodies shaped as learn.microsoft.com documents them.

Covered: messages delta on a folder (pages through ``@odata.nextLink``, ends with
``@odata.deltaLink``, ``@removed`` entries, 410 for an unknown token), ``$value``, ``move``,
mailFolders lookup by displayName and creation, one mailFolder by id or well-known name
(``totalItemCount`` and the other counts, ``$select`` honoured), sendMail (base64 MIME, text/plain), drafts,
attachments, createUploadSession with ranged PUTs, ``send``, and Sent Items lookup by
internetMessageId. Faults on demand: 429/503 with Retry-After, and token expiry (401
InvalidAuthenticationToken until a new token is presented).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

PAGE = 2  # small pages, so paging is exercised


@dataclass
class FakeMessage:
    id: str
    folder: str
    mime: bytes
    received: str
    internet_id: str


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class GraphState:
    user: str = "mecc@council.example"
    valid_tokens: set[str] = field(default_factory=lambda: {"token-1"})
    folders: dict[str, str] = field(
        default_factory=lambda: {"inbox": "Inbox", "sentitems": "Sent Items"}
    )
    messages: dict[str, FakeMessage] = field(default_factory=dict)
    log: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, "add"|"remove", id)
    faults: list[tuple[int, str]] = field(default_factory=list)  # (status, Retry-After)
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)
    sent: list[bytes] = field(default_factory=list)
    sent_json: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    clock: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, mime: bytes, folder: str = "inbox") -> str:
        with self.lock:
            self.clock += timedelta(seconds=1)
            msg_id = "AAMk" + uuid.uuid4().hex
            parsed = message_from_bytes(mime, policy=default_policy)
            self.messages[msg_id] = FakeMessage(
                msg_id,
                folder,
                mime,
                self.clock.strftime("%Y-%m-%dT%H:%M:%SZ"),
                str(parsed.get("Message-ID", f"<{msg_id}@fake>")),
            )
            self.log.append((len(self.log) + 1, "add", msg_id))
            return msg_id

    def in_folder(self, folder: str) -> list[FakeMessage]:
        return [m for m in self.messages.values() if m.folder == folder]

    def folder_id(self, name: str) -> str | None:
        return next((i for i, n in self.folders.items() if n == name), None)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output quiet
        return

    # -- plumbing --------------------------------------------------------------------------

    def _reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = b""
        if isinstance(body, bytes):
            data = body
        elif body is not None:
            data = json.dumps(body).encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if body is not None and not isinstance(body, bytes):
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self._reply(status, {"error": {"code": code, "message": message}}, headers)

    def _handle(self, method: str) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        call = Call(method, unquote(parts.path), parse_qs(parts.query), dict(self.headers), body)
        with state.lock:
            state.calls.append(call)
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            self._route(state, call)
        finally:
            with state.lock:
                state.in_flight -= 1

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # -- routes ----------------------------------------------------------------------------

    def _route(self, state: GraphState, call: Call) -> None:
        if call.path.startswith("/upload/"):  # pre-authenticated upload URL: no Authorization
            self._put_range(state, call)
            return
        token = call.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in state.valid_tokens:
            self._error(
                401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."
            )
            return
        with state.lock:
            fault = state.faults.pop(0) if state.faults else None
        if fault:
            status, retry_after = fault
            self._error(
                status,
                "TooManyRequests" if status == 429 else "ServiceUnavailable",
                "Please retry again later.",
                {"Retry-After": retry_after},
            )
            return
        prefix = f"/v1.0/users/{state.user}"
        if not call.path.startswith(prefix):
            self._error(404, "ErrorInvalidUser", "The requested user is invalid.")
            return
        path = call.path[len(prefix) :]
        routes: list[tuple[str, str, Callable[..., None]]] = [
            ("GET", r"/mailFolders/([^/]+)/messages/delta", self._delta),
            ("GET", r"/messages/([^/]+)/\$value", self._value),
            ("POST", r"/messages/([^/]+)/move", self._move),
            ("GET", r"/mailFolders", self._folders),
            ("GET", r"/mailFolders/([^/]+)", self._folder),
            ("POST", r"/mailFolders", self._new_folder),
            ("POST", r"/sendMail", self._send_mail),
            ("POST", r"/messages", self._new_draft),
            ("POST", r"/messages/([^/]+)/attachments", self._attach),
            ("POST", r"/messages/([^/]+)/attachments/createUploadSession", self._upload_session),
            ("POST", r"/messages/([^/]+)/send", self._send_draft),
            ("DELETE", r"/messages/([^/]+)", self._delete),
            ("GET", r"/mailFolders/([^/]+)/messages", self._list),
        ]
        for method, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if match and method == call.method:
                handler(state, call, *match.groups())
                return
        self._error(400, "BadRequest", f"Unsupported request {call.method} {path}")

    def _delta(self, state: GraphState, call: Call, folder: str) -> None:
        q = {k: v[0] for k, v in call.query.items()}
        with state.lock:
            since = int(q.get("$deltatoken", "0") or 0)
            if since > len(state.log):
                self._error(410, "SyncStateNotFound", "The sync state is not found or expired.")
                return
            if since == 0:
                ids = [m.id for m in state.in_folder(folder)]
                removed: list[str] = []
            else:
                changes = state.log[since:]
                ids = [
                    i
                    for _, kind, i in changes
                    if kind == "add" and i in state.messages and state.messages[i].folder == folder
                ]
                removed = [i for _, kind, i in changes if kind == "remove"]
            top = len(state.log)
            entries: list[dict[str, Any]] = [
                {
                    "@odata.type": "#microsoft.graph.message",
                    "@odata.etag": 'W/"CQAAABYAAAA"',
                    "id": i,
                    "receivedDateTime": state.messages[i].received,
                    "internetMessageId": state.messages[i].internet_id,
                }
                for i in reversed(ids)  # newest first: the client must sort
            ] + [
                {
                    "@odata.type": "#microsoft.graph.message",
                    "id": i,
                    "@removed": {"reason": "deleted"},
                }
                for i in removed
            ]
        skip = int(q.get("$skiptoken", "0") or 0)
        page = entries[skip : skip + PAGE]
        base = f"{self.server.base_url}/v1.0/users/{state.user}/mailFolders/{folder}/messages/delta"
        body: dict[str, Any] = {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(message)",
            "value": page,
        }
        if skip + PAGE < len(entries):
            body["@odata.nextLink"] = f"{base}?$skiptoken={skip + PAGE}&$deltatoken={since}"
        else:
            body["@odata.deltaLink"] = f"{base}?$deltatoken={top}"
        self._reply(200, body)

    def _value(self, state: GraphState, call: Call, msg_id: str) -> None:
        message = state.messages.get(msg_id)
        if message is None:
            self._error(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
            return
        self._reply(200, message.mime, {"Content-Type": "text/plain"})

    def _move(self, state: GraphState, call: Call, msg_id: str) -> None:
        destination = json.loads(call.body)["destinationId"]
        with state.lock:
            message = state.messages.get(msg_id)
            if message is None:
                self._error(
                    404, "ErrorItemNotFound", "The specified object was not found in the store."
                )
                return
            if destination not in state.folders:
                self._error(404, "ErrorInvalidIdMalformed", "Id is malformed.")
                return
            old_folder = message.folder
            del state.messages[msg_id]
            new_id = "AAMk" + uuid.uuid4().hex  # a move gives the message a new id
            state.messages[new_id] = FakeMessage(
                new_id, destination, message.mime, message.received, message.internet_id
            )
            if old_folder != destination:
                state.log.append((len(state.log) + 1, "remove", msg_id))
        self._reply(201, {"id": new_id, "parentFolderId": destination})

    def _folders(self, state: GraphState, call: Call) -> None:
        wanted = re.fullmatch(r"displayName eq '(.*)'", call.query.get("$filter", [""])[0])
        name = wanted.group(1).replace("''", "'") if wanted else None
        value = [{"id": i, "displayName": n} for i, n in state.folders.items() if name in (None, n)]
        self._reply(200, {"value": value})

    def _folder(self, state: GraphState, call: Call, folder_id: str) -> None:
        with state.lock:
            if folder_id not in state.folders:
                self._error(
                    404, "ErrorItemNotFound", "The specified object was not found in the store."
                )
                return
            count = len(state.in_folder(folder_id))
            folder: dict[str, Any] = {
                "id": folder_id,
                "displayName": state.folders[folder_id],
                "parentFolderId": "AQMkRoot",
                "childFolderCount": 0,
                "unreadItemCount": count,
                "totalItemCount": count,
                "isHidden": False,
            }
        wanted = call.query.get("$select", [""])[0]
        if wanted:  # like Graph: the properties asked for, and always the id
            folder = {k: v for k, v in folder.items() if k == "id" or k in wanted.split(",")}
        body = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#mailFolders/$entity"}
        self._reply(200, {**body, **folder})

    def _new_folder(self, state: GraphState, call: Call) -> None:
        name = json.loads(call.body)["displayName"]
        with state.lock:
            if state.folder_id(name):
                self._error(
                    409, "ErrorFolderExists", "A folder with the specified name already exists."
                )
                return
            folder_id = "AQMk" + uuid.uuid4().hex
            state.folders[folder_id] = name
        self._reply(201, {"id": folder_id, "displayName": name, "totalItemCount": 0})

    def _send_mail(self, state: GraphState, call: Call) -> None:
        if not call.headers.get("Content-Type", "").startswith("text/plain"):
            self._error(400, "RequestBodyRead", "Expected MIME content as text/plain.")
            return
        try:
            mime = base64.b64decode(call.body, validate=True)
        except ValueError:
            self._error(
                400,
                "ErrorMimeContentInvalidBase64String",
                "Invalid base64 string for MIME content.",
            )
            return
        with state.lock:
            state.sent.append(mime)
        state.deliver(mime, "sentitems")
        self._reply(202)

    def _new_draft(self, state: GraphState, call: Call) -> None:
        draft = json.loads(call.body)
        draft_id = "AAMkDraft" + uuid.uuid4().hex
        draft["attachments"] = []
        with state.lock:
            state.drafts[draft_id] = draft
        self._reply(
            201,
            {
                "id": draft_id,
                "isDraft": True,
                **{k: v for k, v in draft.items() if k != "attachments"},
            },
        )

    def _attach(self, state: GraphState, call: Call, draft_id: str) -> None:
        item = json.loads(call.body)
        state.drafts[draft_id]["attachments"].append(
            {"name": item["name"], "bytes": base64.b64decode(item["contentBytes"])}
        )
        self._reply(201, {"id": "AAMkAtt" + uuid.uuid4().hex, "name": item["name"]})

    def _upload_session(self, state: GraphState, call: Call, draft_id: str) -> None:
        spec = json.loads(call.body)["AttachmentItem"]
        session_id = uuid.uuid4().hex
        state.uploads[session_id] = {
            "draft": draft_id,
            "name": spec["name"],
            "size": spec["size"],
            "data": bytearray(),
        }
        self._reply(
            201,
            {
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession",
                "uploadUrl": f"{self.server.base_url}/upload/{session_id}?authtoken=opaque",
                "expirationDateTime": "2026-01-05T10:00:00.0000000Z",
                "nextExpectedRanges": ["0-"],
            },
        )

    def _put_range(self, state: GraphState, call: Call) -> None:
        if "Authorization" in call.headers:
            self._error(
                401, "InvalidAuthenticationToken", "Do not send Authorization to an upload URL."
            )
            return
        session = state.uploads[call.path.split("/")[2]]
        match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", call.headers.get("Content-Range", ""))
        if (
            not match
            or int(match.group(1)) != len(session["data"])
            or int(match.group(3)) != session["size"]
        ):
            self._error(416, "InvalidRange", "The range is not the next expected range.")
            return
        session["data"].extend(call.body)
        if len(session["data"]) < session["size"]:
            self._reply(
                200,
                {
                    "expirationDateTime": "2026-01-05T10:00:00.0000000Z",
                    "nextExpectedRanges": [str(len(session["data"]))],
                },
            )
            return
        state.drafts[session["draft"]]["attachments"].append(
            {"name": session["name"], "bytes": bytes(session["data"])}
        )
        self._reply(
            201, None, {"Location": f"{self.server.base_url}/attachments/{uuid.uuid4().hex}"}
        )

    def _send_draft(self, state: GraphState, call: Call, draft_id: str) -> None:
        with state.lock:
            draft = state.drafts.pop(draft_id)
            state.sent_json.append(draft)
            state.clock += timedelta(seconds=1)
            state.messages[draft_id] = FakeMessage(
                draft_id, "sentitems", b"", "", draft.get("internetMessageId", "")
            )
        self._reply(202)

    def _delete(self, state: GraphState, call: Call, msg_id: str) -> None:
        with state.lock:
            state.drafts.pop(msg_id, None)
            state.messages.pop(msg_id, None)
        self._reply(204)

    def _list(self, state: GraphState, call: Call, folder: str) -> None:
        wanted = re.fullmatch(r"internetMessageId eq '(.*)'", call.query.get("$filter", [""])[0])
        target = wanted.group(1).replace("''", "'") if wanted else None
        value = [{"id": m.id} for m in state.in_folder(folder) if target in (None, m.internet_id)]
        self._reply(200, {"value": value})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: GraphState
    base_url: str


@contextmanager
def running_graph(state: GraphState | None = None) -> Iterator[tuple[GraphState, str]]:
    """Serve a fake Graph on a free loopback port; yields (state, Graph base URL)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = state or GraphState()
    server.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server.state, f"{server.base_url}/v1.0"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
