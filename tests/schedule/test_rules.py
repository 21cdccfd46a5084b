"""Working days, policy profiles and plan checks: tables of input and expected output."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mailbot.errors import ConfigError
from mailbot.model import Child, Plan
from mailbot.schedule.planner import dates_for
from mailbot.schedule.policy import check_plans, load_policy, parse_policy
from mailbot.schedule.workdays import Calendar

D = date
ENG = Calendar()


@pytest.mark.parametrize(
    ("region", "day", "working"),
    [
        ("england_wales", D(2026, 5, 25), False),  # spring bank holiday
        ("england_wales", D(2026, 8, 31), False),  # summer bank holiday
        ("scotland", D(2026, 8, 31), True),  # not in Scotland ...
        ("scotland", D(2026, 8, 3), False),  # ... whose summer holiday is early August
        ("northern_ireland", D(2026, 3, 17), False),  # St Patrick's Day
        ("england_wales", D(2026, 12, 28), False),  # Boxing Day, substituted
        ("england_wales", D(2026, 12, 29), True),
    ],
)
def test_bank_holidays_by_region(region: str, day: date, working: bool) -> None:
    assert Calendar(region).is_working(day) is working


def test_closure_days_and_ranges_are_not_working_days() -> None:
    cal = Calendar.from_settings("england_wales", ["2026-12-29..2026-12-31", "2026-07-01"])
    assert not cal.is_working(D(2026, 12, 30)) and not cal.is_working(D(2026, 7, 1))
    assert cal.add(D(2026, 12, 24), 1) == D(2027, 1, 4)
    with pytest.raises(ConfigError, match="closure day"):
        Calendar.from_settings("england_wales", ["31/12/2026"])


@pytest.mark.parametrize(
    ("due", "alert", "follow_up", "first_chase"),
    [
        (D(2026, 6, 8), D(2026, 5, 22), D(2026, 6, 3), D(2026, 6, 10)),  # alert off a holiday
        (D(2026, 9, 1), D(2026, 8, 18), D(2026, 8, 26), D(2026, 9, 3)),  # follow-up over one
        (D(2026, 12, 24), D(2026, 12, 10), D(2026, 12, 21), D(2026, 12, 29)),  # Christmas
        (D(2026, 3, 15), D(2026, 2, 27), D(2026, 3, 11), D(2026, 3, 17)),  # due on a Sunday
    ],
)
def test_the_days_of_a_visit(due: date, alert: date, follow_up: date, first_chase: date) -> None:
    d = dates_for(due, load_policy("default"), ENG)
    assert (d.alert, d.follow_up, d.first_chase) == (alert, follow_up, first_chase)


def test_the_two_profiles_load() -> None:
    default, seed001 = load_policy("default"), load_policy("seed001")
    assert [(lv.rag, lv.frequency_days) for lv in default.levels] == [
        ("Red", 7), ("Amber", 14), ("Green", 42),
    ]  # fmt: skip
    assert [lv.name for lv in seed001.levels] == ["High and Immediate", "Priority", "Vulnerable"]
    high = seed001.level("Red")
    assert high is not None and high.first_visit_days == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\ndescription = ""\nbogus = 1\n', "unknown key 'bogus'"),
        ('name = "x"\ndescription = ""\n[timings]\nalert_days_before = "14"\n', "whole number"),
        ('name = "x"\ndescription = ""\n', "one level each"),
        ('name = "x"\ndescription = ""\nmust_see_when = ["tall"]\n', "unknown condition"),
    ],
)
def test_a_bad_policy_file_is_refused_naming_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_policy(text, "bad.toml")


RAG_DATE = D(2026, 1, 5)


def child(
    cid: str,
    rag: str,
    legal: str = "CIN",
    school: str = "Hilltop",
    rag_date: date | None = RAG_DATE,
) -> Child:
    return Child(cid, "Ann", "Example", None, legal, rag, rag_date, school, "Sam Rowe",
                 "sam@example.gov.uk", "tm@example.gov.uk")  # fmt: skip


PARTNER = Plan(
    "", "Pat", "pat@school.example.org", "Hilltop", "partner", "face_to_face", None, None
)
SW_VIRTUAL = replace(PARTNER, visitor_role="social_worker", visit_method="virtual")
SW_F2F = replace(PARTNER, visitor_role="social_worker", visitor_email="sw@example.gov.uk")


@pytest.mark.parametrize(
    ("kid", "plans", "expected"),
    [
        (child("E1", "Green"), [PARTNER], []),  # flexible: a partner may see a Green child
        (child("E2", "Green", "CP"), [PARTNER],
         ["E2: (Green, CP) must be seen face to face by a social worker or PA (on a child "
          "protection plan), but is planned to be seen only by a non-social-work professional"]),
        (child("E3", "Green", school=""), [SW_VIRTUAL],
         ["E3: (Green, CIN) must be seen face to face by a social worker or PA (not in school), "
          "but is planned for virtual visits only"]),
        (child("E4", "Red"), [PARTNER, SW_F2F], []),
        (child("E5", "Amber"), [replace(SW_F2F, frequency_days=28)],
         ["E5: (Amber, CIN) is seen face to face by a social worker or PA every 28 days; the "
          "standard is at least every 14 days"]),
        (child("E6", "Green", "CP"), [replace(SW_F2F, frequency_days=42)],
         ["E6: (Green, CP) is seen face to face by a social worker or PA every 42 days; the "
          "standard (on a child protection plan) is at least every 28 days"]),  # monthly Green
        (child("E7", "Green", rag_date=None), [PARTNER],
         ["E7: (Green, CIN) has no RAG date, so its review cannot be reminded"]),
        (child("E8", "Green", "CL", school=""), [PARTNER], []),  # care leavers are not "not in school"
    ],
)  # fmt: skip
def test_plans_that_break_the_policy_are_reported(
    kid: Child, plans: list[Plan], expected: list[str]
) -> None:
    plans = [replace(p, child_id=kid.child_id) for p in plans]
    assert check_plans([kid], plans, load_policy("default")) == expected
