"""Field extraction by tables of input and expected value: dates, answers, labels, IDs."""

from __future__ import annotations

import re
from datetime import date

import pytest

from parsers.answers import parse_method, parse_yes_no
from parsers.assemble import normalise_child_id
from parsers.dates import find_dates, parse_date
from parsers.errors import LabelsError
from parsers.labels import LabelIndex, load_label_synonyms

from .builders import LABELS, email_bytes, read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/4/26", date(2026, 4, 3)),
        ("03.04.2026", date(2026, 4, 3)),
        ("3-4-2026", date(2026, 4, 3)),
        ("3rd April 2026", date(2026, 4, 3)),
        ("Friday 3rd of April 2026", date(2026, 4, 3)),
        ("3 Apr 26", date(2026, 4, 3)),
        ("3-Apr-2026", date(2026, 4, 3)),
        ("2026-04-03", date(2026, 4, 3)),
        ("April 3rd, 2026", date(2026, 4, 3)),
        ("3 Sept 2025", date(2025, 9, 3)),
        ("visited 03 / 04 / 2026 at 10:30", date(2026, 4, 3)),
        ("Friday 3 April", None),  # no year: not guessed
        ("12/13/2020", None),  # not a UK date
        ("31/02/2024", None),
        ("", None),
    ],
)
def test_uk_dates(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_two_digit_years_pivot() -> None:
    assert find_dates("born 3/4/09, seen 3/4/26, gran born 1/1/52") == [
        date(2009, 4, 3), date(2026, 4, 3), date(1952, 1, 1),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes", True), ("y", True), ("YES - at school", True), ("No", False), ("N", False),
        ("None", False), ("No concerns", False), ("n/a", None), ("", None), ("Yes / No", None),
        ("☒ Yes ☐ No", True), ("☐ Yes ☒ No", False), ("☐ Yes ☐ No", None), ("[x] Yes [ ] No", True),
        ("[ ] Yes [X] No", False), ("Yes ☐ No ☒", False), ("maybe", None),
    ],
)  # fmt: skip
def test_yes_no(text: str, expected: bool | None) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Face to face", "face_to_face"), ("Home visit", "face_to_face"), ("F2F", "face_to_face"),
        ("Video call (Teams)", "virtual"), ("Virtual", "virtual"), ("Telephone call", "phone"),
        ("☐ Face to face ☒ Virtual ☐ Phone", "virtual"), ("", None),
    ],
)  # fmt: skip
def test_method(text: str, expected: str | None) -> None:
    assert parse_method(text) == expected


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Child's name", "child_name"), ("CHILDS NAME:", "child_name"), ("Child’s Name", "child_name"),
        ("Name of child/young person", "child_name"), ("YP name", "child_name"),
        ("Pupil name", "child_name"), ("D.O.B.", "dob"), ("Date of birth (dd/mm/yyyy)", "dob"),
        ("Eclipse ID", "child_id"), ("LCS number", "child_id"), ("Person ID", "child_id"),
        ("Date of visit", "visit_date"), ("Was the child seen?", "child_seen"),
        ("Seen alone?", "seen_alone"), ("Any concerns?", "any_concerns"),
        ("Has the risk changed?", "risk_changed"), ("1. Visit date", "visit_date"),
        ("Favourite colour", None),
    ],
)  # fmt: skip
def test_labels_from_the_synonyms_table(label: str, field: str | None) -> None:
    assert LabelIndex(LABELS).field_for(label) == field


def test_labels_table_errors_name_the_problem() -> None:
    with pytest.raises(LabelsError, match="unknown field 'colour'"):
        load_label_synonyms('[labels]\ncolour = ["Colour"]\n')
    with pytest.raises(LabelsError, match="not valid TOML"):
        load_label_synonyms("[labels\n")
    assert load_label_synonyms('[labels]\ndob = ["Born"]\n') == (("dob", ("Born",)),)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("E1234567", "E1234567"),
        ("e 123 4567", "E1234567"),
        ("1234567", "E1234567"),
        ("12345", None),
    ],
)
def test_labelled_child_ids_are_normalised(value: str, expected: str | None) -> None:
    assert normalise_child_id(value, re.compile(r"E\d{7}")) == expected


def test_child_ids_and_references_found_anywhere_in_new_text() -> None:
    body = "Update on E1234567 (our ref mecc-7k3m9q): all fine.\nAlso saw sibling E7654321."
    record = read(email_bytes(body, subject="Visit")).record
    assert record.child_ids == ("E1234567", "E7654321")
    assert record.references == ("MECC-7K3M9Q",)


def test_printed_yes_no_options_are_not_an_answer() -> None:
    record = read(email_bytes("Child's name: Amy Smith\nAny concerns?     Yes     No\n")).record
    assert record.any_concerns is None


def test_specific_label_beats_a_generic_one() -> None:
    body = "Date: 01/04/2026\nDate of visit: 03/04/2026\nChild's name: Amy Smith"
    assert read(email_bytes(body)).record.visit_date == date(2026, 4, 3)


def test_sibling_rows_and_name_forms() -> None:
    body = "Child's name: SMITH, Amy\nDOB: 3/4/15\nChild's name: Ben Smith\nDOB: 5/6/17\n"
    children = read(email_bytes(body)).record.children
    assert [(c.first_name, c.last_name, c.dob) for c in children] == [
        ("Amy", "SMITH", date(2015, 4, 3)),
        ("Ben", "Smith", date(2017, 6, 5)),
    ]
