"""Certification: scoring rules, the register, assessments, reminders, team views."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from typer.testing import CliRunner

from bot.app.cli import app
from bot.app.playground import Playground
from bot.certification.certificates import team_page
from bot.certification.exams import ExamPage, exam_pages
from bot.certification.models import Certificate, CertificateStatus
from bot.certification.register import export_register, import_register
from bot.certification.rules import CertificationLevel, certification_level, composite_score, parse_score
from bot.core.config import Settings
from bot.core.db.models import Member, Role, Team
from bot.core.errors import UserError
from bot.sim.server import SimMessage
from tests.shipped import CONTENT

HR = "CHR0001"
REGISTER_ZH = """证书编号,姓名,部门,认证等级,有效期至,发证日期,复评结果
CS2025001,王芳,客服部,中级,2026-04-01,2025-04-01,
CS2025002,张伟,客服部,高级,2026-12-31,2025-12-31,通过
"""
REGISTER_EN = """certificate number,name,department,level,valid until,issue date,re-evaluation result,slack_id
CS2025003,Alex Chen,Support,junior,2026/03/20,2025/03/20,,UAGENT5
"""


@pytest.mark.parametrize(
    ("theory", "practical", "daily", "composite", "level"),
    [
        ("100", "100", "100", "100.00", CertificationLevel.SENIOR),
        ("80", "80", "80", "80.00", CertificationLevel.SENIOR),
        ("79.99", "79.99", "79.99", "79.99", CertificationLevel.INTERMEDIATE),
        ("70", "70", "70", "70.00", CertificationLevel.INTERMEDIATE),
        ("69.99", "69.99", "69.99", "69.99", CertificationLevel.JUNIOR),
        ("60", "60", "60", "60.00", CertificationLevel.JUNIOR),
        ("59.99", "59.99", "59.99", "59.99", CertificationLevel.NOT_CERTIFIED),
        ("85", "72", "90", "80.80", CertificationLevel.SENIOR),
        ("82", "76", "82", "79.60", CertificationLevel.INTERMEDIATE),
        ("0", "0", "0", "0.00", CertificationLevel.NOT_CERTIFIED),
    ],
)
def test_composite_is_40_40_20_and_levels_follow_the_thresholds(
    theory: str, practical: str, daily: str, composite: str, level: CertificationLevel
) -> None:
    score = composite_score(CONTENT.rules, Decimal(theory), Decimal(practical), Decimal(daily))
    assert score == Decimal(composite)
    assert certification_level(CONTENT.rules, score) is level


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("abc", "not_a_number"),
        ("-1", "out_of_range"),
        ("100.5", "out_of_range"),
        ("85.123", "too_precise"),
        ("", "not_a_number"),
        ("NaN", "out_of_range"),
    ],
)
def test_bad_scores_are_rejected(text: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_score(text, "Theory")
    assert caught.value.key == f"cert.errors.{key}"


@pytest.fixture
def settings_with_hr(settings: Settings) -> Settings:
    return settings.model_copy(update={"hr_channel": HR})


@pytest.fixture
def world(settings_with_hr: Settings) -> Iterator[Playground]:
    with Playground(settings_with_hr) as playground:
        yield playground


def import_text(world: Playground, text: str) -> list[str]:
    with world.runtime.sessions.begin() as session:
        report = import_register(session, "T0DEMO", text, datetime(2026, 3, 1, tzinfo=UTC))
        if not report.ok:
            session.rollback()
        return [str(e) for e in report.errors]


def certificates(world: Playground) -> dict[str, Certificate]:
    with world.runtime.sessions() as session:
        return {c.number: c for c in session.scalars(select(Certificate))}


def test_register_import_accepts_chinese_and_english_headers(world: Playground) -> None:
    assert import_text(world, REGISTER_ZH) == []
    assert import_text(world, REGISTER_EN) == []
    imported = certificates(world)
    assert set(imported) == {"CS2025001", "CS2025002", "CS2025003"}
    assert imported["CS2025001"].level == "intermediate" and imported["CS2025001"].valid_until == date(2026, 4, 1)
    assert imported["CS2025003"].holder_name == "Alex Chen"
    assert import_text(world, REGISTER_ZH) == []  # re-import updates, never duplicates
    assert len(certificates(world)) == 3


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("XX1,王芳,客服部,中级,2026-04-01,2025-04-01,", "should look like CS2024001"),
        ("CS2025009,王芳,客服部,大师,2026-04-01,2025-04-01,", "认证等级 '大师' is not a level"),
        ("CS2025009,王芳,客服部,中级,明年,2025-04-01,", "is not a date"),
        ("CS2025009,王芳,客服部,中级,2025-01-01,2025-04-01,", "有效期至 must be after 发证日期"),
        ("CS2025009,=cmd(),客服部,中级,2026-04-01,2025-04-01,", "formula"),
    ],
)
def test_a_bad_register_row_is_reported_and_nothing_is_written(world: Playground, row: str, problem: str) -> None:
    errors = import_text(world, REGISTER_ZH + row + "\n")
    assert len(errors) == 1 and errors[0].startswith("line 4:") and problem in errors[0]
    assert certificates(world) == {}


def test_an_ambiguous_name_needs_a_slack_id(world: Playground) -> None:
    with world.runtime.sessions.begin() as session:
        twin = session.scalar(select(Member).where(Member.slack_id == "UAGENT2"))
        assert twin is not None
        twin.name = "王芳"
    errors = import_text(world, REGISTER_ZH)
    assert any("matches 2 people" in e for e in errors)


def test_export_round_trips_through_import(world: Playground, tmp_path: Path) -> None:
    import_text(world, REGISTER_ZH + REGISTER_EN.split("\n", 1)[1].replace(",UAGENT5", "").replace("/", "-"))
    with world.runtime.sessions() as session:
        data, count = export_register(session, "T0DEMO", rules=CONTENT.rules, today=date(2026, 3, 1))
    exported = data.decode("utf-8-sig")
    with world.runtime.sessions.begin() as session:
        for cert in session.scalars(select(Certificate)):
            session.delete(cert)
    assert import_text(world, exported) == []
    assert set(certificates(world)) == {"CS2025001", "CS2025002", "CS2025003"}
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0][:7] == ["认证编号", "姓名*", "部门", "认证等级", "有效期", "发证日期", "复评结果(有效期前1个月)"]
    assert len(rows) == 4 == count + 1


def dms(world: Playground, user: str, needle: str) -> list[SimMessage]:
    return [m for m in world.sim.messages_for(user) if needle in m.text + str(m.blocks)]


def hr_posts(world: Playground, needle: str) -> list[SimMessage]:
    return [m for m in world.sim.messages if m.channel == HR and needle in m.text + str(m.blocks)]


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def test_reminder_stages_reach_agent_lead_and_hr_exactly_once(world: Playground) -> None:
    import_text(world, REGISTER_ZH)  # 王芳 (UAGENT1), CS2025001 expires 2026-04-01
    expiry = date(2026, 4, 1)
    day = expiry - timedelta(days=35)
    while day <= expiry + timedelta(days=15):
        world.runtime.tick(morning(day))
        if (expiry - day).days in (30, 14, 7, 1, 0, -7):
            world.runtime.tick(morning(day) + timedelta(hours=3))  # a second run on a stage day changes nothing
        day += timedelta(days=1)
    agent = dms(world, "UAGENT1", "CS2025001")
    lead = dms(world, "ULEAD01", "CS2025001")
    hr = [m for m in hr_posts(world, "CS2025001") if m.text.startswith("证书提醒")]  # not the digests
    # T-30, T-14, T-7, T-1, T0, then weekly while expired: W1, W2
    assert len(agent) == len(lead) == len(hr) == 7
    assert "30 day(s)" not in agent[0].text  # Chinese for 王芳
    assert "还剩 30 天" in str(agent[0].blocks) and "今天" in str(agent[4].blocks) and "已于" in str(agent[5].blocks)
    assert any(e.get("action_id") == "cert_book" for b in agent[0].blocks for e in b.get("elements") or [])


def test_catch_up_after_an_outage_sends_only_the_latest_stage(world: Playground) -> None:
    import_text(world, REGISTER_ZH)
    world.runtime.tick(morning(date(2026, 3, 1)))  # 31 days left: nothing yet
    world.runtime.tick(morning(date(2026, 3, 26)))  # back after ten days down: 6 days left -> T-7 only
    agent = dms(world, "UAGENT1", "CS2025001")
    assert len(agent) == 1 and "还剩 6 天" in str(agent[0].blocks)


def test_booking_a_reevaluation_stops_the_reminders(world: Playground) -> None:
    import_text(world, REGISTER_ZH)
    world.runtime.tick(morning(date(2026, 3, 5)))
    reminder = dms(world, "UAGENT1", "CS2025001")[0]
    world.driver.click("UAGENT1", reminder, "cert_book")
    assert certificates(world)["CS2025001"].reevaluation_booked_on is not None
    world.runtime.tick(morning(date(2026, 3, 20)))
    world.runtime.tick(morning(date(2026, 4, 1)))
    assert len(dms(world, "UAGENT1", "CS2025001")) == 1
    world.deliver()
    assert dms(world, "ULEAD01", "预约了复评")


def assess(world: Playground, assessor: str, agent: str, scores: dict[str, str]) -> object:
    reply = world.driver.command(assessor, f"cert assess <@{agent}|x>")
    if not world.sim.opened_views:
        return reply
    view = world.sim.opened_views[-1]
    values = {field: {field: {"type": "number_input", "value": value}} for field, value in scores.items()}
    return world.driver.submit(assessor, view, values)


def test_renewal_supersedes_the_old_certificate_and_stops_reminders(world: Playground) -> None:
    import_text(world, REGISTER_ZH)
    world.runtime.tick(morning(date(2026, 3, 5)))
    # the lead records the re-evaluation on 10 March
    world.runtime.deps.clock = lambda: morning(date(2026, 3, 10))
    answer = assess(world, "ULEAD01", "UAGENT1", {"theory": "85", "practical": "72", "daily": "90"})
    assert answer.json.get("response_action") is None  # type: ignore[attr-defined]
    register = certificates(world)
    assert register["CS2025001"].status == CertificateStatus.SUPERSEDED
    new = next(c for n, c in register.items() if n.startswith("CS2026"))
    assert (new.level, new.composite, new.valid_until) == ("senior", Decimal("80.80"), date(2027, 3, 10))
    world.deliver()
    assert dms(world, "UAGENT1", "80.8") and dms(world, "ULEAD01", new.number)
    for day in (date(2026, 3, 25), date(2026, 4, 1), date(2026, 4, 9)):
        world.runtime.tick(morning(day))
    assert len(dms(world, "UAGENT1", "CS2025001")) == 1


def test_a_failed_assessment_sets_a_retake_date_and_issues_nothing(world: Playground) -> None:
    world.runtime.deps.clock = lambda: morning(date(2026, 3, 10))
    assess(world, "ULEAD01", "UAGENT5", {"theory": "50", "practical": "60", "daily": "55"})
    assert certificates(world) == {}
    world.deliver()
    assert dms(world, "UAGENT5", "retake is allowed from 2026-04-09")


def test_assessment_input_is_validated_and_permissioned(world: Playground) -> None:
    bad = assess(world, "ULEAD01", "UAGENT1", {"theory": "abc", "practical": "101", "daily": "70"})
    errors = bad.json["errors"]  # type: ignore[attr-defined]
    assert set(errors) == {"theory", "practical"}
    refused = world.driver.command("UAGENT2", "cert assess <@UAGENT1|x>")
    assert "只有以下角色可以执行此操作：hr, lead" in refused.text
    assert "不能给自己录入考核成绩" in world.driver.command("UHR0001", "cert assess <@UHR0001>").text
    assert "请 @ 提及对方" in world.driver.command("ULEAD01", "cert assess 王芳").text


def test_cert_commands_for_each_role(world: Playground) -> None:
    import_text(world, REGISTER_ZH)
    world.runtime.deps.clock = lambda: morning(date(2026, 3, 10))
    mine = world.driver.command("UAGENT1", "cert")
    assert "证书 CS2025001" in mine.text and "还剩 22 天" in mine.text and "即将到期" in mine.text
    assert "只能对你负责的团队成员" in world.driver.command("UAGENT1", "cert <@UAGENT2|z>").text
    assert "CS2025002" in world.driver.command("ULEAD01", "cert <@UAGENT2|z>").text
    assert "只有以下角色可以执行此操作：hr, lead" in world.driver.command("UAGENT1", "cert team").text
    team = world.driver.command("ULEAD01", "cert team")
    lines = [line for line in team.text.splitlines() if line.startswith("*")]
    assert lines[0].startswith("*王芳*") and "即将到期" in lines[0]
    assert any("未认证" in line for line in lines)
    assert "cert_book" in str(team.messages[0]["blocks"])
    assert "可用：`/coach cert`" in world.driver.command("UAGENT1", "cert frobnicate").text


def test_team_register_pages_with_a_constant_number_of_queries(world: Playground) -> None:
    with world.runtime.sessions.begin() as session:
        team = Team(workspace_id="T0DEMO", name="大团队")
        session.add(team)
        session.flush()
        now = datetime(2026, 3, 1, tzinfo=UTC)
        for n in range(1000):
            member = Member(
                workspace_id="T0DEMO",
                slack_id=f"UBIG{n:04d}",
                name=f"坐席{n:04d}",
                team=team,
                role=Role.AGENT,
                active=True,
                created_at=now,
                updated_at=now,
            )
            session.add(member)
            if n % 3 == 0:
                session.flush()
                session.add(
                    Certificate(
                        workspace_id="T0DEMO",
                        number=f"CS2025{n:04d}",
                        member_id=member.id,
                        holder_name=member.name,
                        level="junior",
                        issue_date=date(2025, 3, 1),
                        valid_until=date(2026, 3, 1) + timedelta(days=n % 90),
                        status=CertificateStatus.ACTIVE,
                        created_at=now,
                    )
                )
        team_id = team.id
    statements: list[str] = []
    event.listen(world.runtime.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with world.runtime.sessions() as session:
        first = team_page(session, {team_id}, page=1)
        count_first = len(statements)
        last = team_page(session, {team_id}, page=50)
    assert first.total == 1000 and first.pages == 50 and len(first.rows) == 20
    assert first.rows[0].certificate is not None and first.rows[0].certificate.valid_until == date(2026, 3, 1)
    assert all(row.certificate is None for row in last.rows)
    assert count_first <= 3 and len(statements) - count_first == 2  # BEGIN once, then the same two per page


def test_export_command_uploads_a_csv_to_the_requester(world: Playground) -> None:
    import_text(world, REGISTER_ZH)
    world.driver.command("ULEAD01", "cert export")
    assert world.sim.wait_for(lambda: any(f["shared"] for f in world.sim.files))
    shared = next(f for f in world.sim.files if f["shared"])
    content = shared["content"].decode("utf-8")
    assert "CS2025001" in content and shared["channel"] == "DLEAD01"
    assert "只有以下角色" in world.driver.command("UAGENT1", "cert export").text


def test_hr_digest_weekly_and_on_demand(world: Playground) -> None:
    import_text(world, REGISTER_ZH)
    world.runtime.tick(morning(date(2026, 3, 16)))  # a Monday, after 09:00
    world.runtime.tick(morning(date(2026, 3, 16)) + timedelta(hours=2))
    digests = hr_posts(world, "认证小结")
    assert len(digests) == 1 and "售后一组" in str(digests[0].blocks) and "30 天内到期：* 1" in str(digests[0].blocks)
    assert "只有以下角色可以执行此操作：hr" in world.driver.command("ULEAD01", "cert digest").text
    assert "认证小结" in world.driver.command("UHR0001", "cert digest").text


def test_app_home_shows_the_certificate(world: Playground) -> None:
    import_text(world, REGISTER_ZH)
    world.driver.event({"type": "app_home_opened", "user": "UAGENT2", "tab": "home"})
    assert world.sim.wait_for(lambda: "UAGENT2" in world.sim.home)
    assert "认证：* 高级，有效期至 2026-12-31" in str(world.sim.home["UAGENT2"])


def test_cli_import_and_export(world: Playground, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", world.settings.database_url)
    good = tmp_path / "register.csv"
    good.write_text(REGISTER_ZH, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["cert", "import", str(good)]).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(REGISTER_ZH + "CS2025009,王芳,客服部,专家,2026-04-01,2025-04-01,\n", encoding="utf-8")
    result = runner.invoke(app, ["cert", "import", str(bad)])
    assert result.exit_code == 1 and "第 4 行：“认证等级”的值“专家”不是认证等级" in result.output
    exported = runner.invoke(app, ["cert", "export"])
    assert "CS2025002" in exported.output
    with world.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Certificate)) == 2


def test_theory_exam_from_window_to_graded_score(world: Playground) -> None:

    library = CONTENT.library
    assert "目前没有为你开放的考试" in world.driver.command("UAGENT1", "exam").text
    assert "只有以下角色可以执行此操作：hr, lead" in world.driver.command("UAGENT2", "exam open <@UAGENT1|a> 7").text
    opened = world.driver.command("ULEAD01", "exam open <@UAGENT1|a> 7")
    assert "已为 王芳 开放理论考试" in opened.text
    world.deliver()
    assert dms(world, "UAGENT1", "你的理论考试已开放")
    world.driver.command("UAGENT1", "exam")
    assert world.sim.wait_for(lambda: len(world.sim.opened_views) == 1)
    view = world.sim.opened_views[0]
    missing = world.driver.submit("UAGENT1", view, {})
    assert missing.json["response_action"] == "errors" and len(missing.json["errors"]) == 5
    radios: list[str] = []
    while True:  # five pages: four of five single choices, then the two short answers
        page = [b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith("q-")]
        shorts = [b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith("s-")]
        radios += page
        assert len(view["blocks"]) <= 100
        values = {
            block: {
                "choice": {
                    "type": "radio_buttons",
                    "selected_option": {"value": library.questions[block[2:]].answer[0]},
                }
            }
            for block in page
        }
        if len(radios) == 20 and page:
            last = library.questions[radios[-1][2:]]
            wrong = next(o.id for o in last.options if o.id not in last.answer)
            values[radios[-1]] = {"choice": {"type": "radio_buttons", "selected_option": {"value": wrong}}}
        for block in shorts:
            values[block] = {"text": {"type": "plain_text_input", "value": "先安抚情绪，再确认诉求，给出方案并跟进。"}}
        reply = world.driver.submit("UAGENT1", view, values)
        if shorts:
            break
        view = {**reply.json["view"], "id": view.get("id")}
    assert len(radios) == 20 and len(shorts) == 2
    assert reply.json.get("response_action") is None
    world.deliver()
    assert dms(world, "UAGENT1", "单选题得分 38/40")
    to_grade = dms(world, "ULEAD01", "已交理论考试卷")[0]
    world.driver.click("ULEAD01", to_grade, "exam_grade")
    assert world.sim.wait_for(lambda: len(world.sim.opened_views) == 2)
    grading = world.sim.opened_views[1]
    assert "评分要点" in str(grading["blocks"]) and "先安抚情绪" in str(grading["blocks"])
    blocks = [b["block_id"] for b in grading["blocks"] if b.get("block_id", "").startswith("g-")]
    too_many = {b: {"points": {"type": "number_input", "value": "31"}} for b in blocks}
    assert world.driver.submit("ULEAD01", grading, too_many).json["response_action"] == "errors"
    points = {blocks[0]: {"points": {"value": "20"}}, blocks[1]: {"points": {"value": "25"}}}
    assert world.driver.submit("ULEAD01", grading, points).json.get("response_action") is None
    world.deliver()
    assert dms(world, "UAGENT1", "83/100")
    world.driver.command("ULEAD01", "cert assess <@UAGENT1|a>")
    assert world.sim.wait_for(lambda: len(world.sim.opened_views) == 3)
    assess_view = str(world.sim.opened_views[2]["blocks"])
    assert "来自" in assess_view and "'initial_value': '83'" in assess_view
    assert "这场考试你已经交卷了" in world.driver.command("UAGENT1", "exam").text


def _sample_certificate() -> Certificate:
    return Certificate(
        id=1,
        workspace_id="T",
        number="CS2026001",
        holder_name="王芳 <!here>",
        level="senior",
        theory=Decimal("85"),
        practical=Decimal("72"),
        daily=Decimal("90"),
        composite=Decimal("80.8"),
        issue_date=date(2026, 3, 1),
        valid_until=date(2027, 3, 1),
        status=CertificateStatus.ACTIVE,
    )


def _sample_exam() -> dict[str, object]:

    library = CONTENT.library
    exam = next(e for e in library.exams if e.id == "theory_standard")
    singles = [q.id for q in library.questions.values() if q.kind.value == "single"][:20]
    last = exam_pages(exam, singles)[-1]
    page = ExamPage(number=4, count=5, choices=list(enumerate(singles[:3], start=16)), shorts=last.shorts)
    return {
        "metadata": "3:4",
        "exam": exam,
        "page": page,
        "questions": library.questions,
        "answers": {singles[0]: "a"},
        "short_answers": {exam.short_answers[0].id: "先安抚 & <b>"},
        "question_count": 22,
        "clock": "⏱ 14:30",
    }


# Sample contexts for tests/test_render.py (every template renders in both languages).
CERT_CONTEXTS: dict[str, dict[str, object]] = {
    "cert_card": {
        "card": {
            "certificate": _sample_certificate(),
            "title": "Certificate CS2026001",
            "fallback": "x",
            "fields": "fields",
            "book_id": 1,
            "scores": "scores",
            "extra": ["booked"],
            "history": ["older"],
        }
    },
    "cert_team": {
        "title": "Team",
        "rows": [{"text": "*A* · senior", "book_id": 3}, {"text": "*B*", "book_id": None}],
        "footer": "page 1",
        "page": 2,
        "pages": 3,
        "team": ":4",
    },
    "cert_reminder": {"text": "expires soon", "fallback": "expires", "certificate_id": 5},
    "cert_hr_reminders": {"title": "Reminders · T-7: 2", "sections": ["line 1\nline 2"], "part": "Part 1 of 2"},
    "cert_digest": {
        "title": "Digest",
        "totals": "1 · 2 · 3",
        "teams": ["team line"],
        "details": ["detail"],
        "more": "…and 3 more",
    },
    "cert_assess_modal": {
        "member_id": 2,
        "name": "王芳",
        "initial": {"theory": "83", "practical": None, "daily": None},
        "hints": ["from exam"],
    },
    "exam_modal": _sample_exam(),
    "exam_grade_modal": {
        "metadata": "3:7",
        "name": "王芳",
        "choice_points": 38,
        "choice_total": 40,
        "items": [{"short": s, "answer": "答案", "points": "12.5"} for s in _sample_exam()["exam"].short_answers],  # type: ignore[attr-defined]
        "previous": "answer 1: 12.5/30",
        "last_reason": "missed a point",
    },
    "exam_to_grade": {"text": "graded?", "attempt_id": 3},
}
CERT_VIEWS = {"cert_assess_modal", "exam_modal", "exam_grade_modal"}
