"""Outside material through the command line: one JSON line per file, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.helpers import write_tracker
from tests.core.test_cli import mailbot

FIXTURES = Path(__file__).parents[1] / "fixtures" / "outside"


def _cpython_corpus() -> list[Path]:
    try:
        import test.test_email as corpus
    except ImportError:
        return []
    return sorted(p for p in (Path(corpus.__file__).parent / "data").glob("*") if p.is_file())


@pytest.mark.skipif(not _cpython_corpus(), reason="the interpreter's test package is not installed")
def test_cpython_and_mail_parser_corpora_through_ingest_dry_run_json(workspace: Path) -> None:
    mailbot(workspace, "registry", "import", str(write_tracker(workspace)))
    files = [*_cpython_corpus(), *sorted(p for p in FIXTURES.glob("*") if p.suffix != ".md")]
    out = mailbot(workspace, "ingest", "--dry-run", "--json", *map(str, files))
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert len(lines) == len(files)
    results = [json.loads(line) for line in lines]
    assert [r["source"] for r in results] == [str(f) for f in files]
    assert {r["outcome"] for r in results} <= {"exception", "ignored", "duplicate", "forwarded"}
    assert "Traceback" not in out.stderr
    # None of these strangers' messages is about one of our children.
    assert [r["source"] for r in results if r["outcome"] == "forwarded"] == []
