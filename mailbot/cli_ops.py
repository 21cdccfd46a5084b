"""Commands for running mailbot as a service: status, retention, subject access export, config.

    mailbot status [--json] [--check]
    mailbot retention run [--dry-run] [--json]
    mailbot export --child CHILD_ID [--out FILE.zip] [--by NAME]
    mailbot config show

Added to ``mailbot`` through ``mailbot.cli.PLUGINS``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import tomllib
from pathlib import Path
from typing import Any

from mailbot.context import Deps


def register(sub: Any) -> None:
    st = sub.add_parser("status", help="mailboxes, outbox, exceptions queue and readiness")
    st.add_argument("--json", action="store_true", help="one JSON object on stdout")
    st.add_argument("--check", action="store_true", help="exit 1 when not ready")
    st.set_defaults(handler=cmd_status)

    ret = sub.add_parser("retention", help="purge what the retention rules allow")
    ret_sub = ret.add_subparsers(dest="action", required=True)
    run = ret_sub.add_parser("run", help="purge raw messages and old audit entries now")
    run.add_argument("--dry-run", action="store_true", help="only say what would be purged")
    run.add_argument("--json", action="store_true")
    run.set_defaults(handler=cmd_retention)

    exp = sub.add_parser("export", help="a subject access export for one child (a zip)")
    exp.add_argument("--child", required=True, metavar="CHILD_ID")
    exp.add_argument("--out", type=Path, default=None, help="default: sar-CHILD_ID-DATE.zip")
    exp.add_argument("--by", default=None, help="who asked for it (default: your login name)")
    exp.set_defaults(handler=cmd_export)

    cfg = sub.add_parser("config", help="the settings")
    cfg_sub = cfg.add_subparsers(dest="action", required=True)
    show = cfg_sub.add_parser("show", help="the effective settings as TOML, secrets masked")
    show.set_defaults(handler=cmd_config_show)


def _deps(args: argparse.Namespace) -> Deps:
    from mailbot.app import build

    return build(args.settings)


def cmd_status(args: argparse.Namespace) -> int:
    from mailbot.ops.status import format_status, status_report

    ok, report = status_report(_deps(args))
    if args.json:
        print(json.dumps(report, sort_keys=True))
    else:
        print(format_status(report), end="")
    return 1 if args.check and not ok else 0


def cmd_retention(args: argparse.Namespace) -> int:
    from mailbot.ops.retention import run_retention

    summary = run_retention(_deps(args), dry_run=args.dry_run, actor=getpass.getuser())
    print(json.dumps(summary.to_json()) if args.json else summary.describe())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from mailbot.ops.sar import export_child

    deps = _deps(args)
    out = args.out or Path(f"sar-{args.child}-{deps.clock.now():%Y%m%d-%H%M}.zip")
    summary = export_child(deps, args.child, out, actor=str(args.by or getpass.getuser()))
    print(
        f"{summary.path}: {summary.records} records ({summary.originals} originals), "
        f"{summary.emails} emails, {summary.exceptions} exceptions, "
        f"{summary.audit_entries} audit entries"
    )
    return 0


def cmd_config_show(args: argparse.Namespace) -> int:
    from mailbot.ops.config_dump import show_settings

    settings = args.settings
    data: dict[str, Any] = {}
    path = Path(settings.source)
    if settings.source != "built-in defaults" and path.is_file():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    # The command line is the edge that may look at the environment (as mailbot.cli does).
    print(show_settings(settings, data, os.environ), end="")
    return 0
