"""``mailbot tracker export FILE.xlsx``: the team tracker as business support know it.

One row per visiting plan: the child, the visitor, the next visit and what was sent about
it. Visits due within the policy's 7 working days are highlighted, overdue ones are red,
records received but not yet uploaded to the case system are marked, plans that break the
policy say why; the header is frozen and filterable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from mailbot.context import Deps, load_children, load_plans
from mailbot.schedule.planner import dates_for
from mailbot.schedule.policy import plan_issues
from mailbot.schedule.runner import calendar_of, policy_of, zone_of
from mailbot.schedule.visits import sync_visits, to_plan
from store import visits as store
from store.models import VisitRow

HEADER = (
    "Child ID", "First name", "Last name", "RAG", "RAG date", "Legal status", "Social worker",
    "Visitor", "Visitor email", "Organisation", "Role", "Method", "Every (days)", "Last visit",
    "Next visit due", "Status", "Reference", "Alert sent", "Follow-up sent", "Chases",
    "Record awaiting upload", "Policy",
)  # fmt: skip
DUE_SOON = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")  # amber-yellow
OVERDUE = PatternFill("solid", start_color="F4CCCC", end_color="F4CCCC")  # red
AWAITING = PatternFill("solid", start_color="CFE2F3", end_color="CFE2F3")  # blue
HEAD = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")


@dataclass(frozen=True)
class ExportSummary:
    rows: int
    due_soon: int
    overdue: int
    awaiting_upload: int


def export_tracker(deps: Deps, path: Path, *, today: date | None = None) -> ExportSummary:
    policy, calendar, zone = policy_of(deps), calendar_of(deps), zone_of(deps)
    today = today or deps.clock.now().astimezone(zone).date()
    horizon = calendar.add(today, policy.timings.tracker_highlight_working_days)
    with deps.sessions() as session:  # the visits a scan would make, so the export is current
        sync_visits(
            session, policy=policy, now=deps.clock.now(), zone=zone.key,
            prefix=deps.settings.matching.reference_prefix,
        )  # fmt: skip
        session.commit()
    with deps.sessions() as session:
        children = {c.child_id: c for c in load_children(session)}
        issues = plan_issues(children.values(), load_plans(session), policy)
        plan_rows = store.plans(session)
        histories = store.history(session, [p.id for p in plan_rows])
        emails = store.emails_about(session, [v.id for h in histories.values() for v in h])
        awaiting = {r.id: ids for r, ids in store.records_awaiting_upload(session)}
        linked = {v.record_id for h in histories.values() for v in h if v.record_id}
        unlinked = {c for rid, ids in awaiting.items() if rid not in linked for c in ids}
        counts = {"due_soon": 0, "overdue": 0, "awaiting_upload": 0}
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Tracker"
        sheet.append(list(HEADER))
        for row in plan_rows:
            child = children.get(row.child_id)
            if child is None:
                continue
            visits = histories[row.id]
            done = [v for v in visits if v.status == "done"]
            open_ = [v for v in visits if v.status == "due"]
            nxt: VisitRow | None = open_[0] if open_ else None
            sent = [k for k, _ in emails.get(nxt.id, [])] if nxt else []
            status, fill = "", None
            if nxt is not None:
                record_due = dates_for(nxt.due_date, policy, calendar).record_due
                if record_due < today:
                    status, fill = "Overdue", OVERDUE
                    counts["overdue"] += 1
                elif nxt.due_date <= horizon:
                    status, fill = "Due within 7 working days", DUE_SOON
                    counts["due_soon"] += 1
                else:
                    status = "Planned"
            waiting = any(v.record_id in awaiting for v in done) or child.child_id in unlinked
            unlinked.discard(child.child_id)  # marked once, on the child's first row
            if waiting:
                counts["awaiting_upload"] += 1
            freq = policy.frequency(child, to_plan(row))
            values: list[Any] = [
                child.child_id, child.first_name, child.last_name, child.rag, child.rag_date,
                child.legal_status, child.social_worker, row.visitor_name, row.visitor_email,
                row.visitor_org, row.visitor_role.replace("_", " "),
                row.visit_method.replace("_", " "), freq,
                max((v.visit_date or v.due_date for v in done), default=None),
                nxt.due_date if nxt else None, status, nxt.reference if nxt else "",
                "Yes" if "alert" in sent else "", "Yes" if "follow_up" in sent else "",
                sent.count("record_chase") or "", "Yes" if waiting else "",
                "; ".join(issues.get(child.child_id, [])),
            ]  # fmt: skip
            sheet.append(values)
            r = sheet.max_row
            if fill is not None:
                for col in range(1, len(HEADER) + 1):
                    sheet.cell(r, col).fill = fill
            if waiting:
                sheet.cell(r, HEADER.index("Record awaiting upload") + 1).fill = AWAITING
    for col, name in enumerate(HEADER, start=1):
        cell = sheet.cell(1, col)
        cell.font = Font(bold=True)
        cell.fill = HEAD
        width = max(len(name), *(len(_text(c.value)) for c in sheet[get_column_letter(col)]))
        sheet.column_dimensions[get_column_letter(col)].width = min(width + 2, 60)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADER))}{sheet.max_row}"
    _legend(book)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return ExportSummary(sheet.max_row - 1, **counts)


def _text(value: object) -> str:
    if isinstance(value, date | datetime):
        return "00/00/0000"
    return "" if value is None else str(value)


def _legend(book: Workbook) -> None:
    sheet = book.create_sheet("Key")
    sheet.append(["Colour", "Meaning"])
    sheet.append(["", "Visit due within 7 working days"])
    sheet.append(["", "Overdue: the visit's record has not come"])
    sheet.append(["", "Record received, not yet uploaded to the case system"])
    for row, fill in ((2, DUE_SOON), (3, OVERDUE), (4, AWAITING)):
        sheet.cell(row, 1).fill = fill
    sheet.column_dimensions["B"].width = 55
