"""The person's own check-in chart: stress and energy over the last weeks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.charts import labels_for, png
from bot.wellbeing.checkins import DayPoint

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def checkin_chart_png(points: Sequence[DayPoint], labels: dict[str, str], fallback_labels: dict[str, str]) -> bytes:
    """A small stress/energy chart over the days in ``points``; ``labels`` name the two
    lines in the reader's language (``fallback_labels`` in English)."""
    names = labels_for(labels, fallback_labels)

    def series(values: Sequence[float | None]) -> list[float]:
        return [math.nan if value is None else value for value in values]

    days = list(range(len(points)))

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        stress, energy = series([p.stress for p in points]), series([p.energy for p in points])
        axes.plot(days, stress, marker="o", color="#d9534f", label=names["stress"])
        axes.plot(days, energy, marker="s", color="#5cb85c", label=names["energy"], alpha=0.7)
        axes.set_ylim(0.5, 5.5)
        axes.set_yticks([1, 2, 3, 4, 5])
        ticks = days[::7]
        axes.set_xticks(ticks, [points[i].day.strftime("%m-%d") for i in ticks])
        axes.grid(alpha=0.3)
        axes.legend(loc="upper left", fontsize=8)
        axes.tick_params(labelsize=7)

    return png((6, 2.4), draw)
