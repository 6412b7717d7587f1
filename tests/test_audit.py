"""The audit log records views of personal data by leads, HR and admins, and every change
to certificates and roles."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app.playground import Playground, demo_roster_csv
from bot.certification.register import import_register
from bot.core.db.models import AuditEntry
from bot.people.roster import import_roster

REGISTER = "证书编号,姓名,部门,认证等级,有效期至,发证日期,复评结果\nCS2025001,王芳,客服部,中级,2026-04-01,2025-04-01,\n"


def actions(playground: Playground) -> list[tuple[str, str, str | None]]:
    with playground.runtime.sessions() as session:
        return [(a.actor, a.action, a.subject) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_views_and_changes_are_audited(playground: Playground) -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    with playground.runtime.sessions.begin() as session:
        assert import_register(session, "T0DEMO", REGISTER, now, actor="UHR0001").ok
        promoted = demo_roster_csv().replace("UAGENT2,张伟,售后一组,agent", "UAGENT2,张伟,售后一组,lead")
        assert import_roster(session, "T0DEMO", promoted, now, actor="UADMIN1").ok
    playground.driver.command("ULEAD01", "cert <@UAGENT1|a>")
    playground.driver.command("ULEAD01", "cert team")
    playground.driver.command("ULEAD01", "team progress")
    playground.driver.command("UHR0001", "cert export")
    playground.driver.command("UAGENT1", "cert")  # one's own certificate is not a view of someone else's data
    log = actions(playground)
    assert ("UHR0001", "cert.imported", None) in log
    assert ("ULEAD01", "cert.viewed", "UAGENT1") in log
    assert ("ULEAD01", "cert.team_viewed", "售后一组") in log  # which team was looked at
    assert ("ULEAD01", "progress.viewed", "售后一组") in log
    assert ("UHR0001", "cert.exported", None) in log
    assert not [entry for entry in log if entry[0] == "UAGENT1"]
    with playground.runtime.sessions() as session:
        roster = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "roster.imported", AuditEntry.actor == "UADMIN1")
        )
        assert roster is not None and roster.detail["role_changes"] == ["UAGENT2: agent -> lead"]


def test_opening_someones_scores_is_audited(playground: Playground) -> None:
    from tests.test_polls import start_scoring_poll

    start_scoring_poll(playground, ["UAGENT2"])
    playground.driver.command("ULEAD01", "score status")
    playground.driver.command("ULEAD01", "cert assess <@UAGENT1|a>")  # the form shows their scores
    log = actions(playground)
    assert ("ULEAD01", "cert.assessment_opened", "UAGENT1") in log
    assert ("ULEAD01", "scoring.status_viewed", "UAGENT1") in log
