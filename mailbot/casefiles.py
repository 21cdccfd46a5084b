"""One PDF per received record for the case system (seed 000 step 10): summary, then the original."""

from __future__ import annotations

import shutil

from mailbot import routing
from mailbot.context import Deps
from mailbot.errors import UsageError
from outbound.casefile import case_file, libreoffice_converter
from outbound.values import ChildSummary, FlagLine
from parsers import read
from store import audit, ledger
from store.models import MessageRow, RecordRow


def case_file_for(deps: Deps, record_id: int, by: str) -> tuple[str, bytes]:
    """(file name, PDF) for a record; the download is audited."""
    now = deps.clock.now()
    with deps.sessions() as session, session.begin():
        record = session.get(RecordRow, record_id)
        if record is None:
            raise UsageError(f"no record with ID {record_id}")
        message = session.get(MessageRow, record.message_row_id)
        raw = ledger.raw_bytes(session, message.sha256) if message else None
        if message is None or raw is None:
            raise UsageError(f"the original of record {record_id} was purged")
        reading = read(raw, deps.read_options)
        roster = deps.rosters.get(session)
        children = []
        for link in record.children:
            child = roster.child(link.child_id)
            if child is not None:
                children.append(
                    ChildSummary(
                        child.initials, child.child_id, child.first_name, child.last_name, child.dob
                    )
                )
        binary = shutil.which("libreoffice") or shutil.which("soffice")
        made = case_file(
            council_name=deps.settings.service.council_name,
            children=children,
            record=routing.summary_of(reading.record, reading.message, record.match_reason),
            flags=[FlagLine(f.indicator, f.severity, f.evidence, f.matched) for f in record.flags],
            documents=routing.attachments_of(reading.message),
            body_text=reading.message.new_text,
            generated=now,
            converter=libreoffice_converter(binary) if binary else None,
        )
        audit.record(
            session,
            at=now,
            actor=by,
            action="case_file_downloaded",
            subject_type="record",
            subject_id=record_id,
        )
    ids = "-".join(c.child_id for c in children) or "unmatched"
    return f"visit-record-{record_id}-{ids}.pdf", made.pdf
