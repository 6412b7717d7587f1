"""A local HTTP server that plays the Slack Web API methods Coachbot uses.

It records every call, keeps the messages, modals and App Home views it was given,
and can be told to fail (``429`` with ``Retry-After``, an error code, a 5xx) so tests
can watch the bot cope. The bot reaches it through ``SLACK_API_URL`` with a real
``slack_sdk.WebClient``, exactly as it would reach Slack.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from bot.sim.ratelimit import RateLimiter

JSONDict = dict[str, Any]


@dataclass
class SimUser:
    id: str
    name: str
    real_name: str
    tz: str = "Asia/Shanghai"
    locale: str = "zh-CN"
    is_bot: bool = False
    is_admin: bool = False  # a Slack workspace admin (first-run: may claim Coachbot's admin role)
    deleted: bool = False


@dataclass
class SimMessage:
    channel: str
    ts: str
    text: str
    blocks: list[JSONDict]
    user: str | None = None  # the DM partner when channel is a DM
    thread_ts: str | None = None
    ephemeral_to: str | None = None
    history: list[JSONDict] = field(default_factory=list)


@dataclass
class SimChannel:
    id: str
    name: str
    is_private: bool = False
    members: set[str] = field(default_factory=set)  # user ids; the bot is "UBOT"


@dataclass
class Failure:
    error: str | None = None
    status: int = 200
    retry_after: float | str | None = None


# Slack's limits on a posted message: blocks, a section's text, the message text.
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_TEXT = 40000


def _over_limits(params: JSONDict) -> JSONDict | None:
    """Refuse what Slack refuses: more than 50 blocks or a section over 3,000 characters
    (``invalid_blocks``), text over 40,000 characters (``msg_too_long``)."""
    blocks = _blocks(params.get("blocks"))
    if len(blocks) > MAX_BLOCKS:
        return {"ok": False, "error": "invalid_blocks"}
    for block in blocks:
        text = block.get("text") if isinstance(block, dict) and block.get("type") == "section" else None
        if isinstance(text, dict) and len(str(text.get("text") or "")) > MAX_SECTION_TEXT:
            return {"ok": False, "error": "invalid_blocks"}
    if len(str(params.get("text") or "")) > MAX_TEXT:
        return {"ok": False, "error": "msg_too_long"}
    return None


class SlackSimulator:
    """The fake Slack. ``start()`` it, point ``SLACK_API_URL`` at :attr:`api_url`."""

    BOT_USER = "UBOT"

    def __init__(
        self,
        team_id: str = "T0DEMO",
        bot_token: str = "xoxb-playground",  # noqa: S107
        team_name: str = "Demo",
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.bot_token = bot_token
        # What the token was granted at install: Slack names them in every answer's x-oauth-scopes header.
        self.scopes: list[str] = []
        self.channels: dict[str, SimChannel] = {}
        # #general, with the bot invited (the demo posts polls there). Other channels are added
        # with add_channel and then hold Slack's rules; an id never added is taken as one the
        # bot is in (tests' HR channels), the one place the simulator is kinder than Slack.
        self.channels["CGENERAL"] = SimChannel("CGENERAL", "general", False, {self.BOT_USER})
        self.users: dict[str, SimUser] = {}
        self.calls: list[tuple[str, JSONDict]] = []
        self.messages: list[SimMessage] = []
        self.views: dict[str, JSONDict] = {}
        self.home: dict[str, JSONDict] = {}
        self.responses: dict[str, list[JSONDict]] = {}
        self.files: list[JSONDict] = []
        # OAuth installs (issue 11): the app's credentials, codes handed out, tokens per team
        self.client_id, self.client_secret = "1111.2222", "sim-client-secret"
        self.oauth_codes: dict[str, tuple[str, str]] = {}  # code -> (team, installer)
        self.team_tokens: dict[str, str] = {}  # bot token -> team
        self.triggers: dict[str, str] = {}  # trigger id -> user
        self.opened_views: list[JSONDict] = []
        self.rate_limiter: RateLimiter | None = None
        self._origins: dict[str, tuple[str, str]] = {}
        self.accept_any_user = False  # benchmarks address thousands of users nobody registered
        self.latency = 0.0  # seconds before each Web API answer: Slack is a network round trip away
        self._failures: dict[str, deque[Failure]] = {}
        self._ts = itertools.count(1)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle -------------------------------------------------------------------
    def start(self, port: int = 0) -> SlackSimulator:
        simulator = self

        class Handler(_Handler):
            sim = simulator

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="slack-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server, "start() the simulator first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def __enter__(self) -> SlackSimulator:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ----- arranging -------------------------------------------------------------------
    def add_user(self, user_id: str, name: str, **extra: Any) -> SimUser:
        user = SimUser(id=user_id, name=name.lower().replace(" ", "."), real_name=name, **extra)
        self.users[user_id] = user
        return user

    def add_channel(
        self, channel_id: str, name: str, *, is_private: bool = False, bot_is_member: bool = False
    ) -> SimChannel:
        channel = SimChannel(channel_id, name, is_private, {self.BOT_USER} if bot_is_member else set())
        self.channels[channel_id] = channel
        return channel

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: float | str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail like Slack would."""
        with self._lock:
            queue = self._failures.setdefault(method, deque())
            queue.extend(Failure(error, status, retry_after) for _ in range(times))

    def new_response_url(self, origin: tuple[str, str] | None = None) -> str:
        """A response_url; with ``origin`` (channel, ts) a reply can replace that message, as in Slack."""
        key = uuid.uuid4().hex
        with self._lock:
            self.responses[key] = []
            if origin:
                self._origins[key] = origin
        return f"{self.base_url}/response/{key}"

    def new_trigger(self, user_id: str) -> str:
        trigger = f"{next(self._ts)}.{uuid.uuid4().hex[:10]}"
        with self._lock:
            self.triggers[trigger] = user_id
        return trigger

    # ----- observing -------------------------------------------------------------------
    def calls_to(self, method: str) -> list[JSONDict]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def messages_for(self, user_id: str) -> list[SimMessage]:
        """Messages a user would see: DMs to them, ephemerals for them, posts in channels."""
        with self._lock:
            return [m for m in self.messages if m.user == user_id or m.ephemeral_to == user_id]

    def replies(self, response_url: str) -> list[JSONDict]:
        with self._lock:
            return list(self.responses.get(response_url.rsplit("/", 1)[-1], []))

    def wait_for(self, predicate: Any, timeout: float = 5.0) -> bool:
        """Wait until ``predicate()`` is true; the bot answers on its own threads."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True

    def find_message(self, channel: str, ts: str) -> SimMessage | None:
        with self._lock:
            return next((m for m in self.messages if m.channel == channel and m.ts == ts), None)

    # ----- the Web API -----------------------------------------------------------------
    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _dm_channel(self, user_id: str) -> str:
        return "D" + user_id[1:]

    def _outsider(self, channel_id: str) -> JSONDict | None:
        """Slack's answer to a post where the bot is not a member: ``not_in_channel`` for a
        public channel (without chat:write.public), ``channel_not_found`` for a private one."""
        channel = self.channels.get(channel_id)
        if channel is None or self.BOT_USER in channel.members:
            return None
        return {"ok": False, "error": "channel_not_found" if channel.is_private else "not_in_channel"}

    def _resolve_channel(self, channel: str) -> tuple[str, str | None]:
        """A user id as channel means a DM, as in Slack's chat.postMessage."""
        if channel.startswith(("U", "W")):
            return self._dm_channel(channel), channel
        if channel.startswith("D"):
            return channel, "U" + channel[1:]
        return channel, None

    def handle(self, method: str, params: JSONDict, token: str | None) -> tuple[int, JSONDict, dict[str, str]]:
        with self._changed:
            self.calls.append((method, params))
            self._changed.notify_all()
            if self.rate_limiter is not None:
                retry_after = self.rate_limiter.check(method, str(params.get("channel", "")))
                if retry_after is not None:
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
            queue = self._failures.get(method)
            if queue:
                failure = queue.popleft()
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                return failure.status, {"ok": False, "error": failure.error or "ratelimited"}, headers
            if method == "oauth.v2.access":
                return 200, self.api_oauth_v2_access(params), {}
            if not token:
                return 200, {"ok": False, "error": "not_authed"}, {}
            if token != self.bot_token and token not in self.team_tokens:
                return 200, {"ok": False, "error": "invalid_auth"}, {}
            granted = {"x-oauth-scopes": ",".join(self.scopes)}  # lower-case, as Slack sends it
            if method == "auth.test":
                return 200, self.api_auth_test({"team_id": self.team_tokens.get(str(token), self.team_id)}), granted
            handler = getattr(self, "api_" + method.replace(".", "_"), None)
            if handler is None:
                return 200, {"ok": False, "error": "unknown_method"}, {}
            result: JSONDict = handler(params)
            self._changed.notify_all()
            return 200, result, granted

    def api_auth_test(self, params: JSONDict) -> JSONDict:
        """Slack's answer for a bot token: who the token is, in which workspace."""
        team = str(params.get("team_id") or self.team_id)
        name = self.team_name if team == self.team_id else f"Team {team}"
        return {
            "ok": True,
            "url": f"https://{team.lower()}.slack.com/",
            "team": name,
            "user": "coachbot",
            "team_id": team,
            "user_id": self.BOT_USER,
            "bot_id": "BBOT",
            "is_enterprise_install": False,
        }

    def api_conversations_info(self, params: JSONDict) -> JSONDict:
        """A channel as the bot sees it: a private one it is not in does not exist for it."""
        channel = self.channels.get(str(params.get("channel") or ""))
        needed = "groups:read" if channel is not None and channel.is_private else "channels:read"
        if needed not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": needed, "provided": ",".join(self.scopes)}
        if channel is None or (channel.is_private and self.BOT_USER not in channel.members):
            return {"ok": False, "error": "channel_not_found"}
        return {
            "ok": True,
            "channel": {
                "id": channel.id,
                "name": channel.name,
                "is_channel": True,
                "is_group": False,
                "is_im": False,
                "is_mpim": False,
                "is_private": channel.is_private,
                "is_archived": False,
                "is_general": False,
                "name_normalized": channel.name,
                "created": 1654868334,
                "is_member": self.BOT_USER in channel.members,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0},
            },
        }

    # ----- OAuth installs and shared files (issue 11) ------------------------------------
    def approve_install(self, team_id: str, installer: str) -> str:
        """The installer clicks *Allow* on slack.com: a one-time code for the redirect."""
        code = uuid.uuid4().hex
        with self._lock:
            self.oauth_codes[code] = (team_id, installer)
        return code

    def api_oauth_v2_access(self, params: JSONDict) -> JSONDict:
        if (params.get("client_id"), params.get("client_secret")) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        grant = self.oauth_codes.pop(str(params.get("code") or ""), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        team, installer = grant
        token = f"xoxb-{team.lower()}-{uuid.uuid4().hex[:12]}"
        self.team_tokens[token] = team
        return {
            "ok": True,
            "access_token": token,
            "token_type": "bot",
            "scope": "chat:write,commands",
            "bot_user_id": "UBOT",
            "app_id": "ACOACHBOT",
            "team": {"id": team, "name": f"Team {team}"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": installer},
        }

    def share_file(self, user_id: str, filename: str, content: bytes) -> JSONDict:
        """A person drops a file into their DM with the bot; returns the file as events carry it."""
        file_id = "F" + uuid.uuid4().hex[:10].upper()
        url = f"{self.base_url}/files/{file_id}/{filename}"
        record = {"id": file_id, "name": filename, "filetype": filename.rsplit(".", 1)[-1], "user": user_id}
        record |= {"url_private": url, "url_private_download": url}
        with self._lock:
            self.files.append({**record, "filename": filename, "content": content, "shared": True})
        return record

    def api_files_info(self, params: JSONDict) -> JSONDict:
        for record in self.files:
            if record["id"] == params.get("file") and "url_private" in record:
                return {"ok": True, "file": {k: v for k, v in record.items() if k not in {"content", "shared"}}}
        return {"ok": False, "error": "file_not_found"}

    def file_content(self, file_id: str, token: str | None) -> bytes | None:
        if token != self.bot_token and token not in self.team_tokens:
            return None
        with self._lock:
            return next((bytes(r["content"]) for r in self.files if r["id"] == file_id and "url_private" in r), None)

    def _known_target(self, user_id: str | None) -> JSONDict | None:
        if user_id is None or (self.accept_any_user and user_id not in self.users):
            return None
        user = self.users.get(user_id)
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        if user.deleted:
            return {"ok": False, "error": "account_inactive"}
        return None

    def api_chat_postMessage(self, params: JSONDict) -> JSONDict:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if problem := _over_limits(params):
            return problem
        channel, user = self._resolve_channel(str(params["channel"]))
        if problem := self._known_target(user):
            return problem
        if problem := self._outsider(channel):
            return problem
        message = SimMessage(
            channel=channel,
            ts=self._next_ts(),
            text=str(params.get("text") or ""),
            blocks=_blocks(params.get("blocks")),
            user=user,
            thread_ts=params.get("thread_ts"),
        )
        self.messages.append(message)
        return {"ok": True, "channel": channel, "ts": message.ts, "message": {"text": message.text}}

    def api_chat_postEphemeral(self, params: JSONDict) -> JSONDict:
        user = str(params.get("user") or "")
        if problem := self._known_target(user):
            return problem
        message = SimMessage(
            channel=str(params.get("channel") or ""),
            ts=self._next_ts(),
            text=str(params.get("text") or ""),
            blocks=_blocks(params.get("blocks")),
            ephemeral_to=user,
        )
        self.messages.append(message)
        return {"ok": True, "message_ts": message.ts}

    def api_chat_update(self, params: JSONDict) -> JSONDict:
        channel, _ = self._resolve_channel(str(params.get("channel") or ""))
        message = self.find_message(channel, str(params.get("ts") or ""))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.history.append({"text": message.text, "blocks": message.blocks})
        message.text = str(params.get("text") or message.text)
        if "blocks" in params:
            message.blocks = _blocks(params.get("blocks"))
        return {"ok": True, "channel": channel, "ts": message.ts}

    def api_conversations_open(self, params: JSONDict) -> JSONDict:
        users = str(params.get("users") or "").split(",")
        if len(users) == 1:
            return {"ok": True, "channel": {"id": self._dm_channel(users[0])}}
        return {"ok": True, "channel": {"id": "G" + uuid.uuid4().hex[:10].upper()}}

    def api_users_info(self, params: JSONDict) -> JSONDict:
        user = self.users.get(str(params.get("user") or ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        found = {
            "id": user.id,
            "name": user.name,
            "real_name": user.real_name,
            "tz": user.tz,
            "deleted": user.deleted,
            "is_bot": user.is_bot,
            "is_admin": user.is_admin,
            "profile": {"real_name": user.real_name, "display_name": user.name},
        }
        if str(params.get("include_locale") or "").lower() in {"1", "true"}:
            found["locale"] = user.locale  # Slack sends the locale only when asked for it
        return {"ok": True, "user": found}

    def _store_view(self, view: JSONDict, view_id: str | None = None) -> JSONDict:
        view_id = view_id or "V" + uuid.uuid4().hex[:10].upper()
        stored = {**view, "id": view_id, "state": {"values": {}}}
        self.views[view_id] = stored
        return stored

    def api_views_open(self, params: JSONDict) -> JSONDict:
        trigger = str(params.get("trigger_id") or "")
        user = self.triggers.pop(trigger, None)
        if user is None:
            return {"ok": False, "error": "expired_trigger_id"}
        view = _json(params.get("view"))
        stored = self._store_view(view)
        stored["user"] = user
        self.opened_views.append(stored)
        return {"ok": True, "view": stored}

    def api_views_update(self, params: JSONDict) -> JSONDict:
        view_id = str(params.get("view_id") or "")
        if view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        user = self.views[view_id].get("user")
        stored = self._store_view(_json(params.get("view")), view_id)
        stored["user"] = user
        return {"ok": True, "view": stored}

    def api_views_publish(self, params: JSONDict) -> JSONDict:
        user_id = str(params.get("user_id") or "")
        if problem := self._known_target(user_id):
            return problem
        self.home[user_id] = _json(params.get("view"))
        return {"ok": True, "view": self.home[user_id]}

    def api_files_getUploadURLExternal(self, params: JSONDict) -> JSONDict:
        file_id = "F" + uuid.uuid4().hex[:10].upper()
        self.files.append({"id": file_id, "filename": params.get("filename"), "content": b"", "shared": False})
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def api_files_completeUploadExternal(self, params: JSONDict) -> JSONDict:
        raw = params.get("files")
        entries: list[JSONDict] = json.loads(raw) if isinstance(raw, str) else list(raw or [])
        shared = []
        for entry in entries:
            for record in self.files:
                if record["id"] == entry.get("id"):
                    record.update(shared=True, title=entry.get("title"), channel=params.get("channel_id"))
                    shared.append({"id": record["id"], "title": entry.get("title")})
        return {"ok": True, "files": shared}

    def receive_upload(self, file_id: str, content: bytes) -> None:
        with self._changed:
            for record in self.files:
                if record["id"] == file_id:
                    record["content"] = content
            self._changed.notify_all()

    def receive_response(self, key: str, payload: JSONDict) -> bool:
        with self._changed:
            if key not in self.responses:
                return False
            self.responses[key].append(payload)
            origin = self._origins.get(key)
            message = self.find_message(*origin) if origin else None
            if message is not None and payload.get("replace_original") and payload.get("response_type") != "ephemeral":
                message.history.append({"text": message.text, "blocks": message.blocks})
                message.text = str(payload.get("text") or message.text)
                message.blocks = _blocks(payload.get("blocks"))
            self._changed.notify_all()
            return True


def _json(value: Any) -> JSONDict:
    if isinstance(value, str):
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {}
    return value if isinstance(value, dict) else {}


def _blocks(value: Any) -> list[JSONDict]:
    if isinstance(value, str):
        loaded = json.loads(value)
        return loaded if isinstance(loaded, list) else []
    return list(value or [])


class _Handler(BaseHTTPRequestHandler):
    sim: SlackSimulator
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the simulator records calls instead of logging them."""

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, payload: JSONDict, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """Downloads of shared files (url_private), with the bot token as Slack requires."""
        path = urlparse(self.path).path
        if path == "/_sim/stats":
            self._stats()
            return
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        content = self.sim.file_content(path.split("/")[2], token) if path.startswith("/files/") else None
        if content is None:  # Slack answers a bad token with its login page, not an error code
            body = b"<html>sign in</html>"
            self.send_response(200 if path.startswith("/files/") else 404)
            self.send_header("Content-Type", "text/html")
        else:
            body = content
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stats(self) -> None:
        """``/_sim/stats``: counts for a benchmark driving a simulator in another process."""
        sim = self.sim
        with sim._lock:
            distinct = {(m.channel, m.text, json.dumps(m.blocks, sort_keys=True)) for m in sim.messages}
            limited = sim.rate_limiter.limited if sim.rate_limiter else 0
            self._send(
                200,
                {"messages": len(sim.messages), "distinct": len(distinct), "limited": limited, "calls": len(sim.calls)},
            )

    def do_POST(self) -> None:
        path = urlparse(self.path).path
        raw = self._read_body()
        if path.startswith("/api/"):
            if self.sim.latency:
                time.sleep(self.sim.latency)
            params = self._params(raw)
            token = params.pop("token", None)
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Bearer "):
                token = auth.removeprefix("Bearer ")
            if auth.startswith("Basic "):  # oauth.v2.access: the app's id and secret
                client_id, _, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
                params |= {"client_id": client_id, "client_secret": secret}
            status, payload, headers = self.sim.handle(path.removeprefix("/api/"), params, token)
            self._send(status, payload, headers)
        elif path.startswith("/response/"):
            ok = self.sim.receive_response(path.rsplit("/", 1)[-1], _json(raw.decode() or "{}"))
            self._send(200 if ok else 404, {"ok": ok})
        elif path.startswith("/upload/"):
            self.sim.receive_upload(path.rsplit("/", 1)[-1], raw)
            self._send(200, {"ok": True})
        else:
            self._send(404, {"ok": False, "error": "not_found"})

    def _params(self, raw: bytes) -> JSONDict:
        content_type = self.headers.get("Content-Type", "")
        if "application/json" in content_type:
            return _json(raw.decode() or "{}")
        parsed = parse_qs(raw.decode(), keep_blank_values=True)
        params: JSONDict = {key: values[-1] for key, values in parsed.items()}
        query = parse_qs(urlparse(self.path).query)
        params.update({key: values[-1] for key, values in query.items()})
        return params
