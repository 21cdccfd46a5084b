"""Microsoft Graph over plain httpx: a small client (throttling, token expiry, 4 requests at a time)
and the Graph sender (sendMail with MIME; a draft plus upload sessions for large messages).

The client is shared with the Graph mailbox (mailbot.mailboxes.graph); it knows nothing of mailbot.
Requests follow learn.microsoft.com/graph: sendMail takes the MIME message base64-encoded with
``Content-Type: text/plain``; bodies over ~4 MB are refused, so larger messages are created as a
draft, their attachments over 3 MB uploaded through ``attachments/createUploadSession`` in byte
ranges (PUT without Authorization), and the draft sent.
"""

from __future__ import annotations

import base64
import email
import email.policy
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from email.message import EmailMessage, MIMEPart
from email.utils import getaddresses
from typing import Any, Protocol

import httpx

from outbound.sender import Envelope, SendError

log = logging.getLogger(__name__)

GRAPH_URL = "https://graph.microsoft.com/v1.0"
MIME_LIMIT = 3 * 1024 * 1024  # raw MIME above this is sent as a draft + uploads (base64 ≈ 4 MB)
SMALL_ATTACHMENT = 3 * 1024 * 1024  # Graph: POST attachments below 3 MB, upload session above
UPLOAD_CHUNK = 10 * 320 * 1024  # byte ranges under 4 MB
_THROTTLED = (429, 503, 504)


class TokenFn(Protocol):
    def __call__(self, force_refresh: bool = False) -> str: ...


class GraphError(Exception):
    """A Graph request failed; ``status`` and ``code`` as Graph gave them (None: no answer)."""

    def __init__(self, message: str, *, status: int | None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    @property
    def temporary(self) -> bool:
        return self.status is None or self.status in (401, 408, *_THROTTLED) or self.status >= 500


def _error_of(response: httpx.Response) -> tuple[str | None, str]:
    try:
        error = response.json().get("error", {})
        return error.get("code"), str(error.get("message", ""))[:300]
    except (ValueError, AttributeError):
        return None, response.reason_phrase


class GraphClient:
    """httpx with Graph's manners: Retry-After honoured, one token refresh on 401, 4 at a time."""

    def __init__(
        self,
        token: TokenFn,
        *,
        base_url: str = GRAPH_URL,
        timeout: float = 30.0,
        max_concurrency: int = 4,
        max_attempts: int = 6,
        max_retry_after: float = 600.0,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        verify: bool | str = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._token = token
        self.base_url = base_url.rstrip("/")
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._attempts = max(1, max_attempts)
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        self._rand = rand
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout), verify=verify, transport=transport
        )

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def _pause(self, response: httpx.Response | None, attempt: int) -> None:
        seconds: float | None = None
        if response is not None:
            try:
                seconds = float(response.headers.get("Retry-After", ""))
            except ValueError:
                seconds = None
        if seconds is None:
            seconds = min(60.0, 2.0**attempt) * (0.5 + self._rand() / 2)
        self._sleep(min(max(seconds, 0.0), self._max_retry_after))

    def request(
        self,
        method: str,
        path: str,
        *,
        authorize: bool = True,
        idempotent: bool = True,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request, retried on throttling (429/503/504: Retry-After) and network errors.

        Non-idempotent requests (sendMail) are retried only when the server cannot have acted:
        429, or a connection that was never made. Raises GraphError for any other failure.
        """
        extra_headers = dict(kwargs.pop("headers", None) or {})
        refreshed = force_refresh = False
        response: httpx.Response | None = None
        for attempt in range(self._attempts):
            headers = dict(extra_headers)
            if authorize:
                headers["Authorization"] = f"Bearer {self._token(force_refresh=force_refresh)}"
                force_refresh = False
            try:
                with self._slots:
                    response = self._http.request(method, self.url(path), headers=headers, **kwargs)
            except httpx.TransportError as exc:
                if not idempotent and not isinstance(exc, httpx.ConnectError):
                    raise GraphError(
                        f"{method} {path}: no answer ({type(exc).__name__})", status=None
                    ) from exc
                log.warning(
                    "graph %s %s: %s (try %d)", method, path, type(exc).__name__, attempt + 1
                )
                response = None
                self._pause(None, attempt)
                continue
            if response.status_code == 401 and authorize and not refreshed:
                refreshed = force_refresh = True  # expired or revoked: one fresh token, once
                continue
            if response.status_code in _THROTTLED and (idempotent or response.status_code == 429):
                log.info("graph %s %s: %s, retrying", method, path, response.status_code)
                self._pause(response, attempt)
                continue
            if response.status_code >= 400:
                code, message = _error_of(response)
                raise GraphError(
                    f"{method} {path}: {response.status_code} {code}: {message}",
                    status=response.status_code,
                    code=code,
                )
            return response
        status = response.status_code if response is not None else None
        raise GraphError(
            f"{method} {path}: still failing after {self._attempts} attempts", status=status
        )

    def close(self) -> None:
        self._http.close()


# -- the sender ------------------------------------------------------------------------------


def _recipients(message: EmailMessage, *fields: str) -> list[dict[str, Any]]:
    pairs = getaddresses([str(v) for f in fields for v in message.get_all(f, [])])
    return [
        {"emailAddress": {"address": a, "name": n} if n else {"address": a}} for n, a in pairs if a
    ]


def with_envelope_recipients(raw: bytes, envelope: Envelope) -> bytes:
    """Graph takes recipients from the MIME headers: envelope-only ones become a Bcc header."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    named = {
        a.lower()
        for _, a in getaddresses(
            [str(v) for f in ("To", "Cc", "Bcc") for v in message.get_all(f, [])]
        )
    }
    extra = [r for r in envelope.recipients if r.lower() not in named]
    if not extra:
        return raw
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    newline = b"\r\n" if sep == b"\r\n\r\n" else b"\n"
    return head + newline + b"Bcc: " + ", ".join(extra).encode() + sep + body


class GraphSender:
    """Sends as ``mailbox`` through Graph; ``already_sent`` looks in Sent Items by Message-ID."""

    def __init__(
        self,
        *,
        mailbox: str,
        token_provider: TokenFn | None = None,
        client: GraphClient | None = None,
        mime_limit: int = MIME_LIMIT,
        **client_options: Any,
    ) -> None:
        if client is None:
            if token_provider is None:
                raise ValueError("GraphSender needs a token_provider or a client")
            client = GraphClient(token_provider, **client_options)
        self._client = client
        self._user = f"/users/{mailbox}"
        self._mime_limit = mime_limit

    def send(self, raw: bytes, envelope: Envelope, message_id: str) -> None:
        raw = with_envelope_recipients(raw, envelope)
        try:
            if len(raw) <= self._mime_limit:
                self._client.request(
                    "POST",
                    f"{self._user}/sendMail",
                    idempotent=False,
                    content=base64.b64encode(raw),
                    headers={"Content-Type": "text/plain"},
                )
            else:
                self._send_large(raw, message_id)
        except GraphError as exc:
            bad_recipient = (exc.code or "").lower().find("recipient") >= 0
            raise SendError(
                f"graph send of {message_id} failed: {exc}",
                permanent=not exc.temporary,
                recipient=", ".join(envelope.recipients) if bad_recipient else None,
            ) from exc

    def _send_large(self, raw: bytes, message_id: str) -> None:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(preferencelist=("html", "plain"))
        draft: dict[str, Any] = {
            "subject": str(message.get("Subject", "")),
            "body": {
                "contentType": "HTML" if body and body.get_content_subtype() == "html" else "Text",
                "content": body.get_content() if body else "",
            },
            "toRecipients": _recipients(message, "To"),
            "ccRecipients": _recipients(message, "Cc"),
            "bccRecipients": _recipients(message, "Bcc"),
            "replyTo": _recipients(message, "Reply-To"),
            "internetMessageId": message_id,
            "internetMessageHeaders": [
                {"name": k, "value": str(v)}
                for k, v in message.items()
                if k.lower().startswith("x-")
            ][:5],
        }
        if not draft["internetMessageHeaders"]:
            del draft["internetMessageHeaders"]
        created = self._client.request("POST", f"{self._user}/messages", json=draft).json()
        draft_path = f"{self._user}/messages/{created['id']}"
        try:
            for part in _attachments(message, body):
                self._attach(draft_path, part)
            self._client.request("POST", f"{draft_path}/send", idempotent=False)
        except GraphError:
            try:
                self._client.request("DELETE", draft_path)
            except GraphError:
                log.warning("graph: could not delete the unsent draft of %s", message_id)
            raise

    def _attach(self, draft_path: str, part: MIMEPart) -> None:
        data = part.get_payload(decode=True)
        content = data if isinstance(data, bytes) else b""
        name = part.get_filename() or "attachment"
        inline = part.get_content_disposition() == "inline"
        content_id = (part.get("Content-ID") or "").strip("<>") or None
        if len(content) < SMALL_ATTACHMENT:
            item: dict[str, Any] = {
                "@odata.type": "#microsoft.graph.fileAttachment",
                "name": name,
                "contentType": part.get_content_type(),
                "contentBytes": base64.b64encode(content).decode(),
                "isInline": inline,
            }
            if content_id:
                item["contentId"] = content_id
            self._client.request("POST", f"{draft_path}/attachments", json=item)
            return
        spec: dict[str, Any] = {
            "attachmentType": "file",
            "name": name,
            "size": len(content),
            "isInline": inline,
        }
        if content_id:
            spec["contentId"] = content_id
        session = self._client.request(
            "POST", f"{draft_path}/attachments/createUploadSession", json={"AttachmentItem": spec}
        ).json()
        upload_url = session["uploadUrl"]
        for start in range(0, len(content), UPLOAD_CHUNK):
            chunk = content[start : start + UPLOAD_CHUNK]
            end = start + len(chunk) - 1
            self._client.request(
                "PUT",
                upload_url,
                authorize=False,
                content=chunk,
                headers={
                    "Content-Type": "application/octet-stream",
                    "Content-Range": f"bytes {start}-{end}/{len(content)}",
                },
            )

    def already_sent(self, message_id: str) -> bool | None:
        quoted = message_id.replace("'", "''")
        try:
            found = self._client.request(
                "GET",
                f"{self._user}/mailFolders/sentitems/messages",
                params={"$filter": f"internetMessageId eq '{quoted}'", "$select": "id"},
            ).json()
        except (GraphError, ValueError) as exc:
            log.warning("graph: cannot tell whether %s was sent: %s", message_id, exc)
            return None
        return bool(found.get("value"))

    def close(self) -> None:
        self._client.close()


def _attachments(message: EmailMessage, body: MIMEPart | None) -> Iterable[MIMEPart]:
    for part in message.walk():
        if part is body or part.is_multipart() or not isinstance(part, MIMEPart):
            continue
        if part.get_content_disposition() in ("attachment", "inline") or part.get_filename():
            yield part


def make_sender(**options: Any) -> GraphSender:
    """For outbound.factory: ``mailbox``, ``token_provider`` and GraphClient's options."""
    return GraphSender(**options)
