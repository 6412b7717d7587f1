"""The theory exam through the simulator: saved page by page, reopened where it was left,
the deadline kept by the server, half points and audited re-grades."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bot.app.playground import Playground
from bot.certification.models import ExamAttempt
from bot.core.clock import TravelClock
from bot.core.db.models import AuditEntry
from tests.conftest import NOW
from tests.shipped import CONTENT

JSONDict = dict[str, Any]
SHORT_TEXT = "先安抚情绪 & 确认诉求 <再> 给出方案，最后回访。"


def dms(world: Playground, user: str, needle: str) -> list[Any]:
    return [m for m in world.sim.messages_for(user) if needle in m.text + str(m.blocks)]


def travel(world: Playground, minutes: float) -> None:
    clock = world.runtime.deps.clock
    assert isinstance(clock, TravelClock)
    clock.travel_to(clock() + timedelta(minutes=minutes))


def open_exam(world: Playground, agent: str = "UAGENT1") -> JSONDict:
    world.driver.command("ULEAD01", f"exam open <@{agent}|a> 7")
    seen = len(world.sim.opened_views)
    world.driver.command(agent, "exam")
    assert world.sim.wait_for(lambda: len(world.sim.opened_views) == seen + 1)
    return world.sim.opened_views[-1]


def blocks_of(view: JSONDict, prefix: str) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith(prefix)]


def right_answers(view: JSONDict) -> dict[str, dict[str, JSONDict]]:
    """Every question on the page answered (correctly), every short answer written."""
    library = CONTENT.library
    values: dict[str, dict[str, JSONDict]] = {}
    for block in blocks_of(view, "q-"):
        answer = library.questions[block[2:]].answer[0]
        values[block] = {"choice": {"type": "radio_buttons", "selected_option": {"value": answer}}}
    for block in blocks_of(view, "s-"):
        values[block] = {"text": {"type": "plain_text_input", "value": SHORT_TEXT}}
    return values


def next_page(world: Playground, user: str, view: JSONDict, values: dict[str, dict[str, JSONDict]]) -> JSONDict:
    reply = world.driver.submit(user, view, values)
    assert reply.json.get("response_action") == "update", reply.body
    return {**reply.json["view"], "id": view.get("id")}


def attempt_of(world: Playground) -> ExamAttempt:
    with world.runtime.sessions() as session:
        attempt = session.scalars(select(ExamAttempt).order_by(ExamAttempt.id.desc())).first()
        assert attempt is not None
        session.expunge(attempt)
        return attempt


def test_exam_of_22_questions_is_saved_page_by_page_and_reopens_where_it_was_left(playground: Playground) -> None:
    world = playground
    first = open_exam(world)
    assert first["title"]["text"] == "理论考试 · 1/5" and first["submit"]["text"] == "保存并继续"
    assert len(blocks_of(first, "q-")) == 5 and len(first["blocks"]) <= 100
    assert "考试结束" in str(first["blocks"][0]) and "10:30" in str(first["blocks"][0])  # 09:30 Shanghai + 60 min
    second = next_page(world, "UAGENT1", first, right_answers(first))
    assert second["title"]["text"] == "理论考试 · 2/5" and "考试结束" in str(second["blocks"][0])
    assert blocks_of(second, "q-") != blocks_of(first, "q-")
    saved = attempt_of(world)
    assert set(saved.answers) == {b[2:] for b in blocks_of(first, "q-")} and saved.revision == 1

    # Slack sends page 1 again (a retry, a double click): nothing is saved twice
    again = world.driver.submit("UAGENT1", first, right_answers(first))
    assert again.json["view"]["title"]["text"] == "理论考试 · 2/5"
    assert attempt_of(world).revision == 1

    # page 2 answered, then the modal is closed: /coach exam opens page 3 ...
    third = next_page(world, "UAGENT1", second, right_answers(second))
    world.driver.command("UAGENT1", "exam")
    assert world.sim.wait_for(lambda: len(world.sim.opened_views) == 2)
    reopened = world.sim.opened_views[-1]
    assert reopened["title"]["text"] == "理论考试 · 3/5" and blocks_of(reopened, "q-") == blocks_of(third, "q-")
    # ... and a page left half answered comes back with its answers filled in
    fourth = next_page(world, "UAGENT1", reopened, right_answers(reopened))
    last = next_page(world, "UAGENT1", fourth, right_answers(fourth))
    assert len(blocks_of(last, "s-")) == 2 and last["submit"]["text"] == "交卷"
    first_short = blocks_of(last, "s-")[0]
    with world.runtime.sessions.begin() as session:  # as if the first short answer had been saved, then closed
        attempt = session.scalars(select(ExamAttempt)).one()
        attempt.short_answers = {first_short[2:]: SHORT_TEXT}
    world.driver.command("UAGENT1", "exam")
    assert world.sim.wait_for(lambda: len(world.sim.opened_views) == 3)
    last = world.sim.opened_views[-1]
    text_input = next(b for b in last["blocks"] if b.get("block_id") == first_short)["element"]
    assert text_input["initial_value"] == SHORT_TEXT
    page_four_again = world.driver.submit("UAGENT1", fourth, right_answers(fourth))  # an old page: not saved over
    assert page_four_again.json["view"]["title"]["text"] == "理论考试 · 5/5"

    handed_in = world.driver.submit("UAGENT1", last, right_answers(last))
    assert handed_in.json.get("response_action") is None
    world.deliver()
    assert dms(world, "UAGENT1", "单选题得分 40/40")
    assert len(dms(world, "ULEAD01", "已交理论考试卷")) == 1
    # the last page sent again after handing in: nothing changes, nobody is told twice
    world.driver.submit("UAGENT1", last, right_answers(last))
    world.deliver()
    assert len(dms(world, "ULEAD01", "已交理论考试卷")) == 1 and len(dms(world, "UAGENT1", "单选题得分")) == 1
    assert "这场考试你已经交卷了" in world.driver.command("UAGENT1", "exam").text


def test_a_page_after_the_deadline_is_refused_and_what_was_saved_before_counts(playground: Playground) -> None:
    world = playground
    first = open_exam(world)
    second = next_page(world, "UAGENT1", first, right_answers(first))
    travel(world, 61)
    late = world.driver.submit("UAGENT1", second, right_answers(second))
    assert late.json["response_action"] == "update"
    assert "考试已于 10:30 结束，这一页没有被接收" in str(late.json["view"])
    attempt = attempt_of(world)
    assert attempt.status == "submitted" and set(attempt.answers) == {b[2:] for b in blocks_of(first, "q-")}
    assert attempt.choice_points == 10  # page 1's five right answers, page 2 not counted
    world.deliver()
    assert dms(world, "UAGENT1", "保存的 5/22 道题已自动交卷，单选题得分 10/40")
    assert dms(world, "ULEAD01", "已交理论考试卷：单选题 10/40")


def test_an_exam_left_open_past_its_deadline_is_handed_in_by_the_job(playground: Playground) -> None:
    world = playground
    first = open_exam(world, "UAGENT5")  # English
    assert "Time is up at" in str(first["blocks"][0])
    next_page(world, "UAGENT5", first, right_answers(first))
    world.runtime.tick(NOW + timedelta(minutes=30))
    assert attempt_of(world).status == "started"
    world.runtime.tick(NOW + timedelta(minutes=61))
    assert attempt_of(world).status == "submitted"
    assert dms(world, "UAGENT5", "The 5 of 22 answers you had saved by then were handed in")
    assert "You have already handed in this exam." in world.driver.command("UAGENT5", "exam").text


def graded_exam(world: Playground) -> tuple[JSONDict, JSONDict]:
    view = open_exam(world)
    while view["submit"]["text"] != "交卷":
        view = next_page(world, "UAGENT1", view, right_answers(view))
    world.driver.submit("UAGENT1", view, right_answers(view))
    world.deliver()
    to_grade = dms(world, "ULEAD01", "已交理论考试卷")[0]
    world.driver.click("ULEAD01", to_grade, "exam_grade")
    assert world.sim.wait_for(lambda: len(world.sim.opened_views) == 2)
    return to_grade, world.sim.opened_views[-1]


def test_grading_takes_half_points_and_a_regrade_shows_the_old_grade_needs_a_reason_and_tells_the_agent(
    playground: Playground,
) -> None:
    world = playground
    to_grade, grading = graded_exam(world)
    boxes = blocks_of(grading, "g-")
    assert all(b["element"]["is_decimal_allowed"] for b in grading["blocks"] if b.get("block_id") in boxes)
    assert "reason" not in blocks_of(grading, "reason")
    half = {boxes[0]: {"points": {"value": "12.5"}}, boxes[1]: {"points": {"value": "20"}}}
    assert world.driver.submit("ULEAD01", grading, half).json.get("response_action") is None
    world.deliver()
    assert dms(world, "UAGENT1", "72.5/100")

    world.driver.click("ULEAD01", to_grade, "exam_grade")
    assert world.sim.wait_for(lambda: len(world.sim.opened_views) == 3)
    regrade = world.sim.opened_views[-1]
    assert regrade["title"]["text"] == "重新批改" and "第 1 题 12.5/30" in str(regrade["blocks"])
    initial = [b["element"].get("initial_value") for b in regrade["blocks"] if b.get("block_id") in boxes]
    assert initial == ["12.5", "20"]
    more = {boxes[0]: {"points": {"value": "15"}}, boxes[1]: {"points": {"value": "20"}}}
    no_reason = world.driver.submit("ULEAD01", regrade, more)
    assert no_reason.json["response_action"] == "errors" and "reason" in no_reason.json["errors"]
    reason = {"reason": {"reason": {"value": "漏看了第 1 题的 <回访> & 归档要点"}}}
    assert world.driver.submit("ULEAD01", regrade, more | reason).json.get("response_action") is None
    world.driver.submit("ULEAD01", regrade, more | reason)  # the same form again (a retry): one re-grade
    world.deliver()
    told = dms(world, "UAGENT1", "重新批改")
    assert len(told) == 1 and "*75/100*（及格），原来是 72.5/100" in told[0].text
    assert "&lt;回访&gt; &amp; 归档" in told[0].text
    with world.runtime.sessions() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action.like("exam.%graded"))).all()
        assert [e.action for e in entries] == ["exam.graded", "exam.regraded"]
        assert entries[1].detail == {"theory": "75", "previous": "72.5", "reason": "漏看了第 1 题的 <回访> & 归档要点"}
    assert attempt_of(world).theory_score == Decimal("75")
    with world.runtime.sessions() as session:  # opening the written answers is a view of personal data
        viewed = session.scalars(select(AuditEntry.subject).where(AuditEntry.action == "exam.answers_viewed")).all()
        assert viewed == ["UAGENT1", "UAGENT1"]

    # a form opened before that re-grade is refused rather than silently overwriting it
    stale = world.driver.submit("ULEAD01", regrade, {**more, boxes[0]: {"points": {"value": "9"}}} | reason)
    assert stale.json["response_action"] == "errors" and "有人批改了这份试卷" in str(stale.json["errors"])


def test_every_form_takes_half_points_through_one_parser(playground: Playground) -> None:
    world = playground
    _, grading = graded_exam(world)
    boxes = blocks_of(grading, "g-")
    for bad, needle in (("12.125", "最多保留两位小数"), ("31", "0 到 30"), ("-1", "0 到 30"), ("abc", "0 到 30")):
        reply = world.driver.submit("ULEAD01", grading, {b: {"points": {"value": bad}} for b in boxes})
        assert reply.json["response_action"] == "errors" and needle in str(reply.json["errors"]), bad
    good = world.driver.submit("ULEAD01", grading, {b: {"points": {"value": "12,25"}} for b in boxes})
    assert good.json.get("response_action") is None
    assert attempt_of(world).theory_score == Decimal("64.5")  # 40 + 12.25 + 12.25
