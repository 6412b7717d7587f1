"""Charts draw Chinese labels with the bundled Noto Sans CJK font: no missing glyphs."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from bot.core.charts import cjk_font
from bot.core.render import Renderer
from bot.polls.charts import scoring_chart_png
from bot.wellbeing.charts import checkin_chart_png, draw_checkins
from bot.wellbeing.checkins import DayPoint
from bot.wellbeing.messages import chart_labels, checkin_chart

START = date(2026, 11, 2)
POINTS = [DayPoint(START + timedelta(days=n), 3.0 if n % 3 else None, 4.0 if n % 3 else None) for n in range(28)]


def _drawn_without_missing_glyphs(draw: Callable[[], bytes]) -> bytes:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = draw()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert png.startswith(b"\x89PNG")
    return png


def test_a_chinese_font_ships_with_coachbot() -> None:
    assert cjk_font() == "Noto Sans CJK SC"


def test_scoring_chart_draws_chinese_names_and_criteria() -> None:
    _drawn_without_missing_glyphs(
        lambda: scoring_chart_png(
            judges=[("李娜", 80.0), ("张伟", 60.0)],
            criteria=[("接待礼仪与开场", "Greeting", 70.0), ("倾听与共情", "Listening", 65.0)],
            mean=70.0,
            labels={"judges": "每位评委的总分", "criteria": "各项平均（%）", "mean": "平均"},
            fallback_labels={"judges": "Total per judge", "criteria": "Average per criterion", "mean": "mean"},
        )
    )


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_checkin_chart_has_a_legend_in_the_readers_language(locale: str) -> None:
    drawn = _drawn_without_missing_glyphs(lambda: checkin_chart(Renderer(), locale, POINTS))
    labels = chart_labels(Renderer(), "en", len(POINTS))
    english = _drawn_without_missing_glyphs(lambda: checkin_chart_png(POINTS, labels, {}))
    assert (drawn == english) is (locale == "en")


def test_the_checkin_chart_has_a_title_and_labelled_axes_in_the_readers_language() -> None:
    from matplotlib.figure import Figure

    cjk_font()  # as png() does before drawing: the Chinese labels need the CJK font
    figure = Figure()
    draw_checkins(figure, POINTS, chart_labels(Renderer(), "zh-CN", len(POINTS)))
    [axes] = figure.axes
    assert axes.get_title() == "你最近 28 天的打卡"
    assert axes.get_xlabel() == "日期" and axes.get_ylabel() == "1 = 低 · 5 = 高"
