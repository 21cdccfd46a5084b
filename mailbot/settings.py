"""Settings: built-in defaults, then one TOML file, then ``MAILBOT_<SECTION>_<KEY>`` variables.

Loaded once at start by the command line and passed down; nothing else reads the
environment. An invalid value stops the program with one line naming the key and
where it came from. Secrets come only from the environment or from a file named by a
``*_file`` key; a secret written into the TOML file is refused.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from mailbot.errors import ConfigError

SECRET_KEYS = frozenset({"password", "client_secret", "secret_key", "oauth_token"})
EWS_AUTH = ("password", "ntlm", "basic", "oauth2")  # [mailbox] auth for kind = "ews"


@dataclass(frozen=True)
class Service:
    council_name: str = "Example Borough Council"
    mailbox_address: str = "mecc@example.gov.uk"
    own_addresses: tuple[str, ...] = ()  # other addresses that are ours: never processed as records
    signature: str = "MECC Business Support"
    business_support_email: str = "mecc-support@example.gov.uk"
    admin_emails: tuple[str, ...] = ()
    web_base_url: str = ""  # when set, forwards link to the record on the web page
    timezone: str = "Europe/London"


@dataclass(frozen=True)
class Database:
    url: str = "sqlite:///var/mailbot.db"


@dataclass(frozen=True)
class Mailbox:
    kind: str = "maildir"  # maildir | imap | graph | ews
    name: str = "mecc"
    path: str = "var/mailbox"  # maildir
    host: str = ""
    port: int = 993
    security: str = "tls"  # tls | starttls | none (none only on loopback)
    username: str = ""
    password: str = ""  # secret: MAILBOT_MAILBOX_PASSWORD or password_file
    password_file: str = ""
    auth: str = "password"  # password | oauth2; ews also ntlm | basic (password = ntlm)
    tenant_id: str = ""
    client_id: str = ""
    client_secret: str = ""  # secret
    client_secret_file: str = ""
    cafile: str = ""  # PEM of a private CA (imap; ews: Exchange and an AD FS authority)
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    exceptions_folder: str = "Exceptions"
    poll_seconds: float = 30.0
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    authority: str = "https://login.microsoftonline.com"
    ews_url: str = ""


@dataclass(frozen=True)
class Outbound:
    kind: str = "maildir"  # maildir | smtp | graph | ews
    path: str = "var/outbox"
    host: str = ""
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = ""  # secret
    password_file: str = ""
    auth: str = "password"  # password | oauth2 | none
    cafile: str = ""  # smtp (ews sends with the [mailbox] server, sign-in and cafile)
    timeout_seconds: float = 30.0
    max_attempts: int = 8


@dataclass(frozen=True)
class Matching:
    child_id_pattern: str = r"E\d{7}"
    reference_prefix: str = "MECC"


@dataclass(frozen=True)
class Forwarding:
    copy_team_manager_on_flag: bool = True
    acknowledge_senders: bool = True
    cannot_read_replies: bool = True
    max_auto_per_address_per_day: int = 5
    include_dob_in_alerts: bool = False
    require_visit_date: bool = True  # a record without one waits on the queue; the sender is asked
    require_child_seen: bool = True  # likewise for "was the child seen?"


@dataclass(frozen=True)
class Limits:
    max_message_mb: float = 40.0
    max_attachment_mb: float = 25.0
    reader_seconds: float = 30.0
    reader_memory_mb: int = 1024
    ocr_min_confidence: float = 70.0
    isolate_heavy_readers: bool = True


@dataclass(frozen=True)
class Schedule:
    policy: str = "default"  # a profile in config/policy/, or a path to a TOML file
    region: str = "england_wales"  # england_wales | scotland | northern_ireland
    closure_days: tuple[str, ...] = ()
    working_hours_start: str = "08:00"
    working_hours_end: str = "18:00"
    scan_minutes: float = 5.0
    digest: bool = True  # the daily digest to service.business_support_email


@dataclass(frozen=True)
class Web:
    host: str = "127.0.0.1"
    port: int = 8080
    secret_key: str = ""  # secret
    secret_key_file: str = ""
    session_idle_minutes: int = 30
    secure_cookies: bool = True
    login_attempts: int = 5  # failed sign-ins per email and address before a pause
    login_window_minutes: int = 15
    sign_in: str = "password"  # password | entra | both (Microsoft Entra ID, OIDC)
    public_url: str = ""  # the page's own address as users reach it (for the OIDC redirect)
    tenant_id: str = ""  # Entra ID
    client_id: str = ""
    client_secret: str = ""  # secret: MAILBOT_WEB_CLIENT_SECRET or client_secret_file
    client_secret_file: str = ""
    authority: str = "https://login.microsoftonline.com"


@dataclass(frozen=True)
class Retention:
    raw_days_after_upload: int = 90  # raw message and attachments, after "uploaded to case system"
    raw_days_after_dismissal: int = 90  # likewise after its exception was dismissed
    raw_days_ignored: int = 30  # automatic replies, bounces and other mail that was ignored
    audit_days: int = 2555  # about seven years


@dataclass(frozen=True)
class Ops:
    health_host: str = "127.0.0.1"
    health_port: int = 0  # /healthz, /readyz and /metrics of ``mailbot run``; 0 = off
    metrics: bool = True
    json_logs: str = "auto"  # auto (JSON when stderr is not a terminal) | true | false
    fetch_stale_factor: float = 4.0  # a mailbox is late after poll_seconds x this ...
    fetch_stale_min_minutes: float = 5.0  # ... and at least this long
    outbox_stuck_minutes: float = 15.0  # a due email still unsent after this is stuck
    outbox_failing_count: int = 3  # this many emails retrying or failed in the last hour
    admin_alert_after_minutes: float = 30.0


@dataclass(frozen=True)
class Workers:
    """Leases that let a live worker take over a dead one's work (several workers on PostgreSQL)."""

    claim_seconds: float = 120.0  # a received message being processed
    outbox_lease_seconds: float = 120.0  # an email being sent
    mailbox_lease_seconds: float = 60.0  # watching a mailbox
    # Read the next message in a worker process while this one is written (uses a 2nd core).
    read_ahead: bool = True


@dataclass(frozen=True)
class Settings:
    service: Service = field(default_factory=Service)
    database: Database = field(default_factory=Database)
    mailbox: Mailbox = field(default_factory=Mailbox)
    outbound: Outbound = field(default_factory=Outbound)
    matching: Matching = field(default_factory=Matching)
    forwarding: Forwarding = field(default_factory=Forwarding)
    limits: Limits = field(default_factory=Limits)
    schedule: Schedule = field(default_factory=Schedule)
    web: Web = field(default_factory=Web)
    workers: Workers = field(default_factory=Workers)
    retention: Retention = field(default_factory=Retention)
    ops: Ops = field(default_factory=Ops)
    source: str = "built-in defaults"

    def secret(self, section: str, key: str) -> str:
        """A secret's value: from the environment, else from its ``*_file``; '' when unset."""
        sect = getattr(self, section)
        value = str(getattr(sect, key))
        if value:
            return value
        path = str(getattr(sect, f"{key}_file", ""))
        if not path:
            return ""
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"[{section}] {key}_file: cannot read {path!r}: {exc.strerror}"
            ) from exc


SECTIONS: dict[str, type[Any]] = {
    name: hint for name, hint in get_type_hints(Settings).items() if name != "source"
}


def _convert(raw: object, kind: Any, where: str) -> object:
    text = raw if isinstance(raw, str) else None
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            if text is not None and text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text is not None and text.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError("expected true or false")
        if kind is int:
            if isinstance(raw, bool):
                raise ValueError("expected a whole number")
            return int(raw)  # type: ignore[call-overload]
        if kind is float:
            if isinstance(raw, bool):
                raise ValueError("expected a number")
            return float(raw)  # type: ignore[arg-type]
        if kind is str:
            if not isinstance(raw, str):
                raise ValueError("expected text")
            return raw
        if kind == tuple[str, ...]:
            if text is not None:
                return tuple(p.strip() for p in text.split(",") if p.strip())
            if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
                return tuple(raw)
            raise ValueError("expected a list of text")
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: invalid value {raw!r}: {exc}") from exc
    raise ConfigError(f"{where}: unsupported setting type")  # pragma: no cover


def load(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then the TOML file at ``path`` (or ./mailbot.toml when present), then the environment."""
    env = env if env is not None else {}
    data: dict[str, dict[str, object]] = {}
    source = "built-in defaults"
    if path is None and Path("mailbot.toml").is_file():
        path = Path("mailbot.toml")
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"--config {path}: cannot read: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        source = str(path)
    sections: dict[str, object] = {}
    for name, cls in SECTIONS.items():
        given = data.pop(name, {})
        if not isinstance(given, dict):
            raise ConfigError(f"{source}: [{name}] must be a table")
        hints = get_type_hints(cls)
        values: dict[str, object] = {}
        for key, raw in given.items():
            where = f"{source}: [{name}] {key}"
            if key not in hints:
                raise ConfigError(f"{where}: unknown setting")
            if key in SECRET_KEYS and raw:
                raise ConfigError(
                    f"{where}: secrets are not read from the settings file; use "
                    f"MAILBOT_{name.upper()}_{key.upper()} or {key}_file"
                )
            values[key] = _convert(raw, hints[key], where)
        for key, kind in hints.items():
            var = f"MAILBOT_{name.upper()}_{key.upper()}"
            if var in env:
                values[key] = _convert(env[var], kind, f"environment {var}")
        sections[name] = cls(**values)
    if data:
        raise ConfigError(f"{source}: unknown section [{sorted(data)[0]}]")
    settings = Settings(source=source, **sections)  # type: ignore[arg-type]
    validate(settings)
    return settings


def validate(s: Settings) -> None:
    def bad(section: str, key: str, why: str) -> ConfigError:
        return ConfigError(f"{s.source}: [{section}] {key}: {why}")

    if s.mailbox.kind not in {"maildir", "imap", "graph", "ews"}:
        raise bad("mailbox", "kind", f"{s.mailbox.kind!r} is not maildir, imap, graph or ews")
    if s.outbound.kind not in {"maildir", "smtp", "graph", "ews"}:
        raise bad("outbound", "kind", f"{s.outbound.kind!r} is not maildir, smtp, graph or ews")
    for section, sec in (("mailbox", s.mailbox.security), ("outbound", s.outbound.security)):
        if sec not in {"tls", "starttls", "none"}:
            raise bad(section, "security", f"{sec!r} is not tls, starttls or none")
    if s.mailbox.kind == "ews" and s.mailbox.auth not in EWS_AUTH:
        raise bad("mailbox", "auth", f"{s.mailbox.auth!r} is not {', '.join(EWS_AUTH)} (for ews)")
    if s.mailbox.kind == "imap" and not s.mailbox.host:
        raise bad("mailbox", "host", "an IMAP mailbox needs a host")
    if s.outbound.kind == "smtp" and not s.outbound.host:
        raise bad("outbound", "host", "SMTP sending needs a host")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", s.service.mailbox_address):
        raise bad("service", "mailbox_address", f"{s.service.mailbox_address!r} is not an address")
    try:
        re.compile(s.matching.child_id_pattern)
    except re.error as exc:
        raise bad("matching", "child_id_pattern", f"not a regular expression: {exc}") from exc
    if not re.fullmatch(r"[A-Z]{2,8}", s.matching.reference_prefix):
        raise bad("matching", "reference_prefix", "use 2 to 8 capital letters")
    if not s.database.url.startswith(("sqlite", "postgresql")):
        raise bad("database", "url", "use a sqlite:/// or postgresql+psycopg:// URL")
    for key in ("working_hours_start", "working_hours_end"):
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", getattr(s.schedule, key)):
            raise bad("schedule", key, "use HH:MM")
    if s.web.sign_in not in {"password", "entra", "both"}:
        raise bad("web", "sign_in", f"{s.web.sign_in!r} is not password, entra or both")
    if s.web.sign_in != "password" and not (s.web.tenant_id and s.web.client_id):
        raise bad("web", "client_id", "Entra ID sign-in needs tenant_id and client_id")
    _validate_schedule(s, bad)
    if s.forwarding.max_auto_per_address_per_day < 1:
        raise bad("forwarding", "max_auto_per_address_per_day", "must be at least 1")
    for key in ("raw_days_after_upload", "raw_days_after_dismissal", "raw_days_ignored"):
        if getattr(s.retention, key) < 1:
            raise bad("retention", key, "must be at least 1 day")
    if s.retention.audit_days < 365:
        raise bad("retention", "audit_days", "keep the audit trail at least 365 days")
    if not 0 <= s.ops.health_port <= 65535:
        raise bad("ops", "health_port", "use 0 (off) or a port number")
    if s.ops.json_logs not in {"auto", "true", "false"}:
        raise bad("ops", "json_logs", f"{s.ops.json_logs!r} is not auto, true or false")
    for key in ("fetch_stale_factor", "fetch_stale_min_minutes", "outbox_stuck_minutes"):
        if getattr(s.ops, key) <= 0:
            raise bad("ops", key, "must be more than 0")
    if s.ops.admin_alert_after_minutes <= 0:
        raise bad("ops", "admin_alert_after_minutes", "must be more than 0")
    if s.ops.outbox_failing_count < 1:
        raise bad("ops", "outbox_failing_count", "must be at least 1")


def _validate_schedule(s: Settings, bad: Any) -> None:
    from mailbot.schedule.policy import load_policy
    from mailbot.schedule.workdays import REGIONS, parse_closures

    if s.schedule.region not in REGIONS:
        raise bad("schedule", "region", f"{s.schedule.region!r} is not one of {', '.join(REGIONS)}")
    try:
        parse_closures(s.schedule.closure_days)
    except ConfigError as exc:
        raise bad("schedule", "closure_days", str(exc)) from exc
    if s.schedule.working_hours_start >= s.schedule.working_hours_end:
        raise bad("schedule", "working_hours_end", "must be after working_hours_start")
    if s.schedule.scan_minutes <= 0:
        raise bad("schedule", "scan_minutes", "must be more than 0")
    try:
        load_policy(s.schedule.policy)
    except ConfigError as exc:
        raise bad("schedule", "policy", str(exc)) from exc
