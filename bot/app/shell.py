"""`coachbot shell`: type what a Slack user would, see what Slack would show.

On a terminal it is interactive; with stdin from a file or pipe it reads one line at a
time and prints a transcript, so demos and tests can script it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from bot.app.playground import DEMO_USERS, Playground
from bot.sim.driver import Reply, SlackDriver
from bot.sim.server import JSONDict, SimMessage

SHELL_HELP = """\
Type a slash command as the current user, e.g. /coach help
  <number>         click the button with that number
  as <user id>     act as someone else (see `users`)
  users            list the demo people
  home             open the App Home tab
  tick [ISO time]  move the clock to that instant (default: now), run the jobs, deliver messages
  clock            show the playground's clock (clicks, commands and jobs all use it)
  quit             leave the playground
In a form, a multi-line field takes several lines: end it with a line holding only `.`"""
MRKDWN_BOLD = re.compile(r"\*([^*\n]+)\*")


@dataclass
class Clickable:
    element: JSONDict
    message: SimMessage | JSONDict | None = None  # a posted message, or an ephemeral reply
    view: JSONDict | None = None


class Shell:
    def __init__(self, playground: Playground, user: str, stdin: TextIO, console: Console) -> None:
        self.playground, self.user, self.stdin, self.console = playground, user, stdin, console
        self.interactive = stdin.isatty()
        self.clickables: list[Clickable] = []
        self.seen_messages = len(playground.sim.messages)
        self.seen_views = len(playground.sim.opened_views)
        self.seen_files = len(playground.sim.files)
        self.seen_edits: dict[str, int] = {}
        self.unread: dict[str, list[SimMessage]] = {}  # what reached others while someone else was current
        self._lines: Iterator[str] = iter(stdin.readline, "")

    @property
    def driver(self) -> SlackDriver:
        return self.playground.driver

    # ----- input ------------------------------------------------------------------------
    def read(self, prompt: str) -> str | None:
        if self.interactive:
            try:
                return self.console.input(prompt)
            except EOFError:
                return None
        line = next(self._lines, None)
        if line is None:
            return None
        line = line.rstrip("\n")
        self.console.print(f"{prompt}{line}", markup=False, highlight=False)
        return line

    def who(self) -> str:
        name = next((u.name for u in DEMO_USERS if u.slack_id == self.user), self.user)
        return f"{name} ({self.user})"

    # ----- loop -------------------------------------------------------------------------
    def run(self) -> None:
        self.console.print(Panel.fit(SHELL_HELP, title="Coachbot playground", subtitle=f"you are {self.who()}"))
        while (line := self.read(f"[{self.user}] > ")) is not None:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line in {"quit", "exit"}:
                break
            self.dispatch(line)

    def dispatch(self, line: str) -> None:
        if line.startswith("/"):
            command, _, text = line.partition(" ")
            self.show_reply(self.driver.command(self.user, text, command=command))
        elif line.isascii() and line.isdigit():
            self.click(int(line))
        elif line.startswith("as "):
            self.switch(line[3:].strip())
        elif line == "users":
            for user in DEMO_USERS:
                self.console.print(f"  {user.slack_id}  {user.name}  [dim]{user.role.value} · {user.team}[/dim]")
        elif line == "home":
            self.driver.event({"type": "app_home_opened", "user": self.user, "tab": "home"})
            self.playground.sim.wait_for(lambda: self.user in self.playground.sim.home, timeout=3)
            view = self.playground.sim.home.get(self.user)
            if view:
                self.show_blocks("App Home", view.get("blocks") or [], view=view)
        elif line.startswith("tick"):
            self.tick(line[4:].strip())
        elif line == "clock":
            zone = ZoneInfo(getattr(self.playground.sim.users.get(self.user), "tz", None) or "Asia/Shanghai")
            now = self.playground.runtime.deps.now().astimezone(zone)
            self.console.print(f"The playground's clock: {now.isoformat(timespec='minutes')} ({zone.key}, your time)")
            return
        else:
            self.console.print(
                "[yellow]Not a command here.[/yellow] Type a /coach command, a button number, or `help`."
            )
            if line == "help":
                self.console.print(SHELL_HELP)
            return
        self.after_action()

    def switch(self, user: str) -> None:
        if user not in self.playground.sim.users:
            self.console.print(f"[yellow]No demo user {user!r}.[/yellow] Type `users` to see who is here.")
            return
        self.user = user
        self.console.print(f"You are now {self.who()}.")
        for message in self.unread.pop(user, []):
            self.show_blocks("Coachbot (DM, while you were away)", message.blocks, text=message.text, message=message)

    def tick(self, when: str) -> None:
        try:
            now = datetime.fromisoformat(when) if when else datetime.now(UTC)
        except ValueError:
            self.console.print("[yellow]Give the time as ISO 8601, e.g. 2026-03-02T09:30+08:00[/yellow]")
            return
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        results = self.playground.runtime.tick(now)
        self.console.print(f"[dim]jobs ran at {now.isoformat()}: {results}[/dim]")

    def click(self, number: int) -> None:
        if not 1 <= number <= len(self.clickables):
            self.console.print(f"[yellow]No button [{number}] on screen.[/yellow]")
            return
        target = self.clickables[number - 1]
        action_id, value = target.element["action_id"], target.element.get("value")
        if target.message is not None:
            message = target.message
            state = self.tick_boxes(message.blocks if isinstance(message, SimMessage) else message.get("blocks") or [])
            # The button as it was shown: if the message changed since, Slack's client can still
            # send that click, and the bot's answer to it is what the person would see.
            reply = self.driver.click(self.user, target.message, action_id, value, state=state, element=target.element)
            self.show_reply(reply)
        elif target.view is not None:
            self.show_reply(self.driver.click_in_view(self.user, target.view, action_id, value, element=target.element))

    def tick_boxes(self, blocks: list[JSONDict]) -> JSONDict | None:
        """Checkboxes in the message are filled in before its button is pressed, as in Slack."""
        for block in blocks:
            for element in block.get("elements") or []:
                if element.get("type") != "checkboxes":
                    continue
                values = [o["value"] for o in element.get("options") or []]
                answer = self.read(f"Tick options ({', '.join(values)}; comma-separated): ") or ""
                picked = [v.strip().lower() for v in answer.split(",") if v.strip().lower() in values]
                selected = [{"value": v} for v in picked]
                return {
                    block.get("block_id", ""): {
                        element["action_id"]: {"type": "checkboxes", "selected_options": selected}
                    }
                }
        return None

    def after_action(self) -> None:
        sim = self.playground.sim
        self.playground.deliver()
        sim.wait_for(lambda: len(sim.opened_views) > self.seen_views, timeout=0.3)
        while len(sim.opened_views) > self.seen_views:
            view = sim.opened_views[self.seen_views]
            self.seen_views += 1
            if view.get("user") == self.user:
                self.fill_modal(view)
                self.playground.deliver()
        for message in sim.messages[: self.seen_messages]:  # edited in place (chat.update, replace_original)
            edits = len(message.history)
            if edits > self.seen_edits.get(message.ts, 0):
                self.seen_edits[message.ts] = edits
                if message.user in (None, self.user) and message.ephemeral_to is None:
                    where = "DM" if message.user else f"#{message.channel}"
                    self.show_blocks(f"Coachbot ({where}, updated)", message.blocks, text=message.text, message=message)
                elif message.user and message not in self.unread.get(message.user, []):
                    self.unread.setdefault(message.user, []).append(message)  # seen when they are next
        fresh = sim.messages[self.seen_messages :]
        self.seen_messages = len(sim.messages)
        others: dict[str, int] = {}
        for message in fresh:
            if self.user in (message.user, message.ephemeral_to):
                self.show_blocks("Coachbot (DM)", message.blocks, text=message.text, message=message)
            elif message.user or message.ephemeral_to:
                key = message.user or message.ephemeral_to or ""
                others[key] = others.get(key, 0) + 1
                self.unread.setdefault(key, []).append(message)
            else:
                self.show_blocks(f"Coachbot in #{message.channel}", message.blocks, text=message.text, message=message)
        fresh_files = [f for f in sim.files[self.seen_files :] if f.get("shared")]
        self.seen_files = len(sim.files)
        for shared in fresh_files:
            if shared.get("channel") == "D" + self.user[1:]:
                title = shared.get("title") or shared.get("filename")
                self.console.print(f"[cyan]📎 {title}[/cyan] [dim]({len(shared['content'])} bytes, in your DM)[/dim]")
        for user, count in others.items():
            self.console.print(f"[dim]({count} new message(s) for {user}; type `as {user}` to read them)[/dim]")

    # ----- rendering ----------------------------------------------------------------------
    def show_reply(self, reply: Reply) -> None:
        if reply.status != 200:
            self.console.print(f"[red]The app answered HTTP {reply.status}[/red] {reply.body[:200]}")
        for message in reply.messages:
            blocks = message.get("blocks") or []
            self.show_blocks("Coachbot (only you can see this)", blocks, text=message.get("text"), message=message)

    def show_blocks(
        self,
        title: str,
        blocks: list[JSONDict],
        *,
        text: str | None = None,
        message: SimMessage | JSONDict | None = None,
        view: JSONDict | None = None,
    ) -> None:
        body = Text()
        for block in blocks:
            self.render_block(block, body, message, view)
        if not blocks and text:
            body.append(_plain(text))
        body.rstrip()
        self.console.print(Panel(body, title=title, title_align="left", expand=False))

    def render_block(
        self, block: JSONDict, out: Text, message: SimMessage | JSONDict | None, view: JSONDict | None
    ) -> None:
        kind = block.get("type")
        if kind == "header":
            out.append(_plain(block["text"]["text"]) + "\n", style="bold")
        elif kind == "divider":
            out.append("─" * 40 + "\n", style="dim")
        elif kind in {"section", "context", "actions", "image"}:
            if block.get("text"):
                out.append(_plain(block["text"]["text"]) + "\n")
            for field in block.get("fields") or []:
                out.append("  " + _plain(field["text"]) + "\n")
            for element in ([block["accessory"]] if block.get("accessory") else []) + list(block.get("elements") or []):
                if element.get("type") in {"mrkdwn", "plain_text"}:
                    out.append(_plain(element["text"]) + "\n", style="dim")
                elif element.get("type") == "image":
                    out.append(f"[image: {element.get('alt_text', '')}]\n", style="dim")
                elif element.get("type") == "checkboxes":
                    boxes = "  ".join("☐ " + _plain(o["text"]["text"]) for o in element.get("options") or [])
                    out.append(boxes + "   ")
                elif element.get("action_id"):
                    shown = {**element, "_block_id": block.get("block_id", "")}
                    self.clickables.append(Clickable(shown, message, view))
                    label = _plain(element.get("text", {}).get("text", element["action_id"]))
                    out.append(f" [{len(self.clickables)}] {label} ", style="reverse")
                    out.append("\n" if element is (block.get("accessory") or {}) else " ")
            if kind == "actions":
                out.append("\n")
            if kind == "image":
                out.append(f"[image: {block.get('alt_text', '')}]\n", style="dim")

    # ----- modals ---------------------------------------------------------------------------
    def fill_modal(self, view: JSONDict) -> None:
        title = view.get("title", {}).get("text", "Form")
        self.console.print(
            Panel(
                Text(f"{title}\n(press Enter to keep a shown value, type 'cancel' to close)"),
                title="Modal",
                expand=False,
            )
        )
        while True:
            values: dict[str, dict[str, JSONDict]] = {}
            for block in view.get("blocks") or []:
                if block.get("type") != "input":  # the form's own text: questions, rubric bands, hints
                    out = Text()
                    self.render_block(block, out, None, view)
                    if out.plain.strip():
                        self.console.print(out)
                    continue
                answer = self.ask_input(block)
                if answer is None:
                    self.console.print("[dim]Modal closed.[/dim]")
                    return
                values.setdefault(block["block_id"], {})[block["element"]["action_id"]] = answer
            reply = self.driver.submit(self.user, view, values)
            action = reply.json.get("response_action")
            if action == "update" and isinstance(reply.json.get("view"), dict):  # the next page
                view = {**reply.json["view"], "id": view.get("id"), "hash": f"{view.get('hash', '')}+"}
                self.console.print(Panel(Text(_plain(view.get("title", {}).get("text", ""))), expand=False))
                continue
            errors = reply.json.get("errors") if action == "errors" else None
            if not errors:
                self.console.print("[green]Submitted.[/green]")
                return
            for block_id, problem in errors.items():
                self.console.print(f"[red]{block_id}: {problem}[/red]")

    def ask_input(self, block: JSONDict) -> JSONDict | None:
        """Ask for one modal field; returns Slack's state value for it, or None to cancel."""
        element = block["element"]
        label = _plain(block.get("label", {}).get("text", block.get("block_id", "")))
        if block.get("optional"):
            label += " (optional)"
        kind = str(element.get("type"))
        options = element.get("options") or []
        if kind in {"static_select", "radio_buttons", "checkboxes", "multi_static_select"}:
            for number, option in enumerate(options, start=1):
                self.console.print(f"   ({number}) {_plain(option['text']['text'])}")
        initial = _initial(element)
        hint = {
            "checkboxes": "numbers, comma-separated",
            "multi_static_select": "numbers, comma-separated",
            "multi_users_select": "user ids, comma-separated",
            "users_select": "a user id",
        }.get(kind)
        if kind == "plain_text_input" and element.get("multiline"):
            hint = "several lines; end with a line holding only ."
        answer = self.read(f"{label}{f' ({hint})' if hint else ''} [{initial}]: ")
        if answer is None or answer.strip() == "cancel":
            return None
        if kind == "plain_text_input" and element.get("multiline") and answer.strip():
            more = [answer]
            while (line := self.read("… ")) is not None and line.strip() != ".":
                more.append(line)
            answer = "\n".join(more)
            return {"type": kind, "value": answer}
        answer = answer.strip()
        if kind in {"static_select", "radio_buttons"}:
            chosen = next((o for o in options if o["value"] == initial), None)
            if answer.isascii() and answer.isdigit() and 1 <= int(answer) <= len(options):
                chosen = options[int(answer) - 1]
            return {"type": kind, "selected_option": chosen}
        if kind in {"checkboxes", "multi_static_select"}:
            picked = (
                [
                    options[int(n) - 1]
                    for n in answer.split(",")
                    if n.strip().isascii() and n.strip().isdigit() and 1 <= int(n) <= len(options)
                ]
                if answer
                else element.get("initial_options") or []
            )
            return {"type": kind, "selected_options": picked}
        if kind == "multi_users_select":
            users = [u.strip() for u in answer.split(",") if u.strip()] if answer else element.get("initial_users", [])
            return {"type": kind, "selected_users": users}
        value = answer or initial
        key = {
            "timepicker": "selected_time",
            "datepicker": "selected_date",
            "users_select": "selected_user",
            "conversations_select": "selected_conversation",
            "channels_select": "selected_channel",
        }.get(kind, "value")
        return {"type": kind, key: value or None}


def _initial(element: JSONDict) -> str:
    for key in ("initial_time", "initial_date", "initial_value", "initial_user", "initial_conversation"):
        if element.get(key):
            return str(element[key])
    if element.get("initial_option"):
        return str(element["initial_option"].get("value", ""))
    if element.get("initial_users"):
        return ",".join(element["initial_users"])
    return ""


MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
DEMO_NAMES = {user.slack_id: user.name for user in DEMO_USERS}


def _plain(mrkdwn: str) -> str:
    text = MENTION.sub(lambda match: "@" + DEMO_NAMES.get(match.group(1), match.group(1)), mrkdwn)
    text = MRKDWN_BOLD.sub(r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def run_shell(playground: Playground, user: str, stdin: TextIO | None = None, console: Any = None) -> None:
    Shell(playground, user, stdin or sys.stdin, console or Console(highlight=False)).run()
