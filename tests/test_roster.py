from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bot.app.cli import app
from bot.core.db.models import Member, Role, Team
from bot.people.roster import export_roster, import_roster, parse_roster
from tests import factories
from tests.conftest import NOW

GOOD = """slack_id,name,team,role,department,timezone,locale,lesson_time,email
U0LEAD1,李娜,售后一组,lead,客服部,Asia/Shanghai,zh-CN,09:00,lina@example.com
U0AGENT1,王芳,售后一组,agent,客服部,,,,
U0AGENT2,Alex Chen,售后一组,agent,客服部,Europe/London,en,10:15,alex@example.com
U0HR1,赵敏,人力资源,hr,,,,,
"""


def members(session: Session) -> dict[str, Member]:
    return {m.slack_id: m for m in session.scalars(select(Member))}


def test_a_good_file_creates_members_teams_and_leads(session: Session) -> None:
    factories.workspace(session, NOW)
    report = import_roster(session, "T0TEST", GOOD, NOW)
    assert report.ok and (report.created, report.updated, report.teams_created) == (4, 0, 2)
    people = members(session)
    assert people["U0LEAD1"].role == Role.LEAD
    assert people["U0AGENT2"].timezone == "Europe/London" and people["U0AGENT2"].lesson_time == "10:15"
    team = session.scalar(select(Team).where(Team.name == "售后一组"))
    assert team is not None and team.lead is people["U0LEAD1"]
    assert {m.slack_id for m in team.members} == {"U0LEAD1", "U0AGENT1", "U0AGENT2"}


def test_reimport_updates_and_never_duplicates(session: Session) -> None:
    factories.workspace(session, NOW)
    import_roster(session, "T0TEST", GOOD, NOW)
    changed = GOOD.replace("U0AGENT1,王芳,售后一组,agent", "U0AGENT1,王芳芳,售后二组,lead")
    report = import_roster(session, "T0TEST", changed, NOW)
    assert (report.created, report.updated, report.unchanged, report.teams_created) == (0, 1, 3, 1)
    people = members(session)
    assert len(people) == 4
    assert (people["U0AGENT1"].name, people["U0AGENT1"].role) == ("王芳芳", Role.LEAD)
    assert people["U0AGENT1"].team is not None and people["U0AGENT1"].team.name == "售后二组"


def test_chinese_headers_and_role_names_are_accepted() -> None:
    rows, errors = parse_roster(
        "Slack ID,姓名,团队,角色,语言\nU0X1,周杰,售后一组,组长,zh-CN\nU0X2,吴磊,售后一组,客服,en\n"
    )
    assert errors == []
    assert [(r.name, r.role) for r in rows] == [("周杰", Role.LEAD), ("吴磊", Role.AGENT)]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("bob,Bob,T,agent", "slack_id 'bob' is not a Slack member id"),
        ("U0B1,,T,agent", "name is empty"),
        ("U0B1,Bob,T,boss", "role 'boss' is not one of agent, lead, hr, admin"),
        ("U0B1,Bob,T,agent,Mars/Base,,", "timezone 'Mars/Base' is unknown"),
        ("U0B1,Bob,T,agent,,fr,", "locale 'fr' must be zh-CN or en"),
        ("U0B1,Bob,T,agent,,,25:00", "lesson_time '25:00' must be HH:MM"),
        ('U0B1,=HYPERLINK("x"),T,agent', "name starts with '='"),
        ("U0B1,Bob,T,agent,,,,x", "has 8 cells, the header has 7"),
    ],
)
def test_each_bad_row_is_reported_with_its_line(line: str, reason: str) -> None:
    header = "slack_id,name,team,role" + (",timezone,locale,lesson_time" if line.count(",") != 3 else "")
    if line.count(",") == 2:
        header = "slack_id,name,team,role,timezone,locale,lesson_time"
    text = f"{header}\nU0OK1,Fine,T,agent{',,,' if header.endswith('lesson_time') else ''}\n{line}\n"
    _rows, errors = parse_roster(text)
    assert len(errors) == 1
    assert errors[0].line == 3
    assert reason in errors[0].message


def test_duplicate_ids_and_missing_columns_are_reported() -> None:
    _rows, errors = parse_roster("slack_id,name,team,role\nU0A1,A,T,agent\nU0A1,A2,T,agent\n")
    assert [str(e) for e in errors] == ["line 3: slack_id U0A1 already appears on line 2"]
    _rows, errors = parse_roster("slack_id,name\nU0A1,A\n")
    assert "missing column(s) team, role" in str(errors[0])


def test_one_bad_row_means_nothing_is_written(session: Session) -> None:
    factories.workspace(session, NOW)
    report = import_roster(session, "T0TEST", GOOD + "U0BAD,Bad,T,pirate,,,,,\n", NOW)
    assert not report.ok
    assert str(report.errors[0]).startswith("line 6:")
    assert members(session) == {}


def test_export_round_trips_and_neutralises_formulas(session: Session) -> None:
    factories.workspace(session, NOW)
    import_roster(session, "T0TEST", GOOD, NOW)
    members(session)["U0AGENT1"].department = "-2+3"
    data, count = export_roster(session, "T0TEST")
    exported = data.decode("utf-8")
    assert exported.startswith("\ufeff") and count == 4  # the BOM Excel needs to read UTF-8
    assert "'-2+3" in exported
    rows, errors = parse_roster(exported.replace("'-2+3", "客服部"))
    assert errors == [] and {r.slack_id for r in rows} == set(members(session))


def test_cli_import_reports_rows_and_writes_nothing(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "U0BAD,Bad,T,pirate,,,,,\n", encoding="utf-8")
    result = runner.invoke(app, ["roster", "import", str(bad), "--workspace", "T0CLI"])
    assert result.exit_code == 1
    assert (
        "没有导入任何内容" in result.output and "第 6 行：“role”的值“pirate”" in result.output
    )  # the operator's language
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8-sig")  # Excel's BOM is fine
    result = runner.invoke(app, ["roster", "import", str(good)])
    assert result.exit_code == 1, "the failed import must not have created the workspace either"
    result = runner.invoke(app, ["roster", "import", str(good), "--workspace", "T0CLI"])
    assert result.exit_code == 0, result.output
    assert "新增 4，更新 0" in result.output
    exported = runner.invoke(app, ["roster", "export"])  # one workspace now: no --workspace needed
    assert "U0AGENT2,Alex Chen" in exported.output


def test_excel_files_from_chinese_windows_import_as_saved(tmp_path: Path) -> None:
    # Excel's "CSV" on Chinese Windows is GB18030; "Unicode text" is UTF-16 with tabs; and .xlsx.
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(GOOD.encode("gb18030"))
    unicode_text = tmp_path / "unicode.txt"
    unicode_text.write_bytes(GOOD.replace(",", "\t").encode("utf-16"))
    workbook = tmp_path / "roster.xlsx"
    sheet = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(GOOD)):
        sheet.active.append(row)
    sheet.save(workbook)
    runner = CliRunner(env={"COACHBOT_LOCALE": "en"})
    for file in (gbk, unicode_text, workbook):
        result = runner.invoke(app, ["roster", "import", str(file), "--workspace", "T0CLI"])
        assert result.exit_code == 0, (file.name, result.output)
    exported = tmp_path / "out.xlsx"
    assert runner.invoke(app, ["roster", "export", "--out", str(exported)]).exit_code == 0
    rows = list(openpyxl.load_workbook(exported).active.iter_rows(values_only=True))
    assert rows[2][:4] == ("U0LEAD1", "李娜", "售后一组", "lead") and len(rows) == 5


def test_a_reimport_with_only_the_required_columns_keeps_everything_else(session: Session) -> None:
    factories.workspace(session, NOW)
    import_roster(session, "T0TEST", GOOD, NOW)
    members(session)["U0AGENT1"].locale = "en"  # set by the person in /coach settings
    members(session)["U0AGENT1"].lesson_time = "08:15"
    minimal = "slack_id,name,team,role\nU0AGENT1,王芳,售后一组,agent\nU0AGENT2,Alex Chen,售后一组,agent\n"
    assert import_roster(session, "T0TEST", minimal, NOW).ok
    people = members(session)
    assert (people["U0AGENT1"].locale, people["U0AGENT1"].lesson_time) == ("en", "08:15")
    assert (people["U0AGENT2"].timezone, people["U0AGENT2"].email) == ("Europe/London", "alex@example.com")
    # A language column cannot overrule the person's own choice either; an empty cell changes nothing.
    assert import_roster(
        session,
        "T0TEST",
        GOOD.replace("U0AGENT1,王芳,售后一组,agent,客服部,,,,", "U0AGENT1,王芳,售后一组,agent,,,zh-CN,,"),
        NOW,
    ).ok
    assert (members(session)["U0AGENT1"].locale, members(session)["U0AGENT1"].department) == ("en", "客服部")
    assert all(m.active for m in members(session).values())  # people missing from a file stay without --sync


def test_sync_deactivates_who_is_missing_and_the_dry_run_shows_it_first(tmp_path: Path) -> None:
    runner = CliRunner(env={"COACHBOT_LOCALE": "en"})
    full = tmp_path / "full.csv"
    full.write_text(GOOD, encoding="utf-8")
    assert runner.invoke(app, ["roster", "import", str(full), "--workspace", "T0CLI"]).exit_code == 0
    smaller = tmp_path / "smaller.csv"
    smaller.write_text(
        GOOD.replace("U0HR1,赵敏,人力资源,hr,,,,,\n", "").replace("王芳,售后一组", "王芳,售后二组"), encoding="utf-8"
    )
    dry = runner.invoke(app, ["roster", "import", str(smaller), "--sync", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.index("deactivated") < dry.output.index("updated") and "赵敏 (U0HR1)" in dry.output
    assert "Dry run: nothing was written" in dry.output
    assert runner.invoke(app, ["roster", "export"]).output.count("U0HR1") == 1  # still active
    done = runner.invoke(app, ["roster", "import", str(smaller), "--sync"])
    assert done.exit_code == 0 and "1 deactivated" in done.output
    exported = runner.invoke(app, ["roster", "export"]).output
    assert "U0HR1" not in exported and "U0AGENT1,王芳,售后二组" in exported


def test_unknown_columns_are_left_alone_and_named(tmp_path: Path) -> None:
    roster = tmp_path / "hr.csv"
    roster.write_text(
        "工号,姓名,slack_id,团队,角色,岗位,入职时间\nA001,张三,U0Z1,客服一部,客服,客服专员,2023-09\n", encoding="utf-8"
    )
    result = CliRunner(env={"COACHBOT_LOCALE": "en"}).invoke(
        app, ["roster", "import", str(roster), "--workspace", "T0CLI"]
    )
    assert result.exit_code == 0, result.output
    assert "left alone: 岗位, 入职时间" in result.output
