"""The playground shell, scripted through stdin as a demo would be."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """\
/coach help
home
1
2
07:15

/coach nonsense
tick 2026-03-02T09:30+08:00
2
as ULEAD01
/coach help
quit
"""


def run_shell(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACHBOT_", "DATABASE_URL"))}
    env["COLUMNS"] = "120"
    return subprocess.run(
        [sys.executable, "-m", "bot", "shell", *args],
        input=script,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )


def test_a_scripted_session_prints_a_readable_transcript(tmp_path: Path) -> None:
    result = run_shell(tmp_path, SCRIPT, "--as", "UAGENT5")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "[UAGENT5] > /coach help" in out and "Coachbot — what I can do" in out
    assert "[1] Settings" in out
    assert "Language [en]: 2" in out and "Submitted." in out
    assert "Saved. Your daily lesson will arrive at 07:15" in out
    assert "I don't know `nonsense`" in out
    assert "Today's lesson" in out or "lesson 1 of" in out
    assert "Question 1/" in out and ("Correct!" in out or "Not quite." in out) and "Why:" in out
    assert "You are now 李娜 (ULEAD01)." in out and "Coachbot 能帮你做什么" in out
    assert (tmp_path / "coachbot.db").exists()


def test_unknown_demo_user_is_refused(tmp_path: Path) -> None:
    result = run_shell(tmp_path, "quit\n", "--as", "UNOBODY")
    assert result.returncode == 2
    assert "not a demo user" in result.stderr


def test_make_run_without_tokens_falls_back_to_the_playground(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACHBOT_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--playground-without-tokens"],
        input="/coach help\nquit\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "No Slack tokens are set" in result.stdout and "Coachbot 能帮你做什么" in result.stdout


def test_a_practice_question_in_a_reply_can_be_answered_from_the_shell(tmp_path: Path) -> None:
    # "a" ticks option A when the question is multiple choice (the shell asks first). A
    # Monday morning in Shanghai: an answer on a working day starts a streak.
    monday = "2026-03-02T09:00+08:00"
    result = run_shell(tmp_path, "/coach quiz\n1\na\nquit\n", "--as", "UAGENT5", "--now", monday)
    assert result.returncode == 0, result.stderr
    before, _, after = result.stdout.partition("[UAGENT5] > 1")
    assert "Practice question" in before and "[1]" in before
    assert "You chose A" in after and "Streak" in after, after


def test_clicking_a_message_that_changed_gets_the_bots_answer(tmp_path: Path) -> None:
    # The README's example: answer a quiz question, then press the same button again.
    result = run_shell(tmp_path, "tick 2026-03-02T09:30+08:00\n2\n2\nquit\n", "--as", "UAGENT5")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "You already answered this question" in result.stdout


def test_a_restart_keeps_what_people_changed(tmp_path: Path) -> None:
    # Alex switches to Chinese; the next start must not re-import the demo roster over it.
    first = run_shell(tmp_path, "/coach settings\n1\n07:15\n\nquit\n", "--as", "UAGENT5")
    assert first.returncode == 0 and "已保存" in first.stdout, first.stdout
    second = run_shell(tmp_path, "/coach help\nquit\n", "--as", "UAGENT5")
    assert "Coachbot 能帮你做什么" in second.stdout, second.stdout


def test_switching_to_someone_shows_what_reached_them_meanwhile(tmp_path: Path) -> None:
    script = "/coach exam open @UAGENT1 7\nas UAGENT1\nquit\n"
    result = run_shell(tmp_path, script, "--as", "ULEAD01", "--now", "2026-03-02T09:00+08:00")
    assert result.returncode == 0, result.stderr
    _before, _, after = result.stdout.partition("You are now 王芳 (UAGENT1).")
    assert "while you were away" in after and "你的理论考试已开放" in after


def test_a_form_shows_its_text_pages_on_and_the_clock_is_one(tmp_path: Path) -> None:
    # The exam's questions are read before answering; after the first page the next one comes.
    script = "/coach exam open @UAGENT5 7\nas UAGENT5\n/coach exam\n" + "1\n" * 4 + "2\ncancel\nclock\nquit\n"
    result = run_shell(tmp_path, script, "--as", "ULEAD01", "--now", "2026-03-02T09:00+08:00")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Question 1" in out and "A. " in out and out.index("Question 1") < out.index("Answer to question 1")
    assert "Question 5" in out  # the second page, after "Next"
    assert "The playground's clock: 2026-03-02T" in out


MONDAY = "2026-03-02T10:00+08:00"


def test_a_support_request_seen_by_the_asker_and_the_supporter(tmp_path: Path) -> None:
    script = "/coach support optin\nas UAGENT5\n/coach support need to vent\nas UAGENT2\n2\nas UAGENT5\n3\nquit\n"
    out = run_shell(tmp_path, script, "--as", "UAGENT2", "--now", MONDAY).stdout
    asker, _, rest = out.partition("You are now 张伟 (UAGENT2).")
    supporter, _, back = rest.partition("You are now Alex Chen (UAGENT5).")
    assert "went to 1 peer supporter(s), without your name" in asker
    assert "有位同事想找人聊聊" in supporter and "need to vent" in supporter and "Alex Chen" not in supporter
    assert "你已接下" in supporter
    assert "张伟 accepted your request" in back and "[3] Start the chat" in back


def test_a_judge_invitation_seen_by_the_lead_and_the_judge(tmp_path: Path) -> None:
    setup = "/coach score @UAGENT1\n\nUAGENT2,UAGENT3\n" + "\n" * 7
    scoring = "as UAGENT2\n3\n" + "8\n" * 5 + "声音 & <语速> 都好\n.\nas ULEAD01\nquit\n"
    out = run_shell(tmp_path, setup + scoring, "--as", "ULEAD01", "--now", MONDAY).stdout
    lead, _, judge = out.partition("You are now 张伟 (UAGENT2).")
    assert "实操评分 #1 · 王芳" in lead and "已打分：0/2" in lead
    assert "李娜 邀请你担任 王芳 实操考核的评委" in judge
    assert "优秀（≥ 9 分）" in judge  # the rubric's bands, read before scoring
    assert "你给 王芳 的评分已保存（总分 80/100）" in judge
    assert "已打分：1/2" in judge.partition("You are now 李娜 (ULEAD01).")[2]  # the lead's card, updated meanwhile
