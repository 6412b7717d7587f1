from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.app.slack_client import make_web_client
from bot.core import outbox
from bot.core.config import Settings
from bot.core.db.models import OutboxMessage, OutboxStatus
from bot.core.outbox import LEASE, MAX_ATTEMPTS, OutboxSender, claim, enqueue, retry_after_seconds, wake_after_commit
from bot.core.pacing import ChannelPacer, TokenBucket
from bot.sim.server import SlackSimulator
from tests import factories
from tests.conftest import NOW

TOKEN = "xoxb-test"


@pytest.fixture
def sim() -> Iterator[SlackSimulator]:
    with SlackSimulator(team_id="T0TEST", bot_token=TOKEN) as sim:
        sim.add_user("U1", "Ann")
        sim.add_user("U2", "Bo")
        yield sim


def sender_for(sessions: sessionmaker[Session], client: WebClient) -> OutboxSender:
    return OutboxSender(sessions, lambda _workspace: client, batch_size=10, pacer=ChannelPacer(per_second=500))


@pytest.fixture
def sender(sessions: sessionmaker[Session], sim: SlackSimulator, settings: Settings) -> OutboxSender:
    client = make_web_client(settings.model_copy(update={"slack_api_url": sim.api_url}), TOKEN)
    return sender_for(sessions, client)


@pytest.fixture
def bare_sender(sessions: sessionmaker[Session], sim: SlackSimulator) -> OutboxSender:
    """No client-side retry handlers: the outbox's own rescheduling is what is tested."""
    return sender_for(sessions, WebClient(token=TOKEN, base_url=sim.api_url, retry_handlers=[]))


def queue(sessions: sessionmaker[Session], key: str, channel: str = "U1", text: str = "hi") -> bool:
    with sessions.begin() as session:
        factories.workspace(session, NOW)
        return enqueue(
            session,
            workspace_id="T0TEST",
            dedupe_key=key,
            method="chat.postMessage",
            payload={"channel": channel, "text": text},
            now=NOW,
        )


def row(sessions: sessionmaker[Session], key: str) -> OutboxMessage:
    with sessions() as session:
        found = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
        assert found is not None
        return found


def test_the_same_dedupe_key_is_queued_once(sessions: sessionmaker[Session]) -> None:
    assert queue(sessions, "reminder:CS2024001:T-7") is True
    assert queue(sessions, "reminder:CS2024001:T-7", text="again") is False
    with sessions() as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == 1


def test_the_sender_wakes_after_each_commit_that_queued_a_message_and_only_then(
    sessions: sessionmaker[Session],
) -> None:
    wakes: list[int] = []
    wake_after_commit(sessions, lambda: wakes.append(1))
    assert queue(sessions, "first") is True
    assert wakes == [1]
    assert queue(sessions, "first") is False  # already queued: nothing new to send
    with sessions.begin() as session:
        factories.workspace(session, NOW)  # a commit without a message
    assert wakes == [1]
    with sessions() as session:
        enqueue(session, workspace_id="T0TEST", dedupe_key="undone", method="chat.postMessage", payload={}, now=NOW)
        session.rollback()
        session.commit()  # the rolled-back row is gone, and so is the reason to wake
    assert wakes == [1]
    assert queue(sessions, "second") is True
    assert wakes == [1, 1]


def test_drain_posts_once_and_records_the_slack_ts(
    sender: OutboxSender, sessions: sessionmaker[Session], sim: SlackSimulator
) -> None:
    queue(sessions, "hello")
    assert sender.drain(NOW).sent == 1
    assert sender.drain(NOW + timedelta(minutes=5)).sent == 0
    sent = row(sessions, "hello")
    assert sent.status == OutboxStatus.SENT
    assert sent.slack_ts == sim.messages[0].ts
    assert [m.text for m in sim.messages_for("U1")] == ["hi"]


def test_a_short_429_is_waited_out_by_the_sender_and_delivered(
    sender: OutboxSender, sessions: sessionmaker[Session], sim: SlackSimulator
) -> None:
    sim.fail_next("chat.postMessage", status=429, retry_after=1)
    queue(sessions, "busy")
    assert sender.drain(NOW).sent == 1
    assert len(sim.calls_to("chat.postMessage")) == 2
    assert len(sim.messages) == 1


def test_a_429_reschedules_after_retry_after(
    bare_sender: OutboxSender, sessions: sessionmaker[Session], sim: SlackSimulator
) -> None:
    sim.fail_next("chat.postMessage", status=429, retry_after=30)
    queue(sessions, "limited")
    report = bare_sender.drain(NOW)
    assert (report.sent, report.retried) == (0, 1)
    waiting = row(sessions, "limited")
    assert waiting.status == OutboxStatus.PENDING
    assert waiting.next_attempt_at == NOW + timedelta(seconds=30)
    assert bare_sender.drain(NOW + timedelta(seconds=29)).sent == 0
    assert bare_sender.drain(NOW + timedelta(seconds=30)).sent == 1
    assert len(sim.messages) == 1


def test_server_errors_back_off_and_then_succeed(
    bare_sender: OutboxSender, sessions: sessionmaker[Session], sim: SlackSimulator
) -> None:
    sim.fail_next("chat.postMessage", status=500, error="internal_error")
    queue(sessions, "flaky")
    assert bare_sender.drain(NOW).retried == 1
    assert row(sessions, "flaky").last_error
    assert bare_sender.drain(NOW + timedelta(seconds=5)).sent == 1


def test_permanent_errors_fail_at_once_with_the_reason(
    bare_sender: OutboxSender, sessions: sessionmaker[Session], sim: SlackSimulator
) -> None:
    queue(sessions, "ghost", channel="UNOBODY")
    assert bare_sender.drain(NOW).failed == 1
    failed = row(sessions, "ghost")
    assert (failed.status, failed.last_error) == (OutboxStatus.FAILED, "user_not_found")
    assert bare_sender.drain(NOW + timedelta(days=1)).failed == 0


def test_transient_errors_give_up_after_the_last_attempt(
    bare_sender: OutboxSender, sessions: sessionmaker[Session], sim: SlackSimulator
) -> None:
    sim.fail_next("chat.postMessage", status=503, error="service_unavailable", times=MAX_ATTEMPTS)
    queue(sessions, "doomed")
    later = NOW
    for _ in range(MAX_ATTEMPTS):
        bare_sender.drain(later)
        later += timedelta(hours=2)
    given_up = row(sessions, "doomed")
    assert given_up.status == OutboxStatus.FAILED
    assert given_up.last_error and given_up.last_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")
    assert len(sim.calls_to("chat.postMessage")) == MAX_ATTEMPTS


def test_claims_never_overlap_and_expire(sessions: sessionmaker[Session]) -> None:
    for number in range(5):
        queue(sessions, f"m{number}")
    with sessions.begin() as session:
        first = claim(session, worker="a", now=NOW, limit=3)
    with sessions.begin() as session:
        second = claim(session, worker="b", now=NOW, limit=10)
    assert len(first) == 3 and len(second) == 2
    assert not {m.id for m in first} & {m.id for m in second}
    with sessions.begin() as session:
        assert claim(session, worker="c", now=NOW, limit=10) == []
    with sessions.begin() as session:  # a sender that died: its lease runs out, another takes over
        assert len(claim(session, worker="d", now=NOW + LEASE + timedelta(seconds=1), limit=10)) == 5


def test_concurrent_drains_send_each_message_exactly_once(
    sender: OutboxSender, sessions: sessionmaker[Session], sim: SlackSimulator
) -> None:
    for number in range(40):
        queue(sessions, f"fan-{number}", channel="U1" if number % 2 else "U2", text=f"n{number}")
    threads = [threading.Thread(target=sender.drain, args=(NOW,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = sorted(m.text for m in sim.messages)
    assert texts == sorted(f"n{number}" for number in range(40))


def test_one_channel_gets_a_short_burst_then_one_message_a_second() -> None:
    pacer = ChannelPacer(per_second=1.0, burst=4.0)
    for _ in range(4):
        assert pacer.ready_at("D1") <= time.monotonic()
        pacer.take("D1")
    assert pacer.ready_at("D1") > time.monotonic() + 0.5
    assert pacer.ready_at("D2") <= time.monotonic()


def test_a_429_pauses_the_bucket_and_lowers_its_rate() -> None:
    bucket = TokenBucket(rate=100)
    bucket.acquire()
    bucket.penalize(0.2)
    started = time.monotonic()
    bucket.acquire()
    assert time.monotonic() - started >= 0.15
    assert bucket.rate == 80 and bucket.penalties == 1
    for _ in range(200):
        bucket.reward()
    assert bucket.rate == 100


def test_a_channel_s_messages_keep_their_order(
    sender: OutboxSender, sessions: sessionmaker[Session], sim: SlackSimulator
) -> None:
    for number in range(6):
        queue(sessions, f"ordered-{number}", channel="U1", text=f"m{number}")
    sender.drain(NOW)
    assert [m.text for m in sim.messages_for("U1")] == [f"m{number}" for number in range(6)]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("30", 30.0), ("1.5", 1.5), ("0", 0.0), (None, 1.0), ("soon", 1.0), ("nan", 1.0), ("-3", 0.0), ("99999", 3600.0)],
)
def test_retry_after_is_read_in_every_form_slack_and_proxies_send(header: str | None, seconds: float) -> None:
    assert retry_after_seconds(header, time.time()) == seconds


def test_retry_after_as_an_http_date_waits_until_then() -> None:
    now = time.time()
    header = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now + 20))
    assert 18 <= retry_after_seconds(header, now) <= 20


def test_a_fractional_retry_after_is_waited_out_instead_of_stalling_the_sender(
    sender: OutboxSender, sessions: sessionmaker[Session], sim: SlackSimulator
) -> None:
    sim.fail_next("chat.postMessage", status=429, retry_after="1.5")
    queue(sessions, "proxy")
    drained = threading.Thread(target=sender.drain, args=(NOW,), daemon=True)
    drained.start()
    drained.join(timeout=20)
    assert not drained.is_alive()  # before: int("1.5") raised in a send thread and the batch never finished
    assert row(sessions, "proxy").status == OutboxStatus.SENT and len(sim.messages) == 1


def test_a_paced_fan_out_into_one_channel_outlasting_its_lease_is_sent_once(
    sessions: sessionmaker[Session], sim: SlackSimulator, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """200 reminders into the HR channel at Slack's one a second outlast the claim's lease; a
    second drain (the tick beside the pump) must not take the rows still waiting in the first."""
    monkeypatch.setattr(outbox, "LEASE", timedelta(seconds=1))
    for number in range(60):
        queue(sessions, f"hr-{number}", channel="CHR", text=f"r{number}")
    client = make_web_client(settings.model_copy(update={"slack_api_url": sim.api_url}), TOKEN)

    def paced() -> OutboxSender:  # 20 a second into one channel: 60 rows take 3 s, three leases
        return OutboxSender(sessions, lambda _w: client, batch_size=500, pacer=ChannelPacer(per_second=20, burst=1))

    started = time.monotonic()
    first = threading.Thread(target=paced().drain, args=(NOW,))
    first.start()
    time.sleep(1.6)  # the first claim's lease has run out by the wall clock
    paced().drain(NOW + timedelta(seconds=time.monotonic() - started))
    first.join()
    texts = [m.text for m in sim.messages]
    assert sorted(texts) == sorted(f"r{number}" for number in range(60))  # each once
