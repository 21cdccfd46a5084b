"""A local Exchange Web Services stand-in: answers the SOAP operations exchangelib sends for the
EWS mailbox and sender, shaped as the EWS reference documents them (messages/types namespaces,
ResponseMessages with ResponseClass and ResponseCode).

Operations: GetFolder (distinguished folders), FindFolder, CreateFolder, SyncFolderItems (with a
sync state that counts changes), GetItem (MimeContent), MoveItem, CreateItem (MimeContent,
SendAndSaveCopy), FindItem (Sent Items restricted on InternetMessageId). ``state.busy`` answers
ErrorServerBusy with a BackOffMilliseconds hint.

Authentication (``state.auth``), as IIS in front of Exchange does it:

- ``basic``: ``Authorization: Basic`` with ``state.username`` / ``state.password``.
- ``ntlm``: connection-oriented NTLM (MS-NLMP). A request without credentials gets 401 with
  ``WWW-Authenticate: Negotiate`` and ``NTLM``; the client's NEGOTIATE message gets 401 with a
  CHALLENGE; the AUTHENTICATE message, on the same keep-alive connection, is parsed, its domain
  and user compared with ``state.username`` (``DOMAIN\\user``) and its NTLMv2 proof checked
  against ``state.password``. The connection is then signed in: later requests on it carry no
  Authorization header. A new connection starts again.
- ``bearer``: ``Authorization: Bearer <token>`` where ``state.accept_token(token)`` is true.

``running_ews(tls=(cert, key))`` serves HTTPS.
"""

from __future__ import annotations

import base64
import hmac
import os
import ssl
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

S = "http://schemas.xmlsoap.org/soap/envelope/"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
E = "http://schemas.microsoft.com/exchange/services/2006/errors"
DISTINGUISHED = {
    "root": "Top of Information Store",
    "msgfolderroot": "Top of Information Store",
    "inbox": "Inbox",
    "sentitems": "Sent Items",
}


@dataclass
class EwsItem:
    id: str
    folder: str
    mime: bytes
    received: str
    internet_id: str


@dataclass
class EwsState:
    username: str = "COUNCIL\\mecc"
    password: str = "ews-secret"
    auth: str = "basic"  # basic | ntlm | bearer
    accept_token: Callable[[str], bool] = lambda token: False  # bearer
    logins: list[str] = field(default_factory=list)  # "ntlm COUNCIL\\mecc", "bearer", "basic …"
    refused: list[str] = field(default_factory=list)  # why each sign-in was refused
    impersonated: list[str] = field(default_factory=list)  # ExchangeImpersonation addresses
    folders: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (name, parent id)
    items: dict[str, EwsItem] = field(default_factory=dict)
    log: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, folder, item id)
    busy: int = 0
    operations: list[str] = field(default_factory=list)
    sent: list[bytes] = field(default_factory=list)
    clock: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.folders.setdefault("F-root", ("Top of Information Store", ""))
        for key in ("inbox", "sentitems"):
            self.folders.setdefault(f"F-{key}", (DISTINGUISHED[key], "F-root"))

    def deliver(self, mime: bytes, folder: str = "F-inbox") -> str:
        with self.lock:
            self.clock += timedelta(seconds=1)
            item_id = "AAMkEws" + uuid.uuid4().hex
            parsed = message_from_bytes(mime, policy=default_policy)
            self.items[item_id] = EwsItem(
                item_id,
                folder,
                mime,
                self.clock.strftime("%Y-%m-%dT%H:%M:%SZ"),
                str(parsed.get("Message-ID", "")),
            )
            self.log.append(("create", folder, item_id))
            return item_id

    def folder_named(self, name: str) -> str | None:
        return next((i for i, (n, _) in self.folders.items() if n == name), None)

    def in_folder(self, folder_id: str) -> list[EwsItem]:
        return [i for i in self.items.values() if i.folder == folder_id]


def _folder_id_of(elem: ET.Element) -> str:
    distinguished = elem.find(f"{{{T}}}DistinguishedFolderId")
    if distinguished is not None:
        key = distinguished.get("Id", "")
        return "F-root" if key in ("root", "msgfolderroot") else f"F-{key}"
    plain = elem.find(f"{{{T}}}FolderId")
    return plain.get("Id", "") if plain is not None else ""


def _folder_xml(state: EwsState, folder_id: str) -> str:
    name, parent = state.folders[folder_id]
    children = sum(1 for _, p in state.folders.values() if p == folder_id)
    parent_xml = f'<t:ParentFolderId Id="{parent}" ChangeKey="AQAAAA=="/>' if parent else ""
    return (
        f'<t:Folder><t:FolderId Id="{folder_id}" ChangeKey="AQAAAA=="/>{parent_xml}'
        f"<t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>{escape(name)}</t:DisplayName>"
        f"<t:TotalCount>{len(state.in_folder(folder_id))}</t:TotalCount>"
        f"<t:ChildFolderCount>{children}</t:ChildFolderCount><t:UnreadCount>0</t:UnreadCount>"
        "</t:Folder>"
    )


def _ok(op: str, inner: str) -> str:
    return (
        f'<m:{op}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
        f"{inner}</m:{op}ResponseMessage>"
    )


def _error(op: str, code: str, text: str, extra: str = "") -> str:
    return (
        f'<m:{op}ResponseMessage ResponseClass="Error"><m:MessageText>{escape(text)}</m:MessageText>'
        f"<m:ResponseCode>{code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
        f"{extra}</m:{op}ResponseMessage>"
    )


# -- NTLM (MS-NLMP), the server's side ----------------------------------------------------

_NTLM_SIGNATURE = b"NTLMSSP\x00"
_NEGOTIATE_UNICODE = 0x00000001
_CHALLENGE_FLAGS = (
    _NEGOTIATE_UNICODE
    | 0x00000004  # REQUEST_TARGET
    | 0x00000200  # NTLM
    | 0x00008000  # ALWAYS_SIGN
    | 0x00010000  # TARGET_TYPE_DOMAIN
    | 0x00080000  # EXTENDED_SESSIONSECURITY
    | 0x00800000  # TARGET_INFO
    | 0x02000000  # VERSION
    | 0x20000000  # 128
    | 0x80000000  # 56
)


class NtlmError(ValueError):
    """A message that is not the NTLM message expected here."""


def _md4(data: bytes) -> bytes:
    """MD4 (RFC 1320), for the NT hash: OpenSSL 3 no longer offers it through hashlib."""

    def rotl(x: int, n: int) -> int:
        x &= 0xFFFFFFFF
        return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF

    message = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64) + struct.pack("<Q", len(data) * 8)
    state = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476]
    rounds: tuple[
        tuple[Callable[[int, int, int], int], int, tuple[int, ...], tuple[int, ...]], ...
    ] = (
        (lambda x, y, z: (x & y) | (~x & z), 0, tuple(range(16)), (3, 7, 11, 19)),
        (
            lambda x, y, z: (x & y) | (x & z) | (y & z),
            0x5A827999,
            (0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15),
            (3, 5, 9, 13),
        ),
        (
            lambda x, y, z: x ^ y ^ z,
            0x6ED9EBA1,
            (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15),
            (3, 9, 11, 15),
        ),
    )
    for offset in range(0, len(message), 64):
        words = struct.unpack("<16I", message[offset : offset + 64])
        a, b, c, d = state
        for function, constant, order, shifts in rounds:
            for step, index in enumerate(order):
                a, b, c, d = (
                    d,
                    rotl(a + function(b, c, d) + words[index] + constant, shifts[step % 4]),
                    b,
                    c,
                )
        state = [(x + y) & 0xFFFFFFFF for x, y in zip(state, (a, b, c, d), strict=True)]
    return struct.pack("<4I", *state)


def _ntlm_message(token: bytes, expected_type: int) -> None:
    if len(token) < 12 or token[:8] != _NTLM_SIGNATURE:
        raise NtlmError("not an NTLMSSP message")
    (message_type,) = struct.unpack_from("<I", token, 8)
    if message_type != expected_type:
        raise NtlmError(f"NTLM message type {message_type}, expected {expected_type}")


def _ntlm_field(token: bytes, at: int) -> bytes:
    length, _, offset = struct.unpack_from("<HHI", token, at)
    if offset + length > len(token):
        raise NtlmError("an NTLM field points outside the message")
    return token[offset : offset + length]


def ntlm_challenge(server_challenge: bytes, domain: str) -> bytes:
    """A CHALLENGE_MESSAGE (type 2) for ``domain`` with ``server_challenge`` (8 bytes)."""

    def pair(av_id: int, value: bytes) -> bytes:
        return struct.pack("<HH", av_id, len(value)) + value

    filetime = (int(time.time()) + 11644473600) * 10_000_000
    target = domain.encode("utf-16-le")
    info = (
        pair(2, target)  # MsvAvNbDomainName
        + pair(1, "EXCH01".encode("utf-16-le"))  # MsvAvNbComputerName
        + pair(4, "council.example".encode("utf-16-le"))  # MsvAvDnsDomainName
        + pair(3, "exch01.council.example".encode("utf-16-le"))  # MsvAvDnsComputerName
        + pair(7, struct.pack("<Q", filetime))  # MsvAvTimestamp
        + pair(0, b"")  # MsvAvEOL
    )
    header = 56
    version = struct.pack("<BBH3xB", 10, 0, 17763, 15)
    return (
        _NTLM_SIGNATURE
        + struct.pack("<I", 2)
        + struct.pack("<HHI", len(target), len(target), header)
        + struct.pack("<I", _CHALLENGE_FLAGS)
        + server_challenge
        + b"\x00" * 8
        + struct.pack("<HHI", len(info), len(info), header + len(target))
        + version
        + target
        + info
    )


@dataclass(frozen=True)
class NtlmAuthenticate:
    """What an AUTHENTICATE_MESSAGE (type 3) says."""

    domain: str
    user: str
    workstation: str
    nt_response: bytes

    def proves(self, password: str, server_challenge: bytes) -> bool:
        """Whether the NTLMv2 response was made with ``password`` for this server challenge."""
        if len(self.nt_response) < 24:
            return False  # NTLMv1, which Exchange servers refuse
        nt_hash = _md4(password.encode("utf-16-le"))
        key = hmac.new(nt_hash, (self.user.upper() + self.domain).encode("utf-16-le"), "md5")
        proof = hmac.new(key.digest(), server_challenge + self.nt_response[16:], "md5").digest()
        return hmac.compare_digest(proof, self.nt_response[:16])


def parse_ntlm_authenticate(token: bytes) -> NtlmAuthenticate:
    _ntlm_message(token, 3)
    if len(token) < 64:
        raise NtlmError("NTLM AUTHENTICATE message too short")
    (flags,) = struct.unpack_from("<I", token, 60)

    def text(at: int) -> str:
        raw = _ntlm_field(token, at)
        return raw.decode("utf-16-le" if flags & _NEGOTIATE_UNICODE else "latin-1")

    return NtlmAuthenticate(
        domain=text(28), user=text(36), workstation=text(44), nt_response=_ntlm_field(token, 20)
    )


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    # NTLM signs in a connection, and http.server keeps one handler object per connection
    _ntlm_challenge: bytes | None = None  # sent on this connection, awaiting AUTHENTICATE
    _ntlm_user: str | None = None  # this connection is signed in as DOMAIN\\user

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | list[tuple[str, str]] | None = None,
    ) -> None:
        self.send_response(status)
        pairs = headers.items() if isinstance(headers, dict) else (headers or [])
        for key, value in pairs:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self._signed_in(state):
            return
        envelope = ET.fromstring(body)
        for address in envelope.iterfind(
            f"{{{S}}}Header/{{{T}}}ExchangeImpersonation//{{{T}}}PrimarySmtpAddress"
        ):
            with state.lock:
                state.impersonated.append(address.text or "")
        request = envelope.find(f"{{{S}}}Body")
        assert request is not None
        op_elem = request[0]
        op = op_elem.tag.split("}")[1]
        with state.lock:
            state.operations.append(op)
            busy = state.busy > 0
            if busy:
                state.busy -= 1
        if busy:  # Exchange throttles with a SOAP fault (HTTP 500) carrying a back-off hint
            fault = (
                f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{S}"><s:Body><s:Fault>'
                '<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">'
                'a:ErrorServerBusy</faultcode><faultstring xml:lang="en-US">The server cannot '
                "service this request right now. Try again later.</faultstring><detail>"
                f'<e:ResponseCode xmlns:e="{E}">ErrorServerBusy</e:ResponseCode>'
                f'<e:Message xmlns:e="{E}">The server cannot service this request right now. '
                f'Try again later.</e:Message><t:MessageXml xmlns:t="{T}">'
                '<t:Value Name="BackOffMilliseconds">50</t:Value></t:MessageXml></detail>'
                "</s:Fault></s:Body></s:Envelope>"
            )
            self._send(500, fault.encode(), {"Content-Type": "text/xml; charset=utf-8"})
            return
        handler = getattr(self, f"_op_{op}", None)
        if handler is None:
            self._send(500, f"unsupported operation {op}".encode())
            return
        self._respond(op, handler(state, op_elem))

    # -- authentication ----------------------------------------------------------------------

    def _refuse(self, state: EwsState, why: str, challenges: list[tuple[str, str]]) -> bool:
        with state.lock:
            state.refused.append(why)
        self._send(401, b"", challenges)
        return False

    def _signed_in(self, state: EwsState) -> bool:
        """True when the request may go on; otherwise the 401 has been sent."""
        header = self.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        value = value.strip()
        if state.auth == "basic":
            expected = base64.b64encode(f"{state.username}:{state.password}".encode()).decode()
            if scheme.lower() == "basic" and value == expected:
                with state.lock:
                    state.logins.append(f"basic {state.username}")
                return True
            return self._refuse(
                state, "basic: wrong credentials", [("WWW-Authenticate", 'Basic realm="ews"')]
            )
        if state.auth == "bearer":
            if scheme.lower() == "bearer" and state.accept_token(value):
                with state.lock:
                    state.logins.append("bearer")
                return True
            why = "bearer: token not accepted" if header else "bearer: no token"
            return self._refuse(state, why, [("WWW-Authenticate", "Bearer")])
        return self._ntlm(state, scheme, value)

    def _ntlm(self, state: EwsState, scheme: str, value: str) -> bool:
        offer = [("WWW-Authenticate", "Negotiate"), ("WWW-Authenticate", "NTLM")]
        if scheme.lower() not in ("ntlm", "negotiate") or not value:
            if self._ntlm_user is not None:
                return True  # the connection signed in earlier
            self._send(401, b"", offer)
            return False
        try:
            try:
                token = base64.b64decode(value, validate=True)
            except ValueError as exc:
                raise NtlmError("NTLM token is not base64") from exc
            if token[8:12] == struct.pack("<I", 1):
                _ntlm_message(token, 1)
                self._ntlm_user, self._ntlm_challenge = None, os.urandom(8)
                domain = state.username.rpartition("\\")[0] or "COUNCIL"
                reply = base64.b64encode(ntlm_challenge(self._ntlm_challenge, domain)).decode()
                self._send(401, b"", [("WWW-Authenticate", f"{scheme} {reply}")])
                return False
            message = parse_ntlm_authenticate(token)
            challenge, self._ntlm_challenge = self._ntlm_challenge, None
            if challenge is None:
                raise NtlmError("AUTHENTICATE without a CHALLENGE on this connection")
            who = f"{message.domain}\\{message.user}"
            domain, _, user = state.username.rpartition("\\")
            if message.user.casefold() != user.casefold() or (
                domain and message.domain.casefold() != domain.casefold()
            ):
                raise NtlmError(f"ntlm: unknown user {who}")
            if not message.proves(state.password, challenge):
                raise NtlmError(f"ntlm: wrong password for {who}")
        except NtlmError as exc:
            self._ntlm_user = self._ntlm_challenge = None
            return self._refuse(state, str(exc), offer)
        self._ntlm_user = who
        with state.lock:
            state.logins.append(f"ntlm {who}")
        return True

    def _respond(self, op: str, messages: str) -> None:
        xml = (
            f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{S}">'
            f'<s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" '
            f'MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="{T}"/></s:Header>'
            f'<s:Body><m:{op}Response xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages>{messages}'
            f"</m:ResponseMessages></m:{op}Response></s:Body></s:Envelope>"
        )
        self._send(200, xml.encode(), {"Content-Type": "text/xml; charset=utf-8"})

    # -- operations (each returns the ResponseMessages' content) --------------------------

    def _op_GetFolder(self, state: EwsState, op: ET.Element) -> str:
        ids = op.find(f"{{{M}}}FolderIds")
        assert ids is not None
        out = []
        for child in ids:
            wrapper = ET.Element("w")
            wrapper.append(child)
            folder_id = _folder_id_of(wrapper)
            if folder_id in state.folders:
                out.append(
                    _ok("GetFolder", f"<m:Folders>{_folder_xml(state, folder_id)}</m:Folders>")
                )
            else:
                out.append(
                    _error(
                        "GetFolder",
                        "ErrorFolderNotFound",
                        "The specified folder could not be found in the store.",
                    )
                )
        return "".join(out)

    def _op_FindFolder(self, state: EwsState, op: ET.Element) -> str:
        parents = op.find(f"{{{M}}}ParentFolderIds")
        assert parents is not None
        wrapper = ET.Element("w")
        wrapper.append(parents[0])
        parent = _folder_id_of(wrapper)
        deep = op.get("Traversal") == "Deep"

        def under(folder_id: str) -> bool:
            current = state.folders[folder_id][1]
            while current:
                if current == parent:
                    return True
                if not deep:
                    return False
                current = state.folders.get(current, ("", ""))[1]
            return False

        found = [f for f in state.folders if under(f)]
        folders = "".join(_folder_xml(state, f) for f in found)
        return _ok(
            "FindFolder",
            f'<m:RootFolder TotalItemsInView="{len(found)}" IncludesLastItemInRange="true">'
            f"<t:Folders>{folders}</t:Folders></m:RootFolder>",
        )

    def _op_CreateFolder(self, state: EwsState, op: ET.Element) -> str:
        parent_elem = op.find(f"{{{M}}}ParentFolderId")
        assert parent_elem is not None
        parent = _folder_id_of(parent_elem)
        out = []
        for folder in op.iterfind(f"{{{M}}}Folders/{{{T}}}Folder"):
            name = folder.findtext(f"{{{T}}}DisplayName", "")
            with state.lock:
                if any(n == name and p == parent for n, p in state.folders.values()):
                    out.append(
                        _error(
                            "CreateFolder",
                            "ErrorFolderExists",
                            "A folder with the specified name already exists.",
                        )
                    )
                    continue
                folder_id = "F-" + uuid.uuid4().hex
                state.folders[folder_id] = (name, parent)
            out.append(
                _ok(
                    "CreateFolder",
                    f'<m:Folders><t:Folder><t:FolderId Id="{folder_id}" '
                    'ChangeKey="AQAAAA=="/></t:Folder></m:Folders>',
                )
            )
        return "".join(out)

    def _op_SyncFolderItems(self, state: EwsState, op: ET.Element) -> str:
        folder_elem = op.find(f"{{{M}}}SyncFolderId")
        assert folder_elem is not None
        folder = _folder_id_of(folder_elem)
        raw_state = op.findtext(f"{{{M}}}SyncState") or ""
        if raw_state and not raw_state.startswith("sync-"):
            return _error(
                "SyncFolderItems",
                "ErrorInvalidSyncStateData",
                "Synchronization state data is corrupt or otherwise invalid.",
                "<m:SyncState/><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange>",
            )
        start = int(raw_state.removeprefix("sync-")) if raw_state else -1
        limit = int(op.findtext(f"{{{M}}}MaxChangesReturned") or 100)
        with state.lock:
            if start < 0:  # no state: a full sync of what is in the folder now
                pending = [("create", i.id) for i in state.in_folder(folder)]
                end = len(state.log)
                pending = pending[:limit]
                last = True
            else:
                window = state.log[start : start + limit]
                pending = [(k, i) for k, f, i in window if f == folder]
                end = start + len(window)
                last = end >= len(state.log)
            changes = []
            for kind, item_id in pending:
                item = state.items.get(item_id)
                if kind == "create" and item is not None and item.folder == folder:
                    changes.append(
                        f'<t:Create><t:Message><t:ItemId Id="{item.id}" ChangeKey="CQAAAA=="/>'
                        f"<t:DateTimeReceived>{item.received}</t:DateTimeReceived></t:Message></t:Create>"
                    )
                elif kind == "delete":
                    changes.append(
                        f'<t:Delete><t:ItemId Id="{item_id}" ChangeKey="CQAAAA=="/></t:Delete>'
                    )
        return _ok(
            "SyncFolderItems",
            f"<m:SyncState>sync-{end}</m:SyncState>"
            f"<m:IncludesLastItemInRange>{'true' if last else 'false'}</m:IncludesLastItemInRange>"
            f"<m:Changes>{''.join(changes)}</m:Changes>",
        )

    def _op_GetItem(self, state: EwsState, op: ET.Element) -> str:
        out = []
        for ref in op.iterfind(f"{{{M}}}ItemIds/{{{T}}}ItemId"):
            item = state.items.get(ref.get("Id", ""))
            if item is None:
                out.append(
                    _error(
                        "GetItem",
                        "ErrorItemNotFound",
                        "The specified object was not found in the store.",
                    )
                )
                continue
            mime = base64.b64encode(item.mime).decode()
            out.append(
                _ok(
                    "GetItem",
                    f'<m:Items><t:Message><t:MimeContent CharacterSet="UTF-8">{mime}</t:MimeContent>'
                    f'<t:ItemId Id="{item.id}" ChangeKey="CQAAAA=="/></t:Message></m:Items>',
                )
            )
        return "".join(out)

    def _op_MoveItem(self, state: EwsState, op: ET.Element) -> str:
        target_elem = op.find(f"{{{M}}}ToFolderId")
        assert target_elem is not None
        target = _folder_id_of(target_elem)
        out = []
        for ref in op.iterfind(f"{{{M}}}ItemIds/{{{T}}}ItemId"):
            with state.lock:
                item = state.items.pop(ref.get("Id", ""), None)
                if item is None:
                    out.append(
                        _error(
                            "MoveItem",
                            "ErrorItemNotFound",
                            "The specified object was not found in the store.",
                        )
                    )
                    continue
                state.log.append(("delete", item.folder, item.id))
                new_id = "AAMkEws" + uuid.uuid4().hex
                state.items[new_id] = EwsItem(
                    new_id, target, item.mime, item.received, item.internet_id
                )
            out.append(
                _ok(
                    "MoveItem",
                    f'<m:Items><t:Message><t:ItemId Id="{new_id}" ChangeKey="CQAAAA=="/>'
                    "</t:Message></m:Items>",
                )
            )
        return "".join(out)

    def _op_CreateItem(self, state: EwsState, op: ET.Element) -> str:
        mime_text = op.findtext(f"{{{M}}}Items/{{{T}}}Message/{{{T}}}MimeContent") or ""
        mime = base64.b64decode(mime_text)
        with state.lock:
            state.sent.append(mime)
        if op.get("MessageDisposition") == "SendAndSaveCopy":
            state.deliver(mime, "F-sentitems")
        return _ok("CreateItem", "<m:Items/>")

    def _op_FindItem(self, state: EwsState, op: ET.Element) -> str:
        parents = op.find(f"{{{M}}}ParentFolderIds")
        assert parents is not None
        wrapper = ET.Element("w")
        wrapper.append(parents[0])
        folder = _folder_id_of(wrapper)
        wanted = None
        for constant in op.iter(f"{{{T}}}Constant"):
            wanted = constant.get("Value")
        found = [i for i in state.in_folder(folder) if wanted in (None, i.internet_id)]
        items = "".join(
            f'<t:Message><t:ItemId Id="{i.id}" ChangeKey="CQAAAA=="/></t:Message>' for i in found
        )
        return _ok(
            "FindItem",
            f'<m:RootFolder TotalItemsInView="{len(found)}" IncludesLastItemInRange="true">'
            f"<t:Items>{items}</t:Items></m:RootFolder>",
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: EwsState


@contextmanager
def running_ews(
    state: EwsState | None = None, *, tls: tuple[Path, Path] | None = None
) -> Iterator[tuple[EwsState, str]]:
    """Serve a fake EWS on a free loopback port; yields (state, service endpoint URL).
    ``tls``: (certificate, key) PEM files to serve HTTPS with."""
    server = _Server(("127.0.0.1", 0), _Handler)
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.state = state or EwsState()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        scheme = "https" if tls is not None else "http"
        yield server.state, f"{scheme}://127.0.0.1:{server.server_address[1]}/EWS/Exchange.asmx"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
