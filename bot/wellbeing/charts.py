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
    """A small stress/energy chart over the days in ``points``; ``labels`` give the title,
    the axes and the two lines in the reader's language (``fallback_labels`` in English)."""
    names = labels_for(labels, fallback_labels)
    return png((6, 2.8), lambda figure: draw_checkins(figure, points, names))


def draw_checkins(figure: Figure, points: Sequence[DayPoint], names: dict[str, str]) -> None:
    def series(values: Sequence[float | None]) -> list[float]:
        return [math.nan if value is None else value for value in values]

    days = list(range(len(points)))
    axes = figure.subplots()
    stress, energy = series([p.stress for p in points]), series([p.energy for p in points])
    axes.plot(days, stress, marker="o", color="#d9534f", label=names["stress"])
    axes.plot(days, energy, marker="s", color="#5cb85c", label=names["energy"], alpha=0.7)
    axes.set_title(names["title"], fontsize=9)
    axes.set_xlabel(names["x_axis"], fontsize=8)
    axes.set_ylabel(names["y_axis"], fontsize=8)
    axes.set_ylim(0.5, 5.5)
    axes.set_yticks([1, 2, 3, 4, 5])
    ticks = days[::7]
    axes.set_xticks(ticks, [points[i].day.strftime("%m-%d") for i in ticks])
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize=8)
    axes.tick_params(labelsize=7)
    figure.tight_layout()
