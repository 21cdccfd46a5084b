"""The corpus's records, scenario by scenario: the easy majority and every hard case."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.accuracy import formats
from benchmarks.accuracy.generate import (
    Kid,
    Tracker,
    answers,
    expected_from_answers,
    form_fields,
    make_tracker,
    narrative,
    visit_day,
    write_label,
    write_tracker,
    written_dob,
    written_id,
    written_name,
)
from benchmarks.accuracy.people import make_people

SCENARIOS = {  # name: weight
    "full": 20,
    "name_dob": 22,
    "name_only": 7,
    "id_only": 5,
    "siblings_same_sw": 4,
    "siblings_diff_sw": 3,
    "twin": 4,
    "same_name_no_dob": 3,
    "same_name_dob": 3,
    "dob_swapped": 3,
    "not_in_tracker": 3,
    "id_conflict": 3,
    "colleague_forward": 4,
    "unknown_sender_complete": 3,
    "unknown_sender_name_dob": 3,
    "reply_quoting_other": 6,
    "misspelt": 4,
}
FORMATS = {"plain": 30, "html": 20, "docx": 22, "pdf": 18, "forward_self": 10}


def mention(
    kid: Kid,
    rng: random.Random,
    *,
    name: bool = True,
    dob: bool = True,
    cid: bool = False,
    style: str | None = None,
) -> dict[str, Any]:
    p = kid.person
    m: dict[str, Any] = {"name": written_name(p, rng, style) if name else None}
    m["dob"] = p.dob.isoformat() if dob else None
    m["dob_written"] = written_dob(p.dob, rng) if dob else ""
    m["id"] = p.child_id if cid else None
    m["id_written"] = written_id(p.child_id, rng) if cid else ""
    return m


def _visited_by(tracker: Tracker, v: int) -> list[int]:
    return [i for i, k in enumerate(tracker.kids) if v in k.visitors]


def build_record(tracker: Tracker, scenario: str, rng: random.Random) -> dict[str, Any]:
    """Who, by whom, and what a careful person could do with it."""
    kids = tracker.kids
    i = rng.randrange(len(kids))
    kid = kids[i]
    sender = kid.visitors[0]
    out: dict[str, Any] = {"scenario": scenario, "sender": tracker.visitors[sender], "quoted": None}
    special = {a for pair in (*tracker.twins, *tracker.same_name) for a in pair}
    if scenario == "full":
        return {**out, "mentions": [mention(kid, rng, cid=True)], "about": [i], "routable": True}
    if scenario == "name_dob":
        return {**out, "mentions": [mention(kid, rng)], "about": [i], "routable": True}
    if scenario == "name_only":
        m = mention(kid, rng, dob=False, style=rng.choice(["plain", "caps", "surname_first"]))
        p = kid.person
        same = [
            j
            for j in _visited_by(tracker, sender)
            if (kids[j].person.first_name, kids[j].person.last_name) == (p.first_name, p.last_name)
        ]
        return {**out, "mentions": [m], "about": [i], "routable": len(same) == 1}
    if scenario == "id_only":
        return {
            **out,
            "mentions": [mention(kid, rng, name=False, dob=False, cid=True)],
            "about": [i],
            "routable": True,
        }
    if scenario in (
        "siblings_same_sw",
        "siblings_diff_sw",
        "twin",
        "same_name_no_dob",
        "same_name_dob",
    ):
        pairs = {
            "siblings_same_sw": tracker.siblings_same,
            "siblings_diff_sw": tracker.siblings_diff,
            "twin": tracker.twins,
            "same_name_no_dob": tracker.same_name[:8],
            "same_name_dob": tracker.same_name,
        }[scenario]
        a, b = rng.choice(pairs)
        out["sender"] = tracker.visitors[kids[a].visitors[0]]
        if scenario.startswith("siblings"):
            ms = [mention(kids[a], rng, style="plain"), mention(kids[b], rng, style="plain")]
            return {
                **out,
                "mentions": ms,
                "about": [a, b],
                "routable": scenario == "siblings_same_sw",
            }
        target = rng.choice([a, b])
        if scenario == "same_name_no_dob":
            return {
                **out,
                "mentions": [mention(kids[target], rng, dob=False, style="plain")],
                "about": [target],
                "routable": False,
            }
        return {
            **out,
            "mentions": [mention(kids[target], rng, style="plain")],
            "about": [target],
            "routable": True,
        }
    if scenario == "dob_swapped":
        p = kid.person
        while p.dob.day > 12 or p.dob.day == p.dob.month:
            i = rng.randrange(len(kids))
            kid, p = kids[i], kids[i].person
        out["sender"] = tracker.visitors[kid.visitors[0]]
        m = mention(kid, rng, style="plain")
        swapped = p.dob.replace(month=p.dob.day, day=p.dob.month)
        m["dob"], m["dob_written"] = swapped.isoformat(), swapped.strftime("%d/%m/%Y")
        return {**out, "mentions": [m], "about": [], "routable": False}
    if scenario == "not_in_tracker":
        stranger = make_people(rng, 1, start_id=9_000_000)[0]
        stranger = replace(stranger, last_name=stranger.last_name + "ley")
        m = {
            "name": f"{stranger.first_name} {stranger.last_name}",
            "dob": stranger.dob.isoformat(),
            "dob_written": written_dob(stranger.dob, rng),
            "id": None,
            "id_written": "",
        }
        return {**out, "mentions": [m], "about": [], "routable": False}
    if scenario == "id_conflict":
        other = kids[rng.randrange(len(kids))]
        m = mention(kid, rng, style="plain")
        m["id"], m["id_written"] = other.person.child_id, other.person.child_id
        return {**out, "mentions": [m], "about": [], "routable": False}
    if scenario == "colleague_forward":
        not_on = [v for v in range(len(tracker.visitors)) if v not in kid.visitors]
        out["forwarder"] = tracker.visitors[rng.choice(not_on)]
        return {
            **out,
            "mentions": [mention(kid, rng, style="plain")],
            "about": [i],
            "routable": True,
        }
    if scenario.startswith("unknown_sender"):
        out["sender"] = (
            "someone@another-authority.example.org",
            "A Colleague",
            "Another Authority",
            "Social Worker",
        )
        complete = scenario.endswith("complete")
        return {
            **out,
            "mentions": [mention(kid, rng, cid=complete, style="plain")],
            "about": [i],
            "routable": complete,
        }
    if scenario == "reply_quoting_other":
        others = [j for j in _visited_by(tracker, sender) if j != i] or [rng.randrange(len(kids))]
        out["quoted"] = rng.choice(others)
        return {**out, "mentions": [mention(kid, rng)], "about": [i], "routable": True}
    if scenario == "misspelt":
        p = kid.person
        while len(p.last_name) < 6 or "-" in p.last_name or "'" in p.last_name or i in special:
            i = rng.randrange(len(kids))
            kid, p = kids[i], kids[i].person
        out["sender"] = tracker.visitors[kid.visitors[0]]
        cut = rng.randrange(2, len(p.last_name) - 1)
        m = mention(kid, rng, style="plain")
        m["name"] = f"{p.first_name} {p.last_name[:cut] + p.last_name[cut + 1 :]}"
        return {**out, "mentions": [m], "about": [i], "routable": True}
    raise ValueError(scenario)


def generate(out: Path, seed: int, n: int, n_noise: int = 40) -> list[Path]:
    rng = random.Random(seed)
    tracker = make_tracker(rng)
    out.mkdir(parents=True, exist_ok=True)
    write_tracker(tracker, out / "tracker.csv", rng)
    names, weights = zip(*SCENARIOS.items(), strict=True)
    fnames, fweights = zip(*FORMATS.items(), strict=True)
    paths = []
    for seq in range(n):
        scenario = rng.choices(names, weights)[0]
        spec = build_record(tracker, scenario, rng)
        paths.append(_write_record(out, seq, spec, tracker, rng, rng.choices(fnames, fweights)[0]))
    for k in range(n_noise):
        paths.append(_write_noise(out, n + k, tracker, rng))
    return paths


def _write_record(
    out: Path, seq: int, spec: dict[str, Any], tracker: Tracker, rng: random.Random, fmt: str
) -> Path:
    kids = tracker.kids
    lead = kids[spec["about"][0]] if spec["about"] else kids[0]
    sentences, risks, traps, positives, also = narrative(lead.person, rng)
    a = answers(risks, rng)
    concerns = positives[0] if a["any_concerns"] and positives else ""
    visitor = spec["sender"]
    fields = form_fields(spec["mentions"], a, visitor, visit_day(rng), concerns)
    text = "\n".join(sentences)
    subject = rng.choice(
        ["Record of visit", "MECC record of visit", "Visit record", "MECC visit return"]
    )
    when = formats.stamp(seq)
    email, name = visitor[0], visitor[1]
    if spec["scenario"] == "colleague_forward":
        fwd = spec["forwarder"]
        raw = formats.forwarded(
            fwd[0], fwd[1], subject, when, seq, fields, text, email, name, rng.random() < 0.5
        )
        sender_used = fwd[0]
    elif spec["quoted"] is not None:
        q = kids[spec["quoted"]]
        q_fields = form_fields([mention(q, rng)], answers([], rng), visitor, visit_day(rng), "")
        q_text = "\n".join(narrative(q.person, rng)[0])
        raw = formats.reply_quoting(email, name, subject, when, seq, fields, text, q_fields, q_text)
        sender_used = email
    elif fmt == "forward_self":
        raw = formats.forwarded(email, name, subject, when, seq, fields, text, email, name, False)
        sender_used = email
    else:
        maker = {
            "plain": formats.plain,
            "html": formats.html_body,
            "docx": formats.docx_attachment,
            "pdf": formats.pdf_attachment,
        }[fmt]
        raw = maker(email, name, subject, when, seq, fields, text)
        sender_used = email
    about = [kids[j] for j in spec["about"]]
    label = {
        "kind": "record",
        "scenario": spec["scenario"],
        "format": fmt,
        "child_ids": [k.person.child_id for k in about],
        "routable": spec["routable"],
        "allowed": sorted({addr for k in about for addr in (k.sw, k.tm)}),
        "risk": sorted(set(risks) | expected_from_answers(a)),
        "risk_also": also,
        "traps": traps,
        "quoted_child": kids[spec["quoted"]].person.child_id
        if spec["quoted"] is not None
        else None,
        "truth": {
            "sender": sender_used,
            "mentions": spec["mentions"],
            "answers": a,
            "text": text,
            "concerns": concerns,
        },
    }
    path = out / f"{seq:04d}_{spec['scenario']}_{fmt}.eml"
    path.write_bytes(raw)
    write_label(path.with_suffix(".json"), label)
    return path


def _write_noise(out: Path, seq: int, tracker: Tracker, rng: random.Random) -> Path:
    when = formats.stamp(seq)
    kind = rng.choice(["ooo", "ooo_plain", "bounce", "newsletter"])
    visitor = rng.choice(tracker.visitors)
    raw = {
        "ooo": lambda: formats.out_of_office(visitor[0], visitor[1], when, seq, True),
        "ooo_plain": lambda: formats.out_of_office(visitor[0], visitor[1], when, seq, False),
        "bounce": lambda: formats.bounce(when, seq),
        "newsletter": lambda: formats.newsletter(when, seq),
    }[kind]()
    path = out / f"{seq:04d}_noise_{kind}.eml"
    path.write_bytes(raw)
    write_label(
        path.with_suffix(".json"),
        {
            "kind": "noise",
            "scenario": kind,
            "child_ids": [],
            "routable": False,
            "allowed": [],
            "risk": [],
            "traps": [],
        },
    )
    return path
