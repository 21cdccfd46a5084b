"""The tracker as an in-memory index, built once per tracker revision.

Blocking keys (child ID, its digits, surname with first name and every short form of it,
sound-alike surname with first initial, date of birth, the visitors' addresses) let the
matcher look at a handful of children instead of every name in the tracker.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

from mailbot.model import Child, Plan
from mailbot.names import (
    FoldedChild,
    WrittenName,
    first_name_forms,
    phonetic,
    swapped_day_month,
    tokens,
)

_NOT_ID = re.compile(r"[\s\-./]+")
_DIGITS = re.compile(r"\d+")


def normalise_id(raw: str) -> str:
    """Upper case, spaces, dots and hyphens removed: "e 123 4567" -> "E1234567"."""
    return _NOT_ID.sub("", raw).upper()


class Roster:
    """Immutable index of children and visit plans; every lookup returns tuples."""

    __slots__ = (
        "_by_dob",
        "_by_full",
        "_by_id",
        "_by_id_digits",
        "_by_sound",
        "_children",
        "_folded",
        "_nicknames",
        "_plans_by_child",
        "_plans_by_sender",
    )

    def __init__(
        self,
        children: Mapping[str, Child],
        folded: Mapping[str, FoldedChild],
        indexes: Mapping[str, Mapping[object, tuple[str, ...]]],
        plans_by_sender: Mapping[str, tuple[Plan, ...]],
        plans_by_child: Mapping[str, tuple[Plan, ...]],
        nicknames: Mapping[str, frozenset[str]],
    ) -> None:
        self._children = MappingProxyType(dict(children))
        self._folded = MappingProxyType(dict(folded))
        self._by_id = indexes["id"]
        self._by_id_digits = indexes["digits"]
        self._by_full = indexes["full"]
        self._by_sound = indexes["sound"]
        self._by_dob = indexes["dob"]
        self._plans_by_sender = MappingProxyType(dict(plans_by_sender))
        self._plans_by_child = MappingProxyType(dict(plans_by_child))
        self._nicknames = MappingProxyType(dict(nicknames))

    @classmethod
    def build(
        cls,
        children: Iterable[Child],
        plans: Iterable[Plan],
        nicknames: Mapping[str, frozenset[str]],
    ) -> Roster:
        kids: dict[str, Child] = {}
        folded: dict[str, FoldedChild] = {}
        idx: dict[str, defaultdict[object, list[str]]] = {
            key: defaultdict(list) for key in ("id", "digits", "full", "sound", "dob")
        }
        for child in children:
            cid = child.child_id
            kids[cid] = child
            name = FoldedChild(tokens(child.first_name), tokens(child.last_name))
            folded[cid] = name
            idx["id"][normalise_id(cid)].append(cid)
            digits = "".join(_DIGITS.findall(cid))
            if digits:
                idx["digits"][digits].append(cid)
            for key in _full_keys(name, nicknames):
                idx["full"][key].append(cid)
            if name.surname and name.first:
                idx["sound"][(phonetic(name.surname_key), name.first[0])].append(cid)
            if child.dob is not None:
                idx["dob"][child.dob].append(cid)
        by_sender: defaultdict[str, list[Plan]] = defaultdict(list)
        by_child: defaultdict[str, list[Plan]] = defaultdict(list)
        for plan in plans:
            by_sender[plan.visitor_email.strip().lower()].append(plan)
            by_child[plan.child_id].append(plan)
        frozen = {
            key: MappingProxyType({k: tuple(dict.fromkeys(v)) for k, v in table.items()})
            for key, table in idx.items()
        }
        return cls(
            kids,
            folded,
            frozen,
            {k: tuple(v) for k, v in by_sender.items()},
            {k: tuple(v) for k, v in by_child.items()},
            nicknames,
        )

    # --- the public lookups -------------------------------------------------------

    def __len__(self) -> int:
        return len(self._children)

    @property
    def nicknames(self) -> Mapping[str, frozenset[str]]:
        return self._nicknames

    def child(self, child_id: str) -> Child | None:
        return self._children.get(child_id)

    def folded(self, child_id: str) -> FoldedChild:
        return self._folded[child_id]

    def plans_for_sender(self, email: str) -> tuple[Plan, ...]:
        return self._plans_by_sender.get(email.strip().lower(), ())

    def plans_for_child(self, child_id: str) -> tuple[Plan, ...]:
        return self._plans_by_child.get(child_id, ())

    def visits(self, email: str, child_id: str) -> bool:
        """Whether this address is on the child's visit plans."""
        wanted = email.strip().lower()
        return any(
            p.visitor_email.strip().lower() == wanted for p in self.plans_for_child(child_id)
        )

    def children_of_sender(self, email: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.child_id for p in self.plans_for_sender(email)))

    def find_id(self, raw: str, id_pattern: str) -> str | None:
        """The tracker's child ID for an ID as written (any case, spaces, or digits only)."""
        wanted = normalise_id(raw)
        found = self._by_id.get(wanted, ())
        if len(found) == 1:
            return found[0]
        if wanted.isdigit() or not re.fullmatch(id_pattern, wanted):
            by_digits = self._by_id_digits.get("".join(_DIGITS.findall(wanted)), ())
            if len(by_digits) == 1:
                return by_digits[0]
        return None

    def name_candidates(self, written: WrittenName, dob: date | None) -> tuple[str, ...]:
        """Children worth comparing with this name and date: a few, never the whole tracker."""
        found: dict[str, None] = {}
        for given, surname in ((written.given, written.surname), (written.surname, written.given)):
            if not given or not surname:
                continue
            surname_key = "".join(surname)
            for form in first_name_forms(given[0], self._nicknames):
                found.update(dict.fromkeys(self._by_full.get((surname_key, form), ())))
            for part in surname:
                found.update(dict.fromkeys(self._by_full.get((part, given[0]), ())))
        if not found and written.given and written.surname:  # perhaps misspelt: sound-alikes
            key = (phonetic(written.surname_key), written.given[0][0])
            found.update(dict.fromkeys(self._by_sound.get(key, ())))
        if dob is not None:
            found.update(dict.fromkeys(self._by_dob.get(dob, ())))
            swapped = swapped_day_month(dob)
            if swapped is not None:
                found.update(dict.fromkeys(self._by_dob.get(swapped, ())))
        return tuple(found)

    def named(self, surname_key: str, first: str) -> tuple[str, ...]:
        """Children with this folded surname (joined, or one part of a double-barrelled one)
        and this first name or one of its short forms: one dictionary look-up."""
        return self._by_full.get((surname_key, first), ())

    def children_born(self, dob: date) -> tuple[str, ...]:
        return self._by_dob.get(dob, ())


def _full_keys(
    name: FoldedChild, nicknames: Mapping[str, frozenset[str]]
) -> Iterable[tuple[str, str]]:
    if not name.surname or not name.first:
        return ()
    keys = [(name.surname_key, form) for form in first_name_forms(name.first, nicknames)]
    if len(name.surname) > 1:  # double-barrelled: each part too
        keys += [(part, name.first) for part in name.surname]
    return keys
