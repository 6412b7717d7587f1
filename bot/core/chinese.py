"""Traditional to simplified Chinese (OpenCC), so a header, a level word or a seed written
in traditional characters compares equal to its simplified form."""

from __future__ import annotations

from functools import cache

import opencc


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    if text.isascii():
        return text
    converted: str = _converter().convert(text)
    return converted
