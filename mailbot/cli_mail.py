"""Commands about the emails and files mailbot makes: template previews and case files."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

from mailbot.errors import UsageError


def register(sub: Any) -> None:
    tpl = sub.add_parser("templates", help="the email templates").add_subparsers(
        dest="action", required=True
    )
    pre = tpl.add_parser("preview", help="render an email with sample data")
    pre.add_argument("kind", help="forward, alert, follow_up, record_chase, escalation, …")
    pre.add_argument("--eml", type=Path, help="write the whole email to this .eml file")
    pre.set_defaults(handler=cmd_preview)

    rec = sub.add_parser("record", help="received records").add_subparsers(
        dest="action", required=True
    )
    case = rec.add_parser("casefile", help="one PDF for the case system: summary and original")
    case.add_argument("id", type=int)
    case.add_argument("--out", type=Path, help="file to write (default: a name in this folder)")
    case.add_argument("--by", default=None)
    case.set_defaults(handler=cmd_casefile)


def cmd_preview(args: argparse.Namespace) -> int:
    from mailbot.app import build
    from outbound.preview import preview

    deps = build(args.settings)
    if args.kind not in deps.templates.kinds:
        raise UsageError(f"no email kind {args.kind!r}; kinds: {', '.join(deps.templates.kinds)}")
    composed = preview(deps.templates, args.kind)
    if args.eml:
        args.eml.write_bytes(composed.raw)
        print(f"{args.kind}: written to {args.eml}")
        return 0
    rendered = deps.templates.render(args.kind, _sample(args.kind))
    print(f"Subject: {rendered.subject}\n\n{rendered.text}")
    return 0


def _sample(kind: str) -> dict[str, object]:
    from outbound.preview import sample_values

    return sample_values(kind)


def cmd_casefile(args: argparse.Namespace) -> int:
    from mailbot.app import build
    from mailbot.casefiles import case_file_for

    name, pdf = case_file_for(build(args.settings), args.id, str(args.by or getpass.getuser()))
    out: Path = args.out or Path(name)
    out.write_bytes(pdf)
    print(f"record {args.id}: {out} ({len(pdf) // 1024} KiB)")
    return 0
