"""Working days: the workspace's weekdays, its country's holidays and make-up workdays
(`holidays`, CN by default), and the override file `content/calendar.yaml`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays

from bot.core.content.library import parse_yaml
from bot.core.db.models import Workspace


@lru_cache(maxsize=64)
def _country_calendar(country: str, year: int) -> Any:
    return holidays.country_holidays(country, years=year)


# Per country: {"extra_workdays": {...}, "extra_holidays": {...}} from content/calendar.yaml.
HolidayOverrides = dict[str, dict[str, set[date]]]


def load_overrides(content_dir: Path) -> HolidayOverrides:
    """The override file, read once with the rest of the content (``Content.load``)."""
    path = content_dir / "calendar.yaml"
    raw = parse_yaml(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {
        country: {kind: {date.fromisoformat(str(day)) for day in (days or [])} for kind, days in (spec or {}).items()}
        for country, spec in (raw or {}).items()
    }


@dataclass(frozen=True)
class WorkCalendar:
    weekdays: frozenset[int] = frozenset(range(5))
    country: str | None = "CN"
    extra_workdays: frozenset[date] = field(default_factory=frozenset)
    extra_holidays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        if self.country:
            calendar = _country_calendar(self.country, day.year)
            if day in calendar:
                return False
            if day in getattr(calendar, "weekend_workdays", ()):
                return True  # a make-up workday (调休) on a weekend
        return day.weekday() in self.weekdays

    def working_days_back(self, last: date) -> Iterator[date]:
        """``last`` (if a working day) and every working day before it, newest first."""
        day = last
        for _ in range(3660):  # ten years is plenty; avoids an endless loop on a calendar with no working days
            if self.is_working_day(day):
                yield day
            day -= timedelta(days=1)


def calendar_for(workspace: Workspace, overrides: HolidayOverrides) -> WorkCalendar:
    """The workspace's working days: its weekdays, its country's holidays, the overrides."""
    weekdays = frozenset(int(d) for d in workspace.working_days.split(",") if d.strip().isdigit())
    country = workspace.holiday_country or None
    extra = overrides.get(country or "", {})
    return WorkCalendar(
        weekdays=weekdays,
        country=country,
        extra_workdays=frozenset(extra.get("extra_workdays", set())),
        extra_holidays=frozenset(extra.get("extra_holidays", set())),
    )


def preload(countries: set[str], today: date) -> None:
    """Load the holiday tables a running bot will ask for (the first load imports every
    country module, which is slow enough to stall a request if it happens inside one)."""
    for country in countries:
        for year in (today.year - 1, today.year, today.year + 1):
            _country_calendar(country, year)
