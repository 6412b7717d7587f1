"""The arguments of `/coach poll` and `/coach score`: pure and total, any input gives a
value or a :class:`UserError` naming what to fix.

`bot/commands.py` has already split the text shell-style (smart quotes mapped to plain
ones). Chinese users often separate quoted options with a full-width comma and no space,
`"午饭？"，"面条"，"米饭"`, which the shell rules glue into one word; such words are split
on the comma only when the poll would otherwise have too few options, so a question such
as `"周五团建，去哪？"` keeps its comma.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from bot.core.command_line import parse_mention as mentioned_user
from bot.core.errors import UserError
from bot.core.slack_text import parse_id

MIN_OPTIONS = 2
MAX_OPTIONS = 10
MAX_QUESTION = 300
MAX_OPTION = 75  # a Slack button label holds 75 characters
FULL_WIDTH_COMMA = "，"
SEPARATORS = (FULL_WIDTH_COMMA, ",", "、", "；", ";")
# Slack and phones turn "--" into a dash; all of these start a flag.
_DASHES = ("--", "—", "–", "－－")
FLAGS = {
    "anonymous": "anonymous",
    "anon": "anonymous",
    "匿名": "anonymous",
    "multi": "multi",
    "multiple": "multi",
    "多选": "multi",
    "hidden": "hidden",
    "hide": "hidden",
    "隐藏": "hidden",
    "until": "until",
    "deadline": "until",
    "截止": "until",
}
ACTIONS = {"close": "close", "关闭": "close", "export": "export", "导出": "export"}
HELP_WORDS = {"help", "帮助", "?", "？"}
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class PollSpec:
    question: str
    options: tuple[str, ...]
    anonymous: bool = False
    multi: bool = False
    hidden: bool = False
    deadline: datetime | None = None


@dataclass(frozen=True)
class PollAction:
    """`/coach poll close 12` or `/coach poll export 12`."""

    verb: str
    poll_id: int


def wants_help(args: tuple[str, ...]) -> bool:
    return len(args) == 1 and args[0].lower() in HELP_WORDS


def poll_action(args: tuple[str, ...]) -> PollAction | None:
    if len(args) == 2 and args[0].lower() in ACTIONS:
        poll_id = parse_id(args[1])
        if poll_id is None:
            raise UserError("polls.errors.poll_id", verb=ACTIONS[args[0].lower()])
        return PollAction(ACTIONS[args[0].lower()], poll_id)
    return None


def _flag_name(word: str) -> str | None:
    for dash in _DASHES:
        if word.startswith(dash) and len(word) > len(dash):
            return word[len(dash) :]
    return None


def parse_poll_args(args: tuple[str, ...], zone: tzinfo, now: datetime) -> PollSpec:
    """A poll from `"Question?" "A" "B" [--anonymous] [--multi] [--hidden] [--until 2026-03-02T17:00]`."""
    flags: set[str] = set()
    until: list[str] | None = None
    words: list[str] = []
    position = 0
    while position < len(args):
        word = args[position]
        name = _flag_name(word)
        if name is None:
            words.append(word)
            position += 1
            continue
        name, _, inline = name.partition("=")
        flag = FLAGS.get(name.lower())
        if flag is None:
            raise UserError("polls.errors.unknown_flag", flag=word[:30])
        if flag != "until":
            flags.add(flag)
            position += 1
            continue
        until = [inline] if inline else list(args[position + 1 : position + 2])
        position += 1 if inline else 2
        if until and position < len(args) and _CLOCK.match(args[position]) and not _CLOCK.match(until[0]):
            until.append(args[position])  # `--until 2026-03-02 17:00`
            position += 1
    question, options = _question_and_options(words)
    deadline = parse_deadline(" ".join(until), zone, now) if until is not None else None
    return PollSpec(question, options, "anonymous" in flags, "multi" in flags, "hidden" in flags, deadline)


def _question_and_options(words: list[str]) -> tuple[str, tuple[str, ...]]:
    edges = "".join(SEPARATORS) + " "
    pieces = [word.strip(edges) for word in words if word.strip() not in SEPARATORS]
    if not pieces or not pieces[0]:
        raise UserError("polls.errors.empty_question")
    question, options = pieces[0], [piece for piece in pieces[1:] if piece]
    if len(options) < MIN_OPTIONS:
        options = [part for option in options for part in _split(option)]
    if len(options) < MIN_OPTIONS:
        question, *options = _split(question) + options
    return validate_poll(question, options)


def _split(word: str) -> list[str]:
    return [part.strip() for part in word.split(FULL_WIDTH_COMMA) if part.strip()]


def validate_poll(question: str, options: list[str]) -> tuple[str, tuple[str, ...]]:
    """The same rules for the command and the modal."""
    question = question.strip()
    cleaned = [option.strip() for option in options if option and option.strip()]
    if not question:
        raise UserError("polls.errors.empty_question")
    if len(question) > MAX_QUESTION:
        raise UserError("polls.errors.question_too_long", limit=MAX_QUESTION)
    if len(cleaned) < MIN_OPTIONS:
        raise UserError("polls.errors.too_few_options", minimum=MIN_OPTIONS)
    if len(cleaned) > MAX_OPTIONS:
        raise UserError("polls.errors.too_many_options", maximum=MAX_OPTIONS, count=len(cleaned))
    too_long = next((option for option in cleaned if len(option) > MAX_OPTION), None)
    if too_long is not None:
        raise UserError("polls.errors.option_too_long", option=too_long[:20], limit=MAX_OPTION)
    if len({option.casefold() for option in cleaned}) != len(cleaned):
        raise UserError("polls.errors.duplicate_option")
    return question, tuple(cleaned)


def parse_deadline(text: str, zone: tzinfo, now: datetime) -> datetime:
    """`2026-03-02T17:00`, `2026-03-02 17:00` or `17:00` (today), in the person's own timezone."""
    text = text.strip().replace("：", ":")
    clock = _CLOCK.match(text)
    try:
        if clock:
            local = datetime.combine(now.astimezone(zone).date(), time(int(clock[1]), int(clock[2])), tzinfo=zone)
        else:
            parsed = datetime.fromisoformat(text.replace(" ", "T"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=zone)
            local = parsed
    except ValueError:
        raise UserError("polls.errors.bad_deadline", text=text[:40]) from None
    return future_deadline(local, now)


def deadline_from_picker(day: str | None, clock: str | None, zone: tzinfo, now: datetime) -> datetime:
    """A modal's datepicker + timepicker pair, in the person's timezone."""
    if not day or not clock:
        raise UserError("polls.errors.bad_deadline", text=f"{day or ''} {clock or ''}".strip())
    try:
        local = datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=zone)
    except ValueError:
        raise UserError("polls.errors.bad_deadline", text=f"{day} {clock}"[:40]) from None
    return future_deadline(local, now)


def future_deadline(when: datetime, now: datetime) -> datetime:
    if when <= now:
        raise UserError("polls.errors.past_deadline")
    return when


def parse_mention(args: tuple[str, ...]) -> str | None:
    """The Slack id in `<@U123|name>` or `<@U123>`; None without arguments; plain names are an error."""
    if not args:
        return None
    text = " ".join(args).strip()  # a display name with a space was split in two
    slack_id = mentioned_user(text)
    if slack_id is None:
        raise UserError("scoring.errors.mention", text=text[:40])
    return slack_id
