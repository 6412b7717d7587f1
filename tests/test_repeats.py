"""A request Slack delivers twice has one effect: a form submitted again after a slow
answer, a command or a click that reaches the app twice (same view version, trigger id,
action_ts). Two real actions still count twice."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app.playground import Playground
from bot.polls.models import QuickPoll, QuickVote
from bot.wellbeing.models import CheckIn
from tests.test_polls import poll_post
from tests.test_wellbeing import checkin_values, open_checkin


def count(playground: Playground, model: type) -> int:
    with playground.runtime.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_checkin_form_submitted_twice_is_saved_once(playground: Playground) -> None:
    view = open_checkin(playground, "UAGENT5")
    assert playground.driver.submit("UAGENT5", view, checkin_values("3", "3")).status == 200
    status, body = playground.driver.replay()
    assert status == 200 and "errors" not in body, (status, body, playground.driver.last_request[0][:300])
    playground.deliver()
    assert count(playground, CheckIn) == 1
    thanks = [m for m in playground.sim.messages_for("UAGENT5") if "check-in" in m.text.lower()]
    assert len(thanks) <= 1
    again = open_checkin(playground, "UAGENT5")  # a new form is a new answer
    playground.driver.submit("UAGENT5", again, checkin_values("4", "2"))
    assert count(playground, CheckIn) == 2


def test_a_poll_command_delivered_twice_posts_one_poll(playground: Playground) -> None:
    reply = playground.driver.command("UAGENT5", 'poll "Lunch?" "Noodles" "Rice"')
    assert "is posted" in reply.text
    playground.driver.replay()
    playground.deliver()
    assert count(playground, QuickPoll) == 1
    playground.driver.command("UAGENT5", 'poll "Lunch?" "Noodles" "Rice"')  # typed again: a second poll
    assert count(playground, QuickPoll) == 2


def test_a_multi_choice_vote_delivered_twice_is_not_taken_back(playground: Playground) -> None:
    playground.driver.command("UAGENT5", 'poll "Which days?" "Mon" "Tue" --multi')
    message = poll_post(playground)
    poll_id = next(b for b in message.blocks if b.get("block_id", "").startswith("poll-"))["block_id"].split("-")[1]
    playground.driver.click("UAGENT1", message, "poll_vote", f"{poll_id}:0")
    playground.driver.replay()
    playground.deliver()
    with playground.runtime.sessions() as session:
        votes = session.scalars(select(QuickVote)).all()
        assert len(votes) == 1 and votes[0].choices == [0]
