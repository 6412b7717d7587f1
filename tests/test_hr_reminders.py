"""HR's renewal reminders: one message per stage and day (numbered parts past Slack's
limits), exactly once, by DM to every HR member when no HR channel is set."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app.playground import Playground
from bot.app.runtime import Runtime
from bot.certification.models import Certificate, CertificateReminder
from bot.certification.reminders import DueReminder, claim_reminder
from bot.core.config import Settings
from bot.core.db.models import Member, Role, Team
from bot.sim.server import MAX_BLOCKS, MAX_SECTION_TEXT, SimMessage
from tests import factories

HR = "CHR0001"
EXPIRY = date(2026, 4, 20)
CREATED = datetime(2026, 3, 1, tzinfo=UTC)


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def cohort(world: Playground, size: int, *, name: str = "坐席", expiry: date = EXPIRY, prefix: str = "C") -> None:
    """``size`` agents in team 华东 客服 & 售后, all certified until ``expiry``."""
    with world.runtime.sessions.begin() as session:
        team = session.scalar(select(Team).where(Team.name == "华东 客服 & 售后"))
        if team is None:
            team = Team(workspace_id="T0DEMO", name="华东 客服 & 售后")
            session.add(team)
            session.flush()
        for n in range(size):
            agent = factories.certified_agent(
                session, team, f"U{prefix}{n:04d}", f"{name}{n:04d}", valid_until=expiry,
                number=f"CS25{prefix}{n:04d}", now=CREATED,
            )  # fmt: skip
            world.sim.add_user(agent.slack_id, agent.name)


def posts_to(world: Playground, channel_or_user: str, needle: str = "") -> list[SimMessage]:
    return [
        m for m in world.sim.messages if channel_or_user in (m.channel, m.user) and needle in m.text + str(m.blocks)
    ]


def hr_reminders(world: Playground, where: str) -> list[SimMessage]:
    return [m for m in posts_to(world, where) if m.text.startswith(("证书提醒", "Certificate reminders"))]


@pytest.fixture
def with_channel(settings: Settings) -> Iterator[Playground]:
    with Playground(settings.model_copy(update={"hr_channel": HR})) as playground:
        yield playground


@pytest.fixture
def without_channel(settings: Settings) -> Iterator[Playground]:
    with Playground(settings) as playground:
        yield playground


def test_a_200_person_cohort_expiring_together_makes_one_hr_post_per_stage(with_channel: Playground) -> None:
    world = with_channel
    cohort(world, 200)
    day = EXPIRY - timedelta(days=30)
    world.runtime.tick(morning(day))
    world.runtime.tick(morning(day) + timedelta(hours=2))  # a second run the same day adds nothing
    posts = hr_reminders(world, HR)
    assert len(posts) == 1
    text = str(posts[0].blocks)
    assert "到期前 30 天：200 张证书" in posts[0].text
    assert all(f"CS25C{n:04d}" in text for n in range(200))
    assert len(posts[0].blocks) <= MAX_BLOCKS
    assert all(len(b["text"]["text"]) <= MAX_SECTION_TEXT for b in posts[0].blocks if b["type"] == "section")
    world.runtime.tick(morning(EXPIRY - timedelta(days=7)))
    assert [m.text.split("·")[1].strip() for m in hr_reminders(world, HR)] == [
        "到期前 30 天：200 张证书",
        "到期前 7 天：200 张证书",
    ]
    assert len(posts_to(world, "UC0007", "CS25C0007")) == 2  # each agent still hears at each stage


def test_a_list_too_long_for_one_message_comes_in_numbered_parts(with_channel: Playground) -> None:
    world = with_channel
    cohort(world, 250, name="欧阳长名字的客服代表" * 8)
    world.runtime.tick(morning(EXPIRY))
    parts = hr_reminders(world, HR)
    assert len(parts) >= 2
    assert [m.blocks[-1]["elements"][0]["text"] for m in parts] == [
        f"第 {n}/{len(parts)} 部分" for n in range(1, len(parts) + 1)
    ]
    everything = "".join(str(m.blocks) for m in parts)
    assert all(f"CS25C{n:04d}" in everything for n in range(250))
    assert all(len(m.blocks) <= MAX_BLOCKS and len(m.text) <= 40000 for m in parts)


def test_names_and_teams_with_markup_are_escaped(with_channel: Playground) -> None:
    world = with_channel
    cohort(world, 1, name="R&D <王芳> ")
    world.runtime.tick(morning(EXPIRY - timedelta(days=1)))
    text = str(hr_reminders(world, HR)[0].blocks)
    assert "R&amp;D &lt;王芳&gt; 0000" in text and "华东 客服 &amp; 售后" in text and "<王芳>" not in text


def test_a_reminder_claimed_before_a_crash_reaches_hr_once_on_the_next_run(with_channel: Playground) -> None:
    world = with_channel
    cohort(world, 3)
    day = EXPIRY - timedelta(days=14)
    with world.runtime.sessions.begin() as session:  # a run that claimed one stage, then died
        cert = session.scalar(select(Certificate).where(Certificate.number == "CS25C0001"))
        assert cert is not None
        assert claim_reminder(session, DueReminder(cert, "T-14", 14), morning(day))
    world.runtime.tick(morning(day) + timedelta(minutes=5))
    world.runtime.tick(morning(day) + timedelta(minutes=10))
    posts = hr_reminders(world, HR)
    assert len(posts) == 1 and all(f"CS25C000{n}" in str(posts[0].blocks) for n in range(3))


def test_a_reminder_claimed_after_the_days_post_comes_the_next_day_and_never_again(with_channel: Playground) -> None:
    world = with_channel
    cohort(world, 2)
    day = EXPIRY - timedelta(days=30)
    world.runtime.tick(morning(day))
    cohort(world, 1, prefix="LATE", expiry=EXPIRY - timedelta(days=1))  # imported at noon, T-30 too
    world.runtime.tick(morning(day) + timedelta(hours=2))
    assert len(hr_reminders(world, HR)) == 1
    world.runtime.tick(morning(day + timedelta(days=1)))
    posts = hr_reminders(world, HR)
    assert len(posts) == 2 and "CS25LATE0000" in str(posts[1].blocks) and "CS25C0000" not in str(posts[1].blocks)
    world.runtime.tick(morning(day + timedelta(days=2)))
    assert len(hr_reminders(world, HR)) == 2
    with world.runtime.sessions() as session:
        assert all(r.hr_told_at is not None for r in session.scalars(select(CertificateReminder)))


def test_without_an_hr_channel_every_hr_member_gets_the_reminders_and_digest_by_dm(without_channel: Playground) -> None:
    world = without_channel
    with world.runtime.sessions.begin() as session:
        now = CREATED
        session.add(Member(workspace_id="T0DEMO", slack_id="UHR0002", name="Second HR", role=Role.HR, active=True,
                           locale="en", created_at=now, updated_at=now))  # fmt: skip
        session.add(Member(workspace_id="T0DEMO", slack_id="UHR0003", name="Left", role=Role.HR, active=False,
                           created_at=now, updated_at=now))  # fmt: skip
    world.sim.add_user("UHR0002", "Second HR", locale="en")
    world.sim.add_user("UHR0003", "Left")
    cohort(world, 2, expiry=date(2026, 4, 15))
    monday = date(2026, 3, 16)  # 30 days before expiry, and the digest's weekday
    world.runtime.tick(morning(monday))
    world.runtime.tick(morning(monday) + timedelta(hours=2))
    assert len(hr_reminders(world, "UHR0001")) == 1 and "CS25C0001" in str(hr_reminders(world, "UHR0001")[0].blocks)
    assert [m.text for m in hr_reminders(world, "UHR0002")] == [
        "Certificate reminders 2026-03-16 · 30 days before expiry: 2 certificate(s)"
    ]
    assert posts_to(world, "UHR0003") == []
    assert len(posts_to(world, "UHR0001", "认证小结")) == 1
    assert len(posts_to(world, "UHR0002", "Certification digest")) == 1


def test_start_up_warns_that_hr_reminders_go_by_dm(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    runtime = Runtime(settings)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.app.runtime"):
            runtime.start_background(scheduler=False)
    finally:
        runtime.stop()
    assert any("HR_CHANNEL is not set" in r.getMessage() and "by DM" in r.getMessage() for r in caplog.records)


def test_the_weekly_digest_of_30_teams_fits_one_slack_message(with_channel: Playground) -> None:
    world, monday = with_channel, date(2026, 3, 16)
    with world.runtime.sessions.begin() as session:
        for t in range(30):
            team = Team(workspace_id="T0DEMO", name=f"华东大区第{t:02d}客户服务与售后支持组 R&D <二线>")
            session.add(team)
            session.flush()
            for n in range(10):
                until = monday + timedelta(days=10) if n % 2 else monday - timedelta(days=10)
                agent = factories.certified_agent(
                    session, team, f"UT{t:02d}{n:02d}", f"欧阳·{'长名字' * 4}{t:02d}{n:02d}", valid_until=until,
                    number=f"CS26{t:02d}{n:03d}", now=CREATED,
                )  # fmt: skip
                world.sim.add_user(agent.slack_id, agent.name)
    world.runtime.tick(morning(monday))
    [digest] = posts_to(world, HR, "认证小结")  # the simulator refuses what Slack refuses
    text = str(digest.blocks)
    assert len(digest.blocks) <= MAX_BLOCKS
    assert all(f"第{t:02d}客户服务" in text for t in range(30)) and "R&amp;D &lt;二线&gt;" in text
    assert "30 天内到期：* 150" in text and "已过期：* 150" in text
    reply = world.driver.command("UHR0001", "cert digest")
    assert "认证小结" in reply.text and len(reply.messages[0]["blocks"]) <= MAX_BLOCKS
