"""``mailbot ingest``: the pipeline over files given on the command line, one result per file."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from mailbot.context import Deps
from mailbot.pipeline import Pipeline
from mailbot.settings import Settings

MAILBOX = "files"


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; a folder stands for the files in it, sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def ingest_paths(
    target: Deps | Settings, paths: Iterable[Path | str], *, dry_run: bool = False
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(source, the JSON object ``mailbot ingest --json`` prints) for every file."""
    if isinstance(target, Settings):
        from mailbot.app import build

        target = build(target)
    pipeline = Pipeline(target)
    for path in expand(Path(p) for p in paths):
        source = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            yield (
                source,
                {
                    "source": source,
                    "message_id": None,
                    "outcome": "exception",
                    "child_ids": [],
                    "forward_to": [],
                    "risk_flags": [],
                    "reason": f"cannot read the file: {exc.strerror}",
                },
            )
            continue
        position = hashlib.sha256(raw).hexdigest()
        result = pipeline.process(raw, mailbox=MAILBOX, position=position, dry_run=dry_run)
        yield source, result.to_json(source)
