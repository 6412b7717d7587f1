"""Certificates, team registers, reminders and digests, as messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.certification.certificates import AssessmentResult, TeamPage, display_status
from bot.certification.exams import ExamPage, blueprint, previous_points
from bot.certification.models import Assessment, Certificate, ExamAttempt
from bot.certification.reminders import DueReminder, TeamDigest, ToldStage
from bot.certification.rules import CertificationRules
from bot.core.block_budget import MAX_BLOCKS, pack_lines
from bot.core.content.library import ContentLibrary
from bot.core.i18n import Trusted
from bot.core.render import Message, Renderer, bar


def _level(renderer: Renderer, locale: str, level: str) -> str:
    return renderer.t(locale, f"cert.levels.{level}")


def days_text(renderer: Renderer, locale: str, valid_until: date, today: date) -> Trusted:
    days = (valid_until - today).days
    if days > 0:
        return renderer.t(locale, "cert.days_left", days=days)
    if days == 0:
        return renderer.t(locale, "cert.today")
    return renderer.t(locale, "cert.days_ago", days=-days)


def _score(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def cert_card(
    renderer: Renderer,
    rules: CertificationRules,
    locale: str,
    *,
    holder_name: str,
    certificate: Certificate | None,
    today: date,
    history: list[Certificate],
    last_assessment: Assessment | None,
    can_book: bool,
) -> Message:
    t = renderer.t
    extra: list[Any] = []
    if last_assessment and last_assessment.retake_after:
        extra.append(
            t(
                locale,
                "cert.last_assessment",
                date=last_assessment.created_at.date().isoformat(),
                composite=_score(last_assessment.composite),
                level=_level(renderer, locale, last_assessment.level),
                retake=last_assessment.retake_after.isoformat(),
            )
        )
    card: dict[str, Any] = {"certificate": certificate, "extra": extra, "book_id": None, "scores": None}
    if certificate is None:
        card["fallback"] = t(locale, "cert.none_yet", name=holder_name)
    else:
        status = display_status(rules, certificate, today)
        card["title"] = t(locale, "cert.card_title", number=certificate.number)
        card["fallback"] = card["title"]
        card["fields"] = t(
            locale,
            "cert.card_fields",
            name=certificate.holder_name,
            level=_level(renderer, locale, certificate.level),
            valid_until=certificate.valid_until.isoformat(),
            days_text=days_text(renderer, locale, certificate.valid_until, today),
            status=t(locale, f"cert.statuses.{status.value}"),
        )
        if certificate.composite is not None:
            card["scores"] = t(
                locale,
                "cert.card_scores",
                theory=_score(certificate.theory),
                practical=_score(certificate.practical),
                daily=_score(certificate.daily),
                composite=_score(certificate.composite),
            )
        if certificate.reevaluation_booked_on:
            extra.append(t(locale, "cert.booked", date=certificate.reevaluation_booked_on.isoformat()))
        elif can_book and status.value in ("expiring", "expired"):
            card["book_id"] = certificate.id
    card["history"] = [
        t(
            locale,
            "cert.history_line",
            number=c.number,
            level=_level(renderer, locale, c.level),
            issue_date=c.issue_date.isoformat(),
            valid_until=c.valid_until.isoformat(),
            status=t(locale, f"cert.statuses.{display_status(rules, c, today).value}"),
        )
        for c in history
        if certificate is None or c.id != certificate.id
    ]
    return renderer.message("cert_card", locale, card=card)


def team_message(
    renderer: Renderer,
    rules: CertificationRules,
    locale: str,
    team_names: list[str],
    page: TeamPage,
    today: date,
    team_id: int | None = None,
) -> Message:
    """One page of the register; the page buttons carry the team along (``page:team_id``)."""
    t = renderer.t
    rows: list[dict[str, Any]] = []
    for row in page.rows:
        cert = row.certificate
        if cert is None:
            rows.append({"text": t(locale, "cert.team_none", name=row.member.name), "book_id": None})
            continue
        status = display_status(rules, cert, today)
        text = t(
            locale,
            "cert.team_line",
            name=row.member.name,
            level=_level(renderer, locale, cert.level),
            valid_until=cert.valid_until.isoformat(),
            days_text=days_text(renderer, locale, cert.valid_until, today),
            status=t(locale, f"cert.statuses.{status.value}"),
        )
        bookable = status.value in ("expiring", "expired") and cert.reevaluation_booked_on is None
        rows.append({"text": text, "book_id": cert.id if bookable else None})
    return renderer.message(
        "cert_team",
        locale,
        title=t(locale, "cert.team_title", teams=", ".join(team_names)),
        rows=rows,
        footer=t(locale, "cert.team_footer", page=page.page, pages=page.pages, total=page.total),
        page=page.page,
        pages=page.pages,
        team=f":{team_id}" if team_id is not None else "",
    )


def _when(renderer: Renderer, locale: str, reminder: DueReminder) -> Trusted:
    valid_until = reminder.certificate.valid_until.isoformat()
    if reminder.days_left > 0:
        return renderer.t(locale, "cert.reminder.when_before", valid_until=valid_until, days=reminder.days_left)
    if reminder.days_left == 0:
        return renderer.t(locale, "cert.reminder.when_today", valid_until=valid_until)
    return renderer.t(locale, "cert.reminder.when_after", valid_until=valid_until, days=-reminder.days_left)


def agent_reminder(renderer: Renderer, locale: str, reminder: DueReminder) -> Message:
    cert = reminder.certificate
    key = "before" if reminder.days_left > 0 else ("today" if reminder.days_left == 0 else "after")
    text = renderer.t(
        locale,
        f"cert.reminder.agent_{key}",
        number=cert.number,
        level=_level(renderer, locale, cert.level),
        valid_until=cert.valid_until.isoformat(),
        days=abs(reminder.days_left),
    )
    fallback = renderer.t(
        locale, "cert.reminder.fallback", number=cert.number, valid_until=cert.valid_until.isoformat()
    )
    return renderer.message("cert_reminder", locale, text=text, fallback=fallback, certificate_id=cert.id)


def lead_reminder(renderer: Renderer, locale: str, reminder: DueReminder) -> Message:
    cert = reminder.certificate
    text = renderer.t(
        locale,
        "cert.reminder.lead",
        name=cert.holder_name,
        number=cert.number,
        level=_level(renderer, locale, cert.level),
        when=_when(renderer, locale, reminder),
    )
    return renderer.message("notice", locale, text=text)


def hr_line(renderer: Renderer, locale: str, reminder: DueReminder, team: str) -> Trusted:
    """One certificate in HR's list of a stage's reminders."""
    cert = reminder.certificate
    return renderer.t(
        locale,
        "cert.reminder.hr",
        number=cert.number,
        name=cert.holder_name,
        team=team,
        level=_level(renderer, locale, cert.level),
        when=_when(renderer, locale, reminder),
    )


# Slack refuses a message over 50 blocks and cuts text past 40,000 characters: a part holds
# at most 12 sections of at most SECTION_TEXT (2,900 escaped) characters.
HR_SECTIONS_PER_PART = 12


def stage_label(renderer: Renderer, locale: str, stage: str) -> Trusted:
    if stage.startswith("T-"):
        return renderer.t(locale, "cert.reminder.stage_before", days=int(stage[2:]))
    if stage.startswith("W"):
        return renderer.t(locale, "cert.reminder.stage_after", weeks=int(stage[1:]))
    return renderer.t(locale, "cert.reminder.stage_today")


def hr_stage_messages(renderer: Renderer, locale: str, today: date, stage: str, rows: list[ToldStage]) -> list[Message]:
    """HR's reminders of one stage as few messages as Slack's limits allow, numbered parts
    when one is not enough; every name and team is escaped by the catalog."""
    hr_lines = []
    for row in rows:
        reminder = DueReminder(row.certificate, stage, (row.certificate.valid_until - today).days)
        hr_lines.append(hr_line(renderer, locale, reminder, row.team or "—"))
    sections = pack_lines(hr_lines, max_sections=len(hr_lines)).sections
    parts = [sections[i : i + HR_SECTIONS_PER_PART] for i in range(0, len(sections), HR_SECTIONS_PER_PART)]
    title = renderer.t(
        locale,
        "cert.reminder.hr_title",
        stage=stage_label(renderer, locale, stage),
        count=len(rows),
        date=today.isoformat(),
    )
    return [
        renderer.message(
            "cert_hr_reminders",
            locale,
            title=title,
            sections=part,
            part=renderer.t(locale, "cert.reminder.hr_part", part=number, parts=len(parts)) if len(parts) > 1 else "",
        )
        for number, part in enumerate(parts, start=1)
    ]


def digest_message(renderer: Renderer, locale: str, teams: list[TeamDigest], today: date) -> Message:
    t = renderer.t
    totals = {key: sum(len(getattr(d, key)) for d in teams) for key in ("expiring", "expired", "booked")}
    most = max([len(d.expiring) for d in teams] + [len(d.expired) for d in teams] + [1])
    team_lines = [
        t(
            locale,
            "cert.digest.team_line",
            team=d.team,
            expiring=len(d.expiring),
            expiring_bar=bar(len(d.expiring) / most, 8),
            expired=len(d.expired),
            expired_bar=bar(len(d.expired) / most, 8),
            booked=len(d.booked),
        )
        for d in teams
    ]
    details = []
    for d in teams:
        for label, certs in (("expiring_label", d.expiring), ("expired_label", d.expired)):
            if certs:
                names = ", ".join(f"{c.holder_name} ({c.number}, {c.valid_until.isoformat()})" for c in certs[:15])
                details.append(
                    t(locale, "cert.digest.names", label=f"{d.team} · {t(locale, 'cert.digest.' + label)}", names=names)
                )
    # Header, totals, divider and a closing note leave the rest of Slack's 50 blocks for the
    # lists, however many teams there are: teams first, then as many names as still fit.
    shown = team_lines if any(totals.values()) else []
    room = MAX_BLOCKS - 4
    team_part = pack_lines(shown, max_sections=room // 2)
    detail_part = pack_lines(details, max_sections=room - len(team_part.sections))
    left_out = team_part.left_out + detail_part.left_out
    return renderer.message(
        "cert_digest",
        locale,
        title=t(locale, "cert.digest.title", date=today.isoformat()),
        totals=t(locale, "cert.digest.totals", **totals),
        teams=team_part.sections,
        details=detail_part.sections,
        more=t(locale, "cert.digest.more", count=left_out) if left_out else "",
    )


def assessment_message(renderer: Renderer, locale: str, name: str, result: AssessmentResult) -> Message:
    assessment, cert = result.assessment, result.certificate
    if cert is not None:
        text = renderer.t(
            locale,
            "cert.passed",
            name=name,
            composite=_score(assessment.composite),
            level=_level(renderer, locale, assessment.level),
            number=cert.number,
            valid_until=cert.valid_until.isoformat(),
        )
    else:
        retake = assessment.retake_after.isoformat() if assessment.retake_after else "—"
        text = renderer.t(locale, "cert.failed", name=name, composite=_score(assessment.composite), retake=retake)
    return renderer.message("notice", locale, text=text)


def home_certificate(renderer: Renderer, locale: str, certificate: Certificate | None) -> dict[str, str] | None:
    """What App Home shows of the agent's certificate."""
    if certificate is None:
        return None
    return {"level": _level(renderer, locale, certificate.level), "valid_until": certificate.valid_until.isoformat()}


def exam_modal(
    renderer: Renderer, library: ContentLibrary, locale: str, attempt: ExamAttempt, page: ExamPage, clock: Trusted
) -> dict[str, Any]:
    """One page of the exam, saved answers filled in; ``clock`` is the deadline line every page shows."""
    exam = blueprint(library)
    return renderer.view(
        "exam_modal",
        locale,
        metadata=f"{attempt.id}:{attempt.revision}",
        exam=exam,
        page=page,
        questions=library.questions,
        answers=attempt.answers,
        short_answers=attempt.short_answers,
        question_count=len(attempt.question_ids) + len(exam.short_answers),
        clock=clock,
    )


def exam_clock(renderer: Renderer, locale: str, closes: str, minutes_left: int) -> Trusted:
    return renderer.t(locale, "exam.clock", closes=closes, minutes=minutes_left)


def exam_grade_modal(
    renderer: Renderer, library: ContentLibrary, locale: str, attempt: ExamAttempt, name: str
) -> dict[str, Any]:
    """The grading form; on a graded attempt it shows the grade it would replace and asks why."""
    exam = blueprint(library)
    before = previous_points(attempt) if attempt.status == "graded" else {}
    items = [
        {
            "short": s,
            "answer": attempt.short_answers.get(s.id, ""),
            "points": _score(before[s.id]) if s.id in before else None,
        }
        for s in exam.short_answers
    ]
    total = exam.single_choice.count * exam.single_choice.points_each
    previous = None
    if attempt.status == "graded":
        previous = renderer.t(
            locale,
            "exam.previous_grade",
            points=" · ".join(
                str(
                    renderer.t(
                        locale,
                        "exam.previous_points",
                        number=n,
                        points=item["points"] or "—",
                        maximum=item["short"].points,
                    )
                )
                for n, item in enumerate(items, start=1)
            ),
            score=_score(attempt.theory_score),
        )
    return renderer.view(
        "exam_grade_modal",
        locale,
        metadata=f"{attempt.id}:{attempt.revision}",
        name=name,
        choice_points=attempt.choice_points or 0,
        choice_total=total,
        items=items,
        previous=previous,
        last_reason=attempt.grader_note,
    )


def exam_graded_message(renderer: Renderer, library: ContentLibrary, locale: str, score: Decimal) -> Message:
    return renderer.message(
        "notice",
        locale,
        text=renderer.t(locale, "exam.graded", score=_score(score), verdict=_verdict(renderer, library, locale, score)),
    )


def _verdict(renderer: Renderer, library: ContentLibrary, locale: str, score: Decimal) -> Trusted:
    return renderer.t(locale, "exam.pass" if score >= blueprint(library).pass_mark else "exam.fail")


def exam_regraded_message(
    renderer: Renderer, library: ContentLibrary, locale: str, previous: Decimal, score: Decimal, reason: str
) -> Message:
    text = renderer.t(
        locale,
        "exam.regraded",
        previous=_score(previous),
        score=_score(score),
        verdict=_verdict(renderer, library, locale, score),
        reason=reason,
    )
    return renderer.message("notice", locale, text=text)
