"""Charts as PNG bytes (matplotlib, Agg backend: no display, safe in any thread of a server).

Chinese labels need a CJK font; where none is installed the chart falls back to English
labels rather than drawing empty boxes.
"""

from __future__ import annotations

import io
import threading
from functools import cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei", "PingFang SC")
_LOCK = threading.Lock()  # matplotlib's font cache is not thread-safe


@cache
def cjk_font() -> str | None:
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
