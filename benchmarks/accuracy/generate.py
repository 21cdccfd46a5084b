"""The labelled evaluation corpus: a synthetic tracker and returned records, by seed.

Every record is one .eml file with a .json label beside it:
  kind        "record" or "noise"
  child_ids   who the record is about (what a careful person would decide)
  routable    whether a careful person could forward it from the record and the tracker
              alone, by the project's rules (a name with no date of birth only when the
              sender visits exactly one child of that name; a sender on no visit plan only
              with ID, name and date of birth agreeing; a day/month swap never)
  allowed     the addresses a forward may go to (those children's social workers and managers)
  risk        the indicators the record should raise; traps: sentences that must not flag
  truth       what the readers should read (names, DOB, IDs, answers, narrative, sender),
              so the decisions can be measured before, or apart from, the pipeline.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.accuracy.people import Person, make_people
from benchmarks.accuracy.sentences import ALSO, BENIGN, POSITIVE, TRAPS, fill
from mailbot.tracker import COLUMNS

HEADER = list(COLUMNS)  # the tracker's header, as mailbot reads it
ROLES = [
    ("Designated Safeguarding Lead", "Oakfield Primary School", "school"),
    ("School Nurse", "Community Health Trust", "health"),
    ("Health Visitor", "Community Health Trust", "health"),
    ("Youth Justice Worker", "Youth Justice Service", "yjs"),
    ("IDVA", "Domestic Abuse Service", "idva"),
    ("Family Practitioner", "Early Help", "eh"),
    ("Supervising Social Worker", "Fostering Service", "fostering"),
    ("Personal Adviser", "Leaving Care Team", "pa"),
]
NICK = {
    "Thomas": "Tom",
    "Alfred": "Alfie",
    "Elizabeth": "Liz",
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Samuel": "Sam",
    "Joshua": "Josh",
    "Matthew": "Matt",
    "Katherine": "Katie",
    "Jessica": "Jess",
    "Rebecca": "Becky",
    "Victoria": "Vicky",
    "Charlotte": "Lottie",
    "Frederick": "Freddie",
    "Nicholas": "Nick",
    "Zachary": "Zach",
    "Margaret": "Maggie",
    "Josephine": "Josie",
    "Abigail": "Abi",
    "Daniel": "Dan",
    "Muhammad": "Mohammed",
    "Samantha": "Sam",
    "William": "Will",
    "James": "Jamie",
}


@dataclass
class Kid:
    person: Person
    sw: str
    tm: str
    visitors: list[int] = field(default_factory=list)


@dataclass
class Tracker:
    kids: list[Kid]
    visitors: list[tuple[str, str, str, str]]  # email, name, org, role
    same_name: list[tuple[int, int]]
    twins: list[tuple[int, int]]
    siblings_same: list[tuple[int, int]]
    siblings_diff: list[tuple[int, int]]


def make_tracker(rng: random.Random, n: int = 600) -> Tracker:
    people = make_people(rng, n)
    sws = [
        (f"sw{i:02d}@council.example.gov.uk", f"tm{i % 6}@council.example.gov.uk")
        for i in range(30)
    ]
    visitors = []
    for i in range(45):
        role, org, tag = ROLES[i % len(ROLES)]
        visitors.append(
            (f"{tag}.visitor{i:02d}@partner.example.org", f"Visitor {i:02d}", org, role)
        )
    kids = [Kid(p, *rng.choice(sws)) for p in people]
    same_name: list[tuple[int, int]] = []
    twins: list[tuple[int, int]] = []
    sib_same: list[tuple[int, int]] = []
    sib_diff: list[tuple[int, int]] = []
    used: set[int] = set()

    def pick() -> int:
        while True:
            i = rng.randrange(len(kids))
            if i not in used:
                used.add(i)
                return i

    for group, kind in (
        (same_name, "same"),
        (twins, "twin"),
        (sib_same, "sib"),
        (sib_diff, "sibd"),
    ):
        for _ in range(15):
            a, b = pick(), pick()
            pa, pb = kids[a].person, kids[b].person
            if kind == "same":
                kids[b].person = replace(
                    pb, first_name=pa.first_name, last_name=pa.last_name, girl=pa.girl
                )
            elif kind == "twin":
                kids[b].person = replace(pb, last_name=pa.last_name, dob=pa.dob)
                if kids[b].person.first_name == pa.first_name:
                    kids[b].person = replace(kids[b].person, first_name=pa.first_name + "a")
            else:
                kids[b].person = replace(pb, last_name=pa.last_name)
            if kind != "sibd":
                kids[b].sw, kids[b].tm = kids[a].sw, kids[a].tm
            elif kids[b].sw == kids[a].sw:
                kids[b].sw = sws[(sws.index((kids[a].sw, kids[a].tm)) + 1) % len(sws)][0]
            group.append((a, b))
    for kid in kids:
        kid.visitors = [rng.randrange(len(visitors))]
        if rng.random() < 0.25:
            second = rng.randrange(len(visitors))
            if second not in kid.visitors:
                kid.visitors.append(second)
    for a, b in [*same_name[:8], *twins, *sib_same, *sib_diff]:
        kids[b].visitors = list(kids[a].visitors)  # the same school sees both
    return Tracker(kids, visitors, same_name, twins, sib_same, sib_diff)


def write_tracker(tracker: Tracker, path: Path, rng: random.Random) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for kid in tracker.kids:
            p = kid.person
            dob = p.dob.isoformat() if rng.random() < 0.5 else p.dob.strftime("%d/%m/%Y")
            status, rag = (
                rng.choice(["CP", "CIN", "CLA", "CL"]),
                rng.choice(["Red", "Amber", "Green"]),
            )
            for v in kid.visitors:
                email, name, org, _role = tracker.visitors[v]
                out.writerow(
                    [
                        p.child_id,
                        p.first_name,
                        p.last_name,
                        dob,
                        status,
                        rag,
                        "2025-01-06",
                        "Oakfield Primary School",
                        f"Worker {kid.sw[2:4]}",
                        kid.sw,
                        kid.tm,
                        name,
                        email,
                        org,
                        "partner",
                        "face_to_face",
                        rng.choice(["14", "28", "42", ""]),
                        "",
                    ]
                )


# --- one record -------------------------------------------------------------------------


def written_name(p: Person, rng: random.Random, style: str | None = None) -> str:
    style = style or rng.choice(
        ["plain", "plain", "surname_first", "caps", "lower", "nick", "middle"]
    )
    first = p.first_name
    if style == "nick" and first in NICK:
        first = NICK[first]
    if style == "surname_first":
        return f"{p.last_name.upper()}, {first}"
    if style == "caps":
        return f"{first} {p.last_name.upper()}"
    if style == "lower":
        return f"{first.lower()} {p.last_name.lower()}"
    if style == "middle":
        return f"{first} {rng.choice(['James', 'Rose', 'Lee', 'Marie', 'John'])} {p.last_name}"
    return f"{first} {p.last_name}"


def written_dob(d: date, rng: random.Random) -> str:
    return rng.choice(
        [
            d.strftime("%d/%m/%Y"),
            d.strftime("%d.%m.%Y"),
            d.strftime("%-d %B %Y"),
            d.strftime("%d-%m-%Y"),
            d.strftime("%-d/%-m/%Y"),
            d.strftime("%d %b %Y"),
        ]
    )


def written_id(cid: str, rng: random.Random) -> str:
    return rng.choice([cid, cid, cid[1:], f"{cid[0]} {cid[1:4]} {cid[4:]}", cid.lower()])


def narrative(
    p: Person, rng: random.Random
) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """(sentences, indicators expected, trap sentences, the risk sentences, fair extras)."""
    sentences = [fill(rng.choice(BENIGN), p.first_name, p.girl) for _ in range(rng.randint(2, 4))]
    risks: list[str] = []
    traps: list[str] = []
    positives: list[str] = []
    also: set[str] = set()
    if rng.random() < 0.45:
        for indicator in rng.sample(sorted(POSITIVE), rng.choice([1, 1, 2])):
            template = rng.choice(POSITIVE[indicator])
            line = fill(template, p.first_name, p.girl)
            sentences.insert(rng.randrange(len(sentences) + 1), line)
            risks.append(indicator)
            also.update(ALSO.get(template, set()))
            positives.append(line)
    if rng.random() < 0.5:
        trap = fill(rng.choice(TRAPS), p.first_name, p.girl)
        sentences.insert(rng.randrange(len(sentences) + 1), trap)
        traps.append(trap)
    return list(dict.fromkeys(sentences)), risks, traps, positives, sorted(also)


def answers(risks: list[str], rng: random.Random) -> dict[str, bool]:
    a = {
        "child_seen": True,
        "seen_alone": True,
        "attending_school": True,
        "any_concerns": bool(risks) and rng.random() < 0.7,
        "risk_changed": bool(risks) and rng.random() < 0.3,
    }
    roll = rng.random()
    if roll < 0.04:
        a["child_seen"], a["seen_alone"] = False, False
    elif roll < 0.09:
        a["seen_alone"] = False
    elif roll < 0.13:
        a["attending_school"] = False
    return a


def expected_from_answers(a: dict[str, bool]) -> set[str]:
    out = set()
    if not a["child_seen"] or not a["seen_alone"]:
        out.add("not_seen")
    if not a["attending_school"]:
        out.add("school_non_attendance")
    if a["any_concerns"]:
        out.add("concerns_raised")
    if a["risk_changed"]:
        out.add("risk_changed")
    return out


def form_fields(
    mentions: list[dict[str, Any]],
    a: dict[str, bool],
    visitor: tuple[str, str, str, str],
    visit: date,
    concerns: str,
) -> list[tuple[str, str]]:
    yn = {True: "Yes", False: "No"}
    fields: list[tuple[str, str]] = []
    for m in mentions:
        if m.get("name"):
            fields.append(("Child's name", m["name"]))
        if m.get("dob"):
            fields.append(("Date of birth", m["dob_written"]))
        if m.get("id"):
            fields.append(("Eclipse ID", m["id_written"]))
    fields += [
        ("Date of visit", visit.strftime("%d/%m/%Y")),
        ("Visited by", visitor[1]),
        ("Role", visitor[3]),
        ("Organisation", visitor[2]),
        ("Was the child seen", yn[a["child_seen"]]),
        ("Seen alone", yn[a["seen_alone"]]),
        ("Attending school", yn[a["attending_school"]]),
        ("Any concerns", yn[a["any_concerns"]] + (f" - {concerns}" if a["any_concerns"] else "")),
        ("Has the risk changed", yn[a["risk_changed"]]),
    ]
    return fields


def write_label(path: Path, label: dict[str, Any]) -> None:
    path.write_text(json.dumps(label, indent=1, sort_keys=True), encoding="utf-8")


def visit_day(rng: random.Random) -> date:
    return date(2025, 3, 3) + timedelta(days=rng.randrange(0, 20))
