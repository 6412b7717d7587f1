"""Query scaling: team views at 10, 100 and 1,000 members (statement count and time), and
the certificate expiry scan over 100,000 certificates against a raw SQL statement."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import event, select, text

from bench.world import WORKSPACE, make_world
from bot.certification.certificates import team_page
from bot.certification.models import Certificate, CertificateStatus
from bot.certification.reminders import due_reminders
from bot.core.calendar import WorkCalendar
from bot.core.content.bundle import Content
from bot.core.db.models import Member, Role, Team
from bot.learning.models import QuizItem
from bot.learning.progress import team_progress
from bot.people.teams import lead_teams

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _measure(world: Any, action: Any, repeats: int = 5) -> tuple[int, float]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(world.runtime.engine, "before_cursor_execute", count)
    with world.runtime.sessions() as session:
        action(session)  # warm-up, and the statement count of one call
        per_call = len(statements)
        started = time.perf_counter()
        for _ in range(repeats):
            action(session)
        elapsed = (time.perf_counter() - started) / repeats
    event.remove(world.runtime.engine, "before_cursor_execute", count)
    return per_call, elapsed


def team_views(sizes: tuple[int, ...] = (10, 100, 1000)) -> dict[str, Any]:
    figures: dict[str, Any] = {"benchmark": "team_views"}
    library = Content.load().library
    questions = list(library.questions)
    for size in sizes:
        world = make_world(size)
        try:
            with world.runtime.sessions.begin() as session:
                agents = list(session.scalars(select(Member).where(Member.role == Role.AGENT)))
                for n, agent in enumerate(agents):
                    for k in range(5):
                        session.add(
                            QuizItem(
                                workspace_id=WORKSPACE,
                                member_id=agent.id,
                                question_id=questions[(n + k) % len(questions)],
                                source="daily",
                                sent_at=NOW,
                                answered_at=NOW,
                                answered_on=TODAY,
                                chosen=["a"],
                                correct=(n + k) % 3 != 0,
                            )
                        )
                    if n % 2 == 0:
                        session.add(
                            Certificate(
                                workspace_id=WORKSPACE,
                                number=f"CS2025{n:05d}",
                                member_id=agent.id,
                                holder_name=agent.name,
                                level="junior",
                                issue_date=TODAY,
                                valid_until=TODAY + timedelta(days=n % 400),
                                created_at=NOW,
                                status=CertificateStatus.ACTIVE,
                            )
                        )
                lead = session.scalar(select(Member).where(Member.role == Role.LEAD))
                team_ids = {t.id for t in session.scalars(select(Team))}
                assert lead is not None
                lead_id = lead.id
            calendar = WorkCalendar()

            def progress(session: Any, lead_id: int = lead_id, calendar: WorkCalendar = calendar) -> None:
                team_progress(session, library, lead_teams(session, session.get(Member, lead_id)), calendar, TODAY)

            def register(session: Any, team_ids: set[int] = team_ids) -> None:
                team_page(session, team_ids, page=1)

            for name, action in (("team_progress", progress), ("cert_team", register)):
                statements, seconds = _measure(world, action)
                figures[f"{name}_{size}_statements"] = statements
                figures[f"{name}_{size}_ms"] = round(seconds * 1000, 2)
        finally:
            world.close()
    largest, smallest = max(sizes), min(sizes)
    for name in ("team_progress", "cert_team"):
        figures[f"{name}_time_ratio_{largest}_vs_{smallest}"] = round(
            figures[f"{name}_{largest}_ms"] / figures[f"{name}_{smallest}_ms"], 2
        )
    return figures


def expiry_scan(certificates: int = 100_000) -> dict[str, Any]:
    world = make_world(1)
    try:
        with world.runtime.engine.begin() as connection:
            connection.execute(
                Certificate.__table__.insert(),
                [
                    {
                        "workspace_id": WORKSPACE,
                        "number": f"CS2025{n:07d}",
                        "holder_name": f"H{n}",
                        "level": "junior",
                        "issue_date": TODAY - timedelta(days=365),
                        "valid_until": TODAY + timedelta(days=n % 730 - 60),
                        "status": "active",
                        "created_at": NOW,
                    }
                    for n in range(certificates)
                ],
            )
        raw_sql = text(
            "SELECT * FROM certificates WHERE status = 'active' AND valid_until <= :horizon"
            " AND workspace_id = :ws AND reevaluation_booked_on IS NULL"
        )

        def raw(session: Any) -> None:
            session.execute(raw_sql, {"horizon": TODAY + timedelta(days=30), "ws": WORKSPACE}).all()

        rules = world.runtime.content.rules

        def scan(session: Any) -> None:
            due_reminders(session, rules, WORKSPACE, TODAY)

        _, raw_seconds = _measure(world, raw, repeats=3)
        _, scan_seconds = _measure(world, scan, repeats=3)
        with world.runtime.sessions() as session:
            plan = session.execute(
                text("EXPLAIN QUERY PLAN " + str(raw_sql)), {"horizon": TODAY, "ws": WORKSPACE}
            ).all()
        return {
            "benchmark": "expiry_scan",
            "certificates": certificates,
            "raw_sql_ms": round(raw_seconds * 1000, 2),
            "coachbot_scan_ms": round(scan_seconds * 1000, 2),
            "scan_over_raw": round(scan_seconds / raw_seconds, 2),
            "uses_index": any("ix_certificates_expiry" in str(row) for row in plan),
        }
    finally:
        world.close()
