"""Every email mailbot sends, composed from the templates and plain values.

Each composer returns a ``Composed``: the raw bytes (CRLF line ends), the bare
Message-ID the caller gave in its ``Stamp``, and the SMTP envelope. The caller stores
the bytes in an outbox row; a ``Sender`` sends them unchanged. Nothing here reads the
clock: the Date, Message-ID and threading headers all come from the ``Stamp``.

Partner-facing emails (alerts, chasers, acknowledgements, "could not read") take an
``Allowance`` and never show more about a child than it allows; subjects only ever name
a child by initials and ID.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from outbound.errors import OutboundError
from outbound.forms import Prefill, visit_forms
from outbound.mime import build
from outbound.templates import Templates
from outbound.values import (
    Allowance,
    ChildSummary,
    Composed,
    DigestSection,
    FileAttachment,
    FlagLine,
    OutstandingVisit,
    Recipients,
    RecordSummary,
    Stamp,
)

CANNOT_READ_REASONS = (
    "password_protected",
    "corrupt",
    "secure_link",
    "no_visit_date",
    "no_child_seen",
    "unreadable_scan",
)
_NEEDS_ANSWERS = frozenset({"no_visit_date", "no_child_seen"})
MINIMUM = Allowance()  # initials and ID only


def _emit(
    templates: Templates,
    kind: str,
    values: dict[str, object],
    *,
    stamp: Stamp,
    to: Sequence[str],
    cc: Sequence[str] = (),
    reference: str | None = None,
    attachments: Sequence[FileAttachment] = (),
    original: bytes | None = None,
) -> Composed:
    rendered = templates.render(kind, values)
    return build(
        kind=kind,
        rendered=rendered,
        from_name=f"{templates.council_name} MECC",
        from_address=templates.mailbox_address,
        recipients=Recipients(tuple(to), tuple(a for a in cc if a not in to)),
        stamp=stamp,
        reference=reference,
        attachments=attachments,
        original=original,
    )


def forward(
    templates: Templates,
    *,
    stamp: Stamp,
    to: Sequence[str],
    cc: Sequence[str] = (),
    children: Sequence[ChildSummary],
    record: RecordSummary,
    flags: Sequence[FlagLine] = (),
    attachments: Sequence[FileAttachment] = (),
    original: bytes | None = None,
    reference: str | None = None,
    record_url: str | None = None,
) -> Composed:
    """A returned record, to the child's social worker (``cc`` the team manager when flagged).

    The original attachments go on unchanged (safe file names). When the record had no
    attachments, ``original`` (the raw email it came in) is attached instead, so the
    social worker always sees the record itself.
    """
    if not children:
        raise OutboundError("forward: no child")
    attach_original = original if not attachments else None
    values: dict[str, object] = {
        "children": list(children),
        "record": record,
        "flags": list(flags),
        "flagged": bool(flags),
        "reference": reference,
        "record_url": record_url or None,
        "attachment_names": [a.filename for a in attachments]
        or (["the original email"] if attach_original is not None else []),
    }
    return _emit(
        templates,
        "forward",
        values,
        stamp=stamp,
        to=to,
        cc=cc,
        reference=reference,
        attachments=attachments,
        original=attach_original,
    )


def _partner_forms(
    templates: Templates,
    child: ChildSummary | None,
    reference: str,
    visitor_name: str | None,
    forms: bool,
) -> tuple[FileAttachment, ...]:
    if not forms:
        return ()
    prefill = Prefill(reference=reference, child=child, visitor_name=visitor_name)
    return visit_forms(
        prefill, council_name=templates.council_name, mailbox_address=templates.mailbox_address
    )


def _visit_email(
    kind: str,
    templates: Templates,
    *,
    stamp: Stamp,
    to: Sequence[str],
    cc: Sequence[str],
    child: ChildSummary,
    visitor_name: str,
    reference: str,
    allowance: Allowance,
    forms: bool,
    extra: dict[str, object],
) -> Composed:
    shown = allowance.apply(child)
    files = _partner_forms(templates, shown, reference, visitor_name, forms)
    values: dict[str, object] = {
        "child": shown,
        "visitor_name": visitor_name,
        "reference": reference,
        "forms_attached": bool(files),
        **extra,
    }
    return _emit(
        templates, kind, values, stamp=stamp, to=to, cc=cc, reference=reference, attachments=files
    )


def alert(
    templates: Templates,
    *,
    stamp: Stamp,
    to: Sequence[str],
    child: ChildSummary,
    visitor_name: str,
    visit_due: date,
    reference: str,
    allowance: Allowance = MINIMUM,
    forms: bool = True,
    cc: Sequence[str] = (),
) -> Composed:
    """Before a visit is due (seed 000 step 2): what, by when, how; forms attached."""
    return _visit_email(
        "alert", templates, stamp=stamp, to=to, cc=cc, child=child, visitor_name=visitor_name,
        reference=reference, allowance=allowance, forms=forms, extra={"visit_due": visit_due},
    )  # fmt: skip


def follow_up(
    templates: Templates,
    *,
    stamp: Stamp,
    to: Sequence[str],
    child: ChildSummary,
    visitor_name: str,
    visit_due: date,
    reference: str,
    allowance: Allowance = MINIMUM,
    forms: bool = True,
    cc: Sequence[str] = (),
) -> Composed:
    """No response three working days before the due date (seed 000 step 3)."""
    return _visit_email(
        "follow_up", templates, stamp=stamp, to=to, cc=cc, child=child,
        visitor_name=visitor_name, reference=reference, allowance=allowance, forms=forms,
        extra={"visit_due": visit_due},
    )  # fmt: skip


def record_chase(
    templates: Templates,
    *,
    stamp: Stamp,
    to: Sequence[str],
    child: ChildSummary,
    visitor_name: str,
    visit_due: date,
    record_due: date,
    reference: str,
    allowance: Allowance = MINIMUM,
    forms: bool = True,
    cc: Sequence[str] = (),
) -> Composed:
    """The record did not arrive: chase the day after it was due (seed 000 step 6)."""
    return _visit_email(
        "record_chase", templates, stamp=stamp, to=to, cc=cc, child=child,
        visitor_name=visitor_name, reference=reference, allowance=allowance, forms=forms,
        extra={"visit_due": visit_due, "record_due": record_due},
    )  # fmt: skip


def resend_request(
    templates: Templates,
    *,
    stamp: Stamp,
    to: Sequence[str],
    child: ChildSummary,
    visitor_name: str,
    reference: str,
    visit_date: date | None = None,
    received: date | None = None,
    note: str = "",
    allowance: Allowance = MINIMUM,
    forms: bool = True,
) -> Composed:
    """Business support ask a partner to send a record again, with a short note."""
    return _visit_email(
        "resend_request", templates, stamp=stamp, to=to, cc=(), child=child,
        visitor_name=visitor_name, reference=reference, allowance=allowance, forms=forms,
        extra={"visit_date": visit_date, "received": received, "note": note.strip()},
    )  # fmt: skip


def acknowledgement(
    templates: Templates, *, stamp: Stamp, to: Sequence[str], reference: str, received: date
) -> Composed:
    """A record arrived and was forwarded: names only our reference and the date received."""
    values: dict[str, object] = {"reference": reference, "received": received}
    return _emit(templates, "acknowledgement", values, stamp=stamp, to=to, reference=reference)


def cannot_read(
    templates: Templates,
    *,
    stamp: Stamp,
    to: Sequence[str],
    reasons: Sequence[str],
    received: date,
    reference: str | None = None,
) -> Composed:
    """A record could not be used: say exactly what is needed (``CANNOT_READ_REASONS``)."""
    unknown = [r for r in reasons if r not in CANNOT_READ_REASONS]
    if unknown or not reasons:
        raise OutboundError(
            f"cannot_read: reasons must be some of {', '.join(CANNOT_READ_REASONS)}; got {unknown}"
        )
    ordered = [r for r in CANNOT_READ_REASONS if r in reasons]
    values: dict[str, object] = {
        "reasons": ordered,
        "received": received,
        "reference": reference,
        "needs_answers": any(r in _NEEDS_ANSWERS for r in ordered),
    }
    return _emit(templates, "cannot_read", values, stamp=stamp, to=to, reference=reference)


def escalation(
    templates: Templates,
    *,
    stamp: Stamp,
    to: Sequence[str],
    items: Sequence[OutstandingVisit],
    as_of: date,
    cc: Sequence[str] = (),
    web_url: str | None = None,
) -> Composed:
    """Records still missing after chasing: one email, oldest first."""
    if not items:
        raise OutboundError("escalation: nothing to escalate")
    ordered = sorted(items, key=lambda i: (i.visit_due, i.child.child_id))
    values: dict[str, object] = {"items": ordered, "as_of": as_of, "web_url": web_url or None}
    return _emit(templates, "escalation", values, stamp=stamp, to=to, cc=cc)


def rag_review(
    templates: Templates,
    *,
    stamp: Stamp,
    to: Sequence[str],
    child: ChildSummary,
    rag: str,
    review_due: date,
    reason: str,
    last_reviewed: date | None = None,
    flags: Sequence[FlagLine] = (),
    cc: Sequence[str] = (),
    record_url: str | None = None,
) -> Composed:
    """A child's RAG rating is due for review (to the social worker, cc the team manager)."""
    values: dict[str, object] = {
        "child": child,
        "rag": rag,
        "review_due": review_due,
        "reason": reason,
        "last_reviewed": last_reviewed,
        "flags": list(flags),
        "record_url": record_url or None,
    }
    return _emit(templates, "rag_review", values, stamp=stamp, to=to, cc=cc)


def digest(
    templates: Templates,
    *,
    stamp: Stamp,
    to: Sequence[str],
    day: date,
    sections: Sequence[DigestSection],
    web_url: str | None = None,
) -> Composed:
    """The daily list for business support: one email, each section oldest first."""
    ordered = [
        DigestSection(s.title, tuple(sorted(s.items, key=lambda i: i.when)), s.note)
        for s in sections
    ]
    values: dict[str, object] = {
        "day": day,
        "sections": ordered,
        "total": sum(len(s.items) for s in ordered),
        "web_url": web_url or None,
    }
    return _emit(templates, "digest", values, stamp=stamp, to=to)


def admin_alert(
    templates: Templates,
    *,
    stamp: Stamp,
    to: Sequence[str],
    title: str,
    lines: Sequence[str],
    since: datetime,
) -> Composed:
    """To the administrators: a mailbox not read for too long, or the outbox failing."""
    values: dict[str, object] = {"title": title, "lines": list(lines), "since": since}
    return _emit(templates, "admin_alert", values, stamp=stamp, to=to)
