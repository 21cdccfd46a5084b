"""A record with no labelled name: children named in its text, judged by the same rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from mailbot.matching import decide
from mailbot.model import MatchContext
from mailbot.roster import Roster
from parsers.record import ChildMention, VisitRecord
from tests.decisions.conftest import NURSE, SCHOOL, STRANGER


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    sender: str
    expect_ids: tuple[str, ...]
    certain: bool
    reason_has: str


CASES = [
    Case(
        "name and DOB in a greeting, from the visitor on the plan",
        "Hi, Ada Quill (DOB 28/02/2011) seen today 19/11/2026 at school, all well.",
        NURSE,
        ("E1000008",),
        True,
        "named in the text",
    ),
    Case(
        "name and DOB from a sender who visits no child",
        "Hi, Ada Quill (DOB 28/02/2011) seen today 19/11/2026 at school.",
        STRANGER,
        (),
        False,
        "needs a person",
    ),
    Case(
        "two siblings sharing a surname, dates in brackets in order",
        "Visit to Alfred and Maisie Jones (07/01/2013 and 15/08/2014) at home.",
        SCHOOL,
        ("E1000006", "E1000007"),
        True,
        "named in the text",
    ),
    Case(
        "a visit date after the name is not a date of birth; unique child on the sender's plan",
        "Ada Quill seen on 19/11/2026, happy and chatty.",
        NURSE,
        ("E1000008",),
        True,
        "only child of that name this sender visits",
    ),
    Case(
        "same name, no date of birth, the sender visits two children of that name",
        "Thomas Smith was seen in class today.",
        SCHOOL,
        (),
        False,
        "no date of birth",
    ),
    Case(
        "same name, date of birth decides",
        "Thomas Smith, DOB: 20/09/2012, was seen in class today.",
        SCHOOL,
        ("E1000002",),
        True,
        "date of birth agree",
    ),
    Case(
        "twin named exactly with the shared date of birth",
        "Ella Brook (01/06/2016) was seen at school.",
        SCHOOL,
        ("E1000003",),
        True,
        "named in the text",
    ),
    Case(
        "a surname alone is never enough",
        "Mrs Quill called to say Ada was fine.",
        NURSE,
        (),
        False,
        "names no child",
    ),
    Case(
        "a child not in the tracker",
        "Harvey Quinn (DOB 03/03/2013) seen today.",
        NURSE,
        (),
        False,
        "names no child",
    ),
    Case(
        "day and month swapped is a candidate, never certain",
        "Alfred Jones (DOB 01/07/2013) seen at school.",
        SCHOOL,
        (),
        False,
        "swapped",
    ),
    Case(
        "a name in a quoted line does not count",
        "> Ada Quill (DOB 28/02/2011)\nThanks, will do.",
        NURSE,
        (),
        False,
        "names no child",
    ),
    Case(
        "nickname and a middle name",
        "Alfie James Jones (DOB 07/01/2013) came to the session.",
        SCHOOL,
        ("E1000006",),
        True,
        "named in the text",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_names_in_the_text(case: Case, roster: Roster) -> None:
    decision = decide(VisitRecord(text=case.text), MatchContext(case.sender), roster)
    assert decision.certain is case.certain, decision.reason
    assert decision.child_ids == case.expect_ids, decision.reason
    assert case.reason_has in decision.reason


def test_a_labelled_name_wins_over_names_in_the_text(roster: Roster) -> None:
    record = VisitRecord(
        children=(ChildMention(full_name="Alfred Jones", dob=date(2013, 1, 7)),),
        text="Alfred spoke about his friend Ada Quill (DOB 28/02/2011).",
    )
    decision = decide(record, MatchContext(SCHOOL), roster)
    assert decision.child_ids == ("E1000006",) and decision.certain
    assert "named in the text" not in decision.reason


def test_an_id_for_another_child_than_the_text_names_goes_to_a_person(roster: Roster) -> None:
    record = VisitRecord(child_ids=("E1000009",), text="Ada Quill (DOB 28/02/2011) seen.")
    decision = decide(record, MatchContext(NURSE), roster)
    assert not decision.certain
