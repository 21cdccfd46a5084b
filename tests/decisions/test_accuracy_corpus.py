"""The evaluation corpus is reproducible by seed, labelled, and scored the way issue 4 asks."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.accuracy.run import load_labels, run_direct
from benchmarks.accuracy.scenarios import generate
from benchmarks.accuracy.score import score, table


def test_same_seed_same_corpus(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", seed=11, n=12, n_noise=3)
    second = generate(tmp_path / "b", seed=11, n=12, n_noise=3)
    assert [p.name for p in first] == [p.name for p in second]
    assert (tmp_path / "a" / "tracker.csv").read_text() == (
        tmp_path / "b" / "tracker.csv"
    ).read_text()
    for a, b in zip(first, second, strict=True):
        assert json.loads(a.with_suffix(".json").read_text()) == json.loads(
            b.with_suffix(".json").read_text()
        )


def test_a_forward_to_the_wrong_child_counts_as_misdirected(tmp_path: Path) -> None:
    paths = generate(tmp_path, seed=3, n=30, n_noise=4)
    labels = load_labels(paths)
    results = run_direct(tmp_path, labels)
    summary = score(results, labels)
    assert summary["misdirected"] == [] and summary["lost"] == 0
    victim = next(n for n, lab in labels.items() if lab["kind"] == "record" and lab["routable"])
    results[victim] = {**results[victim], "outcome": "forwarded", "child_ids": ["E0000000"]}
    worse = score(results, labels)
    assert worse["misdirected"] == [victim]
    assert table(worse).splitlines()[-1].startswith("misdirected=1 route=")


def test_the_evaluation_through_the_real_pipeline_meets_its_targets(tmp_path: Path) -> None:
    """Issue 4's gate: the seeded corpus (400 records and noise) through the real pipeline.
    CI fails if one record reaches anyone but the right child's social worker or manager."""
    from benchmarks.accuracy.run import run_pipeline

    paths = generate(tmp_path, seed=2025, n=400, n_noise=40)
    labels = load_labels(paths)
    summary = score(run_pipeline(tmp_path, paths), labels)
    printed = table(summary)
    print(printed)
    assert summary["misdirected"] == [], printed
    assert summary["lost"] == 0, printed
    last = dict(part.split("=") for part in printed.splitlines()[-1].split())
    assert float(last["route"]) >= 0.95, printed
    assert float(last["risk_recall"]) >= 0.95, printed
    assert float(last["risk_precision"]) >= 0.90, printed
