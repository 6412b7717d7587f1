"""Who is asking, in which workspace and language, and how to answer them.

Every listener builds one of these first; it turns a :class:`UserError` into an
ephemeral reply in the person's language and anything else into an apology with an
id that also appears in the log.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import OperationalError

from bot.core.audit import record
from bot.core.db.models import Member, Role
from bot.core.deps import Deps
from bot.core.errors import UserError
from bot.core.i18n import resolve_locale
from bot.core.render import Message
from bot.people.members import find_member, member_locale, require_member, require_role
from bot.people.workspaces import ensure_workspace

log = logging.getLogger(__name__)


@dataclass
class SlackRequest:
    deps: Deps
    workspace_id: str
    user_id: str
    locale: str
    member: Member | None
    trigger_id: str | None = None
    channel_id: str | None = None
    _ack: Callable[..., Any] | None = None
    _respond: Callable[..., Any] | None = None
    acked: bool = field(default=False)

    @classmethod
    def load(cls, deps: Deps, workspace_id: str, user_id: str, **extra: Any) -> SlackRequest:
        with deps.sessions.begin() as session:
            workspace = ensure_workspace(session, workspace_id, deps.settings, deps.now())
            member = find_member(session, workspace_id, user_id)
            locale = member_locale(member, workspace) if member else resolve_locale(workspace.locale)
        return cls(deps, workspace_id, user_id, locale, member, **extra)

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
            self.member = require_member(session, self.workspace_id, self.user_id)
        return self.member

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

    def fail(self, error: UserError) -> None:
        text = self.t(error.key, **error.params)
        self.reply(self.render("error", text=text))

    def apologise(self, exc: BaseException) -> None:
        error_id = uuid.uuid4().hex[:8]
        log.error("error id %s for %s in %s: %r", error_id, self.user_id, self.workspace_id, exc, exc_info=exc)
        self.reply(apology(self.deps, self.locale, exc, error_id))


def apology(deps: Deps, locale: str, exc: BaseException, error_id: str) -> Message:
    """What to tell someone whose request failed on our side: try again if the database
    was only busy, otherwise the error id to give their admin."""
    key = "errors.busy" if isinstance(exc, OperationalError) else "errors.unexpected"
    return deps.renderer.message("error", locale, text=deps.renderer.t(locale, key, error_id=error_id))


def answering(request: SlackRequest, work: Callable[[], None]) -> None:
    """Run ``work``; turn what goes wrong into a message the person can act on.

    Once Slack has its ack, the work moves to the runtime's small work pool: Bolt runs
    every listener, ack included, on its own threads, and those must stay free for the
    next click's ack however long the database takes.
    """
    executor = request.deps.after_ack
    if request.acked and executor is not None:
        executor.submit(_run, request, work).add_done_callback(_log_failure)
    else:
        _run(request, work)


def _log_failure(future: Future[None]) -> None:
    """Even the apology failed (say Slack was unreachable): at least the log has it."""
    error = future.exception()
    if error is not None:
        log.error("could not answer a request after its ack: %r", error, exc_info=error)


def _run(request: SlackRequest, work: Callable[[], None]) -> None:
    try:
        work()
    except UserError as error:
        request.fail(error)
    except Exception as exc:
        request.apologise(exc)
