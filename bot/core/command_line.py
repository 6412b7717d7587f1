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


LEADS_AND_HR = frozenset({Role.LEAD, Role.HR})


@dataclass(frozen=True)
class Subcommand:
    """One line of `/coach help` and the permission it states: ``/coach <name> [<verb>]``.

    Help and the role check both read :data:`SUBCOMMANDS`, so what a person is shown is
    exactly what they may run; handlers check only whose data it is (their team, their poll).
    """

    name: str
    verb: str | None = None  # None: the subcommand itself and any arguments no other line names
    roles: frozenset[Role] | None = None  # None: every roster member (help: everybody)
    aliases: frozenset[str] = frozenset()  # other spellings of the verb

    @property
    def help_key(self) -> str:
        """The line under ``help.commands`` in the catalog."""
        return self.name if self.verb is None else f"{self.name}_{self.verb}"

    def allows(self, role: Role | None) -> bool:
        if role is None:
            return self.name == "help"
        return self.roles is None or role == Role.ADMIN or role in self.roles


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("help"),
    Subcommand("lesson"),
    Subcommand("quiz"),
    Subcommand("streak"),
    Subcommand("checkin"),
    Subcommand("support"),
    Subcommand("support", "config", frozenset({Role.HR})),
    Subcommand("cert"),
    Subcommand("cert", "rubric"),
    Subcommand("cert", "team", LEADS_AND_HR),
    Subcommand("cert", "export", LEADS_AND_HR),
    Subcommand("cert", "assess", LEADS_AND_HR),
    Subcommand("cert", "digest", frozenset({Role.HR})),
    Subcommand("exam"),
    Subcommand("exam", "open", LEADS_AND_HR),
    Subcommand("settings"),
    Subcommand("settings", "workspace", frozenset({Role.ADMIN}), frozenset({"工作区"})),
    Subcommand("team", "progress", LEADS_AND_HR),
    Subcommand("wellbeing", roles=LEADS_AND_HR),
    Subcommand("poll"),
    Subcommand("score", roles=LEADS_AND_HR),
)
NAMES = tuple(dict.fromkeys(sub.name for sub in SUBCOMMANDS))
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
    if name not in NAMES:
        suggestion = difflib.get_close_matches(name, list(NAMES), n=1)
        if suggestion:
            raise UserError("usage.unknown_with_suggestion", name=words[0][:40], suggestion=suggestion[0])
        raise UserError("usage.unknown", name=words[0][:40])
    return Invocation(name, tuple(words[1:]))


def visible_to(role: Role | None) -> list[Subcommand]:
    """The lines of help a person sees: admins all, non-members help only."""
    return [sub for sub in SUBCOMMANDS if sub.allows(role)]


def help_keys(role: Role | None) -> list[str]:
    """The catalog keys (``help.commands.<key>``) of the lines a person sees."""
    return [sub.help_key for sub in visible_to(role)]


def governing(invocation: Invocation) -> Subcommand | None:
    """The line of :data:`SUBCOMMANDS` that states who may run ``invocation``.

    The line naming its first argument as verb, else the subcommand's own line; None when
    the subcommand only has verbs (``team`` without ``progress``): then anybody allowed
    one of them gets the usage.
    """
    verb = invocation.args[0].lower() if invocation.args else None
    lines = [sub for sub in SUBCOMMANDS if sub.name == invocation.name]
    named = [sub for sub in lines if sub.verb is not None and verb in {sub.verb, *sub.aliases}]
    return next(iter(named or [sub for sub in lines if sub.verb is None]), None)


def roles_for(invocation: Invocation) -> frozenset[Role] | None:
    """The roles that may run ``invocation`` (None: every roster member); admins always may."""
    line = governing(invocation)
    if line is not None:
        return line.roles
    lines = [sub for sub in SUBCOMMANDS if sub.name == invocation.name]
    if any(sub.roles is None for sub in lines):
        return None
    return frozenset(role for sub in lines for role in sub.roles or ())


_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_BARE_ID = re.compile(r"^@?([UW][A-Z0-9]{2,31})$")  # a member id typed or pasted, with or without @


def parse_mention(word: str) -> str | None:
    """The user id in a Slack mention (`<@U123|ann>`, `<@U123>`), or a member id typed as
    `U123` or `@U123` (copied from a profile), else None."""
    word = word.strip()
    match = _MENTION.match(word) or _BARE_ID.match(word)
    return match.group(1) if match else None
