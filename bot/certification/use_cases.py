"""Certification use cases: booking, assessing, the theory exam and the reminders.

Each changes state and queues every notification it causes, in the caller's transaction
and with a dedupe key; handlers and jobs call them and answer with what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.certification import exams
from bot.certification.certificates import (
    AssessmentResult,
    TeamPage,
    book_reevaluation,
    record_assessment,
    require_assessor,
    team_page,
)
from bot.certification.messages import (
    agent_reminder,
    assessment_message,
    digest_message,
    exam_graded_message,
    exam_regraded_message,
    hr_stage_messages,
    lead_reminder,
)
from bot.certification.models import Certificate, ExamAttempt, ExamWindow
from bot.certification.reminders import DueReminder, claim_reminder, digest, lead_of, mark_told, untold_reminders
from bot.certification.rules import composite_score
from bot.core.db.models import Member, Role, Workspace
from bot.core.errors import UserError
from bot.core.i18n import resolve_locale
from bot.core.localtime import local_today, member_zone
from bot.core.notify import Notifier
from bot.people.members import find_member
from bot.people.teams import TeamScope, resolve_teams


def book(session: Session, notifier: Notifier, certificate_id: int, actor: Member) -> Certificate:
    """Book the re-evaluation; the holder and their lead hear who booked it (not the booker)."""
    workspace = session.get(Workspace, actor.workspace_id)
    assert workspace is not None
    cert = book_reevaluation(session, certificate_id, actor, local_today(actor, workspace, notifier.now), notifier.now)
    holder = cert.member
    told = {p.slack_id: p for p in (holder, lead_of(session, holder)) if p and p.id != actor.id}
    for person in told.values():
        notifier.notice(
            session,
            person,
            f"cert-booked:{cert.id}:{person.slack_id}",
            "cert.booked_notice",
            actor=actor.name,
            number=cert.number,
            name=cert.holder_name,
        )
    return cert


def assess(
    session: Session, notifier: Notifier, assessor: Member, holder_id: int, scores: dict[str, Decimal]
) -> AssessmentResult:
    """Record an assessment; the holder and the assessor each get the result in their language."""
    holder = session.get(Member, holder_id)
    if holder is None or holder.workspace_id != assessor.workspace_id:
        raise UserError("cert.errors.unknown_person")
    require_assessor(session, assessor, holder)
    workspace = session.get(Workspace, holder.workspace_id)
    assert workspace is not None
    composite = composite_score(notifier.rules, scores["theory"], scores["practical"], scores["daily"])
    result = record_assessment(
        session,
        notifier.rules,
        holder=holder,
        assessor=assessor.slack_id,
        today=local_today(holder, workspace, notifier.now),
        now=notifier.now,
        theory=scores["theory"],
        practical=scores["practical"],
        daily=scores["daily"],
        result_text=notifier.renderer.t(
            workspace.locale, "cert.register.reevaluated", composite=f"{composite.normalize():f}"
        ),
    )
    for person in {holder.slack_id: holder, assessor.slack_id: assessor}.values():
        message = assessment_message(notifier.renderer, notifier.locale_of(session, person), holder.name, result)
        notifier.deliver(session, person, message, f"cert-assessed:{result.assessment.id}:{person.slack_id}")
    return result


@dataclass(frozen=True)
class OpenedExam:
    holder_name: str
    until: str  # the closing time in the holder's timezone, as they are told it


def open_exam(session: Session, notifier: Notifier, opener: Member, slack_id: str, days: int) -> OpenedExam:
    """Open a theory-exam window for someone the opener may assess; they are invited by DM."""
    holder = find_member(session, opener.workspace_id, slack_id)
    if holder is None or not holder.active:
        raise UserError("cert.errors.unknown_person")
    require_assessor(session, opener, holder)
    window = exams.open_window(session, holder, opener.slack_id, days, notifier.now)
    workspace = session.get(Workspace, holder.workspace_id)
    assert workspace is not None
    until = window.closes_at.astimezone(member_zone(holder, workspace)).strftime("%Y-%m-%d %H:%M")
    minutes = exams.blueprint(notifier.library).duration_minutes
    notifier.notice(session, holder, f"exam-open:{window.id}", "exam.invited", until=until, minutes=minutes)
    return OpenedExam(holder.name, until)


def own_attempt(session: Session, member: Member, attempt_id: int) -> ExamAttempt:
    """The member's own attempt (its question ids say which answers the form must hold)."""
    attempt = session.get(ExamAttempt, attempt_id)
    if attempt is None or attempt.member_id != member.id:
        raise UserError("exam.errors.no_window")
    return attempt


@dataclass(frozen=True)
class ExamStep:
    """Where an agent is in the exam: the page to show (None once handed in) and its clock."""

    attempt: ExamAttempt
    page: exams.ExamPage | None
    closes: str  # the deadline in the agent's timezone, as every page shows it
    minutes_left: int
    result: exams.PageResult | None = None
    submission: exams.Submission | None = None


def _step(
    session: Session, notifier: Notifier, member: Member, saved: exams.SavedPage | None, attempt: ExamAttempt
) -> ExamStep:
    workspace = session.get(Workspace, member.workspace_id)
    assert workspace is not None
    closes_at = exams.attempt_deadline(session, notifier.library, attempt)
    closes = closes_at.astimezone(member_zone(member, workspace)).strftime("%H:%M")
    left = max(0, int((closes_at - notifier.now).total_seconds() // 60))
    result, submission = (saved.result, saved.submission) if saved else (None, None)
    if submission is not None:
        _handed_in(session, notifier, member, submission, closes)
    page = exams.resume_page(exams.blueprint(notifier.library), attempt) if attempt.status == "started" else None
    return ExamStep(attempt, page, closes, left, result, submission)


def sit_exam(session: Session, notifier: Notifier, member: Member) -> ExamStep:
    """`/coach exam`: the page where the agent left off, answers filled in; after the
    deadline, what was saved before it is handed in instead."""
    attempt = exams.start_attempt(session, notifier.library, member, notifier.now)
    saved = None
    if notifier.now >= exams.attempt_deadline(session, notifier.library, attempt):
        submission = exams.hand_in(session, notifier.library, attempt, notifier.now, late=True)
        saved = exams.SavedPage(exams.PageResult.LATE, attempt, submission)
    return _step(session, notifier, member, saved, attempt)


def save_exam_page(
    session: Session,
    notifier: Notifier,
    member: Member,
    attempt_id: int,
    revision: int,
    answers: dict[str, str],
    shorts: dict[str, str],
) -> ExamStep:
    """ "Next" on a page: saved once, then the next page; the last page hands the exam in."""
    saved = exams.save_page(session, notifier.library, member, attempt_id, revision, answers, shorts, notifier.now)
    return _step(session, notifier, member, saved, saved.attempt)


def hand_in_overdue(session: Session, notifier: Notifier, attempt_id: int) -> bool:
    """A job's step: an attempt whose time ran out with nobody coming back is handed in
    with what was saved, and the agent and grader are told as if it had been submitted."""
    attempt = session.get(ExamAttempt, attempt_id)
    member = session.get(Member, attempt.member_id) if attempt else None
    if attempt is None or member is None or attempt.status != "started":
        return False
    if notifier.now < exams.attempt_deadline(session, notifier.library, attempt):
        return False
    submission = exams.hand_in(session, notifier.library, attempt, notifier.now, late=True)
    _step(session, notifier, member, exams.SavedPage(exams.PageResult.LATE, attempt, submission), attempt)
    return True


def _handed_in(session: Session, notifier: Notifier, member: Member, result: exams.Submission, closes: str) -> None:
    """The agent gets the choice score, whoever opened the window the grading."""
    attempt = result.attempt
    points, total = result.choice_points, result.choice_total
    key = f"exam-submitted:{attempt.id}"
    if result.late:
        answered = len(attempt.answers) + len(attempt.short_answers)
        questions = len(attempt.question_ids) + len(exams.blueprint(notifier.library).short_answers)
        notifier.notice(
            session, member, key, "exam.submitted_late",
            closes=closes, answered=answered, questions=questions, points=points, total=total,
        )  # fmt: skip
    else:
        notifier.notice(session, member, key, "exam.submitted", points=points, total=total)
    window = session.get(ExamWindow, attempt.window_id)
    grader = find_member(session, member.workspace_id, window.opened_by) if window else None
    if grader is not None:
        locale = notifier.locale_of(session, grader)
        text = notifier.renderer.t(locale, "exam.to_grade", name=member.name, points=points, total=total)
        message = notifier.renderer.message("exam_to_grade", locale, text=text, attempt_id=attempt.id)
        notifier.deliver(session, grader, message, f"exam-to-grade:{attempt.id}")


def grade_exam(
    session: Session,
    notifier: Notifier,
    grader: Member,
    attempt_id: int,
    points: dict[str, Decimal],
    *,
    revision: int | None = None,
    reason: str = "",
) -> exams.Grade:
    """Grade the short answers; the agent hears the theory score, and on a re-grade (which
    needs a reason and is audited) the old and new score and why, once per re-grade."""
    attempt = session.get(ExamAttempt, attempt_id)
    holder = session.get(Member, attempt.member_id) if attempt else None
    if attempt is None or holder is None:
        raise UserError("exam.errors.not_submitted")
    require_assessor(session, grader, holder)
    grade = exams.grade_attempt(
        session, notifier.library, attempt.id, grader.slack_id, points, notifier.now, revision=revision, reason=reason
    )
    graded = grade.attempt
    assert graded.theory_score is not None
    if grade.repeated:
        return grade
    locale = notifier.locale_of(session, holder)
    if grade.previous is None:
        message = exam_graded_message(notifier.renderer, notifier.library, locale, graded.theory_score)
        notifier.deliver(session, holder, message, f"exam-graded:{attempt.id}")
    else:
        message = exam_regraded_message(
            notifier.renderer, notifier.library, locale, grade.previous, graded.theory_score, graded.grader_note or ""
        )
        notifier.deliver(session, holder, message, f"exam-regraded:{attempt.id}:{graded.revision}")
    return grade


@dataclass(frozen=True)
class TeamRegister:
    team_names: list[str]
    page: TeamPage
    team_id: int | None  # the one team shown, for the page buttons (None: a lead's own teams)


def team_register(
    session: Session, viewer: Member, page: int, *, name: str | None = None, team_id: int | None = None
) -> TeamRegister | TeamScope:
    """One page of a team's register: a lead's own teams, any team for HR and admins; a
    :class:`TeamScope` with choices when HR has to say which team first."""
    scope = resolve_teams(session, viewer, name=name, team_id=team_id)
    if not scope.teams:
        return scope
    teams = scope.teams
    return TeamRegister([t.name for t in teams], team_page(session, {t.id for t in teams}, page), scope.single_id)


def remind(session: Session, notifier: Notifier, reminder: DueReminder) -> bool:
    """Claim a reminder stage and tell the agent and their lead in one transaction: all or
    nothing, once. HR hears of it with the day's other reminders (:func:`tell_hr`)."""
    if not claim_reminder(session, reminder, notifier.now):
        return False
    cert, renderer = reminder.certificate, notifier.renderer
    holder = cert.member
    key = f"cert:{cert.id}:{reminder.stage}"
    if holder is not None and holder.active:
        message = agent_reminder(renderer, notifier.locale_of(session, holder), reminder)
        notifier.deliver(session, holder, message, f"{key}:agent")
    lead = lead_of(session, holder)
    if lead is not None:
        notifier.deliver(
            session, lead, lead_reminder(renderer, notifier.locale_of(session, lead), reminder), f"{key}:lead"
        )
    return True


@dataclass(frozen=True)
class HrRecipient:
    address: str  # a channel id, or an HR member's user id (a DM)
    locale: str


def hr_audience(session: Session, notifier: Notifier, workspace: Workspace, hr_channel: str) -> list[HrRecipient]:
    """The HR channel when there is one, else every active HR member by DM, each in their language."""
    if hr_channel:
        return [HrRecipient(hr_channel, resolve_locale(workspace.locale))]
    members = session.scalars(
        select(Member)
        .where(Member.workspace_id == workspace.id, Member.role == Role.HR, Member.active.is_(True))
        .order_by(Member.slack_id)
    )
    return [HrRecipient(member.slack_id, notifier.locale_of(session, member)) for member in members]


HR_BACKLOG = timedelta(days=7)  # reminders nobody could be told of (no HR yet) are not kept for ever


def tell_hr(session: Session, notifier: Notifier, workspace: Workspace, today: date, hr_channel: str) -> int:
    """Tell HR of the reminders claimed since they last heard: one message per stage (numbered
    parts past Slack's limits), keyed per day, stage and recipient, so each goes out once.

    A reminder is marked told in the transaction that queues its message. One claimed after
    its stage's message for the day has gone waits for the next day's: the day's key is
    taken, and a second message for the same stage and day would be a repeat to HR.
    """
    pending = untold_reminders(session, workspace.id, notifier.now - HR_BACKLOG)
    audience = hr_audience(session, notifier, workspace, hr_channel) if pending else []
    if not audience:
        return 0
    queued = 0
    for stage, group in groupby(pending, key=lambda row: row.stage):
        rows = list(group)
        written = False
        for recipient in audience:
            messages = hr_stage_messages(notifier.renderer, recipient.locale, today, stage, rows)
            for number, message in enumerate(messages, start=1):
                key = f"cert-hr:{today.isoformat()}:{stage}:{recipient.address}" + (f":{number}" if number > 1 else "")
                if notifier.send(session, workspace.id, recipient.address, message, key):
                    written, queued = True, queued + 1
        if written:
            mark_told(session, [row.reminder_id for row in rows], notifier.now)
    return queued


def post_weekly_digest(session: Session, notifier: Notifier, workspace: Workspace, hr_channel: str) -> bool:
    """The HR digest, once per ISO week, from the configured weekday and time on: to the HR
    channel, or without one to each active HR member by DM."""
    local = notifier.now.astimezone(ZoneInfo(workspace.timezone))
    hours, minutes = (int(part) for part in notifier.rules.digest_time.split(":"))
    if local.weekday() != notifier.rules.digest_weekday or local.time() < time(hours, minutes):
        return False
    year, week, _ = local.isocalendar()
    teams = digest(session, notifier.rules, workspace.id, local.date())
    sent = False
    for recipient in hr_audience(session, notifier, workspace, hr_channel):
        message = digest_message(notifier.renderer, recipient.locale, teams, local.date())
        key = f"cert-digest:{year}-W{week:02d}" + ("" if hr_channel else f":{recipient.address}")
        sent = notifier.send(session, workspace.id, recipient.address, message, key) or sent
    return sent
