"""The bot's own values: the tracker as it stands, and the decisions made about a record.

Frozen dataclasses only; the decisions (screening, matching, risk, planning) take and
return these and never touch the database, the network or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Outcome(StrEnum):
    FORWARDED = "forwarded"
    EXCEPTION = "exception"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


@dataclass(frozen=True)
class Child:
    child_id: str
    first_name: str
    last_name: str
    dob: date | None
    legal_status: str  # CP | CIN | CLA | CL
    rag: str  # Red | Amber | Green
    rag_date: date | None
    school: str
    social_worker: str
    social_worker_email: str
    team_manager_email: str

    @property
    def initials(self) -> str:
        return "".join(p[:1].upper() for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class Plan:
    """One visiting professional's arrangement to see one child."""

    child_id: str
    visitor_name: str
    visitor_email: str  # lower-cased
    visitor_org: str
    visitor_role: str  # social_worker | social_care | partner
    visit_method: str  # face_to_face | virtual
    frequency_days: int | None
    next_visit_due: date | None


@dataclass(frozen=True)
class MatchContext:
    """What the message itself says about who it is about, beyond the record's text."""

    sender: str  # lower-cased address
    # child IDs of alerts/forwards we sent whose reference token the record quotes
    reference_children: tuple[str, ...] = ()
    # child IDs of messages we sent that the reply headers (In-Reply-To/References) point to
    reply_children: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    child_id: str
    score: float  # 0..100, higher is more likely
    evidence: tuple[str, ...]  # human-readable: "date of birth agrees", "ID E1234567 in form"


@dataclass(frozen=True)
class Decision:
    """Who a record is about. ``certain`` only when every named child is identified for sure."""

    child_ids: tuple[str, ...]
    certain: bool
    reason: str  # plain words, shown in the forward's summary or the exceptions queue
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class RiskFlag:
    indicator: str  # injury | police | missing | disclosure | domestic_abuse | exploitation | ...
    severity: str  # high | medium | low
    evidence: str  # the whole sentence that raised it
    matched: str = ""  # the words that matched


@dataclass(frozen=True)
class Screening:
    """The screening verdict for a message: process it, or ignore / queue it with a reason."""

    action: str  # process | ignore | exception
    reason: str | None = None
