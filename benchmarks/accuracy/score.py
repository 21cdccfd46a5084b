"""Scoring results (the objects ``mailbot ingest --json`` prints) against the labels."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def score(
    results: Mapping[str, dict[str, Any]], labels: Mapping[str, dict[str, Any]]
) -> dict[str, Any]:
    """Every figure issue 4 asks for. ``results`` and ``labels`` are keyed by file name."""
    lost = [name for name in labels if name not in results or results[name].get("outcome") is None]
    misdirected: list[str] = []
    routed = routable = exceptions = noise = noise_ok = 0
    expected_pairs = raised_pairs = hit_pairs = 0
    per: dict[str, Counter[str]] = {}
    traps = trap_hits = 0
    missed_route: list[str] = []
    for name, label in labels.items():
        result = results.get(name)
        if result is None:
            continue
        outcome = result.get("outcome")
        forwarded = outcome == "forwarded"
        got_ids = set(result.get("child_ids") or [])
        if label["kind"] == "noise":
            noise += 1
            noise_ok += outcome in ("ignored", "exception")
            if forwarded:
                misdirected.append(name)
            continue
        want_ids = set(label["child_ids"])
        allowed = set(label["allowed"])
        if forwarded and (
            got_ids != want_ids or not set(result.get("forward_to") or []) <= allowed
        ):
            misdirected.append(name)
        if label["routable"]:
            routable += 1
            if forwarded and got_ids == want_ids:
                routed += 1
            else:
                missed_route.append(f"{name}: {result.get('reason')}")
        exceptions += outcome == "exception"
        flags = result.get("risk_flags") or []
        want = set(label["risk"])
        raised = {f["indicator"] for f in flags} - (set(label.get("risk_also", [])) - want)
        expected_pairs += len(want)
        raised_pairs += len(raised)
        hit_pairs += len(want & raised)
        for ind in want | raised:
            c = per.setdefault(ind, Counter())
            c["expected"] += ind in want
            c["raised"] += ind in raised
            c["hit"] += ind in want and ind in raised
        evidence = [_norm(f.get("evidence", "")) for f in flags]
        for trap in label.get("traps", []):
            traps += 1
            trap_hits += any(_norm(trap) in e for e in evidence)
    records = sum(1 for lab in labels.values() if lab["kind"] == "record")
    return {
        "records": records,
        "noise": noise,
        "noise_ok": noise_ok,
        "lost": len(lost),
        "misdirected": misdirected,
        "routed": routed,
        "routable": routable,
        "route": routed / routable if routable else 1.0,
        "exceptions": exceptions,
        "recall": hit_pairs / expected_pairs if expected_pairs else 1.0,
        "precision": hit_pairs / raised_pairs if raised_pairs else 1.0,
        "per_indicator": per,
        "traps": traps,
        "trap_hits": trap_hits,
        "missed_route": missed_route,
    }


def table(s: Mapping[str, Any], *, verbose: bool = False) -> str:
    lines = [
        f"records: {s['records']}  noise messages: {s['noise']}",
        f"records lost: {s['lost']}",
        f"misdirected: {len(s['misdirected'])}"
        + (f"  ({', '.join(s['misdirected'][:10])})" if s["misdirected"] else ""),
        f"auto-routed / routable: {s['routed']}/{s['routable']} = {s['route']:.3f}",
        f"exceptions (records): {s['exceptions']}",
        f"noise handled (ignored or queued, never forwarded): {s['noise_ok']}/{s['noise']}",
        f"risk, message level: recall {s['recall']:.3f}  precision {s['precision']:.3f}",
        f"trap sentences flagged (negated/historical/hypothetical/other person): "
        f"{s['trap_hits']}/{s['traps']} = {s['trap_hits'] / max(1, s['traps']):.3f}",
        "",
        f"{'indicator':<24}{'expected':>9}{'raised':>8}{'hit':>6}{'recall':>8}{'precision':>11}",
    ]
    for ind in sorted(s["per_indicator"]):
        c = s["per_indicator"][ind]
        rec = c["hit"] / c["expected"] if c["expected"] else 1.0
        pre = c["hit"] / c["raised"] if c["raised"] else 1.0
        lines.append(
            f"{ind:<24}{c['expected']:>9}{c['raised']:>8}{c['hit']:>6}{rec:>8.3f}{pre:>11.3f}"
        )
    if verbose and s["missed_route"]:
        lines += ["", "routable records not routed:", *("  " + m for m in s["missed_route"][:40])]
    lines += [
        "",
        f"misdirected={len(s['misdirected'])} route={s['route']:.3f} "
        f"risk_recall={s['recall']:.3f} risk_precision={s['precision']:.3f}",
    ]
    return "\n".join(lines)


def by_file(results: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    from pathlib import Path

    return {Path(r["source"]).stem: r for r in results}
