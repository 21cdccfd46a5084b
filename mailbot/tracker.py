"""Reading the team tracker (CSV or XLSX) into Children and Plans, validating every cell.

Pure apart from reading the file; all or nothing: the first bad row stops the import
with its row number, column and value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from mailbot.errors import ImportRowError, UsageError
from mailbot.model import Child, Plan

COLUMNS = [
    "child_id",
    "first_name",
    "last_name",
    "dob",
    "legal_status",
    "rag",
    "rag_date",
    "school",
    "social_worker",
    "social_worker_email",
    "team_manager_email",
    "visitor_name",
    "visitor_email",
    "visitor_org",
    "visitor_role",
    "visit_method",
    "visit_frequency_days",
    "next_visit_due",
]
REQUIRED = [
    "child_id",
    "first_name",
    "last_name",
    "legal_status",
    "rag",
    "social_worker",
    "social_worker_email",
    "team_manager_email",
    "visitor_name",
    "visitor_email",
    "visitor_role",
    "visit_method",
]
LEGAL = {"CP", "CIN", "CLA", "CL"}
RAG = {"red": "Red", "amber": "Amber", "green": "Green"}
ROLES = {"social_worker", "social_care", "partner"}
METHODS = {"face_to_face", "virtual"}
EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")


@dataclass(frozen=True)
class TrackerRows:
    children: tuple[Child, ...]
    plans: tuple[Plan, ...]


def parse_date(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("expected a date like 2026-03-14 or 14/03/2026")


def read_file(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as a spreadsheet shows it, row) for every data row."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        yield from _read_xlsx(path)
        return
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    _check_header(reader.fieldnames or [], path)
    for number, row in enumerate(reader, start=2):
        yield number, {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}


def _read_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise UsageError(f"{path}: not a readable XLSX workbook ({type(exc).__name__})") from exc
    rows = sheet.iter_rows(values_only=True)
    header = [str(c or "").strip().lower() for c in next(rows, ())]
    _check_header(header, path)
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        row: dict[str, str] = {}
        for key, value in zip(header, values, strict=False):
            if isinstance(value, datetime):
                value = value.date()
            row[key] = value.isoformat() if isinstance(value, date) else str(value or "").strip()
        yield number, row


def _check_header(names: Iterable[str], path: Path) -> None:
    have = {n.strip().lower() for n in names if n}
    missing = [c for c in COLUMNS if c not in have]
    if missing:
        raise UsageError(f"{path}: the header lacks the column(s) {', '.join(missing)}")


def parse(rows: Iterable[tuple[int, dict[str, str]]]) -> TrackerRows:
    children: dict[str, Child] = {}
    plans: dict[tuple[str, str], Plan] = {}
    for number, row in rows:
        if not any(row.get(c) for c in COLUMNS):
            continue
        child, plan = _parse_row(number, row)
        seen = children.get(child.child_id)
        if seen is not None and seen != child:
            col = next(
                f for f in Child.__dataclass_fields__ if getattr(seen, f) != getattr(child, f)
            )
            raise ImportRowError(
                f"row {number}, column {col}: value {str(getattr(child, col))!r} "
                f"disagrees with an earlier row for child {child.child_id}"
            )
        children[child.child_id] = child
        key = (plan.child_id, plan.visitor_email)
        if key in plans:
            raise ImportRowError(
                f"row {number}, column visitor_email: {plan.visitor_email!r} is listed twice "
                f"for child {plan.child_id}"
            )
        plans[key] = plan
    return TrackerRows(tuple(children.values()), tuple(plans.values()))


def _parse_row(number: int, row: dict[str, str]) -> tuple[Child, Plan]:
    def fail(column: str, why: str) -> ImportRowError:
        return ImportRowError(f"row {number}, column {column}: value {row.get(column, '')!r} {why}")

    for column in REQUIRED:
        if not row.get(column):
            raise fail(column, "is empty")

    def opt_date(column: str) -> date | None:
        text = row.get(column, "")
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            raise fail(column, str(exc)) from exc

    def email(column: str) -> str:
        value = row[column].strip().lower()
        if not EMAIL.fullmatch(value):
            raise fail(column, "is not an email address")
        return value

    legal = row["legal_status"].upper()
    if legal not in LEGAL:
        raise fail("legal_status", "is not one of CP, CIN, CLA, CL")
    rag = RAG.get(row["rag"].lower())
    if rag is None:
        raise fail("rag", "is not one of Red, Amber, Green")
    role = row["visitor_role"].lower()
    if role not in ROLES:
        raise fail("visitor_role", "is not one of social_worker, social_care, partner")
    method = row["visit_method"].lower().replace("-", "_").replace(" ", "_")
    if method not in METHODS:
        raise fail("visit_method", "is not face_to_face or virtual")
    frequency: int | None = None
    if row.get("visit_frequency_days"):
        try:
            frequency = int(float(row["visit_frequency_days"]))
        except ValueError as exc:
            raise fail("visit_frequency_days", "is not a whole number of days") from exc
        if not 1 <= frequency <= 366:
            raise fail("visit_frequency_days", "must be between 1 and 366")
    child = Child(
        child_id=row["child_id"].strip().upper(),
        first_name=row["first_name"].strip(),
        last_name=row["last_name"].strip(),
        dob=opt_date("dob"),
        legal_status=legal,
        rag=rag,
        rag_date=opt_date("rag_date"),
        school=row.get("school", "").strip(),
        social_worker=row["social_worker"].strip(),
        social_worker_email=email("social_worker_email"),
        team_manager_email=email("team_manager_email"),
    )
    plan = Plan(
        child_id=child.child_id,
        visitor_name=row["visitor_name"].strip(),
        visitor_email=email("visitor_email"),
        visitor_org=row.get("visitor_org", "").strip(),
        visitor_role=role,
        visit_method=method,
        frequency_days=frequency,
        next_visit_due=opt_date("next_visit_due"),
    )
    return child, plan
