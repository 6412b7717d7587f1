"""Check-ins, coping help, peer support and anonymous team trends, end to end."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app.playground import Playground
from bot.core.db.engine import make_engine, make_session_factory
from bot.core.db.migrate import upgrade
from bot.core.db.models import AuditEntry, Member, Workspace
from bot.sim.driver import Reply
from bot.sim.server import SimMessage
from bot.wellbeing import checkins, support
from bot.wellbeing.checkins import Answer, HelpReason
from bot.wellbeing.models import CheckIn, CheckInPrompt, SupportRequest
from bot.wellbeing.team_trends import WeekTrend
from tests import factories
from tests.conftest import NOW
from tests.postgres import fresh_database, throwaway_server
from tests.shipped import CONTENT

SHANGHAI_1730 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # Monday 17:30 in Shanghai
_COPING = CONTENT.library.coping
_WEEKS = [
    WeekTrend(date(2026, 2, 9), None, None),
    WeekTrend(date(2026, 2, 16), 3.2, None),
    WeekTrend(date(2026, 2, 23), 3.6, 0.4),
]
# Sample contexts for tests/test_render.py, which renders every template in both languages.
WELLBEING_CONTEXTS: dict[str, dict[str, Any]] = {
    "checkin_modal": {"situations": [("workload", "Workload")], "prompt_id": "7", "note_limit": 500},
    "checkin_settings_modal": {
        "prompt_time": "17:30",
        "prompts_enabled": True,
        "peer_supporter": True,
        "timezone": "Asia/Shanghai",
    },
    "checkin_prompt": {"prompt_id": 7},
    "checkin_saved": {
        "stress": 5,
        "reason": "hard_days",
        "tips": _COPING.tips[:3],
        "breathing": _COPING.breathing[0],
        "tags": "workload",
        "has_lead": True,
    },
    "checkin_history": {
        "days": 28,
        "sparkline": "··▂▄",
        "energy_sparkline": "··▄▄",
        "answered": 2,
        "average": "2.5",
        "chart": True,
    },
    "checkin_delete_confirm": {"count": 3},
    "checkin_lead_request": {"name": "<!channel> Ann", "slack_id": "U1"},
    "support_offer": {"request_id": 4, "topic": "a rough call", "minutes": 30},
    "support_requested": {"request_id": 4, "supporters": 2, "minutes": 30, "fallback_channel": True},
    "support_matched": {"request_id": 4, "supporter_name": "Bo"},
    "support_chat": {"requester_name": "Ann", "supporter_name": "Bo", "topic": "workload"},
    "support_close": {"request_id": 4, "intro": "Your chat is open."},
    "support_fallback": {"name": "Ann", "slack_id": "U1", "topic": "", "minutes": 30},
    "wellbeing_report": {"scope": "售后一组", "weeks": _WEEKS, "minimum": 5},
    "wellbeing_home": {"sparkline": "··▂▄", "last": "2026-03-02", "supporter": False},
}
WELLBEING_VIEWS = {"checkin_modal", "checkin_settings_modal"}


def radio(value: str, kind: str = "radio_buttons") -> dict[str, object]:
    return {"type": kind, "selected_option": {"value": value}}


def checkin_values(
    stress: str = "2", energy: str = "4", tags: tuple[str, ...] = (), note: str | None = None
) -> dict[str, dict[str, dict[str, object]]]:
    return {
        "stress": {"stress": radio(stress)},
        "energy": {"energy": radio(energy)},
        "tags": {"tags": {"type": "checkboxes", "selected_options": [{"value": t} for t in tags]}},
        "note": {"note": {"type": "plain_text_input", "value": note}},
    }


def open_checkin(playground: Playground, user: str) -> dict[str, object]:
    before = len(playground.sim.opened_views)
    assert playground.driver.command(user, "checkin", wait=0).status == 200
    assert playground.sim.wait_for(lambda: len(playground.sim.opened_views) > before)
    view = playground.sim.opened_views[-1]
    assert view["callback_id"] == "checkin"
    return view


def check_in(playground: Playground, user: str, **answers: object) -> Reply:
    reply = playground.driver.submit(user, open_checkin(playground, user), checkin_values(**answers))  # type: ignore[arg-type]
    playground.deliver()
    return reply


def rows(playground: Playground, user: str) -> list[CheckIn]:
    with playground.runtime.sessions() as session:
        member = session.scalar(select(Member).where(Member.slack_id == user))
        assert member is not None
        return list(session.scalars(select(CheckIn).where(CheckIn.member_id == member.id)))


def others_messages(playground: Playground, user: str) -> list[SimMessage]:
    return [m for m in playground.sim.messages if user not in (m.user, m.ephemeral_to)]


def opt_in(playground: Playground, *users: str) -> None:
    for user in users:
        answer = playground.driver.command(user, "support optin").text
        assert "同伴支持者" in answer or "peer supporter" in answer


def offers_to(playground: Playground, user: str) -> list[SimMessage]:
    return [
        m
        for m in playground.sim.messages_for(user)
        if any(b.get("block_id", "").startswith("support-offer-") for b in m.blocks)
    ]


def button_message(playground: Playground, user: str, action_id: str) -> SimMessage:
    for message in reversed(playground.sim.messages_for(user)):
        if action_id in json.dumps(message.blocks):
            return message
    raise LookupError(action_id)


# ----- 1. check-ins ---------------------------------------------------------------------
def test_the_checkin_modal_stores_an_answer_and_thanks_only_the_agent(playground: Playground) -> None:
    view = open_checkin(playground, "UAGENT5")
    assert {"stress", "energy", "tags", "note"} <= {b.get("block_id") for b in view["blocks"]}  # type: ignore[union-attr]
    answer = playground.driver.submit("UAGENT5", view, checkin_values("2", "4", ("workload",), "Long queue today"))
    assert answer.status == 200 and answer.json.get("response_action") is None
    [saved] = rows(playground, "UAGENT5")
    assert (saved.stress, saved.energy, saved.tags, saved.note) == (2, 4, ["workload"], "Long queue today")
    playground.deliver()
    assert "Thanks for checking in (stress 2/5)" in playground.sim.messages_for("UAGENT5")[-1].text
    assert others_messages(playground, "UAGENT5") == []


def test_invalid_submissions_get_field_errors_and_store_nothing(playground: Playground) -> None:
    answer = playground.driver.submit(
        "UAGENT5",
        open_checkin(playground, "UAGENT5"),  # type: ignore[arg-type]
        {
            "stress": {"stress": radio("9")},
            "tags": {"tags": {"type": "checkboxes", "selected_options": [{"value": "hacking"}]}},
            "note": {"note": {"type": "plain_text_input", "value": "x" * 501}},
        },
    )
    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {"stress", "energy", "tags", "note"}
    assert "from 1 to 5" in answer.json["errors"]["stress"]
    assert rows(playground, "UAGENT5") == []


def test_high_stress_gets_matched_tips_breathing_and_buttons_but_notifies_nobody(playground: Playground) -> None:
    check_in(playground, "UAGENT5", stress="5", energy="1", tags=("difficult_customer",))
    help_message = playground.sim.messages_for("UAGENT5")[-1]
    text = json.dumps(help_message.blocks, ensure_ascii=False)
    coping = CONTENT.library.coping
    matching = [tip.title.en for tip in coping.tips if "difficult_customer" in tip.situations]
    assert 2 <= sum(title in text for title in matching) <= 3
    assert any(exercise.title.en in text for exercise in coping.breathing)
    assert "checkin_ask_peer" in text and "checkin_talk_to_lead" in text
    assert others_messages(playground, "UAGENT5") == []
    assert playground.sim.messages_for("ULEAD01") == []


def test_a_calm_answer_gets_thanks_without_help(playground: Playground) -> None:
    check_in(playground, "UAGENT5", stress="1")
    assert "checkin_ask_peer" not in json.dumps(playground.sim.messages_for("UAGENT5")[-1].blocks)


def test_three_hard_days_in_a_row_flag_only_the_person(session: Session) -> None:
    agent = factories.member(session, NOW, "U1")
    for offset, stress in enumerate((3, 3)):
        checkins.record_checkin(session, agent, Answer(stress, 3), NOW.date() + timedelta(days=offset), NOW)
    assert checkins.help_reason(session, agent.id) is HelpReason.NONE
    checkins.record_checkin(session, agent, Answer(3, 3), NOW.date() + timedelta(days=2), NOW)
    assert checkins.help_reason(session, agent.id) is HelpReason.HARD_DAYS
    checkins.record_checkin(session, agent, Answer(1, 4), NOW.date() + timedelta(days=3), NOW)
    assert checkins.help_reason(session, agent.id) is HelpReason.NONE


def test_talk_to_my_lead_reaches_the_lead_only_after_the_click(playground: Playground) -> None:
    check_in(playground, "UAGENT5", stress="4")
    assert playground.sim.messages_for("ULEAD01") == []
    message = button_message(playground, "UAGENT5", "checkin_talk_to_lead")
    reply = playground.driver.click("UAGENT5", message, "checkin_talk_to_lead")
    assert "李娜" in reply.text
    playground.deliver()
    [to_lead] = playground.sim.messages_for("ULEAD01")
    assert "Alex Chen" in to_lead.text and "stress" not in to_lead.text.lower()


def test_end_of_day_prompt_takes_one_click_once(playground: Playground) -> None:
    playground.runtime.tick(SHANGHAI_1730 - timedelta(minutes=1))
    prompt_blocks = [m for m in playground.sim.messages_for("UAGENT5") if "checkin_quick_1" in json.dumps(m.blocks)]
    assert prompt_blocks == []
    playground.runtime.tick(SHANGHAI_1730)
    playground.runtime.tick(SHANGHAI_1730 + timedelta(minutes=1))
    prompts = [m for m in playground.sim.messages_for("UAGENT5") if "checkin_quick_1" in json.dumps(m.blocks)]
    assert len(prompts) == 1
    assert not [m for m in playground.sim.messages_for("ULEAD01") if "checkin_quick_1" in json.dumps(m.blocks)]
    stale_copy = {"text": prompts[0].text, "blocks": list(prompts[0].blocks)}  # a second, stale client
    first = playground.driver.click("UAGENT5", prompts[0], "checkin_quick_2")
    assert "stress 2/5" in first.text
    again = playground.driver.click("UAGENT5", stale_copy, "checkin_quick_4")
    assert "already answered" in again.text
    assert [(r.stress, r.energy) for r in rows(playground, "UAGENT5")] == [(2, None)]


def test_prompts_can_be_moved_or_turned_off_in_checkin_settings(playground: Playground) -> None:
    playground.driver.command("UAGENT5", "checkin settings")
    assert playground.sim.wait_for(lambda: bool(playground.sim.opened_views))
    view = playground.sim.opened_views[-1]
    assert view["callback_id"] == "checkin_settings"
    bad = playground.driver.submit("UAGENT5", view, {"prompt_time": {"prompt_time": {"selected_time": "25:00"}}})
    assert set(bad.json["errors"]) == {"prompt_time", "prompts"}
    playground.driver.submit(
        "UAGENT5",
        view,
        {
            "prompts": {"prompts": radio("off", "static_select")},
            "prompt_time": {"prompt_time": {"type": "timepicker", "selected_time": "18:00"}},
            "supporter": {"supporter": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}},
        },
    )
    playground.runtime.tick(SHANGHAI_1730 + timedelta(minutes=30))
    assert not [m for m in playground.sim.messages_for("UAGENT5") if "checkin_quick_1" in json.dumps(m.blocks)]
    assert [m for m in playground.sim.messages_for("UAGENT4") if "checkin_quick_1" in json.dumps(m.blocks)]


def test_history_shows_the_agents_own_trend_with_a_chart(playground: Playground) -> None:
    check_in(playground, "UAGENT5", stress="3")
    reply = playground.driver.command("UAGENT5", "checkin history")
    assert "last 28 days" in reply.text and "▄" in reply.text
    assert playground.sim.wait_for(lambda: any(f["content"] for f in playground.sim.files))
    assert playground.sim.files[0]["content"].startswith(b"\x89PNG")


def test_an_agent_deletes_their_own_checkins_after_confirming(playground: Playground) -> None:
    check_in(playground, "UAGENT5", stress="3")
    check_in(playground, "UAGENT5", stress="2")
    ask = playground.driver.command("UAGENT5", "checkin delete")
    assert "Delete all 2" in ask.text and rows(playground, "UAGENT5")
    done = playground.driver.click("UAGENT5", ask.messages[0], "checkin_delete_confirm")
    assert "Deleted 2" in done.text
    assert rows(playground, "UAGENT5") == []


def test_app_home_shows_the_checkin_section(playground: Playground) -> None:
    check_in(playground, "UAGENT5", stress="2")
    playground.driver.event({"type": "app_home_opened", "user": "UAGENT5", "tab": "home"})
    assert playground.sim.wait_for(lambda: "UAGENT5" in playground.sim.home)
    home = json.dumps(playground.sim.home["UAGENT5"], ensure_ascii=False)
    assert "Check-ins" in home and "▂" in home and "/coach checkin" in home


# ----- 3. peer support --------------------------------------------------------------------
def test_a_peer_request_reaches_only_opted_in_peers_and_never_the_requester(playground: Playground) -> None:
    opt_in(playground, "UAGENT2", "UAGENT3", "UAGENT5")
    reply = playground.driver.command("UAGENT5", "support rough call with a customer")
    assert "2 peer supporter(s)" in reply.text
    playground.deliver()
    assert {
        u for u in ("UAGENT1", "UAGENT2", "UAGENT3", "UAGENT4", "UAGENT5", "ULEAD01") if offers_to(playground, u)
    } == {
        "UAGENT2",
        "UAGENT3",
    }
    offer = offers_to(playground, "UAGENT2")[0]
    assert "rough call with a customer" in json.dumps(offer.blocks, ensure_ascii=False)
    assert "Alex" not in json.dumps(offer.blocks, ensure_ascii=False)


def test_first_acceptor_wins_two_concurrent_accepts(playground: Playground) -> None:
    opt_in(playground, "UAGENT2", "UAGENT3")
    playground.driver.command("UAGENT5", "support")
    playground.deliver()
    replies: dict[str, Reply] = {}
    start = threading.Barrier(2)

    def accept(user: str) -> None:
        offer = offers_to(playground, user)[0]
        start.wait()
        replies[user] = playground.driver.click(user, offer, "support_accept")

    threads = [threading.Thread(target=accept, args=(user,)) for user in ("UAGENT2", "UAGENT3")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = [replies[u].text for u in ("UAGENT2", "UAGENT3")]
    assert sum("你已接下" in t for t in texts) == 1  # both peers read Chinese
    assert sum("已经有人接下这个求助了" in t for t in texts) == 1
    with playground.runtime.sessions() as session:
        [request] = session.scalars(select(SupportRequest)).all()
        winner = session.get(Member, request.supporter_id)
        assert winner is not None and "你已接下" in replies[winner.slack_id].text


def test_the_requester_reveals_themselves_in_a_group_dm_and_closes_with_feedback(playground: Playground) -> None:
    opt_in(playground, "UAGENT2")
    playground.driver.command("UAGENT5", "support workload")
    playground.deliver()
    playground.driver.click("UAGENT2", offers_to(playground, "UAGENT2")[0], "support_accept")
    playground.deliver()
    matched = button_message(playground, "UAGENT5", "support_reveal")
    assert "张伟 accepted" in matched.text
    started = playground.driver.click("UAGENT5", matched, "support_reveal")
    assert "did this help?" in started.text
    opened = playground.sim.calls_to("conversations.open")[-1]
    assert set(str(opened["users"]).split(",")) == {"UAGENT5", "UAGENT2"}
    playground.deliver()
    group = [m for m in playground.sim.messages if m.channel.startswith("G")]
    assert len(group) == 1 and "Alex Chen" in group[0].text and "张伟" in group[0].text
    closing = playground.sim.find_message(matched.channel, matched.ts)
    assert closing is not None
    playground.driver.click("UAGENT5", closing, "support_close_yes")
    with playground.runtime.sessions() as session:
        request = session.scalars(select(SupportRequest)).one()
        assert (request.status, request.helped) == ("closed", True)


def test_a_peer_cannot_accept_their_own_request(session: Session) -> None:
    agent = factories.member(session, NOW, "U1")
    checkins.save_preferences(session, agent, NOW, peer_supporter=True)
    created = support.create_request(session, agent, "", NOW)
    assert created.supporters == []
    with pytest.raises(Exception, match="not_offered"):
        support.accept(session, created.request.id, agent, NOW)


def test_unanswered_requests_fall_back_to_the_support_channel_after_the_timeout(playground: Playground) -> None:
    with playground.runtime.sessions.begin() as session:
        workspace = session.get(Workspace, "T0DEMO")
        assert workspace is not None
        workspace.hr_channel = "CHRDESK"
    opt_in(playground, "UAGENT2")
    reply = playground.driver.command("UAGENT5", "support need to vent")
    assert "30 minutes" in reply.text
    now = playground.runtime.deps.now()

    def alerts() -> list[SimMessage]:  # the support desk also gets Monday's certification digest
        return [m for m in playground.sim.messages if m.channel == "CHRDESK" and "need to vent" in json.dumps(m.blocks)]

    playground.runtime.tick(now + timedelta(minutes=29))
    assert not alerts()
    playground.runtime.tick(now + timedelta(minutes=31))
    playground.runtime.tick(now + timedelta(minutes=32))
    [alert] = alerts()
    assert "Alex Chen" in alert.text and "need to vent" in json.dumps(alert.blocks)
    assert "passed your request to the support team" in playground.sim.messages_for("UAGENT5")[-1].text
    late = playground.driver.click("UAGENT2", offers_to(playground, "UAGENT2")[0], "support_accept")
    assert "这个求助已经结束了" in late.text  # 张伟 reads Chinese


def test_a_request_can_be_cancelled(playground: Playground) -> None:
    opt_in(playground, "UAGENT2")
    playground.driver.command("UAGENT5", "support")
    assert "cancelled" in playground.driver.command("UAGENT5", "support cancel").text
    assert "no open request" in playground.driver.command("UAGENT5", "support cancel").text


def test_hr_configures_the_timeout_and_channel_agents_cannot(playground: Playground) -> None:
    assert "Only these roles" in playground.driver.command("UAGENT5", "support config timeout 5").text
    reply = playground.driver.command("UADMIN1", "support config timeout 45 channel CSUPPORT")
    assert "CSUPPORT after 45 minute(s)" in reply.text


# ----- 4. leads and HR see aggregates only ------------------------------------------------------
def seed_checkins(
    playground: Playground, users: tuple[str, ...], note: str = "secret note", stress: int = 4, weeks_ago: int = 1
) -> None:
    """Check-ins ``weeks_ago`` weeks back: leads and HR see finished weeks only."""
    now = playground.runtime.deps.now()
    with playground.runtime.sessions.begin() as session:
        for user in users:
            member = session.scalar(select(Member).where(Member.slack_id == user))
            assert member is not None
            day = checkins.today_for(session, member, now) - timedelta(weeks=weeks_ago)
            checkins.record_checkin(session, member, Answer(stress, 2, ("workload",), note), day, now)


def test_lead_view_is_hidden_below_five_respondents_and_shown_at_five(playground: Playground) -> None:
    seed_checkins(playground, ("UAGENT1", "UAGENT2", "UAGENT3", "UAGENT4"))
    hidden = playground.driver.command("ULEAD01", "wellbeing").text
    assert hidden.count("回答人数太少") == 4 and "4.0/5" not in hidden
    seed_checkins(playground, ("UAGENT5",))
    shown = playground.driver.command("ULEAD01", "wellbeing").text
    assert "4.0/5" in shown and shown.count("回答人数太少") == 3
    with playground.runtime.sessions() as session:
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "wellbeing.viewed")).all()
        assert [a.actor for a in audits] == ["ULEAD01", "ULEAD01"]


def test_lead_cannot_read_an_individuals_answers_through_any_command(playground: Playground) -> None:
    seed_checkins(playground, ("UAGENT1", "UAGENT2", "UAGENT3", "UAGENT4", "UAGENT5"), note="my private worry")
    names = ("王芳", "张伟", "刘洋", "陈静", "Alex Chen", "UAGENT")
    answers = [
        playground.driver.command("ULEAD01", text).text
        for text in (
            "wellbeing",
            "wellbeing team 售后一组",
            "wellbeing team 人力资源",
            "checkin history",
            "checkin history UAGENT1",
            "checkin history <@UAGENT1>",
            "checkin delete",
            "wellbeing UAGENT1",
        )
    ]
    for text in answers:
        assert "my private worry" not in text and not any(name in text for name in names), text
    assert "最近四周还没有打卡" in answers[3]
    assert "人力资源" in answers[2] and "4.0/5" not in answers[2]
    refused = playground.driver.command("UAGENT1", "wellbeing").text
    assert "/5" not in refused and "lead" in refused


def test_hr_sees_the_whole_workspace_with_the_same_threshold(playground: Playground) -> None:
    seed_checkins(playground, ("UAGENT1", "UAGENT2", "UAGENT3", "UAGENT4", "UAGENT5"))
    text = playground.driver.command("UADMIN1", "wellbeing").text
    assert "whole workspace" in text and "4.0/5" in text


# ----- PostgreSQL: concurrent accepts on a real server ------------------------------------------
@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with throwaway_server() as url:
        yield url


@pytest.fixture
def pg_sessions(pg_url: str) -> Iterator[sessionmaker[Session]]:
    with fresh_database(pg_url) as url:
        engine: Engine = make_engine(url)
        upgrade(engine)
        yield make_session_factory(engine)
        engine.dispose()


@pytest.mark.postgres
def test_exactly_one_of_many_concurrent_accepts_wins_on_postgres(pg_sessions: sessionmaker[Session]) -> None:
    with pg_sessions.begin() as session:
        requester = factories.member(session, NOW, "UREQ")
        peers = [factories.member(session, NOW, f"UPEER{n}") for n in range(6)]
        for peer in peers:
            checkins.save_preferences(session, peer, NOW, peer_supporter=True)
        request_id = support.create_request(session, requester, "", NOW).request.id
        peer_ids = [p.id for p in peers]
    results: list[support.AcceptResult] = []
    start = threading.Barrier(len(peer_ids))

    def accept(peer_id: int) -> None:
        with pg_sessions.begin() as session:
            peer = session.get(Member, peer_id)
            assert peer is not None
            start.wait()
            results.append(support.accept(session, request_id, peer, NOW)[0])

    threads = [threading.Thread(target=accept, args=(peer_id,)) for peer_id in peer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == sorted([support.AcceptResult.WON] + [support.AcceptResult.TAKEN] * 5)
    with pg_sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(SupportRequest).where(SupportRequest.supporter_id.is_not(None))
            )
            == 1
        )


@pytest.mark.postgres
def test_prompts_are_sent_once_with_two_job_runs_on_postgres(pg_sessions: sessionmaker[Session]) -> None:
    with pg_sessions.begin() as session:
        agent = factories.member(session, NOW, "UAGENT")
        first = checkins.create_prompt(session, agent, NOW.date(), NOW)
        second = checkins.create_prompt(session, agent, NOW.date(), NOW)
    assert first is not None and second is None
    with pg_sessions() as session:
        assert session.scalar(select(func.count()).select_from(CheckInPrompt)) == 1
