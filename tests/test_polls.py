"""Scoring polls and quick polls, end to end through the simulator, plus the argument parser."""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app.playground import Playground
from bot.core.command_line import parse
from bot.core.db.models import AuditEntry, Member, OutboxMessage, Team
from bot.core.errors import UserError
from bot.polls.arguments import MAX_OPTIONS, parse_mention, parse_poll_args, poll_action
from bot.polls.models import JudgeScore, PollStatus, PracticalScore, QuickPoll, QuickVote, ScoringPoll
from bot.polls.quick_polls import forget_poll_data
from bot.polls.scoring import latest_practical_score
from bot.sim.driver import block_text
from bot.sim.server import SimMessage
from tests.learning_helpers import member_id
from tests.shipped import CONTENT

START = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai
DEADLINE = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)  # Tuesday 18:00 in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")
CRITERIA = [c.id for c in CONTENT.library.rubric("practical_default").criteria]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(playground: Playground) -> Iterator[Clock]:
    clock = Clock(START)
    playground.runtime.deps.clock = clock
    yield clock


# ----- helpers: what people do and see ----------------------------------------------------
def opened_view(playground: Playground, count: int) -> dict[str, Any]:
    assert playground.sim.wait_for(lambda: len(playground.sim.opened_views) >= count)
    return playground.sim.opened_views[count - 1]


def start_scoring_poll(
    playground: Playground,
    judges: list[str],
    *,
    agent: str = "UAGENT1",
    minimum: str = "2",
    options: tuple[str, ...] = ("share_with_agent",),
    day: str = "2026-03-03",
) -> Any:
    views = len(playground.sim.opened_views)
    reply = playground.driver.command("ULEAD01", f"score <@{agent}|王芳>", wait=0)
    assert reply.status == 200
    view = opened_view(playground, views + 1)
    assert view["callback_id"] == "score_setup"
    assert next(b for b in view["blocks"] if b["block_id"] == "agent")["element"]["initial_user"] == agent
    values = {
        "agent": {"agent": {"type": "users_select", "selected_user": agent}},
        "judges": {"judges": {"type": "multi_users_select", "selected_users": judges}},
        "rubric": {"rubric": {"type": "static_select", "selected_option": {"value": "practical_default"}}},
        "scale": {"scale": {"type": "static_select", "selected_option": {"value": "10"}}},
        "deadline_date": {"deadline_date": {"type": "datepicker", "selected_date": day}},
        "deadline_time": {"deadline_time": {"type": "timepicker", "selected_time": "18:00"}},
        "min_scores": {"min_scores": {"type": "number_input", "value": minimum}},
        "options": {"options": {"type": "checkboxes", "selected_options": [{"value": option} for option in options]}},
        "scenario": {"scenario": {"type": "plain_text_input", "value": "客户投诉快递延误，情绪激动"}},
    }
    return playground.driver.submit("ULEAD01", view, values)


def invite(playground: Playground, judge: str) -> SimMessage:
    return next(
        m
        for m in playground.sim.messages_for(judge)
        if any(str(b.get("block_id", "")).startswith("score-invite-") for b in m.blocks)
    )


def status_card(playground: Playground) -> SimMessage:
    return next(
        m
        for m in playground.sim.messages_for("ULEAD01")
        if any(str(b.get("block_id", "")).startswith("score-status-") for b in m.blocks)
    )


def score(playground: Playground, judge: str, points: str | dict[str, str], comment: str = "") -> Any:
    views = len(playground.sim.opened_views)
    playground.driver.click(judge, invite(playground, judge), "score_open", wait=0)
    form = opened_view(playground, views + 1)
    assert form["callback_id"] == "score_submit"
    per_criterion = points if isinstance(points, dict) else dict.fromkeys(CRITERIA, points)
    values = {
        f"crit_{criterion}": {"points": {"type": "number_input", "value": value}}
        for criterion, value in per_criterion.items()
    }
    values["comment"] = {"comment": {"type": "plain_text_input", "value": comment or None}}
    return playground.driver.submit(judge, form, values)


def channel_posts(playground: Playground) -> list[SimMessage]:
    return [m for m in playground.sim.messages if m.channel == "CGENERAL" and m.ephemeral_to is None]


def text_of(message: SimMessage) -> str:
    return "\n".join([message.text, *(block_text(b) for b in message.blocks)])


def poll_post(playground: Playground) -> SimMessage:
    playground.deliver()
    return channel_posts(playground)[-1]


def vote(playground: Playground, user: str, option: int, *, wait: float = 2.0) -> str:
    message = poll_post(playground)
    poll_id = next(b for b in message.blocks if b.get("block_id", "").startswith("poll-"))["block_id"].split("-")[1]
    reply = playground.driver.click(user, message, "poll_vote", f"{poll_id}:{option}", wait=wait)
    return reply.text


def db(playground: Playground) -> Any:
    return playground.runtime.sessions()


# ----- scoring polls ---------------------------------------------------------------------
def test_a_full_scoring_poll_with_three_judges_a_revision_and_a_deadline_close(
    playground: Playground, clock: Clock
) -> None:
    answer = start_scoring_poll(playground, ["UAGENT2", "UAGENT3", "UAGENT5"])
    assert answer.status == 200 and answer.json.get("response_action") is None
    playground.deliver()
    assert "请为" in invite(playground, "UAGENT2").text
    english = text_of(invite(playground, "UAGENT5"))  # each judge reads it in their own language
    assert "李娜 asked you to judge *王芳*'s practical assessment" in english and "客户投诉快递延误" in english
    assert "0/3" in text_of(status_card(playground))

    assert score(playground, "UAGENT2", "8", "开场很好").json.get("response_action") is None
    assert score(playground, "UAGENT3", "7").json.get("response_action") is None
    assert score(playground, "UAGENT5", "9", "Solid closing").json.get("response_action") is None
    playground.deliver()
    card = text_of(status_card(playground))
    assert "已打分：3/3" in card and "✅ Alex Chen" in card and "80" not in card  # who scored, not the scores

    clock.now = DEADLINE - timedelta(minutes=5)  # a late revision, still before the deadline
    assert score(playground, "UAGENT5", "6", "On reflection: weak follow-up").json.get("response_action") is None
    playground.deliver()
    saved = [m.text for m in playground.sim.messages_for("UAGENT5") if "saved" in m.text]
    assert len(saved) == 2 and "total 60 of 100" in saved[-1]

    clock.now = DEADLINE
    playground.runtime.tick(DEADLINE)
    results = [text_of(m) for m in playground.sim.messages_for("ULEAD01") if "实操考核结果" in m.text]
    assert len(results) == 1
    lead_view = results[0]
    assert "*平均分：*70" in lead_view and "*中位数：*70" in lead_view and "*极差：*20" in lead_view
    assert "张伟：80" in lead_view and "刘洋：70" in lead_view and "Alex Chen：60" in lead_view
    assert "评委意见分歧较大" in lead_view  # 20 points apart is more than 15
    assert "接待礼仪与开场：7 / 10（70%）" in lead_view
    assert "开场很好" in lead_view and "weak follow-up" in lead_view
    assert any("实操考核结果" in m.text for m in playground.sim.messages_for("UAGENT1"))
    chart = next(f for f in playground.sim.files if f["filename"].endswith(".png"))
    assert chart["content"].startswith(b"\x89PNG") and chart["channel"] == "DLEAD01"

    agent = member_id(playground, "UAGENT1")
    with db(playground) as session:
        assert latest_practical_score(session, agent) == (70.0, 1)
        assert session.scalar(select(func.count()).select_from(JudgeScore).where(JudgeScore.revisions > 0)) == 1
        assert session.scalar(select(AuditEntry.subject).where(AuditEntry.action == "practical_score.recorded")) == (
            "UAGENT1"
        )
    playground.runtime.tick(DEADLINE + timedelta(minutes=1))
    assert len([m for m in playground.sim.messages_for("ULEAD01") if "实操考核结果" in m.text]) == 1
    assert "已结束" in text_of(status_card(playground))


def test_after_the_deadline_a_judge_can_no_longer_revise(playground: Playground, clock: Clock) -> None:
    start_scoring_poll(playground, ["UAGENT2", "UAGENT3"])
    playground.deliver()
    score(playground, "UAGENT2", "8")
    clock.now = DEADLINE + timedelta(minutes=1)
    reply = playground.driver.click("UAGENT2", invite(playground, "UAGENT2"), "score_open")
    assert "不能再修改分数" in reply.text


def test_the_agent_cannot_judge_themself(playground: Playground, clock: Clock) -> None:
    answer = start_scoring_poll(playground, ["UAGENT1", "UAGENT2"])
    assert answer.json["response_action"] == "errors"
    assert answer.json["errors"] == {"judges": "被考核人不能担任自己的评委。"}
    with db(playground) as session:
        assert session.scalar(select(func.count()).select_from(ScoringPoll)) == 0


def test_a_past_deadline_and_a_missing_minimum_are_field_errors(playground: Playground, clock: Clock) -> None:
    answer = start_scoring_poll(playground, ["UAGENT2", "UAGENT3"], day="2026-03-01", minimum="")
    assert answer.json["response_action"] == "errors"
    assert answer.json["errors"] == {
        "deadline_date": "这个结束时间已经过去了，请选一个将来的时间。",
        "min_scores": "请填 1 到 12 之间的数字。",
    }


def test_scores_that_are_not_numbers_or_off_the_scale_get_field_errors(playground: Playground, clock: Clock) -> None:
    start_scoring_poll(playground, ["UAGENT2", "UAGENT5"])
    playground.deliver()
    points = dict.fromkeys(CRITERIA, "7")
    points[CRITERIA[0]], points[CRITERIA[1]] = "seven", "11"
    answer = score(playground, "UAGENT5", points)
    assert answer.json["response_action"] == "errors"
    assert answer.json["errors"] == {
        f"crit_{CRITERIA[0]}": "Greeting and etiquette: enter a number from 0 to 10, like 8 or 7.5.",
        f"crit_{CRITERIA[1]}": "Listening and empathy: the score must be between 0 and 10.",
    }
    with db(playground) as session:
        assert session.scalar(select(JudgeScore.scores).where(JudgeScore.judge_slack == "UAGENT5")) is None


def test_too_few_scores_close_as_not_enough_and_record_nothing(playground: Playground, clock: Clock) -> None:
    start_scoring_poll(playground, ["UAGENT2", "UAGENT3", "UAGENT4"], minimum="2")
    playground.deliver()
    score(playground, "UAGENT2", "9")
    playground.driver.click("ULEAD01", status_card(playground), "score_remind")
    playground.deliver()
    assert [m for m in playground.sim.messages_for("UAGENT3") if m.text.startswith("提醒")]
    assert not [m for m in playground.sim.messages_for("UAGENT2") if m.text.startswith("提醒")]

    playground.runtime.tick(DEADLINE)
    lead = [m.text for m in playground.sim.messages_for("ULEAD01") if "评分人数不足" in m.text]
    assert len(lead) == 1
    assert not [m for m in playground.sim.messages_for("UAGENT1") if "评分" in m.text]
    assert not [f for f in playground.sim.files if f["filename"].endswith(".png")]
    agent = member_id(playground, "UAGENT1")
    with db(playground) as session:
        assert session.scalar(select(ScoringPoll.status)) == PollStatus.NOT_ENOUGH
        assert session.scalar(select(func.count()).select_from(PracticalScore)) == 0
        assert latest_practical_score(session, agent) is None


def test_the_lead_closes_early_and_only_the_lead_may(playground: Playground, clock: Clock) -> None:
    start_scoring_poll(playground, ["UAGENT2", "UAGENT3"], options=("anonymous",))
    playground.deliver()
    score(playground, "UAGENT2", "8", "声音太小")
    score(playground, "UAGENT3", "6")
    refused = playground.driver.click("UAGENT2", status_card(playground), "score_close")
    assert "只有发起这次评分的组长" in refused.text
    closed = playground.driver.click("ULEAD01", status_card(playground), "score_close")
    assert "已结束" in closed.text
    playground.deliver()
    results = next(text_of(m) for m in playground.sim.messages_for("ULEAD01") if "实操考核结果" in m.text)
    assert "• 80" in results and "• 60" in results and "• 声音太小" in results
    assert "张伟" not in results and "刘洋" not in results and "评委 1" not in results  # anonymous judges


def test_anonymous_results_cannot_be_matched_to_the_invitation_order(playground: Playground, clock: Clock) -> None:
    judges = ["UAGENT2", "UAGENT3", "UAGENT4", "UAGENT5", "UHR0001"]
    start_scoring_poll(playground, judges, options=("anonymous",), minimum="5")
    playground.deliver()
    points = {"UAGENT2": "5", "UAGENT3": "9", "UAGENT4": "6", "UAGENT5": "8", "UHR0001": "7"}
    for judge in judges:
        score(playground, judge, points[judge], f"note from the judge scoring {points[judge]}")
        card = text_of(status_card(playground))
        assert not any(name in card for name in ("张伟", "刘洋", "陈静", "Alex Chen", "赵敏"))  # counts only
    playground.driver.click("ULEAD01", status_card(playground), "score_close")
    playground.deliver()
    results = next(text_of(m) for m in playground.sim.messages_for("ULEAD01") if "实操考核结果" in m.text)
    totals = [int(line[2:]) for line in results.splitlines() if line.startswith("• ") and line[2:].isdigit()]
    assert totals == [90, 80, 70, 60, 50]  # by score, not by who was invited first
    assert "评委 1" not in results and "张伟" not in results
    assert not [m for m in playground.sim.messages_for("UAGENT1") if "实操考核结果" in m.text]  # not shared


def test_a_lead_scores_only_the_people_of_a_team_they_lead(playground: Playground, clock: Clock) -> None:
    with playground.runtime.sessions.begin() as session:
        outsider = session.scalar(select(Member).where(Member.slack_id == "UAGENT4"))
        assert outsider is not None
        outsider.team = Team(workspace_id="T0DEMO", name="售后二组")
    refused = start_scoring_poll(playground, ["UAGENT2"], agent="UAGENT4")
    assert refused.json["response_action"] == "errors"
    assert "只能对你负责的团队成员" in refused.json["errors"]["agent"]
    with playground.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ScoringPoll)) == 0


def test_score_needs_a_mention_not_a_plain_name(playground: Playground) -> None:
    reply = playground.driver.command("ULEAD01", "score 王芳")
    assert "请用 @ 提到被考核的客服" in reply.text and "/coach score @客服" in reply.text
    assert "只有以下角色" in playground.driver.command("UAGENT1", "score <@UAGENT2>").text
    assert "/coach score status" in playground.driver.command("ULEAD01", "score help").text
    assert "no open scoring polls" in playground.driver.command("UADMIN1", "score status").text


# ----- quick polls -----------------------------------------------------------------------
def test_a_quick_poll_shows_a_live_tally_and_votes_can_change(playground: Playground, clock: Clock) -> None:
    created = playground.driver.command("UAGENT5", 'poll "Lunch?" "Noodles" "Rice" "Dumplings"')
    assert "Your poll #1 is posted" in created.text
    assert "Noodles" in vote(playground, "UAGENT1", 0)
    vote(playground, "UAGENT2", 0)
    changed = vote(playground, "UAGENT1", 1)
    assert "Rice" in changed and "Noodles" not in changed
    assert "Rice" in vote(playground, "UAGENT1", 1)  # the same click again changes nothing
    post = poll_post(playground)
    text = text_of(post)
    assert "*1.* Noodles\n`▓▓▓▓▓░░░░░` 1 · 50%" in text and "*2.* Rice\n`▓▓▓▓▓░░░░░` 1 · 50%" in text
    assert "<@UAGENT2>" in text and "2 voter(s) so far" in text
    with db(playground) as session:
        assert session.scalar(select(func.count()).select_from(QuickVote)) == 2
        updates = session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.method == "chat.update")).all()
        assert sorted(updates) == ["poll:1:v1", "poll:1:v2", "poll:1:v3"]


def test_hidden_results_wait_for_the_close_and_closed_polls_refuse_votes(playground: Playground, clock: Clock) -> None:
    playground.driver.command("UAGENT5", 'poll "Team dinner?" "Friday" "Saturday" --hidden --multi')
    vote(playground, "UAGENT1", 0)
    vote(playground, "UAGENT1", 1)
    assert "voter(s) so far" in text_of(poll_post(playground)) and "50%" not in text_of(poll_post(playground))
    refused = playground.driver.click("UAGENT1", poll_post(playground), "poll_close")
    assert "只有投票 #1 的发起人" in refused.text
    assert "is closed" in playground.driver.click("UAGENT5", poll_post(playground), "poll_close").text
    closed = text_of(poll_post(playground))
    assert "Closed" in closed and "*1.* Friday\n`▓▓▓▓▓▓▓▓▓▓` 1 · 100%" in closed
    assert "poll_vote" not in str(poll_post(playground).blocks)
    still_open = {"blocks": poll_post(playground).history[-1]["blocks"]}  # an old copy of the message
    assert "已经结束，不能再投票" in playground.driver.click("UAGENT2", still_open, "poll_vote", "1:0").text


def test_a_poll_closes_at_its_deadline_once(playground: Playground, clock: Clock) -> None:
    playground.driver.command("UAGENT1", "poll “午饭吃什么？”，“面条”，“米饭” --until 2026-03-02T17:00")
    vote(playground, "UAGENT2", 1)
    playground.runtime.tick(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert "已结束" in text_of(poll_post(playground))
    with db(playground) as session:
        poll = session.scalar(select(QuickPoll))
        assert poll is not None and poll.options == ["面条", "米饭"] and poll.status == PollStatus.CLOSED
    assert playground.runtime.tick(datetime(2026, 3, 2, 9, 1, tzinfo=UTC))["polls"] == 0


def test_anonymous_poll_csv_has_counts_and_no_voters(playground: Playground, clock: Clock) -> None:
    playground.driver.command("UAGENT5", 'poll "Rate the training" "=Great" "OK" --anonymous')
    vote(playground, "UAGENT1", 0)
    vote(playground, "UAGENT2", 1)
    assert "<@UAGENT1>" not in text_of(poll_post(playground))
    assert "There is no poll #9" in playground.driver.command("UAGENT5", "poll export 9").text
    reply = playground.driver.command("UAGENT5", "poll export 1")
    assert "CSV" in reply.text
    upload = next(f for f in playground.sim.files if f["filename"] == "poll-1.csv")
    assert upload["content"].startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese only with the BOM
    content = upload["content"].decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(content))) == [["option", "votes"], ["'=Great", "1"], ["OK", "1"]]
    assert "UAGENT" not in content and "王芳" not in content and upload["channel"] == "DAGENT5"


def test_named_poll_csv_lists_voters_and_only_the_creator_may_export(playground: Playground, clock: Clock) -> None:
    playground.driver.command("UAGENT5", 'poll "Shift swap?" "Yes" "No"')
    vote(playground, "UAGENT1", 0)
    assert "只有投票 #1 的发起人" in playground.driver.command("UAGENT2", "poll export 1").text
    playground.driver.command("UADMIN1", "poll export 1")
    upload = next(f for f in playground.sim.files if f["filename"] == "poll-1.csv")
    rows = list(csv.reader(io.StringIO(upload["content"].decode("utf-8-sig"))))
    assert rows[0] == ["name", "slack_id", "choices", "voted_at"] and rows[1][:3] == ["王芳", "UAGENT1", "Yes"]


def test_concurrent_clicks_by_one_person_count_once(playground: Playground, clock: Clock) -> None:
    playground.driver.command("UAGENT5", 'poll "Coffee?" "Yes" "No"')
    message = poll_post(playground)
    barrier = threading.Barrier(8)
    urls: list[str] = []

    def click() -> None:
        barrier.wait()
        urls.append(playground.driver.click("UAGENT1", message, "poll_vote", "1:0", wait=0).response_url or "")

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert playground.sim.wait_for(lambda: all(playground.sim.replies(url) for url in urls), timeout=15)
    with db(playground) as session:
        assert session.scalar(select(func.count()).select_from(QuickVote)) == 1
    assert "`▓▓▓▓▓▓▓▓▓▓` 1 · 100%" in text_of(poll_post(playground))


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('poll "Lunch?" "Only one"', "at least 2 options"),
        ("poll " + " ".join(f'"{n}"' for n in range(12)), "at most 10 options (you gave 11)"),
        ('poll "" "A" "B"', "The question is empty"),
        ('poll "Lunch?" "A" "B" --until 2026-03-01T17:00', "already passed"),
        ('poll "Lunch?" "A" "B" --until tomorrow', "can't read the closing time"),
        ('poll "Lunch?" "A" "B" --loud', "don't know the option `--loud`"),
    ],
)
def test_bad_poll_input_gets_a_clear_error_with_usage(
    playground: Playground, clock: Clock, text: str, error: str
) -> None:
    reply = playground.driver.command("UAGENT5", text)
    assert error in reply.text and "Usage: `/coach poll" in reply.text
    assert channel_posts(playground) == []


def test_poll_without_arguments_opens_a_form_that_posts_the_poll(playground: Playground, clock: Clock) -> None:
    playground.driver.command("UAGENT5", "poll", wait=0)
    form = opened_view(playground, 1)
    values = {
        "question": {"question": {"type": "plain_text_input", "value": "Which day?"}},
        "options": {"options": {"type": "plain_text_input", "value": "Mon\nTue\n\nWed"}},
        "settings": {"settings": {"type": "checkboxes", "selected_options": [{"value": "anonymous"}]}},
        "until_date": {"until_date": {"type": "datepicker", "selected_date": None}},
        "until_time": {"until_time": {"type": "timepicker", "selected_time": None}},
    }
    assert playground.driver.submit("UAGENT5", form, values).json.get("response_action") is None
    assert "*3.* Wed" in text_of(poll_post(playground)) and "Anonymous" in text_of(poll_post(playground))
    one = {**values, "options": {"options": {"type": "plain_text_input", "value": "Mon"}}}
    answer = playground.driver.submit("UAGENT5", form, one)
    assert answer.json["errors"] == {"options": "A poll needs at least 2 options, each in its own quotes."}


# ----- privacy ---------------------------------------------------------------------------
def test_forgetting_a_person_erases_their_votes_scores_and_practical_scores(
    playground: Playground, clock: Clock
) -> None:
    start_scoring_poll(playground, ["UAGENT2", "UAGENT3"])
    playground.deliver()
    score(playground, "UAGENT2", "8", "很好")
    score(playground, "UAGENT3", "6")
    playground.runtime.tick(DEADLINE)
    playground.driver.command("UAGENT5", 'poll "Coffee?" "Yes" "No"')
    vote(playground, "UAGENT2", 0)
    agent_id, judge_id = member_id(playground, "UAGENT1"), member_id(playground, "UAGENT2")
    with playground.runtime.sessions.begin() as session:
        agent = forget_poll_data(session, "T0DEMO", agent_id, "UAGENT1", DEADLINE)
        judge = forget_poll_data(session, "T0DEMO", judge_id, "UAGENT2", DEADLINE)
    assert agent["practical_scores"] == 1 and agent["judge_scores"] == 2
    assert judge["poll_votes"] == 1
    with db(playground) as session:
        assert session.scalar(select(func.count()).select_from(PracticalScore)) == 0
        assert session.scalar(select(func.count()).select_from(JudgeScore)) == 0
        assert session.scalar(select(func.count()).select_from(QuickVote)) == 0
        assert session.scalar(select(ScoringPoll.agent_slack)) == ""


# ----- the parser ------------------------------------------------------------------------
SAFE = st.text(
    alphabet=st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"),
        exclude_characters="\"'“”„‘’「」\\，,、；;—–-－",
    ),
    min_size=1,
    max_size=20,
)


@settings(deadline=None)  # pure and fast; no deadline to trip over on a busy machine
@given(st.lists(SAFE, min_size=3, max_size=MAX_OPTIONS + 1, unique_by=str.casefold), st.booleans())
def test_quoted_questions_and_options_come_back_as_typed(words: list[str], chinese_commas: bool) -> None:
    separator = "，" if chinese_commas else " "
    text = "poll " + separator.join(f"“{word}”" for word in words)
    spec = parse_poll_args(parse(text).args, SHANGHAI, START)
    assert (spec.question, list(spec.options)) == (words[0], words[1:])
    assert not (spec.anonymous or spec.multi or spec.hidden) and spec.deadline is None


@settings(deadline=None)
@given(st.lists(SAFE, min_size=1, max_size=15), st.text(max_size=40))
def test_any_poll_text_parses_or_explains(words: list[str], noise: str) -> None:
    try:
        parse_poll_args((*words, noise), SHANGHAI, START)
    except UserError as error:
        assert error.key.startswith("polls.errors.")


def test_flags_deadlines_and_chinese_punctuation() -> None:
    args = parse('poll "周五团建，去哪？" "爬山" "唱歌" —anonymous --多选 --until 2026-03-02 17:00').args
    spec = parse_poll_args(args, SHANGHAI, START)
    assert spec.question == "周五团建，去哪？" and spec.options == ("爬山", "唱歌")
    assert spec.anonymous and spec.multi and not spec.hidden
    assert spec.deadline == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert parse_poll_args(("Q", "A", "B", "--until=17:30"), SHANGHAI, START).deadline == datetime(
        2026, 3, 2, 9, 30, tzinfo=UTC
    )
    with pytest.raises(UserError, match=re.escape("polls.errors.past_deadline")):
        parse_poll_args(("Q", "A", "B", "--until", "09:00"), SHANGHAI, START)
    with pytest.raises(UserError, match=re.escape("polls.errors.duplicate_option")):
        parse_poll_args(("Q", "A", "a"), SHANGHAI, START)
    assert poll_action(("export", "#12")) is not None and poll_action(("导出", "3")) is not None
    with pytest.raises(UserError, match=re.escape("polls.errors.poll_id")):
        poll_action(("close", "last"))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("<@U0123ABC|wang.fang>",), "U0123ABC"),
        (("<@U0123ABC>",), "U0123ABC"),
        (("<@W0123ABC|王", "芳>"), "W0123ABC"),
        (("@U0123ABC",), "U0123ABC"),  # a member id pasted from a profile
        (("U0123ABC",), "U0123ABC"),
        ((), None),
    ],
)
def test_mentions_in_either_form(args: tuple[str, ...], expected: str | None) -> None:
    assert parse_mention(args) == expected


@pytest.mark.parametrize("args", [("王芳",), ("@wang",), ("<@U123ABC>", "extra"), ("<#C123ABC>",)])
def test_plain_names_are_not_mentions(args: tuple[str, ...]) -> None:
    with pytest.raises(UserError, match=re.escape("scoring.errors.mention")):
        parse_mention(args)


def test_typed_ampersands_and_brackets_reach_the_channel_escaped_once(playground: Playground, clock: Clock) -> None:
    """Slack sends `&`, `<`, `>` in command text as entities; the poll shows what was typed."""
    created = playground.driver.command("UAGENT5", 'poll "Q&A <today>?" "R&D" "Ops > Sales"')
    assert "is posted" in created.text
    text = text_of(poll_post(playground))
    assert "Q&amp;A &lt;today&gt;?" in text and "R&amp;D" in text and "Ops &gt; Sales" in text
    assert "&amp;amp;" not in text and "&amp;lt;" not in text and "&amp;gt;" not in text


@pytest.mark.parametrize("poll_id", ["²", "1" * 23, "١"])
def test_poll_ids_that_are_not_plain_numbers_get_the_usage_not_a_crash(
    playground: Playground, clock: Clock, poll_id: str
) -> None:
    reply = playground.driver.command("UAGENT5", f"poll close {poll_id}")
    assert "poll number" in reply.text.lower() and "error id" not in reply.text.lower()


def test_full_width_commands_typed_by_a_chinese_input_method_work(playground: Playground, clock: Clock) -> None:
    created = playground.driver.command("UAGENT5", "ｐｏｌｌ　＂午饭吃什么？＂　＂面条＂　＂米饭＂")
    assert "#1" in created.text
    assert "午饭吃什么？" in text_of(poll_post(playground))


def test_twelve_judges_with_long_comments_full_of_markup_get_their_results(
    playground: Playground, clock: Clock
) -> None:
    judges = [f"UJUDGE{n:02d}" for n in range(12)]
    with playground.runtime.sessions.begin() as session:
        team = session.scalar(select(Team).where(Team.name == "售后一组"))
        for n, judge in enumerate(judges):
            name = f"欧阳资深客服评委第{n:02d}号 & <组长>"
            session.add(Member(workspace_id="T0DEMO", slack_id=judge, name=name, team=team, role="agent",
                               active=True, created_at=clock.now, updated_at=clock.now))  # fmt: skip
            playground.sim.add_user(judge, name)
    start_scoring_poll(playground, judges, minimum="12")
    playground.deliver()
    for n, judge in enumerate(judges):
        score(playground, judge, str(5 + n % 5), ("R&D <客户> 说 “太慢了” & " * 25)[:500])
    playground.driver.click("ULEAD01", status_card(playground), "score_close")
    playground.deliver()
    results = [m for m in playground.sim.messages_for("ULEAD01") if "实操考核结果" in m.text]
    assert len(results) == 1, "the simulator refuses what Slack refuses: the results must fit"
    text = text_of(results[0])
    assert text.count("R&amp;D &lt;客户&gt;") >= 12 and "&amp;amp;" not in text


def test_a_poll_in_a_channel_without_the_bot_says_how_to_invite_it(playground: Playground, clock: Clock) -> None:
    playground.sim.add_channel("CRANDOM", "random")  # public, the bot not invited
    playground.sim.add_channel("GSECRET", "secret-team", is_private=True)
    outside = playground.driver.command("UAGENT5", 'poll "Lunch?" "Noodles" "Rice"', channel_id="CRANDOM")
    assert "/invite @Coachbot" in outside.text and "posted" not in outside.text
    private = playground.driver.command("UAGENT1", 'poll "午饭？" "面" "饭"', channel_id="GSECRET")
    assert "私有频道" in private.text
    with playground.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(QuickPoll)) == 0
    playground.sim.channels["CRANDOM"].members.add("UBOT")  # invited: now it works
    assert (
        "is posted" in playground.driver.command("UAGENT5", 'poll "Lunch?" "Noodles" "Rice"', channel_id="CRANDOM").text
    )
    playground.deliver()
    assert [m.channel for m in playground.sim.messages if m.channel == "CRANDOM"] == ["CRANDOM"]


def test_only_people_in_the_roster_can_vote(playground: Playground, clock: Clock) -> None:
    playground.driver.command("UAGENT5", 'poll "Lunch?" "Noodles" "Rice"')
    message = poll_post(playground)
    poll_id = next(b for b in message.blocks if b.get("block_id", "").startswith("poll-"))["block_id"].split("-")[1]
    playground.sim.add_user("UGUEST1", "A Guest")
    refused = playground.driver.click("UGUEST1", message, "poll_vote", f"{poll_id}:0")
    assert "roster" in refused.text or "名单" in refused.text
    with playground.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(QuickVote)) == 0
