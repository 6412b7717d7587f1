"""Charts as PNG bytes (matplotlib, Agg backend: no display, safe in any thread of a server).

Chinese labels use Noto Sans CJK, which ships as a dependency (``noto-cjk-sans-otc``) so a
fresh install draws them; a system CJK font works too. Should neither be there, a chart
falls back to English labels rather than drawing empty boxes.
"""

from __future__ import annotations

import io
import logging
import math
import threading
from collections.abc import Sequence
from functools import cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

from bot.services.checkins import DayPoint

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei", "PingFang SC")
_LOCK = threading.Lock()  # matplotlib's font cache is not thread-safe
log = logging.getLogger(__name__)


def _add_bundled_font() -> None:
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        return
    try:
        font_manager.fontManager.addfont(str(FONT_PATH))
    except (OSError, RuntimeError):
        log.warning("could not load the bundled CJK font %s", FONT_PATH, exc_info=True)


@cache
def cjk_font() -> str | None:
    """The CJK font charts use, registering the bundled one first; None if there is none."""
    with _LOCK:
        _add_bundled_font()
        installed = {font.name for font in font_manager.fontManager.ttflist}
        found = next((name for name in CJK_FONTS if name in installed), None)
        if found:
            matplotlib.rcParams["font.sans-serif"] = [found, *matplotlib.rcParams["font.sans-serif"]]
    return found


def _drawable(text: str) -> bool:
    return text.isascii() or cjk_font() is not None


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
    titles = labels if all(_drawable(text) for text in labels.values()) else fallback_labels
    judge_names = [name if _drawable(name) else f"#{number}" for number, (name, _) in enumerate(judges, start=1)]
    criterion_names = [label if _drawable(label) else english for label, english, _ in criteria]
    with _LOCK:
        figure = Figure(figsize=(8, 3 + 0.35 * (len(judges) + len(criteria))), dpi=100)
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
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def checkin_chart_png(points: Sequence[DayPoint], labels: dict[str, str], fallback_labels: dict[str, str]) -> bytes:
    """A small stress/energy chart over the days in ``points``; ``labels`` name the two
    lines in the reader's language (``fallback_labels`` in English)."""
    names = labels if all(_drawable(text) for text in labels.values()) else fallback_labels

    def series(values: Sequence[float | None]) -> list[float]:
        return [math.nan if value is None else value for value in values]

    days = list(range(len(points)))
    with _LOCK:
        figure = Figure(figsize=(6, 2.4), dpi=100)
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
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
