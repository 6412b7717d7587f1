"""HR's register as HR keeps it: the seed's template 5 in every form Excel saves it, matched
to people by staff id, exported back unchanged, with each certificate's status on the day."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bot.app.cli import app
from bot.certification.models import Certificate, CertificateStatus
from bot.certification.register import export_register, import_register
from bot.certification.use_cases import assess
from bot.core.chinese import simplified
from bot.core.db.models import Member, Role, Team
from bot.core.notify import Notifier
from bot.core.render import Renderer
from bot.people.roster import import_roster
from tests import factories
from tests.shipped import CONTENT

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
# The seed's template 5 (认证结果记录表), header and rows as the training document gives them.
SEED = (
    "认证编号,姓名*,部门,认证等级,有效期,发证日期,复评结果(有效期前1个月)\n"
    "CS2024001,张*A001,客服一部,中级专员,2025-03-10,2024-03-15,待复评\n"
    "CS2024002,赵*C003,客服三部,高级专员,2025-03-20,2024-03-18,通过(复评总分85分)\n"
)
ROSTER = (
    "slack_id,name,team,role,工号\n"
    "U0ZHANG,张三,客服一部,agent,A001\n"
    "U0ZHAO,赵六,客服三部,agent,C003\n"
    "U0LEAD,周组长,客服一部,lead,L001\n"
)


@pytest.fixture
def workspace(session: Session) -> str:
    factories.workspace(session, NOW)
    assert import_roster(session, "T0TEST", ROSTER, NOW).ok
    return "T0TEST"


def seed_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(SEED)))


def exported_rows(session: Session, filename: str = "register.csv") -> list[list[str]]:
    data, _count = export_register(session, "T0TEST", rules=CONTENT.rules, today=NOW.date(), filename=filename)
    if filename.endswith(".xlsx"):
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8 Chinese
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def as_xlsx(text: str) -> bytes:
    workbook = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(text)):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def traditional(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("s2t").convert(text))


@pytest.mark.parametrize(
    ("form", "data", "filename"),
    [
        ("UTF-8", SEED.encode("utf-8"), "register.csv"),
        ("UTF-8 with BOM", SEED.encode("utf-8-sig"), "register.csv"),
        ("Excel CSV on Chinese Windows", SEED.encode("gb18030"), "register.csv"),
        ("traditional characters, Big5", traditional(SEED).encode("big5"), "register.csv"),
        ("Excel Unicode text", SEED.replace(",", "\t").encode("utf-16"), "register.txt"),
        ("Excel workbook", as_xlsx(SEED), "register.xlsx"),
    ],
)
def test_the_seeds_template_round_trips_unchanged(
    session: Session, workspace: str, form: str, data: bytes, filename: str
) -> None:
    report = import_register(session, workspace, data, NOW, filename=filename)
    assert report.ok, (form, [str(e) for e in report.errors])
    assert (report.created, report.unlinked) == (2, [])
    holders = {c.number: c.member.slack_id for c in session.scalars(select(Certificate)) if c.member}
    assert holders == {"CS2024001": "U0ZHANG", "CS2024002": "U0ZHAO"}  # matched by the staff id in 张*A001
    source = seed_rows() if "traditional" not in form else list(csv.reader(io.StringIO(traditional(SEED))))
    for out in ("register.csv", "register.xlsx"):
        rows = exported_rows(session, out)
        assert rows[0][:7] == seed_rows()[0]  # the template's header
        # each cell as the file wrote it (a level word comes back in simplified characters)
        assert [[*row[:3], simplified(row[3]), *row[4:7]] for row in rows[1:]] == [
            [*row[:3], simplified(row[3]), *row[4:]] for row in source[1:]
        ], (form, out)
    again = import_register(session, workspace, exported_rows_bytes(session), NOW)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def exported_rows_bytes(session: Session) -> bytes:
    return export_register(session, "T0TEST", rules=CONTENT.rules, today=NOW.date())[0]


def test_a_certificate_that_expired_in_2025_exports_as_expired(session: Session, workspace: str) -> None:
    extra = "CS2026001,周组长,客服一部,初级,2027-06-30,2026-06-30,\n"
    assert import_register(session, workspace, SEED + extra, NOW).ok
    number = {c.number: c for c in session.scalars(select(Certificate))}
    number["CS2026001"].reevaluation_booked_on = NOW.date()
    status = {row[0]: row[8] for row in exported_rows(session)[1:]}
    assert status == {"CS2024001": "expired", "CS2024002": "expired", "CS2026001": "booked"}


def test_a_reassessment_adds_to_the_result_instead_of_replacing_it(session: Session, workspace: str) -> None:
    assert import_register(session, workspace, SEED.replace("2025-03-20", "2027-03-20"), NOW).ok
    lead = session.scalar(select(Member).where(Member.slack_id == "U0LEAD"))
    zhao = session.scalar(select(Member).where(Member.slack_id == "U0ZHAO"))
    assert lead is not None and zhao is not None
    lead.role, lead.team = Role.HR, session.scalar(select(Team).where(Team.name == "客服三部"))
    notifier = Notifier(Renderer(), CONTENT, NOW)
    scores = {"theory": Decimal(90), "practical": Decimal(85), "daily": Decimal(90)}
    assess(session, notifier, lead, zhao.id, scores)
    old = session.scalar(select(Certificate).where(Certificate.number == "CS2024002"))
    assert old is not None and old.status == CertificateStatus.SUPERSEDED
    assert old.reevaluation_result == "通过(复评总分85分)；通过(复评总分88分)"
    rows = {row[0]: row for row in exported_rows(session)[1:]}
    assert rows["CS2024002"][6] == "通过(复评总分85分)；通过(复评总分88分)" and rows["CS2024002"][8] == "superseded"


def test_people_are_matched_by_staff_id_before_names(session: Session, workspace: str) -> None:
    twins = "slack_id,name,team,role,工号\nU0WANG1,王芳,客服一部,agent,A101\nU0WANG2,王芳,客服三部,agent,C102\n"
    assert import_roster(session, workspace, twins, NOW).ok
    by_name = "证书编号,姓名,认证等级,有效期至,发证日期\nCS2026002,王芳,高级,2027-01-01,2026-01-01\n"
    [problem] = import_register(session, workspace, by_name, NOW).errors
    assert problem.key == "ambiguous_name" and problem.line == 2
    assert "第 2 行：姓名“王芳”在名单中对应 2 个人" in problem.in_language("zh-CN")
    by_staff = "证书编号,工号,姓名,认证等级,有效期至,发证日期\nCS2026002,C102,王芳,高级,2027-01-01,2026-01-01\n"
    assert import_register(session, workspace, by_staff, NOW).ok
    cert = session.scalar(select(Certificate).where(Certificate.number == "CS2026002"))
    assert cert is not None and cert.member is not None and cert.member.slack_id == "U0WANG2"
    wrong = SEED.replace("张*A001", "李*A001")
    [mismatch] = import_register(session, workspace, wrong, NOW).errors
    assert mismatch.key == "masked_name_mismatch" and "张三" in str(mismatch)


def test_a_register_of_people_not_yet_in_slack_is_kept_and_reported(session: Session) -> None:
    factories.workspace(session, NOW)
    report = import_register(session, "T0TEST", SEED, NOW)
    assert report.ok and report.unlinked == [2, 3]
    assert [row[:7] for row in exported_rows(session)] == seed_rows()


@pytest.mark.parametrize(
    ("header", "values"),
    [
        (
            "證書編號,姓名,部門,認證級別,有效期至,頒發日期,複評結果",
            "CS2026003,张三,客服一部,高級專員,2027-01-01,2026-01-01,",
        ),
        (
            "Certificate number,Name,Department,Level,Valid until,Issue date,Re-evaluation result,slack_id",
            "CS2026003,x,Support,Senior,2027/01/01,2026/01/01,,U0ZHANG",
        ),
        (
            "证书编号 certificate number,姓名 name,认证等级 level,有效期至 valid until,发证日期 issue date",
            "CS2026003,张三,高级客户服务专员,2027年01月01日,2026.01.01",
        ),
    ],
)
def test_common_variants_of_the_layout_are_read(session: Session, workspace: str, header: str, values: str) -> None:
    report = import_register(session, workspace, f"{header}\n{values}\n", NOW)
    assert report.ok, [str(e) for e in report.errors]
    cert = session.scalar(select(Certificate).where(Certificate.number == "CS2026003"))
    assert cert is not None and cert.level == "senior" and cert.valid_until == date(2027, 1, 1)


def test_errors_name_the_column_as_the_file_does_in_the_operators_language(
    session: Session, workspace: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = import_register(session, workspace, "认证编号,姓名*,部门\nCS2024001,张*A001,客服一部\n", NOW)
    assert "认证等级、有效期、发证日期" in missing.errors[0].in_language("zh-CN")
    assert "number" not in str(missing.errors[0]).split(";")[0]  # no internal keys
    file = tmp_path / "register.csv"
    file.write_bytes(SEED.replace("中级专员", "资深").encode("gb18030"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    assert runner.invoke(app, ["roster", "import", "--workspace", "T0CLI", str(_file(tmp_path, ROSTER))]).exit_code == 0
    result = runner.invoke(app, ["cert", "import", str(file)])
    assert result.exit_code == 1 and "第 2 行：“认证等级”的值“资深”不是认证等级" in result.output


def test_a_dry_run_shows_each_change_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner(env={"COACHBOT_LOCALE": "en"})
    assert runner.invoke(app, ["roster", "import", "--workspace", "T0CLI", str(_file(tmp_path, ROSTER))]).exit_code == 0
    assert runner.invoke(app, ["cert", "import", str(_file(tmp_path, SEED, "a.csv"))]).exit_code == 0
    changed = SEED.replace("2025-03-20", "2026-03-20")
    dry = runner.invoke(app, ["cert", "import", "--dry-run", str(_file(tmp_path, changed, "b.csv"))])
    assert dry.exit_code == 0, dry.output
    assert "CS2024002" in dry.output and "有效期" in dry.output and "Dry run" in dry.output
    exported = runner.invoke(app, ["cert", "export"]).output
    assert "2025-03-20" in exported and "2026-03-20" not in exported


def _file(directory: Path, text: str, name: str = "roster.csv") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path
