"""``mailbot demo``: a workspace with a synthetic tracker and returned records, run end to end."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from mailbot.daemon import Daemon
from mailbot.demo_data import samples, tracker_csv
from mailbot.registry import import_tracker
from mailbot.settings import Settings, load

SETTINGS = """\
# Demo settings: the embedded default (SQLite, a local Maildir in, a local Maildir out).
[service]
council_name = "Example Borough Council (demo)"
mailbox_address = "mecc@example.gov.uk"

[database]
url = "sqlite:///{root}/var/mailbot.db"

[mailbox]
kind = "maildir"
path = "{root}/var/mailbox"

[outbound]
kind = "maildir"
path = "{root}/var/outbox"

[limits]
isolate_heavy_readers = false
"""


def prepare(root: Path) -> Settings:
    """A fresh workspace at ``root``: settings, tracker and the sample mail in the inbox."""
    if (root / "var").exists():
        shutil.rmtree(root / "var")
    root.mkdir(parents=True, exist_ok=True)
    (root / "mailbot.toml").write_text(SETTINGS.format(root=root.resolve().as_posix()))
    (root / "tracker.csv").write_text(tracker_csv(), encoding="utf-8")
    inbox = root / "var" / "mailbox"
    for sub in ("tmp", "new", "cur"):
        (inbox / sub).mkdir(parents=True, exist_ok=True)
    for i, sample in enumerate(samples()):
        path = inbox / "new" / sample.name
        path.write_bytes(sample.raw)
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))
    return load(root / "mailbot.toml", {})


def run_demo(root: Path) -> int:
    settings = prepare(root)
    daemon = Daemon.from_settings(settings)
    summary = import_tracker(daemon.deps, root / "tracker.csv")
    print(f"Tracker: {summary['children_added']} children, {summary['plans_added']} visit plans\n")
    results = daemon.process_mailbox()
    sent = daemon.send_outbox()
    what = {s.name: s.what for s in samples()}
    print(f"{'message':<34} {'what it is':<44} {'outcome':<10} detail")
    print("-" * 130)
    for position, result in results:
        if result.outcome.value == "forwarded":
            flags = ", ".join(f.indicator for f in result.flags)
            detail = f"{' '.join(result.child_ids)} -> {', '.join(result.forward_to)}"
            detail += f"  RISK FLAG: {flags}" if flags else ""
        else:
            detail = result.reason or ""
        print(
            f"{position:<34} {what.get(position, '')[:44]:<44} {result.outcome.value:<10} "
            f"{detail[:120]}"
        )
    counts: dict[str, int] = {}
    for _, result in results:
        counts[result.outcome.value] = counts.get(result.outcome.value, 0) + 1
    print("\n" + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + f"; {sent} emails sent")
    print(f"Forwards (Maildir, open with any mail client): {root / 'var' / 'outbox' / 'new'}")
    print(f"Exceptions queue: mailbot --config {root / 'mailbot.toml'} exceptions list")
    sys.stdout.flush()
    return 0
