"""Putting the children of one record together: drop unsure repeats, merge candidates.

Split from ``matching`` to keep that module short; the types are shared through Protocols
so this module does not import ``matching`` back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from mailbot.model import Candidate
from mailbot.names import DobAgreement, NameAgreement, WrittenName, compare, compare_dob
from mailbot.roster import Roster
from parsers.record import ChildMention


class Outcome(Protocol):
    @property
    def child_id(self) -> str | None: ...
    @property
    def certain(self) -> bool: ...


class Subject(Protocol):
    @property
    def mention(self) -> ChildMention | None: ...
    @property
    def name(self) -> WrittenName | None: ...
    @property
    def pointers(self) -> dict[str, list[str]]: ...


OutcomeT = TypeVar("OutcomeT", bound=Outcome)


def absorb_repeats(
    outcomes: Sequence[OutcomeT], subjects: Sequence[Subject], roster: Roster
) -> list[OutcomeT]:
    """Drop an unsure mention that only repeats a child identified for sure elsewhere."""
    sure = {o.child_id for o in outcomes if o.certain and o.child_id}
    kept = []
    for outcome, subject in zip(outcomes, subjects, strict=True):
        if not outcome.certain and _repeats(subject, sure, roster):
            continue
        kept.append(outcome)
    return kept


def _repeats(subject: Subject, sure: set[str], roster: Roster) -> bool:
    if subject.pointers or subject.mention is None or subject.name is None:
        return False
    for cid in sure:
        child = roster.child(cid)
        assert child is not None
        agreement = compare(subject.name, roster.folded(cid), roster.nicknames).agreement
        dob = compare_dob(subject.mention.dob, child.dob)
        close = agreement.identifies or agreement in (
            NameAgreement.FIRST_ONLY,
            NameAgreement.INITIAL,
        )
        if close and dob in (DobAgreement.SAME, DobAgreement.UNKNOWN):
            return True
    return False


def merge_candidates(groups: Iterable[tuple[Candidate, ...]]) -> tuple[Candidate, ...]:
    best: dict[str, Candidate] = {}
    for group in groups:
        for cand in group:
            if cand.child_id not in best or cand.score > best[cand.child_id].score:
                best[cand.child_id] = cand
    return tuple(sorted(best.values(), key=lambda c: -c.score)[:10])
