"""The ``mailbot`` command. Exit 0 when it worked, 2 for a usage or configuration error."""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from mailbot.errors import MailbotError
from mailbot.ops.logs import configure_logging, json_setting

log = logging.getLogger("mailbot")

Handler = Callable[[argparse.Namespace], int]

# Modules that add their own commands: each has register(subparsers), and sets
# ``handler`` with ``set_defaults(handler=...)`` on the parsers it adds.
PLUGINS: tuple[str, ...] = (
    "mailbot.cli_mail",
    "mailbot.cli_web",
    "mailbot.cli_schedule",
    "mailbot.cli_ops",
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mailbot",
        description="Runs the MECC mailbox: reads returned visit records, matches them to the "
        "child, flags risk and forwards them to the social worker.",
    )
    p.add_argument("--config", type=Path, help="settings file (default ./mailbot.toml if present)")
    p.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv: DEBUG)"
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    reg = sub.add_parser("registry", help="the team tracker").add_subparsers(
        dest="action", required=True
    )
    imp = reg.add_parser("import", help="import the team tracker (CSV or XLSX)")
    imp.add_argument("file", type=Path)

    ing = sub.add_parser("ingest", help="run the pipeline on .eml files")
    ing.add_argument("files", nargs="+", type=Path)
    ing.add_argument("--dry-run", action="store_true", help="send nothing, change nothing")
    ing.add_argument("--json", action="store_true", help="one JSON object per file on stdout")

    run = sub.add_parser("run", help="watch the mailbox and process new mail")
    run.add_argument("--once", action="store_true", help="process what is there, then exit")

    demo = sub.add_parser("demo", help="make a demo workspace and run the pipeline on it")
    demo.add_argument("--dir", type=Path, default=Path("mailbot-demo"))

    exc = sub.add_parser("exceptions", help="the exceptions queue").add_subparsers(
        dest="action", required=True
    )
    ls = exc.add_parser("list", help="open items, oldest first")
    ls.add_argument("--all", action="store_true", help="include assigned and dismissed")
    ls.add_argument("--json", action="store_true")
    sh = exc.add_parser("show", help="one item in full")
    sh.add_argument("id", type=int)
    asg = exc.add_parser("assign", help="assign to children and forward")
    asg.add_argument("id", type=int)
    asg.add_argument("child_ids", nargs="+")
    asg.add_argument("--by", default=None, help="who is doing this (default: your login name)")
    dis = exc.add_parser("dismiss", help="dismiss with a reason")
    dis.add_argument("id", type=int)
    dis.add_argument("--reason", required=True)
    dis.add_argument("--by", default=None)

    dbp = sub.add_parser("db", help="the database").add_subparsers(dest="action", required=True)
    dbp.add_parser("upgrade", help="apply the migrations (run by hand on a shared database)")

    out = sub.add_parser("outbox", help="the outbox").add_subparsers(dest="action", required=True)
    out.add_parser("send", help="send what is due now")

    for module in PLUGINS:
        importlib.import_module(module).register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging(args.verbose)
    from mailbot import settings as settings_mod

    try:
        args.settings = settings_mod.load(args.config, os.environ)
        configure_logging(args.verbose, json_setting(args.settings.ops.json_logs))
        handler: Handler = getattr(args, "handler", None) or _COMMANDS[args.command]
        return handler(args)
    except MailbotError as exc:
        print(f"mailbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _deps(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from mailbot.app import build

    return build(args.settings)


def _who(args: argparse.Namespace) -> str:
    return str(args.by or getpass.getuser())


def cmd_registry(args: argparse.Namespace) -> int:
    from mailbot.registry import import_tracker, policy_warnings

    deps = _deps(args)
    summary = import_tracker(deps, args.file)
    print(
        "tracker imported: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items())
    )
    for warning in policy_warnings(deps):
        print(f"policy: {warning}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from mailbot.ingest import ingest_paths

    deps = _deps(args)
    for source, result in ingest_paths(deps, args.files, dry_run=args.dry_run):
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            to = ", ".join(result["forward_to"]) or "-"
            print(f"{source}: {result['outcome']} -> {to} {result['reason'] or ''}".rstrip())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from mailbot.daemon import Daemon

    daemon = Daemon.from_settings(args.settings)
    if args.once:
        counts = daemon.run_once()
        print(", ".join(f"{k} {v}" for k, v in counts.items()))
        return 0
    from mailbot.ops.server import serve_health

    with serve_health(daemon.deps):
        daemon.run_forever()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from mailbot.demo import run_demo

    return run_demo(args.dir)


def cmd_exceptions(args: argparse.Namespace) -> int:
    from mailbot import casework

    deps = _deps(args)
    if args.action == "list":
        items = casework.list_items(deps, None if args.all else "open")
        if args.json:
            for item in items:
                print(json.dumps(item.__dict__))
            return 0
        if not items:
            print("the exceptions queue is empty")
        for item in items:
            print(
                f"{item.id:>5}  {item.received_at[:16]}  {item.status:<9} {item.code:<22} "
                f"{item.sender}  {item.reason[:70]}"
            )
        return 0
    if args.action == "show":
        item = casework.show(deps, args.id)
        print(f"Exception {item.id} ({item.status}): {item.code}")
        print(f"Reason:   {item.reason}")
        print(f"From:     {item.sender}\nSubject:  {item.subject}\nReceived: {item.received_at}")
        for c in item.candidates:
            print(f"Candidate {c['child_id']} (score {c['score']}): {'; '.join(c['evidence'])}")
        if item.record:
            for key in ("visit_date", "visitor_name", "visitor_org", "child_seen", "seen_alone"):
                print(f"{key.replace('_', ' ').capitalize()}: {item.record.get(key)}")
        for line in item.history:
            print(f"History:  {line}")
        return 0
    if args.action == "assign":
        sent = casework.assign(deps, args.id, args.child_ids, _who(args))
        print(f"exception {args.id} assigned; forward queued to {', '.join(sent)}")
        return 0
    casework.dismiss(deps, args.id, args.reason, _who(args))
    print(f"exception {args.id} dismissed")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from mailbot.app import open_database
    from store import db

    engine = open_database(args.settings, migrate=True)
    print(f"database at revision {db.current_revision(engine)}")
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    from mailbot.daemon import Daemon

    daemon = Daemon.from_settings(args.settings)
    print(f"sent {daemon.send_outbox()}")
    return 0


_COMMANDS: dict[str, Handler] = {
    "registry": cmd_registry,
    "ingest": cmd_ingest,
    "run": cmd_run,
    "demo": cmd_demo,
    "exceptions": cmd_exceptions,
    "db": cmd_db,
    "outbox": cmd_outbox,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
