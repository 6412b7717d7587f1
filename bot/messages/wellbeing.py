"""Check-ins, coping help, peer support and team trends, as messages and modals."""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from typing import Any

from bot.content.library import ContentLibrary
from bot.db.wellbeing import CheckIn
from bot.render import Message, Renderer
from bot.services.checkins import NOTE_LIMIT, CheckInPrefs, DayPoint, HelpReason, coping_for
from bot.services.wellbeing import MIN_RESPONDENTS, Scope, WeekTrend

SPARKS = "▁▂▄▆█"
_CHART_LOCK = threading.Lock()  # matplotlib's font cache is not thread-safe


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


def history_chart_png(points: Sequence[DayPoint]) -> bytes:
    """A small stress/energy chart (matplotlib, Agg: no display needed). Numbers and dates
    only, so no CJK font is needed on the server."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    def series(values: Sequence[float | None]) -> list[float]:
        return [math.nan if value is None else value for value in values]

    days = list(range(len(points)))
    with _CHART_LOCK:
        figure = Figure(figsize=(6, 2.4), dpi=100)
        axes = figure.subplots()
        axes.plot(days, series([p.stress for p in points]), marker="o", color="#d9534f", label="stress")
        axes.plot(days, series([p.energy for p in points]), marker="s", color="#5cb85c", label="energy", alpha=0.7)
        axes.set_ylim(0.5, 5.5)
        axes.set_yticks([1, 2, 3, 4, 5])
        ticks = days[::7]
        axes.set_xticks(ticks, [points[i].day.strftime("%m-%d") for i in ticks])
        axes.grid(alpha=0.3)
        axes.legend(loc="upper left", fontsize=8)
        axes.tick_params(labelsize=7)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


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
