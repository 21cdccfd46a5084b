"""Run the evaluation: generate the corpus, put it through the pipeline (or the decisions
alone), score it against the labels and print the table.

    python -m benchmarks.accuracy [--seed N] [--n 400] [--out DIR] [--direct] [--verbose]

The default drives the real pipeline in process (``mailbot.ingest.ingest_paths``, dry run)
on a fresh SQLite workspace with the generated tracker imported. ``--direct`` runs only
``matching.decide`` and ``risk.flags`` on the records as the labels say they read, which
measures the decisions apart from the readers. Exit status 1 when anything is misdirected.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.accuracy.scenarios import generate
from benchmarks.accuracy.score import score, table


def load_labels(paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.with_suffix(".json").read_text(encoding="utf-8")) for p in paths}


def run_pipeline(out: Path, paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    from mailbot.daemon import Daemon
    from mailbot.demo import SETTINGS
    from mailbot.ingest import ingest_paths
    from mailbot.registry import import_tracker
    from mailbot.settings import load

    work = out / "workspace"
    work.mkdir(parents=True, exist_ok=True)
    for stale in work.glob("var/mailbot.db*"):
        stale.unlink()
    (work / "mailbot.toml").write_text(SETTINGS.format(root=work.resolve().as_posix()))
    settings = load(work / "mailbot.toml", {})
    deps = Daemon.from_settings(settings).deps
    import_tracker(deps, out / "tracker.csv")
    results: dict[str, dict[str, Any]] = {}
    for item in ingest_paths(deps, [str(p) for p in paths], dry_run=True):
        result = item[1] if isinstance(item, tuple) else item
        results[Path(result["source"]).stem] = result
    return results


def run_direct(out: Path, labels: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    from mailbot import tracker
    from mailbot.matching import decide
    from mailbot.model import MatchContext
    from mailbot.names import load_nicknames
    from mailbot.resources import config_text
    from mailbot.risk import flags, load_rules
    from mailbot.roster import Roster
    from parsers.record import ChildMention, VisitRecord

    rows = tracker.parse(tracker.read_file(out / "tracker.csv"))
    roster = Roster.build(rows.children, rows.plans, load_nicknames(config_text("nicknames.csv")))
    rules = load_rules(config_text("risk_rules.toml"))
    results: dict[str, dict[str, Any]] = {}
    for name, label in labels.items():
        if label["kind"] == "noise":
            results[name] = {
                "source": name,
                "outcome": "ignored",
                "child_ids": [],
                "forward_to": [],
                "risk_flags": [],
                "reason": "noise (screening is not run in --direct)",
            }
            continue
        truth = label["truth"]
        mentions = tuple(
            ChildMention(
                full_name=m["name"],
                dob=date.fromisoformat(m["dob"]) if m["dob"] else None,
                child_id=m["id_written"] or None,
            )
            for m in truth["mentions"]
        )
        a = truth["answers"]
        record = VisitRecord(
            children=mentions,
            child_seen=a["child_seen"],
            seen_alone=a["seen_alone"],
            attending_school=a["attending_school"],
            any_concerns=a["any_concerns"],
            risk_changed=a["risk_changed"],
            concerns=truth["concerns"],
            text=truth["text"],
        )
        decision = decide(record, MatchContext(truth["sender"]), roster)
        raised = flags(record, rules)
        kids = [roster.child(c) for c in decision.child_ids]
        workers = {k.social_worker_email for k in kids if k}
        ok = decision.certain and len(workers) == 1
        forward_to = sorted(
            workers | ({k.team_manager_email for k in kids if k} if raised else set())
        )
        results[name] = {
            "source": name,
            "message_id": None,
            "outcome": "forwarded" if ok else "exception",
            "child_ids": list(decision.child_ids),
            "forward_to": forward_to if ok else [],
            "risk_flags": [
                {"indicator": f.indicator, "severity": f.severity, "evidence": f.evidence}
                for f in raised
            ],
            "reason": None if ok else decision.reason,
        }
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--n", type=int, default=400, help="returned records (noise is added)")
    parser.add_argument("--noise", type=int, default=40)
    parser.add_argument("--out", type=Path, default=None, help="where to write the corpus")
    parser.add_argument("--direct", action="store_true", help="decisions only, no readers")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mailbot-eval-") as tmp:
        out = args.out or Path(tmp)
        paths = generate(out, args.seed, args.n, args.noise)
        print(f"corpus: {len(paths)} messages and tracker.csv in {out} (seed {args.seed})")
        if args.generate_only:
            return 0
        labels = load_labels(paths)
        results = run_direct(out, labels) if args.direct else run_pipeline(out, paths)
        if args.verbose:
            (out / "results.jsonl").write_text("\n".join(json.dumps(r) for r in results.values()))
        summary = score(results, labels)
        print(heldout_report())
        print("mode: " + ("decisions only (--direct)" if args.direct else "real pipeline, dry run"))
        print(table(summary, verbose=args.verbose))
    return 1 if summary["misdirected"] else 0


if __name__ == "__main__":
    sys.exit(main())


def heldout_report() -> str:
    """Sentence-level recall, precision and trap rate on phrasings kept apart from the corpus
    (per indicator: ``python -m benchmarks.accuracy.heldout_score wide fresh third``)."""
    from benchmarks.accuracy.heldout_score import report

    titles = {
        "old": "first sets (reviewed)",
        "wide": "set A (reviewed)",
        "fresh": "set B (reviewed)",
        "third": "set C (unseen)",
    }
    return "\n".join(
        f"held-out {title}: " + report(which)[0].splitlines()[-1].strip().removeprefix("ALL ")
        for which, title in titles.items()
    )
