"""The scoring-poll results chart: each judge's weighted total and each criterion's average."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.charts import drawable, labels_for, png

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def scoring_chart_png(
    *,
    judges: list[tuple[str, float]],
    criteria: list[tuple[str, str, float]],
    mean: float,
    labels: dict[str, str],
    fallback_labels: dict[str, str],
) -> bytes:
    """Two bar charts: each judge's weighted total (with the mean), and each criterion's average.

    ``criteria`` holds (label, English label, percent); ``labels`` the axis titles in the
    reader's language, ``fallback_labels`` the same in English.
    """
    titles = labels_for(labels, fallback_labels)
    judge_names = [name if drawable(name) else f"#{number}" for number, (name, _) in enumerate(judges, start=1)]
    criterion_names = [label if drawable(label) else english for label, english, _ in criteria]

    def draw(figure: Figure) -> None:
        top, bottom = figure.subplots(2, 1, height_ratios=[max(len(judges), 1), max(len(criteria), 1)])
        top.barh(judge_names, [total for _, total in judges], color="#4C72B0")
        top.axvline(mean, color="#C44E52", linestyle="--", label=f"{titles['mean']} {mean:g}")
        top.set_xlim(0, 100)
        top.set_title(titles["judges"])
        top.invert_yaxis()
        top.legend(loc="lower right")
        bottom.barh(criterion_names, [percent for _, _, percent in criteria], color="#55A868")
        bottom.set_xlim(0, 100)
        bottom.set_title(titles["criteria"])
        bottom.invert_yaxis()

    return png((8, 3 + 0.35 * (len(judges) + len(criteria))), draw)
