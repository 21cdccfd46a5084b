"""Who a visit record is about: a pure decision over the record, the message and the tracker.

Evidence, most certain first: our own reference token, reply headers to a message we
sent, the child ID written in the record, then name and date of birth. A decision is
``certain`` only when every child the record is about is identified for sure; anything
else goes to a person with the reason in plain words and the candidates considered.

Only ``record.children`` and ``record.child_ids`` are read: the parsers have already
removed quoted history, so a child named in an older message never counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from mailbot.matching_combine import absorb_repeats, merge_candidates
from mailbot.matching_text import text_mentions
from mailbot.model import Candidate, Decision, MatchContext
from mailbot.names import (
    DobAgreement,
    NameAgreement,
    NameMatch,
    WrittenName,
    compare,
    compare_dob,
    split_name,
)
from mailbot.roster import Roster
from parsers.record import ChildMention, VisitRecord

_POINTER_WORDS = {
    "reference": "our reference",
    "reply": "a reply to our message about",
    "id": "child ID",
}
_DOB_SCORE = {
    DobAgreement.SAME: 40.0,
    DobAgreement.SWAPPED: 10.0,
    DobAgreement.UNKNOWN: 0.0,
    DobAgreement.DIFFERS: -40.0,
}


@dataclass
class _Subject:
    """One child the record is about: as named (maybe), and what points at them (maybe)."""

    mention: ChildMention | None
    name: WrittenName | None
    pointers: dict[str, list[str]] = field(default_factory=dict)  # child_id -> kinds


@dataclass(frozen=True)
class _Outcome:
    child_id: str | None
    certain: bool
    reason: str
    candidates: tuple[Candidate, ...] = ()


def decide(
    record: VisitRecord, context: MatchContext, roster: Roster, id_pattern: str = r"E\d{7}"
) -> Decision:
    """Decide which child (or children) the record is about, and how sure we are.

    A record with no usable labelled name is searched for tracker children named in its
    text (``matching_text``); they are then judged by the same rules as labelled names.
    """
    sender = context.sender.strip().lower()
    in_text: tuple[ChildMention, ...] = ()
    if not any(split_name(m.full_name, m.first_name, m.last_name) for m in record.children):
        in_text = text_mentions(record.text, roster)
        record = replace(record, children=(*record.children, *in_text)) if in_text else record
    subjects, notes = _subjects(record, context, roster, id_pattern)
    if not subjects:
        reason = "; ".join(notes) or "the record names no child and quotes no reference or ID"
        return Decision((), False, reason)
    token = record.references[0] if len(record.references) == 1 else None
    outcomes = [_resolve(s, roster, sender, token) for s in subjects]
    kept = absorb_repeats(outcomes, subjects, roster)
    ids = tuple(dict.fromkeys(o.child_id for o in kept if o.certain and o.child_id))
    certain = bool(ids) and all(o.certain for o in kept) and not notes
    reasons = list(dict.fromkeys([*(o.reason for o in kept), *notes]))
    reason = "; ".join(reasons)
    if in_text:
        reason = f"named in the text: {reason}"
    return Decision(ids, certain, reason, merge_candidates(o.candidates for o in kept))


# --- gathering what the record says -------------------------------------------------


def _subjects(
    record: VisitRecord, context: MatchContext, roster: Roster, id_pattern: str
) -> tuple[list[_Subject], list[str]]:
    notes: list[str] = []
    subjects: list[_Subject] = []
    seen_mentions: set[tuple[object, ...]] = set()
    for mention in record.children:
        name = split_name(mention.full_name, mention.first_name, mention.last_name)
        key = (name, mention.dob, mention.child_id)
        if (name is None and mention.dob is None) or key in seen_mentions:  # an ID alone: a pointer
            continue
        seen_mentions.add(key)
        subjects.append(_Subject(mention, name))

    pointers: list[tuple[str, str, str | None]] = []  # (child_id, kind, mention-owned?)
    pointers += [(cid, "reference", None) for cid in context.reference_children]
    pointers += [(cid, "reply", None) for cid in context.reply_children]
    written_ids = [m.child_id for m in record.children if m.child_id] + list(record.child_ids)
    for raw in dict.fromkeys(written_ids):
        found = roster.find_id(raw, id_pattern)
        if found is None:
            notes.append(f"child ID {raw} is not in the tracker")
        else:
            pointers.append((found, "id", raw))

    for cid, kind, _raw in pointers:
        if roster.child(cid) is None:
            notes.append(f"{_POINTER_WORDS[kind]} points to {cid}, which is not in the tracker")
            continue
        owner = _owner(cid, subjects, roster)
        if owner is None:
            if any(s.name is not None or (s.mention and s.mention.dob) for s in subjects):
                child = roster.child(cid)
                assert child is not None
                notes.append(
                    f"{_POINTER_WORDS[kind]} points to {cid} ({child.initials}), "
                    "but the record names a different child"
                )
                continue
            owner = _Subject(None, None)
            subjects.append(owner)
        owner.pointers.setdefault(cid, []).append(kind)
    return subjects, notes


def _owner(child_id: str, subjects: list[_Subject], roster: Roster) -> _Subject | None:
    """The named child a pointer agrees with, or an earlier pointer-only subject."""
    child = roster.child(child_id)
    assert child is not None
    for subject in subjects:
        if subject.mention is None:
            if child_id in subject.pointers:
                return subject
            continue
        if subject.name is not None:
            agreement = compare(subject.name, roster.folded(child_id), roster.nicknames).agreement
            if agreement is not NameAgreement.NONE and agreement is not NameAgreement.SURNAME_ONLY:
                return subject
        elif compare_dob(subject.mention.dob, child.dob) is DobAgreement.SAME:
            return subject
    return None


# --- resolving one subject ------------------------------------------------------------


def _resolve(subject: _Subject, roster: Roster, sender: str, token: str | None) -> _Outcome:
    if subject.pointers:
        return _resolve_pointed(subject, roster, sender, token)
    return _resolve_named(subject, roster, sender)


def _resolve_pointed(subject: _Subject, roster: Roster, sender: str, token: str | None) -> _Outcome:
    ids = list(subject.pointers)
    if len(ids) > 1:
        reason = "the reference, reply and ID point to different children: " + ", ".join(ids)
        return _Outcome(None, False, reason, tuple(Candidate(c, 50.0, (reason,)) for c in ids))
    cid = ids[0]
    child = roster.child(cid)
    assert child is not None
    kinds = subject.pointers[cid]
    how = " and ".join(_POINTER_WORDS[k] for k in dict.fromkeys(kinds))
    if token and "reference" in kinds:
        how = how.replace("our reference", f"our reference {token}", 1)
    evidence = [f"{how} points to {cid}"]
    on_plan = roster.visits(sender, cid)
    name_ok: bool | None = None
    dob = DobAgreement.UNKNOWN
    if subject.mention is not None:
        dob = compare_dob(subject.mention.dob, child.dob)
        if subject.name is not None:
            agreement = compare(subject.name, roster.folded(cid), roster.nicknames).agreement
            name_ok = agreement.identifies
            evidence.append(f"name agrees ({agreement.value})" if name_ok else "name is partial")
        if dob is DobAgreement.SAME:
            evidence.append("date of birth agrees")
    candidate = Candidate(cid, 100.0 if on_plan else 80.0, tuple(evidence))
    if dob is DobAgreement.DIFFERS:
        return _Outcome(
            None, False, f"{how} points to {cid}, but the date of birth differs", (candidate,)
        )
    if dob is DobAgreement.SWAPPED:
        reason = (
            f"{how} points to {cid}, but the date of birth agrees only with day and month swapped"
        )
        return _Outcome(None, False, reason, (candidate,))
    complete = name_ok is True and dob is DobAgreement.SAME
    if complete:
        extra = "" if on_plan else " (sender is not on this child's visit plans)"
        return _Outcome(
            cid, True, f"{how} {cid} agrees with name and date of birth{extra}", (candidate,)
        )
    if on_plan:
        detail = " and name" if name_ok else ""
        return _Outcome(
            cid, True, f"{how} {cid}{detail}, from a visitor on this child's plan", (candidate,)
        )
    reason = (
        f"{how} points to {cid}, but the sender is not on this child's visit plans "
        "and the record does not confirm name and date of birth"
    )
    return _Outcome(None, False, reason, (candidate,))


def _resolve_named(subject: _Subject, roster: Roster, sender: str) -> _Outcome:
    mention, name = subject.mention, subject.name
    assert mention is not None
    dob = mention.dob
    label = name.display if name is not None else "the child"
    if name is None:
        return _Outcome(None, False, f"only a date of birth for {label}; no name or ID")
    scored: list[tuple[str, NameMatch, DobAgreement]] = []
    for cid in roster.name_candidates(name, dob):
        child = roster.child(cid)
        assert child is not None
        match = compare(name, roster.folded(cid), roster.nicknames)
        dob_rel = compare_dob(dob, child.dob)
        if match.agreement is NameAgreement.NONE and dob_rel is not DobAgreement.SAME:
            continue
        scored.append((cid, match, dob_rel))
    sender_kids = set(roster.children_of_sender(sender))
    for cid in sender_kids - {c for c, _, _ in scored}:
        child = roster.child(cid)
        if child is None:
            continue
        match = compare(name, roster.folded(cid), roster.nicknames)
        if match.agreement is not NameAgreement.NONE:
            scored.append((cid, match, compare_dob(dob, child.dob)))
    candidates = tuple(
        sorted(
            (_candidate(cid, m.agreement, m.score, d, cid in sender_kids) for cid, m, d in scored),
            key=lambda c: -c.score,
        )
    )
    if dob is not None:
        return _by_name_and_dob(label, scored, sender, sender_kids, roster, candidates)
    return _by_name_alone(label, scored, sender_kids, candidates)


def _by_name_and_dob(
    label: str,
    scored: list[tuple[str, NameMatch, DobAgreement]],
    sender: str,
    sender_kids: set[str],
    roster: Roster,
    candidates: tuple[Candidate, ...],
) -> _Outcome:
    same = [(c, m) for c, m, d in scored if d is DobAgreement.SAME]
    strong = [(c, m) for c, m in same if m.agreement.identifies]
    weak = [
        (c, m) for c, m in same if m.agreement in (NameAgreement.INITIAL, NameAgreement.FIRST_ONLY)
    ]
    known_sender = bool(sender_kids)
    if len(strong) == 1:
        cid, match = strong[0]
        agreement: NameAgreement = match.agreement
        twins = [c for c, m in same if c != cid and m.agreement is NameAgreement.SURNAME_ONLY]
        if twins and not agreement.plain:
            return _Outcome(
                None,
                False,
                f"{label}: another child has the same surname and date of birth, "
                "and the first name is not written exactly",
                candidates,
            )
        if cid in sender_kids:
            return _Outcome(
                cid,
                True,
                f"name ({agreement.value}) and date of birth agree with {cid}",
                candidates,
            )
        if known_sender and agreement.plain:
            return _Outcome(
                cid,
                True,
                f"name and date of birth agree with {cid} (sender is not on this child's plans)",
                candidates,
            )
        why = "a misspelt name" if known_sender else "a sender who visits no child in the tracker"
        return _Outcome(
            None,
            False,
            f"{label}: name and date of birth point to {cid}, but from {why}; needs a person",
            candidates,
        )
    if len(strong) > 1:
        return _Outcome(
            None,
            False,
            f"{len(strong)} children named like {label} share that date of birth",
            candidates,
        )
    if len(weak) == 1 and weak[0][0] in sender_kids:
        cid = weak[0][0]
        return _Outcome(
            cid,
            True,
            f"initial or first name and date of birth agree with {cid}, a child this sender visits",
            candidates,
        )
    if len(weak) > 1:
        return _Outcome(
            None, False, f"{label}: several children fit the initial and date of birth", candidates
        )
    named = [c for c, m, _ in scored if m.agreement.identifies]
    swapped = [c for c, m, d in scored if d is DobAgreement.SWAPPED and m.agreement.identifies]
    if swapped:
        return _Outcome(
            None,
            False,
            f"{label}: date of birth agrees with {', '.join(swapped)} only if day and month are swapped",
            candidates,
        )
    if named:
        return _Outcome(
            None,
            False,
            f"{label} is in the tracker, but with a different date of birth",
            candidates,
        )
    return _Outcome(None, False, f"no child named {label} in the tracker", candidates)


def _by_name_alone(
    label: str,
    scored: list[tuple[str, NameMatch, DobAgreement]],
    sender_kids: set[str],
    candidates: tuple[Candidate, ...],
) -> _Outcome:
    plain = [c for c, m, _ in scored if m.agreement.plain]
    named = [c for c, m, _ in scored if m.agreement.identifies]
    visited = [c for c in named if c in sender_kids]
    if len(visited) == 1 and visited[0] in plain:
        cid = visited[0]
        return _Outcome(
            cid,
            True,
            f"named {label}, the only child of that name this sender visits "
            "(no date of birth in the record)",
            candidates,
        )
    if len(visited) > 1:
        return _Outcome(
            None,
            False,
            f"{len(visited)} children named {label} visited by this sender; "
            "no date of birth in the record",
            candidates,
        )
    if visited:
        return _Outcome(
            None,
            False,
            f"{label}: name is close to a child this sender visits, but no date of birth",
            candidates,
        )
    if named:
        return _Outcome(
            None,
            False,
            f"{label}: no date of birth or ID, and the sender visits no child of that name",
            candidates,
        )
    return _Outcome(None, False, f"no child named {label} in the tracker", candidates)


def _candidate(
    cid: str, agreement: NameAgreement, score: float, dob: DobAgreement, visited: bool
) -> Candidate:
    evidence = [f"name {agreement.value}", f"date of birth {dob.value}"]
    if visited:
        evidence.append("sender visits this child")
    total = max(0.0, min(100.0, 0.55 * score + _DOB_SCORE[dob] + (5.0 if visited else 0.0)))
    return Candidate(cid, round(total, 1), tuple(evidence))
