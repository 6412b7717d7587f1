"""`/coach score @agent` (leads, HR): open the scoring poll form; `/coach score status`: open polls."""

from __future__ import annotations

from bot.core.command_line import Invocation
from bot.core.db.models import Workspace
from bot.core.errors import UserError
from bot.core.localtime import member_zone
from bot.core.render import lines
from bot.polls.arguments import parse_mention, wants_help
from bot.polls.scoring import open_polls_by
from bot.polls.scoring_messages import score_status, scoring_setup_modal
from handlers.request import SlackRequest

STATUS_WORDS = {"status", "状态"}


def run(request: SlackRequest, invocation: Invocation) -> None:
    lead = request.member_or_refuse()
    deps = request.deps
    if wants_help(invocation.args):
        request.ack(request.render("notice", text=request.t("scoring.usage")))
        return
    with deps.sessions() as session:
        workspace = session.get(Workspace, request.workspace_id)
        assert workspace is not None
        zone = member_zone(lead, workspace)
        if len(invocation.args) == 1 and invocation.args[0].lower() in STATUS_WORDS:
            polls = open_polls_by(session, request.workspace_id, request.user_id)
            cards = [score_status(deps.renderer, session, poll, request.locale, zone) for poll in polls]
            agents = ",".join(poll.agent_slack for poll in polls)[:200]
        else:
            cards, agents = None, ""
    if cards is not None:
        if agents:  # who has scored whom: personal data, looked at (recorded outside the read)
            request.audit("scoring.status_viewed", subject=agents)
        for card in cards or [request.render("notice", text=request.t("scoring.status_none"))]:
            request.reply(card)
        return
    try:
        agent = parse_mention(invocation.args)
    except UserError as error:
        request.reply(
            request.render("error", text=lines(request.t(error.key, **error.params), request.t("scoring.usage")))
        )
        return
    request.ack()
    view = scoring_setup_modal(deps.renderer, deps.library, request.locale, agent, zone, deps.now())
    request.client.views_open(trigger_id=request.trigger_id, view=view)
