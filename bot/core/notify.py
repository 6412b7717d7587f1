"""Telling someone something: render a template in the recipient's language and queue it.

Use cases call :meth:`Notifier.notify`; nobody else renders and posts by hand. The row is
written in the caller's transaction with a dedupe key, so the message goes out exactly
once, and only if the change that caused it is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.core.content.bundle import Content
from bot.core.content.certification_rules import CertificationRules
from bot.core.content.library import ContentLibrary
from bot.core.db.models import Member, Workspace
from bot.core.i18n import member_locale
from bot.core.outbox import post_message
from bot.core.render import Message, Renderer


@dataclass(frozen=True)
class Notifier:
    """What a use case needs to tell people: the renderer, the content and the instant."""

    renderer: Renderer
    content: Content
    now: datetime

    @property
    def library(self) -> ContentLibrary:
        return self.content.library

    @property
    def rules(self) -> CertificationRules:
        return self.content.rules

    def locale_of(self, session: Session, member: Member) -> str:
        workspace = session.get(Workspace, member.workspace_id)
        assert workspace is not None
        return member_locale(member, workspace)

    def notify(self, session: Session, recipient: Member, template: str, dedupe_key: str, **context: Any) -> bool:
        """DM ``recipient`` the ``template`` in their language; False if already queued."""
        message = self.renderer.message(template, self.locale_of(session, recipient), **context)
        return self.send(session, recipient.workspace_id, recipient.slack_id, message, dedupe_key)

    def notice(self, session: Session, recipient: Member, dedupe_key: str, key: str, **params: object) -> bool:
        """DM ``recipient`` one catalog sentence (``key`` with ``params``) in their language."""
        locale = self.locale_of(session, recipient)
        text = self.renderer.t(locale, key, **params)
        return self.send(
            session,
            recipient.workspace_id,
            recipient.slack_id,
            self.renderer.message("notice", locale, text=text),
            dedupe_key,
        )

    def deliver(self, session: Session, recipient: Member, message: Message, dedupe_key: str) -> bool:
        """DM ``recipient`` a message already built in their language (see :meth:`locale_of`)."""
        return self.send(session, recipient.workspace_id, recipient.slack_id, message, dedupe_key)

    def send(self, session: Session, workspace_id: str, channel: str, message: Message, dedupe_key: str) -> bool:
        """Queue an already rendered message to a channel or user id."""
        return post_message(
            session, workspace_id=workspace_id, channel=channel, message=message, dedupe_key=dedupe_key, now=self.now
        )
