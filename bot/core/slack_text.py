"""Text that arrives from Slack, read once: unescaped, full-width forms folded, ids checked.

Slack escapes ``&``, ``<`` and ``>`` in the text it sends (slash commands arrive with
``&amp;``, ``&lt;``, ``&gt;``, while mentions such as ``<@U123|ann>`` keep real brackets);
the renderer escapes them again on the way out, so text is unescaped exactly once here.
Chinese input methods type full-width Latin letters, digits and spaces (``ｈｅｌｐ``,
``１２``, U+3000); those are folded to ASCII for matching. Other characters, CJK
punctuation included, stay as the person typed them.
"""

from __future__ import annotations

import unicodedata

MAX_ID_DIGITS = 18  # any id Coachbot issues fits in a signed 64-bit integer


def unescape(text: str) -> str:
    """Undo Slack's escaping once (``&amp;lt;`` becomes ``&lt;``, the text the person typed)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# What an IME types in place of command syntax: letters, digits, the space, quotes, the
# flag dash, ``#``, ``@`` and the clock's colon. Full-width ，？！（） are Chinese
# punctuation, not syntax, and stay.
_SYNTAX = "\u3000＂＇－＃＠：" + "".join(
    chr(c) for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(r[0], r[1] + 1)
)
_FOLD = str.maketrans({ch: unicodedata.normalize("NFKC", ch) for ch in _SYNTAX})


def fold_width(text: str) -> str:
    """Full-width letters, digits and command syntax (NFKC) to ASCII; other text as typed."""
    return text.translate(_FOLD)


def parse_id(text: object) -> int | None:
    """A positive id written in ASCII digits (an optional ``#`` first), else None.

    ``str.isdigit`` also accepts ``²`` and other digits ``int`` refuses, and an unbounded
    number overflows the database; both are refused here.
    """
    word = fold_width(str(text).strip()).removeprefix("#")
    if not word or len(word) > MAX_ID_DIGITS or not (word.isascii() and word.isdigit()):
        return None
    number = int(word)
    return number if number > 0 else None


def parse_count(text: object, *, maximum: int) -> int | None:
    """A whole number from 0 to ``maximum`` in ASCII digits, else None."""
    word = fold_width(str(text).strip())
    if not word or len(word) > len(str(maximum)) or not (word.isascii() and word.isdigit()):
        return None
    number = int(word)
    return number if number <= maximum else None
