"""Daily lessons and quizzes, end to end: jobs tick -> simulator DMs -> clicks -> state."""

from __future__ import annotations

import os
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.app.cli import app
from bot.app.playground import Playground
from bot.core.db.models import Member
from bot.learning.models import LessonDelivery, QuizItem, ReviewCard
from bot.people.preferences import Preferences, save_preferences
from tests.learning_helpers import (
    BERLIN_0930,
    NEW_YORK_0930,
    SHANGHAI_0930,
    first_button,
    first_button_or_none,
    item_id,
    lesson_cards,
    member_id,
    questions,
)
from tests.shipped import CONTENT

AGENTS = ("UAGENT1", "UAGENT2", "UAGENT3", "UAGENT4", "UAGENT5")


@pytest.fixture
def world(playground: Playground) -> Playground:
    """The demo team, with agents 2 and 3 in Berlin and New York according to their Slack profiles."""
    playground.sim.users["UAGENT2"].tz = "Europe/Berlin"
    playground.sim.users["UAGENT3"].tz = "America/New_York"
    return playground


def deliveries(playground: Playground) -> int:
    with playground.runtime.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(LessonDelivery)) or 0)


def test_lessons_arrive_at_each_agents_local_lesson_time(world: Playground) -> None:
    world.runtime.tick(SHANGHAI_0930 - timedelta(minutes=1))
    assert all(lesson_cards(world, user) == [] for user in AGENTS)
    world.runtime.tick(SHANGHAI_0930)
    assert {u for u in AGENTS if lesson_cards(world, u)} == {"UAGENT1", "UAGENT4", "UAGENT5"}
    world.runtime.tick(BERLIN_0930)
    assert lesson_cards(world, "UAGENT2") and not lesson_cards(world, "UAGENT3")
    world.runtime.tick(NEW_YORK_0930)
    assert all(len(lesson_cards(world, user)) == 1 for user in AGENTS)
    assert lesson_cards(world, "ULEAD01") == [] and lesson_cards(world, "UHR0001") == []


def test_the_first_lesson_follows_the_curriculum_with_one_to_three_questions(world: Playground) -> None:
    world.runtime.tick(SHANGHAI_0930)
    first = CONTENT.library.curriculum[0]
    card = lesson_cards(world, "UAGENT5")[0]
    assert first.title.en in card.text
    sent = questions(world, "UAGENT5")
    assert 1 <= len(sent) <= 3
    with world.runtime.sessions() as session:
        items = session.scalars(select(QuizItem).where(QuizItem.member_id == member_id(world, "UAGENT5"))).all()
        assert {i.question_id for i in items} <= {q.id for q in CONTENT.library.questions_for(first.id)}
    chinese = lesson_cards(world, "UAGENT1")[0]
    assert first.title.zh in chinese.text


def test_the_cli_tick_time_travels(world: Playground, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", world.settings.database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-playground")
    monkeypatch.setenv("SLACK_API_URL", world.sim.api_url)
    result = CliRunner().invoke(app, ["jobs", "tick", "--now", "2026-03-02T09:30:00+08:00"])
    assert result.exit_code == 0, result.output
    assert lesson_cards(world, "UAGENT1")


@pytest.mark.parametrize(
    ("when", "why"),
    [
        (SHANGHAI_0930 + timedelta(days=5), "Saturday"),
        (SHANGHAI_0930.replace(month=10, day=1), "National Day holiday"),
    ],
)
def test_no_lessons_on_weekends_or_holidays(world: Playground, when: object, why: str) -> None:
    world.runtime.tick(when)  # type: ignore[arg-type]
    assert deliveries(world) == 0, why


def test_a_make_up_workday_on_a_saturday_gets_a_lesson(world: Playground) -> None:
    saturday_workday = SHANGHAI_0930.replace(month=2, day=14)  # 2026-02-14, a Spring Festival make-up day
    world.runtime.tick(saturday_workday)
    assert lesson_cards(world, "UAGENT1")


def test_a_paused_agent_gets_nothing_and_reviews_move_back(world: Playground) -> None:
    agent = member_id(world, "UAGENT1")
    world.runtime.tick(SHANGHAI_0930)
    item = questions(world, "UAGENT1")[0]
    action, value = first_button(item)
    world.driver.click("UAGENT1", item, action, value)
    with world.runtime.sessions() as session:
        due_before = session.scalar(select(ReviewCard.due).where(ReviewCard.member_id == agent))
    with world.runtime.sessions.begin() as session:
        save_preferences(
            session,
            "T0DEMO",
            "UAGENT1",
            Preferences("zh-CN", "09:30", date(2026, 3, 6)),
            date(2026, 3, 2),
            SHANGHAI_0930,
        )
    for day in range(1, 5):
        world.runtime.tick(SHANGHAI_0930 + timedelta(days=day))
    assert len(lesson_cards(world, "UAGENT1")) == 1
    assert len(lesson_cards(world, "UAGENT5")) == 5
    with world.runtime.sessions() as session:
        due_after = session.scalar(select(ReviewCard.due).where(ReviewCard.member_id == agent))
    assert due_before is not None and due_after == due_before + timedelta(days=5)
    world.runtime.tick(SHANGHAI_0930 + timedelta(days=7))  # the next Monday: back to normal
    assert len(lesson_cards(world, "UAGENT1")) == 2


def test_a_missed_morning_is_not_sent_late_at_night(world: Playground) -> None:
    world.runtime.tick(SHANGHAI_0930 + timedelta(hours=10))
    assert lesson_cards(world, "UAGENT1") == []


def test_two_concurrent_ticks_deliver_exactly_one_lesson_each(world: Playground) -> None:
    ticks = [threading.Thread(target=world.runtime.tick, args=(SHANGHAI_0930,)) for _ in range(2)]
    for tick in ticks:
        tick.start()
    for tick in ticks:
        tick.join()
    world.runtime.tick(SHANGHAI_0930 + timedelta(minutes=1))  # and a restart a minute later
    for user in ("UAGENT1", "UAGENT4", "UAGENT5"):
        assert len(lesson_cards(world, user)) == 1, user
    assert deliveries(world) == 3


def test_answering_updates_the_message_the_card_and_the_streak(world: Playground) -> None:
    world.runtime.tick(SHANGHAI_0930)
    message = questions(world, "UAGENT5")[0]
    question = CONTENT.library.questions[world_item_question(world, item_id(message))]
    right = question.answer[0]
    if question.kind.value == "multiple":
        state = {
            f"choices-{item_id(message)}": {
                "quiz_choices": {
                    "type": "checkboxes",
                    "selected_options": [{"value": option} for option in question.answer],
                }
            }
        }
        reply = world.driver.click("UAGENT5", message, "quiz_submit", state=state)
    else:
        reply = world.driver.click("UAGENT5", message, f"quiz_answer_{right}")
    assert reply.status == 200
    updated = world.sim.find_message(message.channel, message.ts)
    assert updated is not None and updated.history, "the question message is replaced in place"
    text = updated.text + str(updated.blocks)
    assert "Correct!" in text and question.explanation.en[:30] in text and "Streak: 1" in text
    with world.runtime.sessions() as session:
        card = session.scalar(select(ReviewCard).where(ReviewCard.question_id == question.id))
        assert card is not None and card.reviews == 1 and card.due > SHANGHAI_0930
    assert "*1*" in world.driver.command("UAGENT5", "streak").text


def world_item_question(world: Playground, item: int) -> str:
    with world.runtime.sessions() as session:
        question = session.scalar(select(QuizItem.question_id).where(QuizItem.id == item))
        assert question is not None
        return question


def test_a_wrong_answer_comes_back_sooner_than_a_right_one(world: Playground) -> None:
    world.runtime.tick(SHANGHAI_0930)
    first, second = questions(world, "UAGENT5")[:2]
    right_q = world_item_question(world, item_id(first))
    wrong_q = world_item_question(world, item_id(second))
    library = CONTENT.library
    for message, correct in ((first, True), (second, False)):
        question = library.questions[world_item_question(world, item_id(message))]
        if question.kind.value == "multiple":
            chosen = question.answer if correct else [o.id for o in question.options if o.id not in question.answer][:1]
            state = {
                f"choices-{item_id(message)}": {"quiz_choices": {"selected_options": [{"value": c} for c in chosen]}}
            }
            world.driver.click("UAGENT5", message, "quiz_submit", state=state)
        else:
            option = (
                question.answer[0] if correct else next(o.id for o in question.options if o.id not in question.answer)
            )
            world.driver.click("UAGENT5", message, f"quiz_answer_{option}")
    with world.runtime.sessions() as session:
        due = dict(session.execute(select(ReviewCard.question_id, ReviewCard.due)).all())
    assert due[wrong_q] < due[right_q]


def test_a_second_click_keeps_the_first_answer(world: Playground) -> None:
    world.runtime.tick(SHANGHAI_0930)
    message = next(m for m in questions(world, "UAGENT5") if first_button_or_none(m))
    action, value = first_button(message)
    as_first_seen = {"blocks": message.blocks, "text": message.text}  # the click lands before the update shows
    world.driver.click("UAGENT5", message, action, value)
    again = world.driver.click("UAGENT5", as_first_seen, action, value)
    assert "You already answered this question" in again.text
    with world.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReviewCard)) == 1
        assert session.scalar(select(ReviewCard.reviews)) == 1


def test_stale_and_forged_clicks_get_a_polite_note(world: Playground) -> None:
    world.runtime.tick(SHANGHAI_0930)
    mine = next(m for m in questions(world, "UAGENT5") if first_button_or_none(m))
    action, value = first_button(mine)
    forged = world.driver.click("UAGENT1", mine, action, value)
    assert "这道题是发给别人的" in forged.text
    message = dict(blocks=mine.blocks, text=mine.text)
    stale_value = "999999:" + value.split(":")[1]
    for block in message["blocks"]:
        for element in block.get("elements") or []:
            if element.get("value") == value:
                element["value"] = stale_value
    stale = world.driver.click("UAGENT5", message, action, stale_value)
    assert "no longer available" in stale.text
    with world.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReviewCard)) == 0


def test_practice_and_lesson_commands(world: Playground) -> None:
    preview = world.driver.command("UAGENT5", "lesson")
    assert "A preview" in preview.text
    practice = world.driver.command("UAGENT5", "quiz")
    assert "Practice question" in practice.text
    message = practice.messages[0]
    button = next(
        e for b in message["blocks"] for e in b.get("elements") or [] if e.get("action_id", "").startswith("quiz_")
    )
    state = None
    if button["action_id"] == "quiz_choices":
        button = next(
            e for b in message["blocks"] for e in b.get("elements") or [] if e.get("action_id") == "quiz_submit"
        )
        item = button["value"]
        state = {f"choices-{item}": {"quiz_choices": {"selected_options": [{"value": "a"}]}}}
    answered = world.driver.click("UAGENT5", message, button["action_id"], button.get("value"), state=state)
    assert "Why:" in answered.text
    world.runtime.tick(SHANGHAI_0930)
    again = world.driver.command("UAGENT5", "lesson")
    assert "Your lesson from 2026-03-02" in again.text


def test_app_home_shows_streak_reviews_and_mastery(world: Playground) -> None:
    world.runtime.tick(SHANGHAI_0930)
    message = next(m for m in questions(world, "UAGENT5") if first_button_or_none(m))
    world.driver.click("UAGENT5", message, *first_button(message))
    world.driver.event({"type": "app_home_opened", "user": "UAGENT5", "tab": "home"})
    assert world.sim.wait_for(lambda: "UAGENT5" in world.sim.home)
    home = str(world.sim.home["UAGENT5"])
    assert "Streak:* 1" in home and "Reviews due" in home and "Mastery by module" in home
    assert "Service basics" in home


def test_team_progress_is_for_leads_and_hr_only(world: Playground) -> None:
    refused = world.driver.command("UAGENT1", "team progress")
    assert "只有以下角色可以执行此操作：hr, lead" in refused.text
    world.runtime.tick(SHANGHAI_0930)
    message = next(m for m in questions(world, "UAGENT1") if first_button_or_none(m))
    world.driver.click("UAGENT1", message, *first_button(message))
    report = world.driver.command("ULEAD01", "team progress")
    assert "团队学习进度：售后一组" in report.text and "5 人中 1 人参与" in report.text
    assert "王芳" not in report.text  # active this week
    assert "张伟" in report.text  # no answers yet
    assert "请使用 `/coach team progress`" in world.driver.command("ULEAD01", "team").text


def test_leads_get_a_weekly_summary_once(world: Playground) -> None:
    world.runtime.tick(SHANGHAI_0930)
    world.runtime.tick(SHANGHAI_0930 + timedelta(minutes=5))
    summaries = [m for m in world.sim.messages_for("ULEAD01") if "团队每周学习小结" in m.text]
    assert len(summaries) == 1


def test_env_is_clean() -> None:
    assert "SLACK_BOT_TOKEN" not in os.environ


def test_working_days_and_holidays_are_configurable_from_the_cli(
    world: Playground, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", world.settings.database_url)
    runner = CliRunner()
    bad = runner.invoke(app, ["workspace", "set", "--working-days", "mon,funday"])
    assert bad.exit_code == 2 and "working days" in bad.output
    result = runner.invoke(
        app, ["workspace", "set", "--working-days", "tue,wed,thu,fri,sat", "--holiday-country", "none"]
    )
    assert result.exit_code == 0, result.output
    assert "tue,wed,thu,fri,sat" in result.output and "none" in result.output
    world.runtime.tick(SHANGHAI_0930)  # a Monday, now a day off
    assert deliveries(world) == 0
    world.runtime.tick(SHANGHAI_0930.replace(month=10, day=1))  # National Day counts as a working Thursday now
    assert deliveries(world) == 3  # the three Shanghai agents; Berlin and New York come later


def test_after_a_tick_clicks_and_forms_live_on_the_same_day(world: Playground) -> None:
    # One clock: a pause until Wednesday is in the future once the playground is at Monday.
    world.runtime.tick(SHANGHAI_0930)
    world.driver.command("UAGENT5", "settings", wait=0)
    assert world.sim.wait_for(lambda: bool(world.sim.opened_views))
    view = world.sim.opened_views[-1]
    values = {
        "locale": {"locale": {"type": "static_select", "selected_option": {"value": "en"}}},
        "lesson_time": {"lesson_time": {"type": "timepicker", "selected_time": "09:30"}},
        "paused_until": {"paused_until": {"type": "datepicker", "selected_date": "2026-03-04"}},
    }
    reply = world.driver.submit("UAGENT5", view, values)
    assert reply.status == 200 and not reply.json, reply.json
    with world.runtime.sessions() as session:
        paused = session.scalar(select(Member.paused_until).where(Member.slack_id == "UAGENT5"))
    assert paused == date(2026, 3, 4)
