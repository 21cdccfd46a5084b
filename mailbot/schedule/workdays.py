"""Working days: weekends, the bank holidays of one UK region, and the council's closure days.

Pure: the bank holidays come from the ``holidays`` package's tables, never the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import holidays

from mailbot.errors import ConfigError

REGIONS = {"england_wales": "ENG", "scotland": "SCT", "northern_ireland": "NIR"}
_DAY = timedelta(days=1)
_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(?:\.\.\s*(\d{4}-\d{2}-\d{2}))?\s*$")


@cache
def _bank_holidays(subdiv: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=subdiv, years=year).keys())


def parse_closures(values: Iterable[str]) -> frozenset[date]:
    """``2026-12-29`` or a range ``2026-12-29..2026-12-31`` (both ends included)."""
    days: set[date] = set()
    for value in values:
        m = _RANGE.match(value)
        if not m:
            raise ConfigError(f"closure day {value!r}: use YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD")
        try:
            first = date.fromisoformat(m.group(1))
            last = date.fromisoformat(m.group(2) or m.group(1))
        except ValueError as exc:
            raise ConfigError(f"closure day {value!r}: {exc}") from exc
        if last < first or (last - first).days > 366:
            raise ConfigError(f"closure day {value!r}: the range is backwards or over a year")
        while first <= last:
            days.add(first)
            first += _DAY
    return frozenset(days)


@dataclass(frozen=True)
class Calendar:
    """Which days are working days, and counting in them."""

    region: str = "england_wales"
    closures: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            raise ConfigError(f"region {self.region!r} is not one of {', '.join(REGIONS)}")

    @classmethod
    def from_settings(cls, region: str, closure_days: Iterable[str]) -> Calendar:
        return cls(region, parse_closures(closure_days))

    def holiday(self, day: date) -> bool:
        return day in _bank_holidays(REGIONS[self.region], day.year) or day in self.closures

    def is_working(self, day: date) -> bool:
        return day.weekday() < 5 and not self.holiday(day)

    def on_or_before(self, day: date) -> date:
        """``day`` if it is a working day, else the working day before it."""
        while not self.is_working(day):
            day -= _DAY
        return day

    def on_or_after(self, day: date) -> date:
        """``day`` if it is a working day, else the next working day."""
        while not self.is_working(day):
            day += _DAY
        return day

    def add(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (before it when ``n`` is negative)."""
        step = _DAY if n >= 0 else -_DAY
        for _ in range(abs(n)):
            day += step
            while not self.is_working(day):
                day += step
        return day

    def between(self, first: date, last: date) -> int:
        """Working days in (first, last]: how many working days from ``first`` to ``last``."""
        count, day = 0, first
        while day < last:
            day += _DAY
            count += self.is_working(day)
        return count
