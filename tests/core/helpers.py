"""Small helpers for the core tests: a workspace with the demo tracker and mail."""

from __future__ import annotations

import mailbox
import os
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from mailbot.demo_data import Sample, tracker_csv


def put_mail(root: Path, samples: list[Sample]) -> None:
    """Drop samples into the workspace's inbox Maildir, oldest first by mtime."""
    new = root / "var" / "mailbox" / "new"
    for sub in ("tmp", "new", "cur"):
        (root / "var" / "mailbox" / sub).mkdir(parents=True, exist_ok=True)
    for i, sample in enumerate(samples):
        path = new / sample.name
        path.write_bytes(sample.raw)
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))


def write_tracker(root: Path) -> Path:
    path = root / "tracker.csv"
    path.write_text(tracker_csv(), encoding="utf-8")
    return path


def sent_mail(root: Path) -> list[EmailMessage]:
    box = root / "var" / "outbox"
    if not box.exists():
        return []
    return [
        message_from_bytes(m.as_bytes(), policy=policy.default)  # type: ignore[misc]
        for m in mailbox.Maildir(box, create=False)
    ]
