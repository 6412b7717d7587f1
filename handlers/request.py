"""Who is asking, in which workspace and language, and how to answer them.

The request middleware (:func:`handlers.middleware.attach_request`) builds one
:class:`SlackRequest` per Slack request and listeners name it as ``incoming``. The
person and their language are read from the database on first use, not before the
ack: a button's ack never waits for a query.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.core.audit import record
from bot.core.db.models import Member, Role, Workspace
from bot.core.deps import Deps
from bot.core.errors import UserError
from bot.core.events import first_delivery
from bot.core.i18n import member_locale, resolve_locale
from bot.core.localtime import local_today
from bot.core.notify import Notifier
from bot.core.render import Message
from bot.people.members import find_member, require_member, require_role
from bot.people.workspaces import ensure_workspace

log = logging.getLogger(__name__)


class AlreadyHandled(Exception):
    """The same Slack request came again (a resubmitted form, a replayed click or command):
    its first delivery already did the work, so this one does nothing."""


def delivery_key(body: dict[str, Any]) -> str | None:
    """What identifies one delivery of a request: the submitted view's id and version, a
    click's action_ts, a command's trigger id. Two real clicks have two keys; a repeat, one."""
    if body.get("type") == "view_submission":
        view = body.get("view") or {}
        return f"view:{view.get('id')}:{view.get('hash')}" if view.get("id") else None
    if body.get("type") == "block_actions":
        actions = body.get("actions") or [{}]
        stamp = actions[0].get("action_ts") if isinstance(actions[0], dict) else None
        user = (body.get("user") or {}).get("id")
        return f"click:{user}:{stamp}" if stamp and user else None
    if body.get("command") and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"
    return None


@dataclass
class SlackRequest:
    deps: Deps
    workspace_id: str
    user_id: str
    trigger_id: str | None = None
    channel_id: str | None = None
    _ack: Callable[..., Any] | None = None
    _respond: Callable[..., Any] | None = None
    acked: bool = field(default=False)
    _client: WebClient | None = None
    key: str | None = None  # this delivery (see delivery_key)

    @classmethod
    def from_body(
        cls, deps: Deps, body: dict[str, Any], ack: Any = None, respond: Any = None, client: WebClient | None = None
    ) -> SlackRequest:
        """The asker of any Slack payload: a slash command, a click, a submission or an event."""
        event = body.get("event") or {}
        team = team_of(body)
        user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
        if isinstance(user, dict):  # user_change and team_join carry the whole user object
            user = user.get("id")
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id") or event.get("channel")
        return cls(
            deps,
            str(team or ""),
            str(user or ""),
            trigger_id=body.get("trigger_id"),
            channel_id=channel,
            _ack=ack,
            _respond=respond,
            _client=client,
            key=delivery_key(body),
        )

    @classmethod
    def load(cls, deps: Deps, workspace_id: str, user_id: str, **extra: Any) -> SlackRequest:
        request = cls(deps, workspace_id, user_id, **extra)
        request.member  # noqa: B018 - read now, while the caller expects the database
        return request

    @contextmanager
    def once(self) -> Iterator[Session]:
        """The request's write transaction, done once per delivery: the delivery's key is
        claimed in the same transaction as the change, so a repeat finds it and stops
        (:class:`AlreadyHandled`), and a failure or a crash leaves no claim behind."""
        with self.deps.sessions.begin() as session:
            if self.key and not first_delivery(session, _short(self.key), self.workspace_id, self.deps.now()):
                raise AlreadyHandled(self.key)
            yield session

    @cached_property
    def _asker(self) -> tuple[Member | None, Workspace, str]:
        with self.deps.sessions.begin() as session:
            workspace = ensure_workspace(session, self.workspace_id, self.deps.settings, self.deps.now())
            member = find_member(session, self.workspace_id, self.user_id)
            locale = member_locale(member, workspace) if member else resolve_locale(workspace.locale)
        return member, workspace, locale

    @property
    def member(self) -> Member | None:
        return self._asker[0]

    @property
    def workspace(self) -> Workspace:
        return self._asker[1]

    @property
    def locale(self) -> str:
        return self._asker[2]

    def today(self) -> date:
        """The asker's own date, in their timezone."""
        return local_today(self.member_or_refuse(), self.workspace, self.deps.now())

    @property
    def client(self) -> WebClient:
        """The Web API client for this request's workspace (Bolt's, with its token)."""
        assert self._client is not None, "a request built outside Bolt has no client"
        return self._client

    @property
    def notifier(self) -> Notifier:
        """For use cases: renders in each recipient's language and queues, at this instant."""
        return Notifier(self.deps.renderer, self.deps.content, self.deps.now())

    # ----- permissions -----------------------------------------------------------------
    def member_or_refuse(self) -> Member:
        if self.member is None or not self.member.active:
            raise UserError("errors.not_in_roster")
        return self.member

    def require(self, *roles: Role) -> Member:
        member = self.member_or_refuse()
        require_role(member, roles)
        return member

    def refresh_member(self) -> Member:
        with self.deps.sessions() as session:
            member = require_member(session, self.workspace_id, self.user_id)
        self.__dict__["_asker"] = (member, self.workspace, self.locale)
        return member

    def audit(self, action: str, subject: str | None = None, **detail: object) -> None:
        """Record that this person looked at or exported personal data (privacy reviews)."""
        with self.deps.sessions.begin() as session:
            record(
                session,
                workspace_id=self.workspace_id,
                actor=self.user_id,
                action=action,
                subject=subject,
                now=self.deps.now(),
                detail=dict(detail),
            )

    # ----- answering -------------------------------------------------------------------
    def t(self, key: str, **params: object) -> str:
        return self.deps.renderer.t(self.locale, key, **params)

    def render(self, template: str, **context: Any) -> Message:
        return self.deps.renderer.message(template, self.locale, **context)

    def notice(self, key: str, **params: object) -> None:
        """An ephemeral one-line answer from the catalog."""
        self.reply(self.render("notice", text=self.t(key, **params)))

    def ack(self, message: Message | None = None, **extra: Any) -> None:
        if self._ack is None or self.acked:
            if message is not None:
                self.reply(message)
            return
        self.acked = True
        self._ack(**(message.as_payload() if message else {}), **extra)

    def reply(self, message: Message) -> None:
        """An ephemeral answer: in the ack when still possible, else via response_url."""
        if not self.acked and self._ack is not None:
            self.ack(message)
        elif self._respond is not None:
            self._respond(response_type="ephemeral", replace_original=False, **message.as_payload())

    def error_text(self, error: UserError) -> str:
        return self.t(error.key, **error.params)

    def fail(self, error: UserError) -> None:
        self.reply(self.render("error", text=self.error_text(error)))

    def apology_text(self, exc: BaseException) -> str:
        """Logs ``exc`` with a new error id; the text to show: try again if the database
        was only busy, otherwise the id to give an admin."""
        error_id = uuid.uuid4().hex[:8]
        log.error("error id %s for %s in %s: %r", error_id, self.user_id, self.workspace_id, exc, exc_info=exc)
        key = "errors.busy" if isinstance(exc, OperationalError) else "errors.unexpected"
        return self.deps.renderer.t(self.safe_locale(), key, error_id=error_id)

    def apologise(self, exc: BaseException) -> None:
        self.reply(self.render_safely(self.apology_text(exc)))

    def render_safely(self, text: str) -> Message:
        return self.deps.renderer.message("error", self.safe_locale(), text=text)

    def safe_locale(self) -> str:
        try:
            return self.locale
        except Exception:  # the database that failed the request may fail this too
            return resolve_locale(self.deps.settings.locale)


def _short(key: str) -> str:
    """Keys fit the processed-events table (64 characters) whatever Slack's ids look like."""
    return key if len(key) <= 64 else "h:" + hashlib.sha256(key.encode()).hexdigest()[:60]


def team_of(body: dict[str, Any]) -> str:
    """The workspace a Slack payload comes from: a command's team_id, a click's or a
    submission's team, an event envelope's team_id."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    return str(team or "")


def apology(deps: Deps, locale: str, exc: BaseException, error_id: str) -> Message:
    """What to tell someone whose request failed on our side: try again if the database
    was only busy, otherwise the error id to give their admin."""
    key = "errors.busy" if isinstance(exc, OperationalError) else "errors.unexpected"
    return deps.renderer.message("error", locale, text=deps.renderer.t(locale, key, error_id=error_id))
