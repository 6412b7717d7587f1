"""Sends requests to the app the way Slack does: signed, form-encoded, with retries' headers.

Each call returns a :class:`Reply` holding the HTTP answer (the ack) and, after a short
wait, whatever the app sent to the request's ``response_url``.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.sim.server import JSONDict, SimMessage, SlackSimulator

# What Slack leaves unescaped in a slash command's text: the mentions and links its client
# turned the typed text into (``<@U123|ann>``, ``<#C123|general>``, ``<!here>``, ``<https://…>``).
_SLACK_LINK = re.compile(r"<(?:[@#!][^<>\s]*|https?://[^<>\s]*)>")


# How long a command or a click waits for the app's answer on its response_url. The wait
# ends as soon as the answer comes; a loaded test machine may need more than a second or two.
WAIT = 5.0


def as_slack_sends_it(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` in typed text as Slack does before sending a command."""
    parts, last = [], 0
    for link in _SLACK_LINK.finditer(text):
        parts += [_escape(text[last : link.start()]), link.group()]
        last = link.end()
    return "".join([*parts, _escape(text[last:])])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Reply:
    status: int
    body: str
    response_url: str | None = None
    responses: list[JSONDict] = field(default_factory=list)

    @property
    def json(self) -> JSONDict:
        try:
            loaded = json.loads(self.body) if self.body else {}
        except json.JSONDecodeError:
            return {}
        return loaded if isinstance(loaded, dict) else {}

    @property
    def messages(self) -> list[JSONDict]:
        """The ack body (when it carries a message) followed by response_url replies."""
        ack = self.json
        first = [ack] if ack.get("text") or ack.get("blocks") else []
        return first + self.responses

    @property
    def text(self) -> str:
        """Everything readable in the reply, for assertions: texts and block texts."""
        return "\n".join(_readable(message) for message in self.messages)


def _readable(message: JSONDict) -> str:
    parts = [str(message.get("text") or "")]
    parts.extend(block_text(block) for block in message.get("blocks") or [])
    return "\n".join(part for part in parts if part)


def block_text(block: JSONDict) -> str:
    """All human-readable text inside one block."""
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in {"plain_text", "mrkdwn"} and isinstance(node.get("text"), str):
                texts.append(node["text"])
            for key, value in node.items():
                if key != "text" or not isinstance(value, str):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(block)
    return "\n".join(texts)


class SlackDriver:
    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        sim: SlackSimulator,
        team_id: str | None = None,
        *,
        answering: Callable[[], bool] | None = None,
    ) -> None:
        self.app_url = app_url.rstrip("/") + "/slack/events"
        # Whether the app is still answering a request (the playground knows): a wait for a
        # reply ends when the app is done, instead of running out a timeout for none.
        self.answering = answering
        self.verifier = SignatureVerifier(signing_secret)
        self.sim = sim
        self.team_id = team_id or sim.team_id
        self.last_request: tuple[str, str] = ("", "")

    # ----- transport -------------------------------------------------------------------
    def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        signed: bool = True,
        timestamp: int | None = None,
    ) -> tuple[int, str]:
        self.last_request = (body, content_type)
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        request_headers = {"Content-Type": content_type, **(headers or {})}
        if signed:
            signature = self.verifier.generate_signature(timestamp=stamp, body=body)
            request_headers |= {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature or ""}
        request = urllib.request.Request(  # noqa: S310 - an http URL we built
            self.app_url, data=body.encode(), headers=request_headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback URL we built
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def replay(self, *, later: int = 2) -> tuple[int, str]:
        """Send the last request's body again, signed ``later`` seconds on: what Slack does
        when a form is submitted again after a slow answer, or a command or click reaches us
        twice. (The same signature twice is refused as a replay attack.)"""
        body, content_type = self.last_request
        return self.post(body, content_type, timestamp=int(time.time()) + later)

    def get(self, path: str, *, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        """A browser visiting the app (OAuth install pages): status, headers, body."""
        url = self.app_url.removesuffix("/slack/events") + path
        request = urllib.request.Request(url, headers=headers or {}, method="GET")  # noqa: S310 - our loopback URL
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our loopback URL
                return response.status, dict(response.headers.items()), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers.items()), error.read().decode()

    def _collect(self, status: int, body: str, response_url: str | None, wait: float) -> Reply:
        reply = Reply(status, body, response_url)
        if response_url and wait > 0:
            if self.answering is None:
                self.sim.wait_for(lambda: bool(self.sim.replies(response_url)), timeout=wait)
                time.sleep(0.05)  # a second reply may follow the first
            else:
                self._until_answered(wait)
            reply.responses = self.sim.replies(response_url)
        return reply

    def _until_answered(self, wait: float) -> None:
        """Wait until the app has finished with the request (every reply it makes is in)."""
        assert self.answering is not None
        deadline = time.monotonic() + wait
        while self.answering() and time.monotonic() < deadline:
            time.sleep(0.005)

    # ----- what people do in Slack -------------------------------------------------------
    def command(
        self,
        user_id: str,
        text: str = "",
        *,
        command: str = "/coach",
        channel_id: str = "CGENERAL",
        wait: float = WAIT,
        **post_options: Any,
    ) -> Reply:
        response_url = self.sim.new_response_url()
        form = {
            "token": "deprecated",
            "team_id": self.team_id,
            "team_domain": "demo",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": self.sim.users[user_id].name if user_id in self.sim.users else user_id.lower(),
            "command": command,
            "text": as_slack_sends_it(text),
            "api_app_id": "ACOACHBOT",
            "response_url": response_url,
            "trigger_id": self.sim.new_trigger(user_id),
        }
        status, body = self.post(urlencode(form), "application/x-www-form-urlencoded", **post_options)
        wait = wait if status == 200 and not _has_message(body) else min(wait, 0.3)
        return self._collect(status, body, response_url, wait)

    def _interaction(self, payload: JSONDict, wait: float, **post_options: Any) -> Reply:
        body = urlencode({"payload": json.dumps(payload)})
        status, text = self.post(body, "application/x-www-form-urlencoded", **post_options)
        return self._collect(status, text, payload.get("response_url"), wait)

    def click(
        self,
        user_id: str,
        message: SimMessage | JSONDict,
        action_id: str,
        value: str | None = None,
        *,
        state: JSONDict | None = None,
        wait: float = WAIT,
        element: JSONDict | None = None,
        **post_options: Any,
    ) -> Reply:
        """Click a button of a message: a posted one, or an ephemeral reply (a dict from ``Reply.messages``).

        The first element with ``action_id`` (and ``value``) is clicked; ``state`` is the
        message's ``state.values`` (ticked checkboxes), sent along as Slack does. ``element``
        clicks a button as a client last showed it, though the message has changed since.
        """
        blocks, channel, ts, text, response_url = self._clicked_in(message)
        button = element if element is not None else find_element(blocks, action_id, value)
        action = {
            "type": button.get("type", "button"),
            "action_id": button["action_id"],
            "block_id": button.get("_block_id", ""),
            "value": button.get("value", ""),
            "action_ts": str(time.time()),
        }
        return self._block_actions(
            user_id, blocks, channel, ts, text, response_url, action, state, wait, **post_options
        )

    def _clicked_in(self, message: SimMessage | JSONDict) -> tuple[list[JSONDict], str, str, str, str]:
        """Blocks, channel, ts, text and a fresh response_url of the message clicked in: a
        posted one (its response_url can replace it), or an ephemeral reply (it cannot)."""
        if isinstance(message, SimMessage):
            url = self.sim.new_response_url(origin=(message.channel, message.ts))
            return message.blocks, message.channel, message.ts, message.text, url
        blocks, text = message.get("blocks") or [], str(message.get("text") or "")
        return blocks, "CGENERAL", "", text, self.sim.new_response_url()

    def select(
        self, user_id: str, message: SimMessage | JSONDict, action_id: str, value: str, *, wait: float = WAIT
    ) -> Reply:
        """Choose the option with ``value`` in a message's static_select, as Slack reports it."""
        blocks, channel, ts, text, response_url = self._clicked_in(message)
        menu = find_element(blocks, action_id)
        option = next((o for o in menu.get("options") or [] if o.get("value") == value), None)
        if option is None:
            raise LookupError(f"no option {value!r} in {action_id!r}")
        action = {
            "type": menu.get("type", "static_select"),
            "action_id": action_id,
            "block_id": menu.get("_block_id", ""),
            "selected_option": option,
            "action_ts": str(time.time()),
        }
        return self._block_actions(user_id, blocks, channel, ts, text, response_url, action, None, wait)

    def _block_actions(
        self,
        user_id: str,
        blocks: list[JSONDict],
        channel: str,
        ts: str,
        text: str,
        response_url: str,
        action: JSONDict,
        state: JSONDict | None,
        wait: float,
        **post_options: Any,
    ) -> Reply:
        payload = {
            "type": "block_actions",
            "team": {"id": self.team_id, "domain": "demo"},
            "user": {"id": user_id, "team_id": self.team_id},
            "api_app_id": "ACOACHBOT",
            "trigger_id": self.sim.new_trigger(user_id),
            "container": {"type": "message", "channel_id": channel, "message_ts": ts, "is_ephemeral": not ts},
            "channel": {"id": channel},
            "message": {"ts": ts, "text": text, "blocks": blocks},
            "state": {"values": state or {}},
            "response_url": response_url,
            "actions": [action],
        }
        return self._interaction(payload, wait, **post_options)

    def click_in_view(
        self,
        user_id: str,
        view: JSONDict,
        action_id: str,
        value: str | None = None,
        *,
        wait: float = 1.0,
        element: JSONDict | None = None,
    ) -> Reply:
        button = element if element is not None else find_element(view.get("blocks") or [], action_id, value)
        payload = {
            "type": "block_actions",
            "team": {"id": self.team_id},
            "user": {"id": user_id, "team_id": self.team_id},
            "api_app_id": "ACOACHBOT",
            "trigger_id": self.sim.new_trigger(user_id),
            "container": {"type": "view", "view_id": view.get("id", "")},
            "view": view,
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": button.get("_block_id", ""),
                    "value": button.get("value", ""),
                    "action_ts": str(time.time()),
                }
            ],
        }
        return self._interaction(payload, wait)

    def submit(
        self,
        user_id: str,
        view: JSONDict,
        values: dict[str, dict[str, JSONDict]],
        *,
        wait: float = 0.0,
        **post_options: Any,
    ) -> Reply:
        """Submit a modal; ``values`` is Slack's ``state.values`` shape (block -> action -> value)."""
        payload = {
            "type": "view_submission",
            "team": {"id": self.team_id},
            "user": {"id": user_id, "team_id": self.team_id},
            "api_app_id": "ACOACHBOT",
            "trigger_id": self.sim.new_trigger(user_id),
            "view": {
                **view,
                "id": view.get("id", "V" + uuid.uuid4().hex[:8].upper()),
                "team_id": self.team_id,
                "type": "modal",
                "state": {"values": values},
            },
        }
        return self._interaction(payload, wait, **post_options)

    def event(
        self, event: JSONDict, *, event_id: str | None = None, retry_num: int | None = None, **post_options: Any
    ) -> Reply:
        envelope = {
            "token": "deprecated",
            "team_id": self.team_id,
            "api_app_id": "ACOACHBOT",
            "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
            "event": {"event_ts": str(time.time()), **event},
            "authorizations": [{"team_id": self.team_id, "user_id": "UBOT", "is_bot": True}],
        }
        headers = post_options.pop("headers", {}) or {}
        if retry_num is not None:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        status, body = self.post(json.dumps(envelope), "application/json", headers=headers, **post_options)
        return Reply(status, body)


def _has_message(body: str) -> bool:
    try:
        loaded = json.loads(body) if body else {}
    except json.JSONDecodeError:
        return bool(body)
    return isinstance(loaded, dict) and bool(loaded.get("text") or loaded.get("blocks"))


def find_element(blocks: list[JSONDict], action_id: str, value: str | None = None) -> JSONDict:
    """The interactive element with ``action_id`` (and ``value``), with its block id attached."""
    for block in blocks:
        elements = list(block.get("elements") or [])
        if block.get("accessory"):
            elements.append(block["accessory"])
        for element in elements:
            if element.get("action_id") == action_id and (value is None or element.get("value") == value):
                return {**element, "_block_id": block.get("block_id", "")}
    raise LookupError(f"no element {action_id!r}{f' with value {value!r}' if value else ''} in these blocks")
