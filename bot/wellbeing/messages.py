"""Check-ins, coping help, peer support and team trends, as messages and modals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.content.library import ContentLibrary
from bot.core.render import Message, Renderer
from bot.wellbeing.charts import checkin_chart_png
from bot.wellbeing.checkins import NOTE_LIMIT, CheckInPrefs, DayPoint, HelpReason, coping_for
from bot.wellbeing.models import CheckIn
from bot.wellbeing.team_trends import MIN_RESPONDENTS, Scope, WeekTrend

SPARKS = "▁▂▄▆█"


def sparkline(values: Sequence[float | None]) -> str:
    """One character per day on the 1-5 scale; a dot for a day without an answer."""
    return "".join("·" if value is None else SPARKS[min(max(round(value), 1), 5) - 1] for value in values)


def checkin_modal(renderer: Renderer, library: ContentLibrary, locale: str, prompt_id: str = "") -> dict[str, Any]:
    situations = [(key, text.get(locale)) for key, text in library.coping.situations.items()]
    return renderer.view("checkin_modal", locale, situations=situations, prompt_id=prompt_id, note_limit=NOTE_LIMIT)


def checkin_settings_modal(renderer: Renderer, locale: str, prefs: CheckInPrefs, timezone: str) -> dict[str, Any]:
    return renderer.view(
        "checkin_settings_modal",
        locale,
        prompt_time=prefs.prompt_time,
        prompts_enabled=prefs.prompts_enabled,
        peer_supporter=prefs.peer_supporter,
        timezone=timezone,
    )


def checkin_prompt(renderer: Renderer, locale: str, prompt_id: int) -> Message:
    return renderer.message("checkin_prompt", locale, prompt_id=prompt_id)


def checkin_saved(
    renderer: Renderer, library: ContentLibrary, locale: str, checkin: CheckIn, reason: HelpReason, has_lead: bool
) -> Message:
    tips, breathing = coping_for(library.coping, checkin.tags or [], seed=checkin.id)
    return renderer.message(
        "checkin_saved",
        locale,
        stress=checkin.stress,
        reason=reason.value,
        tips=tips,
        breathing=breathing,
        tags=",".join(checkin.tags or []),
        has_lead=has_lead,
    )


def checkin_history(renderer: Renderer, locale: str, points: Sequence[DayPoint], chart: bool) -> Message:
    answered = [p.stress for p in points if p.stress is not None]
    return renderer.message(
        "checkin_history",
        locale,
        days=len(points),
        sparkline=sparkline([p.stress for p in points]),
        energy_sparkline=sparkline([p.energy for p in points]),
        answered=len(answered),
        average=f"{sum(answered) / len(answered):.1f}" if answered else "—",
        chart=chart,
    )


def checkin_chart(renderer: Renderer, locale: str, points: Sequence[DayPoint]) -> bytes:
    """The check-in trend as a PNG, its legend in the reader's language."""
    days = len(points)
    labels, english = chart_labels(renderer, locale, days), chart_labels(renderer, "en", days)
    return checkin_chart_png(points, labels=labels, fallback_labels=english)


def chart_labels(renderer: Renderer, locale: str, days: int) -> dict[str, str]:
    """The chart's title, axes and legend in ``locale`` (plain text: matplotlib draws it)."""
    names = {name: renderer.catalog.plain(locale, f"checkin.modal.{name}") for name in ("stress", "energy")}
    names["title"] = renderer.catalog.plain(locale, "checkin.chart.title", days=days)
    names["x_axis"] = renderer.catalog.plain(locale, "checkin.chart.x_axis")
    names["y_axis"] = renderer.catalog.plain(locale, "checkin.chart.y_axis")
    return names


def wellbeing_home_blocks(
    renderer: Renderer, locale: str, points: Sequence[DayPoint], supporter: bool
) -> list[dict[str, Any]]:
    answered = [p for p in points if p.stress is not None]
    message = renderer.message(
        "wellbeing_home",
        locale,
        sparkline=sparkline([p.stress for p in points]),
        last=answered[-1].day.isoformat() if answered else None,
        supporter=supporter,
    )
    return message.blocks


def wellbeing_report(renderer: Renderer, locale: str, scope: Scope, trend: Sequence[WeekTrend]) -> Message:
    return renderer.message("wellbeing_report", locale, scope=scope.label, weeks=trend, minimum=MIN_RESPONDENTS)


def notice(renderer: Renderer, locale: str, key: str, **params: object) -> Message:
    return renderer.message("notice", locale, text=renderer.t(locale, key, **params))
