"""A small synthetic tracker for the decision tables (invented names only)."""

from __future__ import annotations

from datetime import date

import pytest

from mailbot.model import Child, Plan
from mailbot.names import load_nicknames
from mailbot.resources import config_text
from mailbot.risk import RiskRules, load_rules
from mailbot.roster import Roster

SCHOOL = "head@oakfield.example.org"  # visits several children
NURSE = "nurse@health.example.org"  # visits the Tom Smith born 2015 and Ada Quill
STRANGER = "someone@elsewhere.example.com"  # on no plan


def _child(cid: str, first: str, last: str, dob: date | None, sw: str = "sw1") -> Child:
    return Child(
        child_id=cid,
        first_name=first,
        last_name=last,
        dob=dob,
        legal_status="CIN",
        rag="Amber",
        rag_date=None,
        school="Oakfield",
        social_worker=sw,
        social_worker_email=f"{sw}@council.example.gov.uk",
        team_manager_email="tm@council.example.gov.uk",
    )


CHILDREN = [
    _child("E1000001", "Thomas", "Smith", date(2015, 3, 4)),
    _child("E1000002", "Thomas", "Smith", date(2012, 9, 20)),  # same name, other DOB
    _child("E1000003", "Ella", "Brook", date(2016, 6, 1)),  # twins
    _child("E1000004", "Ellie", "Brook", date(2016, 6, 1)),
    _child("E1000005", "Sinéad", "O'Connor-Price", date(2010, 11, 23)),
    _child("E1000006", "Alfred", "Jones", date(2013, 1, 7)),  # siblings, same worker
    _child("E1000007", "Maisie", "Jones", date(2014, 8, 15)),
    _child("E1000008", "Ada", "Quill", date(2011, 2, 28), sw="sw2"),
    _child("E1000009", "Mohammed", "Rahman", date(2009, 5, 5), sw="sw2"),
    _child("E1000010", "Tom", "Smith", date(2015, 7, 12), sw="sw3"),  # third Tom Smith
]
PLANS = [
    Plan(cid, "Head", SCHOOL, "Oakfield", "partner", "face_to_face", 14, None)
    for cid in (
        "E1000002",
        "E1000003",
        "E1000004",
        "E1000005",
        "E1000006",
        "E1000007",
        "E1000009",
        "E1000010",
    )
] + [
    Plan(cid, "Nurse", NURSE, "Health", "partner", "face_to_face", 14, None)
    for cid in ("E1000001", "E1000008")
]


@pytest.fixture(scope="session")
def roster() -> Roster:
    return Roster.build(CHILDREN, PLANS, load_nicknames(config_text("nicknames.csv")))


@pytest.fixture(scope="session")
def rules() -> RiskRules:
    return load_rules(config_text("risk_rules.toml"))
