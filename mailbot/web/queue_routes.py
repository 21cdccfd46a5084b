"""The exceptions queue and its items: look, then assign, dismiss, ask again or reprocess."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mailbot import casework
from mailbot.errors import MailbotError
from mailbot.web import access, mailview, queries
from mailbot.web.access import User
from mailbot.web.base import WebState
from mailbot.web.boards import COPY_FIELDS, show_value
from store import audit, ledger
from store.models import MessageRow


def record_view(fields: dict[str, Any] | None) -> dict[str, Any]:
    """The extracted record for a template: named fields in order, then every pair read."""
    if not fields:
        return {"named": [], "pairs": [], "children": []}
    named = [(label, show_value(key, fields.get(key))) for key, label in COPY_FIELDS]
    children = [
        ", ".join(str(v) for v in (c.get("full_name"), c.get("dob"), c.get("child_id")) if v)
        for c in fields.get("children") or []
    ]
    pairs = [(str(p[0]), str(p[1])) for p in fields.get("fields") or [] if len(p) == 2]
    return {"named": [(k, v) for k, v in named if v], "pairs": pairs, "children": children}


def routes(ws: WebState) -> list[Route]:
    deps = ws.deps

    def _queue(user: User, status: str, code: str, sort: str) -> dict[str, Any]:
        access.require_queue(user)
        with deps.sessions() as db:
            codes = queries.codes_in_queue(db)
        return {
            "rows": queries.queue(deps, status=status, code=code, sort=sort),
            "codes": [(c, queries.reason_label(c)) for c in codes],
        }

    async def queue_page(request: Request) -> Response:
        user, session = await ws.signed_in(request)
        q = request.query_params
        status = q.get("status", "open") if q.get("status") in queries.STATUSES else "open"
        sort = q.get("sort", "oldest") if q.get("sort") in queries.SORTS else "oldest"
        code = q.get("code", "")
        data = await ws.run(_queue, user, status, code, sort)
        return await ws.page(
            request, "queue.html", user=user, session=session, status_filter=status,
            sort=sort, code=code, statuses=queries.STATUSES, sorts=queries.SORTS, **data,
        )  # fmt: skip

    def _item(user: User, exception_id: int, search: str | None) -> dict[str, Any]:
        with deps.sessions() as db, db.begin():
            row = access.require_exception(db, user, exception_id)
            item = casework.describe(db, row)
            message = db.get(MessageRow, row.message_row_id) if row.message_row_id else None
            raw = ledger.raw_bytes(db, message.sha256) if message else None
            record = queries.record_of(db, row.record_id)
            found = queries.search_children(db, search) if search else []
            subjects = [("exception", row.id), ("record", row.record_id)]
            subjects.append(("message", message.id if message else None))
            audit.record(db, at=deps.clock.now(), actor=user.email, action="viewed",
                         subject_type="exception", subject_id=row.id)  # fmt: skip
            context = {
                "item": item,
                "label": queries.reason_label(row.code),
                "reprocessable": row.code in casework.REPROCESSABLE,
                "cards": queries.candidate_cards(db, row.candidates),
                "found": found,
                "search": search or "",
                "searched": search is not None,
                "message_row_id": message.id if message else None,
                "record": record_view(record.fields if record else item.record),
                "record_id": record.id if record and row.status == "assigned" else None,
            }
            db.flush()
            context["trail"] = queries.trail(db, subjects)
        context["mail"] = mailview.view(raw, deps.read_options) if raw else None
        return context

    async def item_page(request: Request) -> Response:
        user, session = await ws.signed_in(request)
        exception_id = int(request.path_params["id"])
        data = await ws.run(_item, user, exception_id, None)
        return await ws.page(request, "item.html", user=user, session=session, **data)

    async def search(request: Request) -> Response:
        user, session = await ws.signed_in(request)
        form = await ws.form(request, session)
        exception_id = int(request.path_params["id"])
        text = str(form.get("q", "")).strip()
        data = await ws.run(_item, user, exception_id, text)
        return await ws.page(request, "item.html", user=user, session=session, **data)

    async def act(request: Request, action: str) -> Response:
        user, session = await ws.signed_in(request)
        access.require_queue(user)
        form = await ws.form(request, session)
        exception_id = int(request.path_params["id"])
        here = f"/exceptions/{exception_id}"
        try:
            if action == "assign":
                chosen = [str(v) for v in form.getlist("child_id")]
                sent = await ws.run(casework.assign, deps, exception_id, chosen, user.email)
                return ws.back(
                    "/exceptions", session, f"Item {exception_id} forwarded to {', '.join(sent)}."
                )
            if action == "dismiss":
                reason = str(form.get("reason", ""))
                await ws.run(casework.dismiss, deps, exception_id, reason, user.email)
                return ws.back("/exceptions", session, f"Item {exception_id} dismissed.")
            if action == "resend":
                child, note = str(form.get("child_id", "")), str(form.get("note", ""))
                to, reference = await ws.run(
                    casework.resend_request, deps, exception_id, child, note, user.email
                )
                return ws.back(here, session, f"Asked {to} to send the record again ({reference}).")
            outcome = await ws.run(casework.reprocess, deps, exception_id, user.email)
            target = "/exceptions" if outcome.startswith("forwarded") else here
            return ws.back(target, session, f"Item {exception_id} reprocessed: {outcome}.")
        except MailbotError as exc:
            return ws.back(here, session, str(exc), error=True)

    async def assign(request: Request) -> Response:
        return await act(request, "assign")

    async def dismiss(request: Request) -> Response:
        return await act(request, "dismiss")

    async def resend(request: Request) -> Response:
        return await act(request, "resend")

    async def reprocess(request: Request) -> Response:
        return await act(request, "reprocess")

    return [
        Route("/exceptions", queue_page, methods=["GET"]),
        Route("/exceptions/{id:int}", item_page, methods=["GET"]),
        Route("/exceptions/{id:int}/search", search, methods=["POST"]),
        Route("/exceptions/{id:int}/assign", assign, methods=["POST"]),
        Route("/exceptions/{id:int}/dismiss", dismiss, methods=["POST"]),
        Route("/exceptions/{id:int}/resend", resend, methods=["POST"]),
        Route("/exceptions/{id:int}/reprocess", reprocess, methods=["POST"]),
    ]
