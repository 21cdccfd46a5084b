"""A tiny scripted IMAP server for what the loopback Dovecot cannot be made to do on cue:
Exchange Online's "* BYE Session invalidated - AccessTokenExpired" in the middle of an IDLE, and
a given number of logins answered ``NO [UNAVAILABLE]``. (XOAUTH2 logins themselves are also
tested against the real Dovecot, with its oauth2 passdb: test_imap_oauth_dovecot.py.)

It speaks just enough IMAP4rev1 for imapclient: greeting with capabilities, CAPABILITY,
AUTHENTICATE XOAUTH2 (continuation, base64 "user=..^Aauth=Bearer ..^A^A"), LOGIN (any password),
SELECT, UID SEARCH, UID FETCH of BODY.PEEK[], NOOP, IDLE/DONE and LOGOUT. ``expire_during_idle``
makes the next IDLE end with the BYE and revokes the token in use; ``unavailable`` = N makes the
next N logins fail with ``NO [UNAVAILABLE] Temporary authentication failure`` (RFC 5530).
"""

from __future__ import annotations

import base64
import re
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

CAPS = "IMAP4rev1 AUTH=XOAUTH2 IDLE MOVE UIDPLUS"


@dataclass
class ImapState:
    valid_tokens: set[str] = field(default_factory=lambda: {"token-1"})
    messages: dict[int, bytes] = field(default_factory=dict)
    expire_during_idle: bool = False
    arrives_with_expiry: bytes | None = None  # delivered while the session is being dropped
    unavailable: int = 0  # the next N logins: NO [UNAVAILABLE] Temporary authentication failure
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _line(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def _unavailable(self, tag: str) -> bool:
        state = self.server.state
        with state.lock:
            if state.unavailable <= 0:
                return False
            state.unavailable -= 1
        self._line(f"{tag} NO [UNAVAILABLE] Temporary authentication failure. [host:2026-11-22]")
        return True

    def handle(self) -> None:
        state = self.server.state
        self._line(f"* OK [CAPABILITY {CAPS}] fake ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            tag, _, rest = raw.decode().strip().partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                self._line(f"* CAPABILITY {CAPS}")
                self._line(f"{tag} OK done")
            elif command == "AUTHENTICATE":
                self._line("+ ")
                answer = base64.b64decode(self.rfile.readline().strip()).decode()
                match = re.fullmatch(r"user=([^\x01]*)\x01auth=Bearer ([^\x01]*)\x01\x01", answer)
                token = match.group(2) if match else ""
                with state.lock:
                    state.logins.append(token)
                if self._unavailable(tag):
                    continue
                if token in state.valid_tokens:
                    self._line(f"{tag} OK [CAPABILITY {CAPS}] authenticated")
                else:
                    self._line(f"{tag} NO AUTHENTICATE failed.")
            elif command == "LOGIN":
                if not self._unavailable(tag):
                    self._line(f"{tag} OK [CAPABILITY {CAPS}] Logged in")
            elif command == "SELECT":
                self._line(f"* {len(state.messages)} EXISTS")
                self._line("* OK [UIDVALIDITY 7] UIDs valid")
                self._line(f"* OK [UIDNEXT {max(state.messages, default=0) + 1}] next")
                self._line(f"{tag} OK [READ-WRITE] SELECT completed")
            elif command == "UID" and args.upper().startswith("SEARCH"):
                low = int(re.search(r"(\d+):\*", args).group(1)) if "*" in args else 1  # type: ignore[union-attr]
                found = " ".join(str(u) for u in sorted(state.messages) if u >= low)
                self._line(f"* SEARCH {found}".rstrip())
                self._line(f"{tag} OK SEARCH completed")
            elif command == "UID" and args.upper().startswith("FETCH"):
                for seq, uid in enumerate(sorted(state.messages), start=1):
                    body = state.messages[uid]
                    self.wfile.write(
                        f"* {seq} FETCH (UID {uid} BODY[] {{{len(body)}}}\r\n".encode()
                    )
                    self.wfile.write(body + b")\r\n")
                self._line(f"{tag} OK FETCH completed")
            elif command == "IDLE":
                self._line("+ idling")
                if state.expire_during_idle:
                    with state.lock:
                        state.expire_during_idle = False
                        state.valid_tokens = {"token-2"}
                        if state.arrives_with_expiry is not None:
                            state.messages[max(state.messages, default=0) + 1] = (
                                state.arrives_with_expiry
                            )
                    self._line("* BYE Session invalidated - AccessTokenExpired")
                    return
                if self.rfile.readline().strip().upper() == b"DONE":
                    self._line(f"{tag} OK IDLE terminated")
            elif command == "LOGOUT":
                self._line("* BYE logging out")
                self._line(f"{tag} OK LOGOUT completed")
                return
            else:
                self._line(f"{tag} OK {command} completed")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    state: ImapState


@contextmanager
def running_imap(state: ImapState | None = None) -> Iterator[tuple[ImapState, int]]:
    """Serve the scripted IMAP on a free loopback port; yields (state, port)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = state or ImapState()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server.state, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
