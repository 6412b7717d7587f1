"""Drawing charts as PNG bytes (matplotlib, Agg backend: no display, safe in any thread).

matplotlib is imported on the first chart, not at start: most processes (a job tick,
the CLI) never draw one and should not pay for it. Chinese labels use Noto Sans CJK,
which ships as a dependency (``noto-cjk-sans-otc``); a system CJK font works too.
Should neither be there, a chart falls back to English labels rather than empty boxes.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei", "PingFang SC")
_LOCK = threading.Lock()  # matplotlib's font cache is not thread-safe
log = logging.getLogger(__name__)


def _add_bundled_font() -> None:
    from matplotlib import font_manager

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
    import matplotlib
    from matplotlib import font_manager

    matplotlib.use("Agg")
    with _LOCK:
        _add_bundled_font()
        installed = {font.name for font in font_manager.fontManager.ttflist}
        found = next((name for name in CJK_FONTS if name in installed), None)
        if found:
            matplotlib.rcParams["font.sans-serif"] = [found, *matplotlib.rcParams["font.sans-serif"]]
    return found


def drawable(text: str) -> bool:
    """Whether the chart fonts can draw ``text`` (ASCII always; Chinese with a CJK font)."""
    return text.isascii() or cjk_font() is not None


def labels_for(labels: dict[str, str], fallback_labels: dict[str, str]) -> dict[str, str]:
    """The reader's labels when every one can be drawn, else the English ones."""
    return labels if all(drawable(text) for text in labels.values()) else fallback_labels


def png(figsize: tuple[float, float], draw: Callable[[Figure], None]) -> bytes:
    """A figure of ``figsize`` inches at 100 dpi, drawn by ``draw``, as PNG bytes."""
    cjk_font()  # selects the backend and the fonts before the first figure
    from matplotlib.figure import Figure

    with _LOCK:
        figure = Figure(figsize=figsize, dpi=100)
        draw(figure)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
