"""Team views for HR and admins: `cert team [team]` and `team progress [team]` over every
team, a picker when no team is named, and leads kept to their own teams."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from bot.app.playground import Playground
from bot.core.config import Settings
from bot.core.db.models import Team
from tests import factories
from tests.conftest import NOW

CREATED = datetime(2026, 3, 1, tzinfo=UTC)


def add_team(world: Playground, name: str, size: int, *, prefix: str) -> int:
    """A team of ``size`` agents, a third of them with a certificate expiring in March."""
    with world.runtime.sessions.begin() as session:
        team = Team(workspace_id="T0DEMO", name=name)
        session.add(team)
        session.flush()
        for n in range(size):
            factories.certified_agent(
                session, team, f"U{prefix}{n:04d}", f"{prefix}坐席{n:04d}",
                valid_until=date(2026, 3, 20) if n % 3 == 0 else None, number=f"CS25{prefix}{n:04d}", now=CREATED,
            )  # fmt: skip
        return team.id


@pytest.fixture
def world(settings: Settings) -> Iterator[Playground]:
    with Playground(settings, start=NOW) as playground:
        for n in range(30):
            add_team(playground, f"华东 {n:02d} 组", 2, prefix=f"T{n:02d}")
        yield playground


def test_hr_without_a_team_name_picks_from_every_team_then_sees_it(world: Playground) -> None:
    reply = world.driver.command("UHR0001", "cert team")
    picker = reply.messages[0]
    menu = next(b["accessory"] for b in picker["blocks"] if (b.get("accessory") or {}).get("type") == "static_select")
    names = [option["text"]["text"] for option in menu["options"]]
    assert len(names) == 32 and "售后一组" in names and "华东 07 组" in names  # 30 teams + the demo's two
    chosen = next(o["value"] for o in menu["options"] if o["text"]["text"] == "售后一组")
    shown = world.driver.select("UHR0001", picker, "team_pick", chosen)
    assert "团队认证情况：售后一组" in shown.text and "王芳" in shown.text


def test_hr_and_admins_name_any_team_even_with_spaces(world: Playground) -> None:
    register = world.driver.command("UHR0001", "cert team 华东  07 组")
    assert "团队认证情况：华东 07 组" in register.text and "T07坐席0000" in register.text
    progress = world.driver.command("UADMIN1", 'team progress "华东 07 组"')
    assert "Team progress: 华东 07 组" in progress.text and "2 agent(s)" in progress.text
    own = world.driver.command("UADMIN1", "team progress 售后一组")
    assert "Team progress: 售后一组" in own.text


def test_a_team_name_with_markup_characters_is_found_and_shown_escaped(world: Playground) -> None:
    add_team(world, "R&D <支持> 组", 1, prefix="RD")
    reply = world.driver.command("UHR0001", "cert team R&D <支持> 组")  # Slack sends &amp; &lt; &gt;
    assert "R&amp;D &lt;支持&gt; 组" in reply.messages[0]["text"]


def test_a_lead_sees_only_their_own_team(world: Playground) -> None:
    assert "团队认证情况：售后一组" in world.driver.command("ULEAD01", "cert team").text
    assert "团队认证情况：售后一组" in world.driver.command("ULEAD01", "cert team 售后一组").text
    refused = world.driver.command("ULEAD01", "cert team 华东 07 组").text
    assert "你只能查看自己负责的团队，“华东 07 组”不在其中" in refused
    assert "“华东 07 组”不在其中" in world.driver.command("ULEAD01", "team progress 华东 07 组").text


def test_a_lead_cannot_pick_another_team_with_a_forged_choice(world: Playground) -> None:
    picker = world.driver.command("UHR0001", "team progress").messages[0]
    menu = next(b["accessory"] for b in picker["blocks"] if b.get("accessory"))
    other = next(o["value"] for o in menu["options"] if o["text"]["text"] == "华东 03 组")
    assert "不在其中" in world.driver.select("ULEAD01", picker, "team_pick", other).text
    assert "只有以下角色" in world.driver.select("UAGENT1", picker, "team_pick", other).text


def test_an_unknown_team_name_says_how_to_find_the_names(world: Playground) -> None:
    reply = world.driver.command("UHR0001", "cert team 不存在的组").text
    assert "没有名为“不存在的组”的团队" in reply and "从团队列表中选择" in reply


def test_more_than_a_hundred_teams_are_picked_page_by_page(world: Playground) -> None:
    with world.runtime.sessions.begin() as session:
        session.add_all(Team(workspace_id="T0DEMO", name=f"外包 {n:03d}") for n in range(120))
    picker = world.driver.command("UHR0001", "cert team").messages[0]
    menu = next(b["accessory"] for b in picker["blocks"] if b.get("accessory"))
    assert len(menu["options"]) == 100 and "第 1–100 个团队，共 152 个" in str(picker["blocks"])
    second = world.driver.click("UHR0001", picker, "team_pick_page", "cert:2").messages[0]
    menu = next(b["accessory"] for b in second["blocks"] if b.get("accessory"))
    assert len(menu["options"]) == 52 and "外包 119" in str(menu["options"])


def test_a_300_person_team_pages_its_register_and_summarises_its_progress(world: Playground) -> None:
    add_team(world, "大 团队", 300, prefix="BIG")
    register = world.driver.command("UHR0001", "cert team 大 团队")
    assert "第 1/15 页 · 共 300 名客服" in register.text
    second = world.driver.click("UHR0001", register.messages[0], "cert_team_next")
    assert "团队认证情况：大 团队" in second.text and "第 2/15 页" in second.text
    progress = world.driver.command("UHR0001", "team progress 大 团队")
    assert "团队共有 300 名客服" in progress.text and "另有" in progress.text
