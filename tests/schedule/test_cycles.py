"""Whole visit cycles on an injected clock: each email's day and recipients, across bank
holidays and Christmas, with replies, records, missing records and a daemon that was down."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mailbot.schedule.policy import load_policy
from mailbot.schedule.visits import mark_responded, on_record, on_reply
from outbound.ids import make_message_id
from tests.schedule.helpers import (
    LONDON,
    NURSE,
    SCHOOL,
    SW,
    TM,
    YOUTH,
    at,
    emails,
    first_visit,
    row,
    setup,
    walk,
)  # fmt: skip

D = date


def stream(deps, child_id):  # type: ignore[no-untyped-def]
    return [(e.kind, e.day, e.to) for e in emails(deps, child_id)]


def test_green_cycle_over_the_late_may_bank_holiday(tmp_path: Path) -> None:
    deps, clock = setup(
        tmp_path,
        [row("E3000003", "Gwen", "Marsh", rag="Green", rag_date="2026-04-20", visitor=YOUTH,
             next_due="2026-06-08")],
    )  # fmt: skip
    walk(deps, clock, D(2026, 5, 18), D(2026, 6, 20))
    assert stream(deps, "E3000003") == [
        ("alert", D(2026, 5, 22), (YOUTH,)),  # 14 days before is Mon 25 May, a bank holiday
        ("rag_review", D(2026, 6, 1), (SW,)),  # six weeks after the last review
        ("follow_up", D(2026, 6, 3), (YOUTH,)),  # 3 working days before Mon 8 June
        ("record_chase", D(2026, 6, 10), (YOUTH,)),  # record due 9 June, chased the day after
        ("record_chase", D(2026, 6, 12), (YOUTH,)),
        ("escalation", D(2026, 6, 16), (SW, TM)),  # after the second missed chase
    ]


def test_amber_cycle_over_the_august_bank_holiday_with_reply_and_record(tmp_path: Path) -> None:
    deps, clock = setup(
        tmp_path,
        [
            row("E3000002", "Arlo", "Finch", rag="Amber", visitor=NURSE, next_due="2026-09-01"),
            row("E3000004", "Bea", "Finch", rag="Amber", visitor=SCHOOL, next_due="2026-09-01"),
        ],
    )
    walk(deps, clock, D(2026, 8, 10), D(2026, 8, 19))
    visit = first_visit(deps, "E3000002")
    alert_id = make_message_id("example.gov.uk", f"alert:{visit.id}:{visit.due_date}")
    with deps.sessions() as session:  # the nurse answers the alert: "confirmed for Tuesday"
        assert mark_responded(
            session, message_ids=[f"<{alert_id}>"], references=[], now=at(D(2026, 8, 20))
        ) == [visit.id]
        session.commit()
    walk(deps, clock, D(2026, 8, 20), D(2026, 9, 1), hours=(7, 9, 13))
    with deps.sessions() as session:  # her record arrives that afternoon
        done = on_record(
            session, child_ids=["E3000002"], sender=NURSE, visit_date=D(2026, 9, 1),
            record_id=None, now=at(D(2026, 9, 1), 14), policy=load_policy("default"),  # type: ignore[arg-type]
        )  # fmt: skip
        session.commit()
    assert done == [visit.id]
    walk(deps, clock, D(2026, 9, 1), D(2026, 9, 1), hours=(19,))
    walk(deps, clock, D(2026, 9, 2), D(2026, 9, 20))
    assert stream(deps, "E3000002") == [
        ("alert", D(2026, 8, 18), (NURSE,)),
        # no follow-up: she replied; no chase: the record came
        ("alert", D(2026, 9, 2), (NURSE,)),  # the next visit, fortnightly: due 15 September
        ("follow_up", D(2026, 9, 10), (NURSE,)),
        ("alert", D(2026, 9, 16), (NURSE,)),  # 15 Sept passed without a record: the next visit
        ("record_chase", D(2026, 9, 17), (NURSE,)),
    ]
    assert stream(deps, "E3000004") == [
        ("alert", D(2026, 8, 18), (SCHOOL,)),
        ("follow_up", D(2026, 8, 26), (SCHOOL,)),  # 3 working days before: Mon 31 Aug is a holiday
        ("alert", D(2026, 9, 2), (SCHOOL,)),  # 1 Sept passed without a record: the next visit
        ("record_chase", D(2026, 9, 3), (SCHOOL,)),  # record due 2 Sept, chased the day after
        ("record_chase", D(2026, 9, 7), (SCHOOL,)),
        ("escalation", D(2026, 9, 9), (SW, TM)),
        ("follow_up", D(2026, 9, 10), (SCHOOL,)),  # for the visit due 15 September
        ("alert", D(2026, 9, 16), (SCHOOL,)),
        ("record_chase", D(2026, 9, 17), (SCHOOL,)),
    ]


def test_red_cycle_over_christmas(tmp_path: Path) -> None:
    deps, clock = setup(
        tmp_path,
        [row("E3000001", "Ruby", "Quill", rag="Red", legal="CP", visitor=SCHOOL, next_due="2026-12-24")],
    )  # fmt: skip
    walk(deps, clock, D(2026, 12, 7), D(2027, 1, 8))
    got = sorted((e.day, e.kind) for e in emails(deps, "E3000001"))
    assert got == sorted(
        (day, kind)
        for kind, day in [
            ("alert", D(2026, 12, 10)),
            ("follow_up", D(2026, 12, 21)),
            ("record_chase", D(2026, 12, 29)),  # due 25 Dec; 26-28 Dec are weekend and holidays
            ("alert", D(2026, 12, 29)),  # the next weekly visit, due 31 Dec
            ("record_chase", D(2026, 12, 31)),
            ("alert", D(2027, 1, 4)),  # due 7 Jan; New Year's Day is a holiday
            ("record_chase", D(2027, 1, 4)),
            ("escalation", D(2027, 1, 5)),
            ("record_chase", D(2027, 1, 6)),
            ("alert", D(2027, 1, 8)),
            ("escalation", D(2027, 1, 8)),
        ]
    )
    assert all(e.to == (SCHOOL,) for e in emails(deps) if e.kind != "escalation")
    assert all(e.to == (SW, TM) for e in emails(deps) if e.kind == "escalation")


def test_emails_only_in_working_hours_on_working_days(tmp_path: Path) -> None:
    deps, clock = setup(
        tmp_path,
        [row("E3000001", "Ruby", "Quill", rag="Red", visitor=SCHOOL, next_due="2026-12-24")],
        working_hours_start="10:00",
        working_hours_end="16:00",
    )
    walk(deps, clock, D(2026, 12, 7), D(2027, 1, 8), hours=(0, 8, 9, 16, 17, 23))
    assert emails(deps) == []  # every scan fell outside 10:00-16:00
    walk(deps, clock, D(2026, 12, 7), D(2027, 1, 8), hours=(0, 8, 10, 15, 23))
    found = emails(deps)
    assert found
    with deps.sessions() as session:
        from sqlalchemy import select

        from store.models import OutboxRow

        times = [r.created_at.astimezone(LONDON) for r in session.scalars(select(OutboxRow))]
    assert {t.hour for t in times} == {10}
    assert all(t.weekday() < 5 for t in times)
    assert not [t for t in times if t.date() in {D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1)}]


def test_a_daemon_down_over_a_weekend_sends_each_missed_reminder_once(tmp_path: Path) -> None:
    deps, clock = setup(
        tmp_path,
        [
            row("E3000011", "Ivy", "Hale", rag="Green", rag_date="2026-05-11", visitor=YOUTH, next_due="2026-06-08"),
            row("E3000012", "Jude", "Hale", rag="Green", rag_date="2026-05-11", visitor=NURSE, next_due="2026-05-22"),
            row("E3000013", "Kit", "Hale", rag="Green", rag_date="2026-05-11", visitor=SCHOOL, next_due="2026-06-05"),
        ],
    )  # fmt: skip
    walk(deps, clock, D(2026, 5, 18), D(2026, 5, 20))
    with deps.sessions() as session:  # Kit's record arrives while the daemon is down
        on_record(
            session, child_ids=["E3000013"], sender=SCHOOL, visit_date=D(2026, 5, 21),
            record_id=None, now=at(D(2026, 5, 22)), policy=load_policy("default"),  # type: ignore[arg-type]
        )  # fmt: skip
        session.commit()
    walk(deps, clock, D(2026, 5, 27), D(2026, 5, 29))  # down Thursday to Tuesday
    assert [(e.kind, e.day) for e in emails(deps, "E3000011")] == [("alert", D(2026, 5, 27))]
    assert [(e.kind, e.day) for e in emails(deps, "E3000012")] == [
        ("alert", D(2026, 5, 18)),  # found late, still before the visit
        ("follow_up", D(2026, 5, 19)),
        ("record_chase", D(2026, 5, 27)),  # once on return; no alert for the passed date
        ("record_chase", D(2026, 5, 29)),
    ]
    # Kit's visit was done while down: nothing about it, ever
    assert emails(deps, "E3000013") == []
    assert not [e for e in emails(deps) if D(2026, 5, 21) <= e.day <= D(2026, 5, 26)]


def test_a_reply_quoting_the_reference_or_from_the_visitor_suppresses_the_follow_up(
    tmp_path: Path,
) -> None:
    deps, clock = setup(
        tmp_path,
        [
            row("E3000021", "Lea", "Park", rag="Amber", visitor=NURSE, next_due="2026-03-20"),
            row("E3000022", "Max", "Park", rag="Amber", visitor=SCHOOL, next_due="2026-03-20"),
            row("E3000023", "Ned", "Park", rag="Amber", visitor=YOUTH, next_due="2026-03-20"),
        ],
    )
    walk(deps, clock, D(2026, 3, 6), D(2026, 3, 9))
    token = first_visit(deps, "E3000021").reference
    with deps.sessions() as session:
        mark_responded(session, message_ids=[None], references=[token], now=at(D(2026, 3, 10)))
        on_reply(session, child_ids=["E3000022"], sender=SCHOOL.upper(), now=at(D(2026, 3, 10)))
        session.commit()
    walk(deps, clock, D(2026, 3, 10), D(2026, 3, 19))
    kinds = {
        cid: [e.kind for e in emails(deps, cid)] for cid in ("E3000021", "E3000022", "E3000023")
    }
    assert kinds == {
        "E3000021": ["alert"],
        "E3000022": ["alert"],
        "E3000023": ["alert", "follow_up"],
    }


def test_alert_carries_the_forms_and_the_reference_in_the_subject(tmp_path: Path) -> None:
    from email import message_from_bytes, policy

    from sqlalchemy import select

    from store.models import OutboxRow

    deps, clock = setup(
        tmp_path,
        [row("E3000031", "Ona", "Reed", rag="Amber", visitor=NURSE, next_due="2026-03-20")],
    )
    walk(deps, clock, D(2026, 3, 6), D(2026, 3, 6))
    reference = first_visit(deps, "E3000031").reference
    with deps.sessions() as session:
        raw = session.scalars(select(OutboxRow.raw)).one()
    message = message_from_bytes(raw, policy=policy.default)
    assert reference in str(message["Subject"]) and "E3000031" in str(message["Subject"])
    names = [p.get_filename() for p in message.walk() if p.get_filename()]
    assert names == [f"MECC visit form {reference}.docx", f"MECC visit form {reference}.pdf"]
    assert "Reed" not in str(message["Subject"])
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "09/04/2015" not in text and "9 April 2015" not in text  # no DOB unless allowed
