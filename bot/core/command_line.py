"""The `/coach` command line: tokenising, the list of subcommands, usage suggestions.

Pure and total: any string gives an :class:`Invocation` or a :class:`UserError`.
"""

from __future__ import annotations

import difflib
import re
import shlex
from dataclasses import dataclass

from bot.core.db.models import Role
from bot.core.errors import UserError
from bot.core.slack_text import fold_width, unescape

MAX_COMMAND_LENGTH = 2000
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


@dataclass(frozen=True)
class Subcommand:
    name: str
    roles: frozenset[Role] | None = None  # None: every roster member (help: everybody)


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("help"),
    Subcommand("lesson"),
    Subcommand("quiz"),
    Subcommand("streak"),
    Subcommand("checkin"),
    Subcommand("support"),
    Subcommand("cert"),
    Subcommand("exam"),
    Subcommand("settings"),
    Subcommand("team", frozenset({Role.LEAD})),
    Subcommand("wellbeing", frozenset({Role.LEAD, Role.HR})),
    Subcommand("poll"),
    Subcommand("score", frozenset({Role.LEAD, Role.HR})),
)
BY_NAME = {sub.name: sub for sub in SUBCOMMANDS}
ALIASES = {
    "帮助": "help",
    "设置": "settings",
    "?": "help",
    "课程": "lesson",
    "测验": "quiz",
    "练习": "quiz",
    "连续": "streak",
}


@dataclass(frozen=True)
class Invocation:
    name: str
    args: tuple[str, ...]


def parse(text: str) -> Invocation:
    text = fold_width(unescape(text or "")).strip()
    if len(text) > MAX_COMMAND_LENGTH:
        raise UserError("usage.too_long", limit=MAX_COMMAND_LENGTH)
    try:
        words = shlex.split(text.translate(_SMART_QUOTES))
    except ValueError:
        raise UserError("usage.unbalanced_quotes") from None
    if not words:
        return Invocation("help", ())
    name = words[0].lower()
    name = ALIASES.get(name, name)
    if name not in BY_NAME:
        suggestion = difflib.get_close_matches(name, list(BY_NAME), n=1)
        if suggestion:
            raise UserError("usage.unknown_with_suggestion", name=words[0][:40], suggestion=suggestion[0])
        raise UserError("usage.unknown", name=words[0][:40])
    return Invocation(name, tuple(words[1:]))


def visible_to(role: Role | None) -> list[Subcommand]:
    """Subcommands a person may use, for help: admins see all, non-members see help only."""
    if role is None:
        return [BY_NAME["help"]]
    return [sub for sub in SUBCOMMANDS if sub.roles is None or role == Role.ADMIN or role in sub.roles]


_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_BARE_ID = re.compile(r"^@?([UW][A-Z0-9]{2,31})$")  # a member id typed or pasted, with or without @


def parse_mention(word: str) -> str | None:
    """The user id in a Slack mention (`<@U123|ann>`, `<@U123>`), or a member id typed as
    `U123` or `@U123` (copied from a profile), else None."""
    word = word.strip()
    match = _MENTION.match(word) or _BARE_ID.match(word)
    return match.group(1) if match else None
