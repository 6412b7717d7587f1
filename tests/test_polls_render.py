"""Every poll and scoring template renders valid Block Kit in both languages, with hostile text escaped.

``POLL_CONTEXTS`` and ``POLL_VIEWS`` are sample contexts for tests/test_render.py's
check that every template has one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.i18n import LOCALES, Trusted
from bot.core.render import Renderer
from bot.polls.models import PollStatus, QuickPoll, ScoringPoll
from bot.polls.quick_polls import Tally
from bot.polls.scoring import CriterionAverage, JudgeTotal, ScoringResults
from tests.shipped import CONTENT

LIBRARY = CONTENT.library
RUBRIC = LIBRARY.rubric("practical_default")
NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
HOSTILE = "<!channel> *bold* <@U123>"


def quick_poll(status: PollStatus = PollStatus.OPEN) -> QuickPoll:
    return QuickPoll(
        id=7, workspace_id="T0", creator_slack="U1", channel_id="C1", question=HOSTILE, options=["A", HOSTILE, "C"],
        anonymous=False, multi=True, hidden=False, deadline=NOW, locale="en", status=status, version=1,
        created_at=NOW,
    )  # fmt: skip


QUICK = quick_poll()
SCORING = ScoringPoll(
    id=3, workspace_id="T0", creator_slack="U1", agent_slack="U2", rubric_id=RUBRIC.id, scale_max=10, deadline=NOW,
    anonymous=True, share_with_agent=True, min_scores=2, scenario=HOSTILE, status=PollStatus.CLOSED, version=4,
    created_at=NOW,
)  # fmt: skip
RESULTS = ScoringResults(
    SCORING,
    [JudgeTotal("U3", 80.0, HOSTILE), JudgeTotal("U4", 62.5, None)],
    [CriterionAverage(c.id, 7.1, 71.0) for c in RUBRIC.criteria],
    3,
)
LINE = Trusted("• line")

POLL_CONTEXTS: dict[str, dict[str, Any]] = {
    "poll_message": {
        "poll": QUICK,
        "tally": Tally([2, 1, 0], 3),
        "show_results": True,
        "closed": False,
        "deadline_text": "2026-03-02 17:00 (Asia/Shanghai)",
        "mentions": {0: [Trusted("<@U1>"), Trusted("<@U2>")]},
    },
    "poll_modal": {"channel": "C1", "timezone": "Asia/Shanghai"},
    "score_setup_modal": {
        "agent": "U2",
        "rubrics": [(r.id, r.title.en) for r in LIBRARY.rubrics],
        "rubric_id": RUBRIC.id,
        "scales": [10, 100],
        "day": "2026-03-03",
        "clock": "18:00",
        "timezone": "Asia/Shanghai",
        "min_scores": 2,
    },
    "score_invite": {
        "poll_id": 3,
        "agent": HOSTILE,
        "creator": "李娜",
        "rubric_title": RUBRIC.title.en,
        "deadline_text": "2026-03-03 18:00 (Asia/Shanghai)",
        "scale_max": 10,
        "scenario": HOSTILE,
        "anonymous": True,
        "reminder": False,
    },
    "score_form": {
        "poll_id": 3,
        "agent": HOSTILE,
        "rubric": RUBRIC,
        "criteria": {c.id: LINE for c in RUBRIC.criteria},
        "scale_max": 10,
        "current": {RUBRIC.criteria[0].id: "7.5"},
        "comment": HOSTILE,
        "deadline_text": "2026-03-03 18:00",
    },
    "rubric": {"fallback": HOSTILE, "intro": LINE, "sections": [{"title": LINE}, {"text": LINE}]},
    "score_status": {
        "poll": SCORING,
        "agent": HOSTILE,
        "judges": [{"scored": True, "line": LINE}, {"scored": False, "line": LINE}],
        "deadline_text": "2026-03-03 18:00",
        "open": True,
    },
    "score_results": {
        "poll": SCORING,
        "agent": HOSTILE,
        "results": RESULTS,
        "rubric": RUBRIC,
        "judge_rows": [LINE, LINE],
        "criterion_rows": [LINE] * len(RUBRIC.criteria),
        "comments": [LINE],
        "threshold": "15",
    },
}
POLL_VIEWS = {"poll_modal", "score_setup_modal", "score_form"}
WITHOUT_USER_TEXT = {"poll_modal", "score_setup_modal"}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("template", sorted(POLL_CONTEXTS))
def test_poll_templates_render_valid_block_kit_in_both_languages(
    renderer: Renderer, template: str, locale: str
) -> None:
    if template in POLL_VIEWS:
        document: Any = renderer.view(template, locale, **POLL_CONTEXTS[template])
    else:
        document = renderer.message(template, locale, **POLL_CONTEXTS[template]).as_payload()
    rendered = json.dumps(document, ensure_ascii=False)
    assert document["blocks"]
    assert "<!channel>" not in rendered
    assert "&lt;!channel&gt;" in rendered or template in WITHOUT_USER_TEXT


def test_a_closed_poll_has_no_buttons_and_not_enough_scores_is_said_plainly(renderer: Renderer) -> None:
    closed = {**POLL_CONTEXTS["poll_message"], "poll": quick_poll(PollStatus.CLOSED), "closed": True}
    message = renderer.message("poll_message", "en", **closed)
    assert "poll_vote" not in json.dumps(message.blocks) and "Closed" in json.dumps(message.blocks)
    lonely = ScoringResults(SCORING, [JudgeTotal("U3", 80.0, None)], [], 3)
    text = renderer.message("score_results", "zh-CN", **{**POLL_CONTEXTS["score_results"], "results": lonely}).text
    assert "评分人数不足" in text
