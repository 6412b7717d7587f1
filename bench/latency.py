"""From a signed quiz-answer click to the HTTP 200: Coachbot against a bare Bolt app whose
handler only acks, both served by waitress on loopback, clicks interleaved."""

from __future__ import annotations

import re
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import func, select

from bench.world import TOKEN, WORKSPACE, make_world
from bot.app.web import BackgroundServer, CoachbotWSGI
from bot.core.db.models import Member
from bot.learning.models import QuizItem
from bot.sim.driver import SlackDriver

SECRET = "bench-secret"


def _bare_app(api_url: str) -> App:
    app = App(signing_secret=SECRET, client=WebClient(token=TOKEN, base_url=api_url), token_verification_enabled=False)

    @app.action(re.compile(r"^quiz_answer_[a-z]$"))
    def ack_only(ack: Any) -> None:
        ack()

    return app


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


WARM_UP_CLICKS = 5  # per app, untimed: the first statements compile and caches fill


def run(clicks: int = 2000) -> dict[str, Any]:
    world = make_world(10)
    try:
        runtime, sim = world.runtime, world.sim
        questions = [q for q in runtime.content.library.questions.values() if q.kind.value == "single"]
        now = datetime.now(UTC)
        with runtime.sessions.begin() as session:
            members = list(session.scalars(select(Member).where(Member.role == "agent")))
            items = [
                QuizItem(
                    workspace_id=WORKSPACE,
                    member_id=members[n % len(members)].id,
                    question_id=questions[n % len(questions)].id,
                    source="practice",
                    sent_at=now,
                )
                for n in range(clicks + WARM_UP_CLICKS)
            ]
            session.add_all(items)
            session.flush()
            targets = [(members[n % len(members)].slack_id, item.id) for n, item in enumerate(items)]
        runtime.warm_up()  # as `coachbot serve` does before it takes requests
        coachbot = BackgroundServer(CoachbotWSGI(runtime.app, runtime.sessions)).start()
        bare = BackgroundServer(SlackRequestHandler(_bare_app(sim.api_url))).start()
        drivers = {
            "coachbot": SlackDriver(coachbot.url, SECRET, sim, WORKSPACE),
            "bare": SlackDriver(bare.url, SECRET, sim, WORKSPACE),
        }
        samples: dict[str, list[float]] = {"coachbot": [], "bare": []}
        response_urls: list[str] = []
        for n, (user, item_id) in enumerate(targets):
            message = {
                "text": "q",
                "blocks": [
                    {
                        "type": "actions",
                        "block_id": f"answer-{item_id}",
                        "elements": [
                            {
                                "type": "button",
                                "action_id": "quiz_answer_a",
                                "value": f"{item_id}:a",
                                "text": {"type": "plain_text", "text": "A"},
                            }
                        ],
                    }
                ],
            }
            for name, driver in drivers.items():
                started = time.perf_counter()
                reply = driver.click(user, message, "quiz_answer_a", wait=0)
                if n >= WARM_UP_CLICKS:
                    samples[name].append(time.perf_counter() - started)
                assert reply.status == 200, reply.body
                if name == "coachbot" and reply.response_url:
                    response_urls.append(reply.response_url)
        # The answers finish after the acks: wait for every result before stopping.
        sim.wait_for(lambda: all(sim.replies(url) for url in response_urls), timeout=300)
        coachbot.stop()
        bare.stop()
        with runtime.sessions() as session:
            recorded = session.scalar(
                select(func.count()).select_from(QuizItem).where(QuizItem.answered_at.is_not(None))
            )
        figures: dict[str, Any] = {"benchmark": "ack_latency", "clicks": clicks, "answers_recorded": recorded}
        for name, values in samples.items():
            figures[f"{name}_p50_ms"] = round(statistics.median(values) * 1000, 2)
            figures[f"{name}_p99_ms"] = round(_percentile(values, 0.99) * 1000, 2)
        figures["p99_ratio"] = round(figures["coachbot_p99_ms"] / figures["bare_p99_ms"], 2)
        figures["p50_ratio"] = round(figures["coachbot_p50_ms"] / figures["bare_p50_ms"], 2)
        return figures
    finally:
        world.close()
