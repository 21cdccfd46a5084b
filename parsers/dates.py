"""UK day-first dates in the spellings people type: 3/4/26, 03.04.2026, 3rd April 2026, 3 Apr 26."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_WORD = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4}|\d{2})"

_PATTERNS = (
    # 2026-04-03 (ISO)
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)(?!\d)"),
    # 3/4/26, 03.04.2026, 3-4-2026, 03 / 04 / 2026
    re.compile(
        r"(?<![\d/.-])(?P<day>[0-3]?\d)\s*([/.-])\s*(?P<month>[01]?\d)\s*\2\s*(?P<year>\d{4}|\d{2})(?![\d/])"
    ),
    # 3rd April 2026, 3 Apr 26, Friday 3 April, 3rd of April
    re.compile(
        rf"(?<![\w]){_DAY}(?:\s+of)?[\s-]+{_MONTH_WORD}(?:,?[\s-]+{_YEAR})?(?![\w])", re.IGNORECASE
    ),
    # April 3rd, 2026
    re.compile(rf"(?<![\w]){_MONTH_WORD}\s+{_DAY},?(?:\s+{_YEAR})?(?![\w])", re.IGNORECASE),
)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    value = int(text)
    if len(text) == 2:
        value += 2000 if value < 40 else 1900  # 3/4/09 is 2009, 1/1/52 is 1952
    return value


def _build(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    year = _year(groups.get("year"))
    if year is None:
        return None  # a bare day and month: the year is not ours to guess
    mon = groups.get("mon")
    month = _MONTHS.get(mon.lower()[:3]) if mon else int(groups["month"])
    if month is None:
        return None
    try:
        return date(year, month, int(groups["day"]))
    except ValueError:
        return None


def find_dates(text: str) -> list[date]:
    """Every full date in the text, in order of appearance."""
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            value = _build(match)
            if value is not None:
                found.append((span[0], value))
    return [value for _, value in sorted(found, key=lambda item: item[0])]


def parse_date(text: str) -> date | None:
    """The first full date in a field's value, or None."""
    dates = find_dates(text)
    return dates[0] if dates else None
