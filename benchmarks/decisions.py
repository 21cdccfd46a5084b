"""How fast the decisions are: matching at 50,000 children, and risk sentences per second.

    python -m benchmarks.decisions [--children 50000] [--records 2000] [--seed 7]

Each figure is printed beside a naive baseline measured in the same run (a scan of every
name in the tracker; every phrase searched one by one) and the ratio between them.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from datetime import timedelta

from benchmarks.accuracy.people import Person, make_people
from benchmarks.accuracy.sentences import BENIGN, POSITIVE, TRAPS, fill
from mailbot.matching import decide
from mailbot.model import Child, MatchContext, Plan
from mailbot.names import compare, load_nicknames, split_name
from mailbot.resources import config_text
from mailbot.risk import RiskRules, load_rules, sentence_flags
from mailbot.risk_context import compile_phrases, find_triggers, modifier, normalise
from mailbot.roster import Roster
from parsers.record import ChildMention, VisitRecord


def build_tracker(people: Sequence[Person], rng: random.Random) -> tuple[list[Child], list[Plan]]:
    children = [
        Child(
            p.child_id,
            p.first_name,
            p.last_name,
            p.dob,
            "CIN",
            "Amber",
            None,
            "School",
            "Worker",
            "sw@council.example.gov.uk",
            "tm@council.example.gov.uk",
        )
        for p in people
    ]
    visitors = [f"visitor{i}@partner.example.org" for i in range(max(1, len(people) // 20))]
    plans = [
        Plan(
            p.child_id, "Visitor", rng.choice(visitors), "Org", "partner", "face_to_face", 14, None
        )
        for p in people
    ]
    return children, plans


def sample_records(
    people: Sequence[Person], plans: Sequence[Plan], rng: random.Random, n: int
) -> list[tuple[VisitRecord, MatchContext]]:
    sender_of = {pl.child_id: pl.visitor_email for pl in plans}
    out = []
    for _ in range(n):
        p = rng.choice(people)
        kind = rng.random()
        dob = p.dob if kind < 0.8 else None
        if kind < 0.1:
            dob = p.dob + timedelta(days=1)
        name = rng.choice(
            [f"{p.first_name} {p.last_name}", f"{p.last_name.upper()}, {p.first_name}"]
        )
        ids = (p.child_id,) if kind > 0.9 else ()
        record = VisitRecord(children=(ChildMention(full_name=name, dob=dob),), child_ids=ids)
        out.append((record, MatchContext(sender_of[p.child_id])))
    return out


def naive_decide(record: VisitRecord, children: Sequence[Child], roster: Roster) -> str | None:
    """The baseline: compare the written name with every child in the tracker."""
    mention = record.children[0]
    written = split_name(mention.full_name)
    assert written is not None
    best, best_score = None, 0.0
    for child in children:
        score = compare(written, roster.folded(child.child_id), roster.nicknames).score
        if child.dob == mention.dob:
            score += 40
        if score > best_score:
            best, best_score = child.child_id, score
    return best


def per_call_ms(fn: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000 / calls


def bench_matching(n_children: int, n_records: int, seed: int) -> tuple[float, float]:
    rng = random.Random(seed)
    people = make_people(rng, n_children)
    children, plans = build_tracker(people, rng)
    start = time.perf_counter()
    roster = Roster.build(children, plans, load_nicknames(config_text("nicknames.csv")))
    build_s = time.perf_counter() - start
    records = sample_records(people, plans, rng, n_records)
    fast = per_call_ms(lambda: [decide(r, c, roster) for r, c in records], len(records))
    few = records[:20]
    slow = per_call_ms(lambda: [naive_decide(r, children, roster) for r, _ in few], len(few))
    print(f"roster build: {n_children} children in {build_s:.2f} s")
    print(f"match: {fast:.3f} ms/record over {len(records)} records (target <= 2 ms)")
    print(f"match baseline (scan every name): {slow:.1f} ms/record; speed-up x{slow / fast:.0f}")
    return fast, slow


def bench_risk(seed: int, n_sentences: int) -> tuple[float, float]:
    rng = random.Random(seed)
    rules = load_rules(config_text("risk_rules.toml"))
    pool = [*BENIGN * 4, *TRAPS, *(s for group in POSITIVE.values() for s in group)]
    sentences = [
        fill(rng.choice(pool), rng.choice(["Tom", "Amy"]), rng.random() < 0.5)
        for _ in range(n_sentences)
    ]
    start = time.perf_counter()
    for s in sentences:
        sentence_flags(s, rules)
    fast = n_sentences / (time.perf_counter() - start)
    naive = _naive_engine(rules)
    start = time.perf_counter()
    for s in sentences[: n_sentences // 5]:
        naive(s)
    slow = (n_sentences // 5) / (time.perf_counter() - start)
    print(f"risk: {fast:,.0f} sentences/s on one core (target >= 5,000)")
    print(
        f"risk baseline (each phrase searched alone): {slow:,.0f} sentences/s; "
        f"speed-up x{fast / slow:.1f}"
    )
    return fast, slow


def _naive_engine(rules: RiskRules) -> Callable[[str], list[str]]:
    import tomllib

    data = tomllib.loads(config_text("risk_rules.toml"))
    singles = [
        (name, compile_phrases([phrase]))
        for name, table in data["indicators"].items()
        for phrase in table["phrases"]
    ]

    def run(sentence: str) -> list[str]:
        norm = normalise(sentence)
        triggers = find_triggers(norm, rules.context)
        return [
            name
            for name, pattern in singles
            for m in pattern.finditer(norm)
            if modifier(norm, m.span(), triggers, rules.termination) is None
        ]

    return run


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--records", type=int, default=2_000)
    parser.add_argument("--sentences", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    bench_matching(args.children, args.records, args.seed)
    bench_risk(args.seed, args.sentences)


if __name__ == "__main__":
    main()
