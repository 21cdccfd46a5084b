"""Commands: ``schedule preview``, ``schedule run-due`` and ``tracker export``."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from mailbot.errors import UsageError


def register(subparsers: Any) -> None:
    sched = subparsers.add_parser("schedule", help="alerts, follow-ups and chasers")
    sub = sched.add_subparsers(dest="action", required=True)
    pre = sub.add_parser("preview", help="what would be sent, when, to whom and why")
    pre.add_argument("--from", dest="start", type=_date, default=None, help="YYYY-MM-DD")
    pre.add_argument("--days", type=int, default=14, help="how many days (default 14)")
    pre.add_argument("--json", action="store_true", help="one JSON object per email")
    pre.set_defaults(handler=cmd_preview)
    run = sub.add_parser("run-due", help="queue and send what is due now")
    run.add_argument(
        "--at", type=str, default=None, help="as if it were this moment (YYYY-MM-DDTHH:MM)"
    )
    run.add_argument("--no-send", action="store_true", help="queue only; the daemon sends")
    run.set_defaults(handler=cmd_run_due)
    tracker = subparsers.add_parser("tracker", help="the team tracker")
    tsub = tracker.add_subparsers(dest="action", required=True)
    exp = tsub.add_parser("export", help="write the tracker as an XLSX workbook")
    exp.add_argument("file", type=Path)
    exp.set_defaults(handler=cmd_tracker_export)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-01") from exc


def _moment(text: str, zone: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--at {text!r}: use a date and time like 2026-12-01T09:00") from exc
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(zone))
    return at.astimezone(UTC)


def cmd_preview(args: argparse.Namespace) -> int:
    from mailbot.app import build
    from mailbot.schedule.runner import as_json, preview_items

    deps = build(args.settings)
    zone = ZoneInfo(args.settings.service.timezone)
    start = args.start or deps.clock.now().astimezone(zone).date()
    if args.days < 1:
        raise UsageError("--days must be 1 or more")
    items = preview_items(deps, start, args.days)
    if args.json:
        for day, item in items:
            print(json.dumps(as_json(day, item)))
        return 0
    if not items:
        print(f"nothing to send in the {args.days} days from {start:%d/%m/%Y}")
    for day, item in items:
        to = ", ".join(dict.fromkeys((*item.to, *item.cc)))
        who = ", ".join(item.child_ids) or "-"
        print(f"{day:%a %d/%m/%Y}  {item.kind:<12} {who:<10} to {to}  ({item.why})")
    return 0


def cmd_run_due(args: argparse.Namespace) -> int:
    from mailbot.app import build
    from mailbot.clock import FixedClock
    from mailbot.outbox import OutboxWorker
    from mailbot.schedule.runner import run_due
    from mailbot.wiring import make_sender_from

    at = _moment(args.at, args.settings.service.timezone) if args.at else None
    deps = build(args.settings, FixedClock(at) if at else None)
    at = at or deps.clock.now()
    queued = run_due(deps, at)
    for item in queued:
        print(f"queued {item['kind']:<12} {', '.join(item['child_ids']) or '-':<10} "
              f"to {', '.join(item['to'])}")  # fmt: skip
    if not queued:
        print("nothing due")
    if not args.no_send:
        sender = make_sender_from(args.settings)
        try:
            print(f"sent {OutboxWorker(deps, sender).drain()}")
        finally:
            sender.close()
    return 0


def cmd_tracker_export(args: argparse.Namespace) -> int:
    from mailbot.app import build
    from mailbot.tracker_export import export_tracker

    if args.file.suffix.lower() != ".xlsx":
        raise UsageError(f"{args.file}: the export is an .xlsx file")
    summary = export_tracker(build(args.settings), args.file)
    print(
        f"{args.file}: {summary.rows} plans; {summary.due_soon} due within 7 working days, "
        f"{summary.overdue} overdue, {summary.awaiting_upload} records awaiting upload"
    )
    return 0
