"""Visiting standards as data: a policy profile (a TOML file under config/policy/) and its checks.

A profile names its levels (one per tracker RAG value: seed 000's Red/Amber/Green, or seed
001's High and Immediate / Priority / Vulnerable mapped onto them), how often each is
visited, and the timings of the reminders. ``check_plans`` reports plans that break it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, get_type_hints

from mailbot.errors import ConfigError
from mailbot.model import Child, Plan
from mailbot.resources import config_dir

LEGAL = ("CP", "CIN", "CLA", "CL")
ROLES = ("social_worker", "social_care", "partner")


@dataclass(frozen=True)
class Timings:
    alert_days_before: int = 14  # calendar days; moved to the working day before
    follow_up_working_days_before: int = 3
    record_due_hours: int = 24  # after the visit
    chase_days_after_record_due: int = 1  # moved to the next working day
    chase_gap_working_days: int = 2  # between chases, and from the last chase to escalation
    escalate_after_chases: int = 2  # chases before the escalation (0: escalate at once)
    escalate: bool = True  # escalate to the social worker and team manager after the chases
    tracker_highlight_working_days: int = 7
    email_roles: tuple[str, ...] = ("partner", "social_care")  # whose visits get reminders


@dataclass(frozen=True)
class Level:
    name: str  # as the policy says it: "Red", "High and Immediate"
    rag: str  # the tracker's value it stands for: Red | Amber | Green
    frequency_days: int
    first_visit_days: int | None = None  # a new plan's first visit (default: the frequency)
    flexible: bool = False  # may be seen virtually, less often or by other professionals
    rag_review_days: int | None = None  # remind the social worker this long after rag_date
    monthly_days: int | None = None  # the frequency when a child meets ``monthly_when``


@dataclass(frozen=True)
class Policy:
    name: str
    description: str
    timings: Timings
    levels: tuple[Level, ...]
    # conditions (see ``meets``) under which a flexible-level child must still be seen
    # face to face by a social worker/PA (seed 000's list, as far as the tracker shows it)
    must_see_when: tuple[str, ...] = ()
    monthly_when: tuple[str, ...] = ()
    face_to_face_roles: tuple[str, ...] = ("social_worker", "social_care")
    not_in_school: tuple[str, ...] = ("", "none", "not in school", "nis", "ehe", "cme")

    def level(self, rag: str) -> Level | None:
        return next((lv for lv in self.levels if lv.rag.lower() == rag.lower()), None)

    def reasons(self, child: Child, conditions: Iterable[str]) -> list[str]:
        """The conditions ``child`` meets, in plain words."""
        return [WORDS.get(c, c) for c in conditions if meets(self, child, c)]

    def standard_days(self, child: Child) -> int | None:
        """How often the policy says this child is seen (None: the RAG is not in the policy)."""
        level = self.level(child.rag)
        if level is None:
            return None
        if level.monthly_days and self.reasons(child, self.monthly_when):
            return level.monthly_days
        return level.frequency_days

    def frequency(self, child: Child, plan: Plan) -> int | None:
        """The plan's own frequency from the tracker, else the policy's."""
        return plan.frequency_days or self.standard_days(child)


WORDS = {
    "legal_status:CP": "on a child protection plan",
    "legal_status:CIN": "a child in need",
    "legal_status:CLA": "looked after",
    "legal_status:CL": "a care leaver",
    "not_in_school": "not in school",
}


def meets(policy: Policy, child: Child, condition: str) -> bool:
    if condition.startswith("legal_status:"):
        return child.legal_status == condition.split(":", 1)[1]
    if condition == "not_in_school":
        return child.legal_status != "CL" and child.school.strip().lower() in policy.not_in_school
    raise ConfigError(f"policy {policy.name}: unknown condition {condition!r}")


CONDITIONS = (*(f"legal_status:{s}" for s in LEGAL), "not_in_school")


# ---- loading ----------------------------------------------------------------------------


def _value(raw: Any, kind: Any, where: str) -> Any:
    if kind in (int, int | None):
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            raise ConfigError(f"{where}: expected a whole number of 0 or more, not {raw!r}")
    elif kind is bool:
        if not isinstance(raw, bool):
            raise ConfigError(f"{where}: expected true or false, not {raw!r}")
    elif kind is str:
        if not isinstance(raw, str):
            raise ConfigError(f"{where}: expected text, not {raw!r}")
    elif kind == tuple[str, ...]:
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise ConfigError(f"{where}: expected a list of text")
        return tuple(raw)
    return raw


def _build(cls: type[Any], data: Mapping[str, Any], where: str) -> Any:
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in hints:
            raise ConfigError(f"{where}: unknown key {key!r}")
        values[key] = _value(raw, hints[key], f"{where} {key}")
    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def parse_policy(text: str, source: str) -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"policy {source}: not valid TOML: {exc}") from exc
    timings = _build(Timings, data.pop("timings", {}), f"policy {source} [timings]")
    levels = tuple(
        _build(Level, lv, f"policy {source} [[levels]] {i + 1}")
        for i, lv in enumerate(data.pop("levels", []))
    )
    policy: Policy = _build(
        Policy, {**data, "timings": timings, "levels": levels}, f"policy {source}"
    )
    _check(policy, source)
    return policy


def _check(policy: Policy, source: str) -> None:
    for c in (*policy.must_see_when, *policy.monthly_when):
        if c not in CONDITIONS:
            raise ConfigError(
                f"policy {source}: unknown condition {c!r} (use {', '.join(CONDITIONS)})"
            )
    rags = [lv.rag for lv in policy.levels]
    if sorted(rags) != ["Amber", "Green", "Red"]:
        raise ConfigError(f"policy {source}: needs one level each for rag Red, Amber and Green")
    for lv in policy.levels:
        if lv.frequency_days < 1:
            raise ConfigError(f"policy {source}: level {lv.name}: frequency_days must be >= 1")
    for role in (*policy.face_to_face_roles, *policy.timings.email_roles):
        if role not in ROLES:
            raise ConfigError(f"policy {source}: unknown role {role!r}")


@cache
def load_policy(spec: str) -> Policy:
    """A profile by name (``default``, ``seed001``) from config/policy/, or a TOML file's path."""
    if spec.endswith(".toml") or "/" in spec or "\\" in spec:
        path = Path(spec)
    else:
        path = config_dir() / "policy" / f"{spec}.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"[schedule] policy: cannot read {str(path)!r}: {exc.strerror}") from exc
    return parse_policy(text, path.name)


# ---- checks -----------------------------------------------------------------------------


def plan_issues(
    children: Iterable[Child], plans: Iterable[Plan], policy: Policy
) -> dict[str, list[str]]:
    """Per child ID, each way its plans break the policy, in plain words."""
    by_child: dict[str, list[Plan]] = {}
    for plan in plans:
        by_child.setdefault(plan.child_id, []).append(plan)
    found: dict[str, list[str]] = {}
    for child in sorted(children, key=lambda c: c.child_id):
        issues = _child_issues(child, by_child.get(child.child_id, []), policy)
        if issues:
            found[child.child_id] = issues
    return found


def check_plans(children: Iterable[Child], plans: Iterable[Plan], policy: Policy) -> list[str]:
    """One line per problem, each starting with the child's ID: printed on ``registry import``."""
    return [
        f"{cid}: {issue}"
        for cid, issues in plan_issues(children, plans, policy).items()
        for issue in issues
    ]


def _child_issues(child: Child, plans: list[Plan], policy: Policy) -> list[str]:
    level = policy.level(child.rag)
    if level is None:
        return [f"RAG {child.rag!r} is not a level of the {policy.name} policy"]
    issues: list[str] = []
    label = f"{level.name}, {child.legal_status}"
    why = policy.reasons(child, policy.must_see_when) if level.flexible else []
    standard = policy.standard_days(child) or level.frequency_days
    if not plans:
        issues.append(f"({label}) has no visiting plan")
    elif not level.flexible or why:
        reason = f" ({', '.join(why)})" if why else ""
        qualifying = [
            p
            for p in plans
            if p.visitor_role in policy.face_to_face_roles and p.visit_method == "face_to_face"
        ]
        if not qualifying:
            if all(p.visit_method == "virtual" for p in plans):
                how = "planned for virtual visits only"
            else:
                how = "planned to be seen only by a non-social-work professional"
            issues.append(
                f"({label}) must be seen face to face by a social worker or PA{reason}, "
                f"but is {how}"
            )
        else:
            days = min(p.frequency_days or standard for p in qualifying)
            if days > standard:
                issues.append(
                    f"({label}) is seen face to face by a social worker or PA every {days} days; "
                    f"the standard{reason} is at least every {standard} days"
                )
    if level.rag_review_days and child.rag_date is None:
        issues.append(f"({label}) has no RAG date, so its review cannot be reminded")
    return issues
