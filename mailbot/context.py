"""What the pipeline, the outbox worker and the commands share: built once from the settings."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailbot.clock import Clock
from mailbot.model import Child, Plan
from mailbot.risk import RiskRules
from mailbot.roster import Roster
from mailbot.schedule.policy import Policy
from mailbot.settings import Settings
from outbound.templates import Templates
from parsers.options import ReadOptions
from store.models import ChildRow, PlanRow
from store.tracker import tracker_revision


class RosterCache:
    """The tracker as an in-memory index, rebuilt only when a new tracker is imported."""

    def __init__(self, nicknames: Mapping[str, frozenset[str]]) -> None:
        self._nicknames = nicknames
        self._revision = -1
        self._roster: Roster | None = None
        self._lock = threading.Lock()

    def get(self, session: Session) -> Roster:
        revision = tracker_revision(session)
        with self._lock:
            if self._roster is None or revision != self._revision:
                self._roster = Roster.build(
                    load_children(session), load_plans(session), self._nicknames
                )
                self._revision = revision
            return self._roster


def load_children(session: Session, ids: Iterable[str] | None = None) -> list[Child]:
    """The tracker's children (only those with these IDs, when given)."""
    query = select(ChildRow)
    if ids is not None:
        query = query.where(ChildRow.child_id.in_(list(ids)))
    return [
        Child(
            child_id=r.child_id,
            first_name=r.first_name,
            last_name=r.last_name,
            dob=r.dob,
            legal_status=r.legal_status,
            rag=r.rag,
            rag_date=r.rag_date,
            school=r.school,
            social_worker=r.social_worker,
            social_worker_email=r.social_worker_email,
            team_manager_email=r.team_manager_email,
        )
        for r in session.scalars(query)
    ]


def load_plans(session: Session) -> list[Plan]:
    return [
        Plan(
            child_id=p.child_id,
            visitor_name=p.visitor_name,
            visitor_email=p.visitor_email,
            visitor_org=p.visitor_org,
            visitor_role=p.visitor_role,
            visit_method=p.visit_method,
            frequency_days=p.frequency_days,
            next_visit_due=p.next_visit_due,
        )
        for p in session.scalars(select(PlanRow))
    ]


@dataclass(frozen=True)
class Deps:
    settings: Settings
    sessions: sessionmaker[Session]
    clock: Clock
    read_options: ReadOptions
    rules: RiskRules
    rosters: RosterCache
    templates: Templates
    policy: Policy

    @property
    def mailbox_address(self) -> str:
        return self.settings.service.mailbox_address

    @property
    def own_addresses(self) -> frozenset[str]:
        return frozenset(
            a.lower() for a in (self.mailbox_address, *self.settings.service.own_addresses)
        )

    @property
    def id_pattern(self) -> str:
        return self.settings.matching.child_id_pattern
