"""`/coach cert [@someone | rubric [id] | team [team] | export | assess @agent | digest]`."""

from __future__ import annotations

from bot.certification import use_cases
from bot.certification.certificates import (
    can_view,
    current_certificate,
    history,
    latest_assessment,
)
from bot.certification.messages import cert_card, digest_message, team_message
from bot.certification.register import export_register
from bot.certification.reminders import digest
from bot.core.command_line import Invocation, parse_mention
from bot.core.db.models import Member, Role, Workspace
from bot.core.errors import UserError
from bot.core.localtime import local_today
from bot.people.members import find_member
from bot.people.messages import team_picker
from bot.people.teams import TeamScope, led_team_ids
from bot.polls.scoring_messages import rubric_messages
from handlers.commands import cert_assess
from handlers.request import SlackRequest


def run(request: SlackRequest, invocation: Invocation) -> None:
    viewer = request.member_or_refuse()
    head = invocation.args[0].lower() if invocation.args else ""
    if head == "team":
        show_team(request, page=1, name=" ".join(invocation.args[1:]) or None)
    elif head == "rubric":
        show_rubric(request, invocation.args[1:])
    elif head == "export":
        export(request)
    elif head == "assess":
        cert_assess.open_modal(request, invocation.args[1:])
    elif head == "digest":
        request.audit("cert.digest_viewed")
        show_digest(request)
    elif not invocation.args:
        show_card(request, viewer)
    elif len(invocation.args) == 1 and (slack_id := parse_mention(invocation.args[0])):
        with request.deps.sessions() as session:
            holder = find_member(session, request.workspace_id, slack_id)
            if holder is None:
                raise UserError("cert.errors.unknown_person")
            if not can_view(viewer, holder, session):
                raise UserError("cert.errors.not_your_team")
        if holder.id != viewer.id:
            request.audit("cert.viewed", subject=holder.slack_id)
        show_card(request, holder)
    else:
        raise UserError("cert.usage")


def show_rubric(request: SlackRequest, args: tuple[str, ...]) -> None:
    """The published rubrics (or the one named), ephemeral, in the asker's language."""
    if len(args) > 1:
        raise UserError("cert.usage")
    for message in rubric_messages(
        request.deps.renderer, request.deps.library, request.locale, args[0] if args else None
    ):
        request.reply(message)


def show_card(request: SlackRequest, holder: Member) -> None:
    deps, viewer = request.deps, request.member_or_refuse()
    with deps.sessions() as session:
        workspace = session.get(Workspace, holder.workspace_id)
        assert workspace is not None
        today = local_today(viewer, workspace, deps.now())
        message = cert_card(
            deps.renderer,
            deps.content.rules,
            request.locale,
            holder_name=holder.name,
            certificate=current_certificate(session, holder.id),
            today=today,
            history=history(session, holder.id),
            last_assessment=latest_assessment(session, holder.id),
            can_book=can_view(viewer, holder, session),
        )
    request.ack(message)


def show_team(request: SlackRequest, page: int, *, name: str | None = None, team_id: int | None = None) -> None:
    """A lead's own team(s); HR and admins any team, picked from a list when not named."""
    viewer, renderer = request.member_or_refuse(), request.deps.renderer
    with request.deps.sessions() as session:
        found = use_cases.team_register(session, viewer, page, name=name, team_id=team_id)
        if isinstance(found, TeamScope):
            request.reply(team_picker(renderer, request.locale, "cert", found.choices))
            return
    request.audit("cert.team_viewed", subject=", ".join(found.team_names))
    message = team_message(
        renderer,
        request.deps.content.rules,
        request.locale,
        found.team_names,
        found.page,
        request.today(),
        found.team_id,
    )
    request.reply(message)


def show_digest(request: SlackRequest) -> None:
    deps, viewer = request.deps, request.member_or_refuse()
    with deps.sessions() as session:
        workspace = session.get(Workspace, viewer.workspace_id)
        assert workspace is not None
        today = local_today(viewer, workspace, deps.now())
        request.ack(
            digest_message(
                deps.renderer, request.locale, digest(session, deps.content.rules, workspace.id, today), today
            )
        )


def export(request: SlackRequest) -> None:
    """Leads get their team's rows, HR and admins everything; the file goes to the requester's DM."""
    viewer = request.member_or_refuse()
    with request.deps.sessions() as session:
        teams = None if viewer.role in (Role.HR, Role.ADMIN) else led_team_ids(session, viewer)
        data, rows = export_register(
            session,
            request.workspace_id,
            teams,
            rules=request.deps.content.rules,
            today=request.today(),
            locale=request.locale,
        )
    request.audit("cert.exported", rows=rows)
    request.ack()
    client = request.client
    channel = client.conversations_open(users=request.user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=channel,
        content=data,
        filename="certificate-register.csv",
        title=request.t("cert.export_title"),
        initial_comment=request.t("cert.export_done", count=rows),
    )
