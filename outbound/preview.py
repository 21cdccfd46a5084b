"""Sample data for every email kind: to check templates at start and to preview them.

``sample_values(kind)`` is what ``Templates.render`` gets; ``preview(templates, kind)``
composes the whole email through the real composer, for ``mailbot templates preview``.
All names here are invented.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from outbound.values import (
    ChildSummary,
    DigestItem,
    DigestSection,
    FileAttachment,
    FlagLine,
    OutstandingVisit,
    RecordSummary,
    Stamp,
)

if TYPE_CHECKING:
    from outbound.templates import Templates
    from outbound.values import Composed

CHILD = ChildSummary("JT", "E1234567", "Jamie", "Testworth", date(2014, 5, 17))
PARTNER_CHILD = ChildSummary("JT", "E1234567")
REFERENCE = "MECC-7K3Q9P"
FLAGS = (
    FlagLine("injury", "high", "Jamie had a bruise on his left arm and would not say how.", "bruise"),
    FlagLine("school_non_attendance", "medium", "He has not been in school since Monday.", "not been in school"),
)  # fmt: skip
RECORD = RecordSummary(
    visit_date=date(2026, 3, 10),
    visitor_name="Priya Exampleton",
    visitor_role="School nurse",
    visitor_org="Northgate Primary School",
    sender="priya.exampleton@school.example.org",
    received=datetime(2026, 3, 10, 15, 42, tzinfo=UTC),
    child_seen=True,
    seen_alone=False,
    method="face_to_face",
    attending_school=False,
    any_concerns=True,
    risk_changed=None,
    match_reason="our reference MECC-7K3Q9P in the subject",
    observations="Jamie was quiet and tired. Mum said he had a cold.",
    concerns="Jamie had a bruise on his left arm and would not say how.",
)


def sample_values(kind: str) -> dict[str, object]:
    """Values for ``Templates.render(kind, ...)``, shaped as the composers pass them."""
    visit_due = date(2026, 3, 12)
    partner = {
        "child": PARTNER_CHILD,
        "visitor_name": "Priya Exampleton",
        "reference": REFERENCE,
        "forms_attached": True,
    }
    samples: dict[str, dict[str, object]] = {
        "forward": {
            "children": [CHILD],
            "record": RECORD,
            "flags": list(FLAGS),
            "flagged": True,
            "reference": REFERENCE,
            "record_url": "https://mecc.example.gov.uk/records/42",
            "attachment_names": ["visit record.docx"],
        },
        "alert": {**partner, "visit_due": visit_due},
        "follow_up": {**partner, "visit_due": visit_due},
        "record_chase": {**partner, "visit_due": visit_due, "record_due": date(2026, 3, 13)},
        "resend_request": {
            **partner,
            "visit_date": date(2026, 3, 10),
            "received": date(2026, 3, 11),
            "note": "The second page of the form was missing.",
        },
        "acknowledgement": {"reference": REFERENCE, "received": date(2026, 3, 10)},
        "cannot_read": {
            "reasons": ["password_protected", "no_visit_date"],
            "received": date(2026, 3, 10),
            "reference": REFERENCE,
            "needs_answers": True,
        },
        "escalation": {
            "items": [
                OutstandingVisit(
                    PARTNER_CHILD,
                    "Priya Exampleton",
                    "Northgate Primary School",
                    date(2026, 3, 2),
                    date(2026, 3, 3),
                    2,
                    REFERENCE,
                ),
                OutstandingVisit(
                    ChildSummary("AB", "E7654321"),
                    "Sam Sampleford",
                    "Riverside Youth Service",
                    date(2026, 3, 6),
                    date(2026, 3, 7),
                    1,
                ),
            ],
            "as_of": date(2026, 3, 10),
            "web_url": "https://mecc.example.gov.uk/",
        },
        "rag_review": {
            "child": CHILD,
            "rag": "Amber",
            "review_due": date(2026, 3, 17),
            "reason": "a record of visit on 10/03/2026 raised risk flags",
            "last_reviewed": date(2026, 2, 3),
            "flags": list(FLAGS),
            "record_url": "https://mecc.example.gov.uk/records/42",
        },
        "digest": {
            "day": date(2026, 3, 10),
            "sections": [
                DigestSection(
                    "Exceptions to review",
                    (
                        DigestItem(
                            date(2026, 3, 8),
                            "Record from a school: two children named Jamie",
                            "https://mecc.example.gov.uk/exceptions/7",
                        ),
                        DigestItem(date(2026, 3, 9), "Password-protected document: JT E1234567"),
                    ),
                ),
                DigestSection(
                    "Records to upload to the case system",
                    (DigestItem(date(2026, 3, 10), "JT E1234567, visit 10/03/2026"),),
                ),
                DigestSection("Emails that could not be sent", ()),
            ],
            "total": 3,
            "web_url": "https://mecc.example.gov.uk/",
        },
        "admin_alert": {
            "title": "The mailbox mecc has not been read for 42 minutes",
            "lines": ["Last successful fetch: 10/03/2026 15:18", "Last error: login refused"],
            "since": datetime(2026, 3, 10, 15, 18, tzinfo=UTC),
        },
    }
    if kind not in samples:
        raise KeyError(f"no sample for {kind!r}")
    return samples[kind]


def preview(templates: Templates, kind: str, *, to: str = "someone@example.gov.uk") -> Composed:
    """The whole email of ``kind`` with sample data, through the real composer."""
    from outbound import compose

    stamp = Stamp(
        message_id=f"preview-{kind}@example.gov.uk",
        date=datetime(2026, 3, 10, 16, 0, tzinfo=UTC),
        in_reply_to="alert-1@example.gov.uk" if kind != "digest" else None,
    )
    v = sample_values(kind)
    if kind == "forward":
        doc = FileAttachment("visit record.docx", "application/octet-stream", b"sample bytes")
        return compose.forward(templates, stamp=stamp, to=[to], cc=["manager@example.gov.uk"],
                               children=[CHILD], record=RECORD, flags=FLAGS, attachments=[doc],
                               reference=REFERENCE, record_url=str(v["record_url"]))  # fmt: skip
    if kind in {"alert", "follow_up"}:
        func = compose.alert if kind == "alert" else compose.follow_up
        return func(templates, stamp=stamp, to=[to], child=CHILD, visitor_name="Priya Exampleton",
                    visit_due=date(2026, 3, 12), reference=REFERENCE)  # fmt: skip
    if kind == "record_chase":
        return compose.record_chase(templates, stamp=stamp, to=[to], child=CHILD,
                                    visitor_name="Priya Exampleton", visit_due=date(2026, 3, 12),
                                    record_due=date(2026, 3, 13), reference=REFERENCE)  # fmt: skip
    if kind == "resend_request":
        return compose.resend_request(templates, stamp=stamp, to=[to], child=CHILD,
                                      visitor_name="Priya Exampleton", reference=REFERENCE,
                                      visit_date=date(2026, 3, 10), received=date(2026, 3, 11),
                                      note=str(v["note"]))  # fmt: skip
    if kind == "acknowledgement":
        return compose.acknowledgement(templates, stamp=stamp, to=[to], reference=REFERENCE,
                                       received=date(2026, 3, 10))  # fmt: skip
    if kind == "cannot_read":
        return compose.cannot_read(templates, stamp=stamp, to=[to], received=date(2026, 3, 10),
                                   reasons=["password_protected", "no_visit_date"],
                                   reference=REFERENCE)  # fmt: skip
    if kind == "escalation":
        items = v["items"]
        assert isinstance(items, list)
        return compose.escalation(templates, stamp=stamp, to=[to], items=items,
                                  as_of=date(2026, 3, 10), web_url="https://mecc.example.gov.uk/")  # fmt: skip
    if kind == "rag_review":
        return compose.rag_review(templates, stamp=stamp, to=[to], child=CHILD, rag="Amber",
                                  review_due=date(2026, 3, 17), reason=str(v["reason"]),
                                  last_reviewed=date(2026, 2, 3), flags=FLAGS)  # fmt: skip
    if kind == "digest":
        sections = v["sections"]
        assert isinstance(sections, list)
        return compose.digest(templates, stamp=stamp, to=[to], day=date(2026, 3, 10),
                              sections=sections, web_url="https://mecc.example.gov.uk/")  # fmt: skip
    if kind == "admin_alert":
        return compose.admin_alert(templates, stamp=stamp, to=[to], title=str(v["title"]),
                                   lines=[str(x) for x in v["lines"]],  # type: ignore[attr-defined]
                                   since=v["since"])  # type: ignore[arg-type]  # fmt: skip
    raise KeyError(f"no preview for {kind!r}")
