"""Score the risk rules sentence by sentence on a held-out set (heldout_wide / heldout_fresh).

    python -m benchmarks.accuracy.heldout_score [wide|fresh|third|old] [--misses]

Recall per indicator: the sentences written for it that raise it. Precision per indicator:
of the flags it raised, those the sentence was written for (its own indicator or one named
with ``[+...]``); a flag on a trap sentence is a false one. Traps: sentences flagged at all.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from types import ModuleType

_ALSO = re.compile(r"\s*\[((?:\+[a-z_]+\s*)+)\]\s*$")


@dataclass(frozen=True)
class Case:
    sentence: str
    indicator: str | None  # None: a trap
    also: frozenset[str]


def cases(module: ModuleType) -> list[Case]:
    out: list[Case] = []
    for indicator, block in module.POSITIVE.items():
        for line in block.strip().splitlines():
            also: frozenset[str] = frozenset()
            m = _ALSO.search(line)
            if m:
                also = frozenset(a.lstrip("+") for a in m.group(1).split())
                line = line[: m.start()]
            out.append(Case(line.strip(), indicator, also))
    for line in module.TRAPS.strip().splitlines():
        out.append(Case(line.strip(), None, frozenset()))
    return out


def _old_cases() -> list[Case]:
    from benchmarks.accuracy import heldout

    out = []
    for positives, traps in (
        (heldout.REVIEWED_POSITIVE, heldout.REVIEWED_TRAPS),
        (heldout.HELD_POSITIVE, heldout.HELD_TRAPS),
    ):
        out += [Case(s, ind, frozenset()) for ind, ss in positives.items() for s in ss]
        out += [Case(s, None, frozenset()) for s in traps]
    return out


def report(which: str, *, misses: bool = False) -> tuple[str, dict[str, float]]:
    from benchmarks.accuracy import heldout_fresh, heldout_third, heldout_wide
    from mailbot.resources import config_text
    from mailbot.risk import load_rules, sentence_flags

    rules = load_rules(config_text("risk_rules.toml"))
    if which == "old":
        todo = _old_cases()
    else:
        sets = {"wide": heldout_wide, "fresh": heldout_fresh, "third": heldout_third}
        todo = cases(sets[which])
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    found: Counter[str] = Counter()
    written: Counter[str] = Counter()
    lines_missed, lines_wrong, lines_trap = [], [], []
    traps = trapped = 0
    for case in todo:
        raised = {f.indicator for f in sentence_flags(case.sentence, rules)}
        if case.indicator is None:
            traps += 1
            trapped += bool(raised)
            if raised:
                lines_trap.append(f"  trap    {sorted(raised)}: {case.sentence}")
            for ind in raised:
                fp[ind] += 1
            continue
        written[case.indicator] += 1
        if case.indicator in raised:
            found[case.indicator] += 1
        else:
            lines_missed.append(f"  missed  {case.indicator}: {case.sentence}")
        for ind in raised:
            if ind == case.indicator or ind in case.also:
                tp[ind] += 1
            else:
                fp[ind] += 1
                lines_wrong.append(f"  wrong   {ind} ({case.indicator}): {case.sentence}")
    out = [f"held-out set {which!r}: {sum(written.values())} positive sentences, {traps} traps"]
    out.append(f"  {'indicator':<22} {'recall':>10} {'precision':>12}")
    for ind in sorted(written | fp):
        r = f"{found[ind]}/{written[ind]}" if written[ind] else "-"
        n = tp[ind] + fp[ind]
        p = f"{tp[ind]}/{n}" if n else "-"
        out.append(f"  {ind:<22} {r:>10} {p:>12}")
    total, hit = sum(written.values()), sum(found.values())
    n_flags = sum(tp.values()) + sum(fp.values())
    figures = {
        "recall": hit / total,
        "precision": sum(tp.values()) / n_flags if n_flags else 1.0,
        "trap_rate": trapped / traps if traps else 0.0,
    }
    out.append(
        f"  ALL recall {hit}/{total} = {figures['recall']:.3f}; precision "
        f"{sum(tp.values())}/{n_flags} = {figures['precision']:.3f}; traps flagged "
        f"{trapped}/{traps} = {figures['trap_rate']:.3f}"
    )
    if misses:
        out += lines_missed + lines_wrong + lines_trap
    return "\n".join(out), figures


def main(argv: list[str]) -> int:
    which = [a for a in argv if not a.startswith("-")] or ["wide"]
    for w in which:
        print(report(w, misses="--misses" in argv)[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
