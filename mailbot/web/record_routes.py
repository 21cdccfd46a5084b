"""Records (the page a forward links to), downloads, the visits board and flagged records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot import casework
from mailbot.errors import MailbotError
from mailbot.web import access, boards, mailview, queries
from mailbot.web.access import User
from mailbot.web.base import WebState
from mailbot.web.queue_routes import record_view
from store import audit, ledger
from store.models import ChildRow, MessageRow


def routes(ws: WebState) -> list[Route]:
    deps = ws.deps

    async def home(request: Request) -> Response:
        user, _ = await ws.signed_in(request)
        return RedirectResponse("/exceptions" if user.works_queue else "/flags", status_code=303)

    def _record(user: User, record_id: int) -> dict[str, Any]:
        with deps.sessions() as db, db.begin():
            record = access.require_record(db, user, record_id)
            message = db.get(MessageRow, record.message_row_id)
            raw = ledger.raw_bytes(db, message.sha256) if message else None
            ids = [c.child_id for c in record.children]
            shown = access.visible_children(db, user, ids)
            kids = [
                queries.card(c)
                for c in db.scalars(select(ChildRow).where(ChildRow.child_id.in_(shown)))
            ]
            audit.record(db, at=deps.clock.now(), actor=user.email, action="viewed",
                         subject_type="record", subject_id=record.id)  # fmt: skip
            db.flush()
            context: dict[str, Any] = {
                "record_id": record.id,
                "rec": record,
                "children": kids,
                "flags": boards.flag_views(record.flags),
                "unreviewed": any(f.reviewed_at is None for f in record.flags),
                "record": record_view(record.fields),
                "copy": boards.copy_fields(record),
                "message_row_id": message.id if message else None,
                "trail": queries.trail(
                    db, [("record", record.id), ("message", record.message_row_id)]
                ),
            }
        context["mail"] = mailview.view(raw, deps.read_options) if raw else None
        return context

    async def record_page(request: Request) -> Response:
        user, session = await ws.signed_in(request)
        data = await ws.run(_record, user, int(request.path_params["id"]))
        return await ws.page(request, "record.html", user=user, session=session, **data)

    def _may_act(user: User, record_id: int, what: str) -> None:
        with deps.sessions() as db:
            access.require_record(db, user, record_id)
        if what == "uploaded" and not user.sees_all:
            raise access.Forbidden("business support mark records uploaded")

    async def record_action(request: Request) -> Response:
        user, session = await ws.signed_in(request)
        form = await ws.form(request, session)
        record_id = int(request.path_params["id"])
        what = request.path_params["what"]
        if what not in {"uploaded", "reviewed"}:
            raise access.NotFound(what)
        back = str(form.get("back", ""))
        target = back if back in {"/visits", "/flags"} else f"/records/{record_id}"
        await ws.run(_may_act, user, record_id, what)
        try:
            if what == "uploaded":
                await ws.run(casework.mark_uploaded, deps, record_id, user.email)
                return ws.back(target, session, f"Record {record_id} marked as uploaded.")
            n = await ws.run(casework.mark_reviewed, deps, record_id, user.email)
            return ws.back(target, session, f"Record {record_id}: {n} flag(s) marked reviewed.")
        except MailbotError as exc:
            return ws.back(target, session, str(exc), error=True)

    def _download(user: User, message_row_id: int, index: int) -> tuple[str, bytes] | None:
        with deps.sessions() as db, db.begin():
            access.require_message(db, user, message_row_id)
            message = db.get(MessageRow, message_row_id)
            raw = ledger.raw_bytes(db, message.sha256) if message else None
            found = mailview.attachment(raw, deps.read_options, index) if raw else None
            if found is None:
                return None
            audit.record(db, at=deps.clock.now(), actor=user.email, action="downloaded",
                         subject_type="message", subject_id=message_row_id,
                         file=found.filename)  # fmt: skip
            return mailview.safe_filename(found.filename), found.data

    async def download(request: Request) -> Response:
        user, _ = await ws.signed_in(request)
        mid, index = int(request.path_params["mid"]), int(request.path_params["n"])
        got = await ws.run(_download, user, mid, index)
        if got is None:
            raise access.NotFound("attachment")
        name, data = got
        return Response(
            data,
            media_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def _board(user: User) -> boards.Board:
        s = deps.settings.schedule
        with deps.sessions() as db:
            today = deps.clock.now().date()
            return boards.visits_board(db, user, today, s.region, s.closure_days)

    async def visits_page(request: Request) -> Response:
        user, session = await ws.signed_in(request)
        board = await ws.run(_board, user)
        return await ws.page(request, "visits.html", user=user, session=session, board=board)

    def _flags(user: User, unreviewed: bool) -> list[boards.FlaggedRecord]:
        with deps.sessions() as db:
            return boards.flagged_records(db, user, unreviewed_only=unreviewed)

    async def flags_page(request: Request) -> Response:
        user, session = await ws.signed_in(request)
        show = "all" if request.query_params.get("show") == "all" else "unreviewed"
        items = await ws.run(_flags, user, show == "unreviewed")
        return await ws.page(
            request, "flags.html", user=user, session=session, items=items, show=show
        )

    return [
        Route("/", home, methods=["GET"]),
        Route("/records/{id:int}", record_page, methods=["GET"]),
        Route("/records/{id:int}/{what:str}", record_action, methods=["POST"]),
        Route("/messages/{mid:int}/attachments/{n:int}", download, methods=["GET"]),
        Route("/visits", visits_page, methods=["GET"]),
        Route("/flags", flags_page, methods=["GET"]),
    ]
