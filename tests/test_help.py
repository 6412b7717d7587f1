"""`/coach help` and the role check are one table: every line a person is shown runs for
them, and everything that runs for them is on their help."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app.playground import Playground
from bot.core.command_line import SUBCOMMANDS, Invocation, parse, roles_for
from bot.core.config import load_settings
from bot.core.db.models import Role
from bot.core.i18n import Catalog

ROLE_REFUSAL = ("只有以下角色可以执行此操作", "Only these roles can do that")
NOT_IN_ROSTER = ("你还不在 Coachbot 名单中", "You are not in the Coachbot roster yet")
# who, their language
PEOPLE = {"UAGENT1": "zh-CN", "ULEAD01": "zh-CN", "UHR0001": "zh-CN", "UADMIN1": "en", "UOUTSIDE": "zh-CN"}
# one command line for every line of help (a new line without one fails the first test)
SAMPLES = {
    "help": "help",
    "lesson": "lesson",
    "quiz": "quiz",
    "streak": "streak",
    "checkin": "checkin history",
    "support": "support optout",
    "support_config": "support config timeout 30",
    "cert": "cert",
    "cert_rubric": "cert rubric",
    "cert_team": "cert team 售后一组",
    "cert_export": "cert export",
    "cert_assess": "cert assess <@UAGENT2|b>",
    "cert_digest": "cert digest",
    "exam": "exam",
    "exam_open": "exam open <@UAGENT2|b>",
    "settings": "settings",
    "settings_workspace": "settings workspace",
    "team_progress": "team progress 售后一组",
    "wellbeing": "wellbeing",
    "poll": 'poll "Lunch?" "Yes" "No"',
    "score": "score status",
}


def test_every_line_of_help_has_a_sample_command() -> None:
    assert set(SAMPLES) == {sub.help_key for sub in SUBCOMMANDS}
    for key, text in SAMPLES.items():
        governing = next(sub for sub in SUBCOMMANDS if sub.help_key == key)
        assert roles_for(parse(text)) == governing.roles, key


def test_a_subcommand_with_only_verbs_is_open_to_whoever_may_use_one_of_them() -> None:
    assert roles_for(Invocation("team", ())) == frozenset({Role.LEAD, Role.HR})
    assert roles_for(Invocation("cert", ("frobnicate",))) is None


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Playground]:
    database = tmp_path_factory.mktemp("help") / "coachbot.db"
    with Playground(load_settings(DATABASE_URL=f"sqlite:///{database}")) as playground:
        playground.sim.add_user("UOUTSIDE", "Outsider")
        yield playground


@pytest.mark.parametrize("user", sorted(PEOPLE))
def test_help_lists_exactly_what_each_role_may_run(world: Playground, user: str) -> None:
    catalog = Catalog.load()
    shown = world.driver.command(user, "help").text
    for key, text in SAMPLES.items():
        listed = str(catalog.t(PEOPLE[user], f"help.commands.{key}")) in shown
        reply = world.driver.command(user, text, wait=0.5).text
        refused = any(words in reply for words in ROLE_REFUSAL + NOT_IN_ROSTER)
        assert listed is not refused, f"{user} `{text}`: listed={listed}, reply={reply[:200]}"


def test_hr_help_lists_the_digest_and_lead_help_lists_opening_an_exam(world: Playground) -> None:
    assert "/coach cert digest" in world.driver.command("UHR0001", "help").text
    lead = world.driver.command("ULEAD01", "help").text
    assert "/coach exam open" in lead and "/coach cert digest" not in lead
