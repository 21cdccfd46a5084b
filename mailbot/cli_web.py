"""``mailbot serve`` (the web page) and ``mailbot users add`` (who may sign in to it)."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

from mailbot.errors import UsageError

MIN_PASSWORD = 12


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="serve the business support web page")
    serve.add_argument("--host", help="address to listen on (default [web] host, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default [web] port, 8080)")
    serve.set_defaults(handler=cmd_serve)

    users = subparsers.add_parser("users", help="people who may sign in to the web page")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a user, or change one's role and password")
    add.add_argument("email")
    add.add_argument(
        "--role",
        required=True,
        choices=("business_support", "team_manager", "social_worker", "admin"),
    )
    add.add_argument("--name", default="", help="the name shown on the page")
    add.add_argument(
        "--password-file", type=Path, help="read the password from this file (else a prompt)"
    )
    add.add_argument(
        "--no-password",
        action="store_true",
        help="no password: the user signs in with Microsoft Entra ID only",
    )
    add.set_defaults(handler=cmd_users_add)


def _password(args: argparse.Namespace) -> str | None:
    if args.no_password:
        return None
    if args.password_file is not None:
        try:
            text = args.password_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UsageError(f"cannot read {args.password_file}: {exc.strerror}") from exc
        password = text[0] if text else ""
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise UsageError("the two passwords differ")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"use a password of at least {MIN_PASSWORD} characters")
    return password


def cmd_users_add(args: argparse.Namespace) -> int:
    from mailbot.app import build
    from mailbot.web.security import hash_password
    from store import audit, users

    password = _password(args)
    deps = build(args.settings)
    try:
        with deps.sessions() as session, session.begin():
            row, added = users.upsert(
                session,
                email=args.email,
                role=args.role,
                password_hash=hash_password(password) if password is not None else None,
                display_name=args.name,
                now=deps.clock.now(),
            )
            audit.record(
                session,
                at=deps.clock.now(),
                actor=getpass.getuser(),
                action="user_added" if added else "user_changed",
                subject_type="user",
                subject_id=row.id,
                role=args.role,
            )
    except users.UserError as exc:
        raise UsageError(str(exc)) from exc
    print(f"user {'added' if added else 'updated'}: {args.email.strip().lower()} ({args.role})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mailbot.app import build
    from mailbot.web.app import create_app

    web = args.settings.web
    host = args.host or web.host
    port = args.port if args.port is not None else web.port
    app = create_app(build(args.settings))
    print(f"serving the MECC page at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
    return 0
