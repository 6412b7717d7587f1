"""The `coachbot` command."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from bot.core.config import Settings, SettingsError, load_settings
from bot.core.db.models import Workspace
from bot.core.errors import UserError
from bot.core.i18n import default_catalog
from bot.core.spreadsheets import ImportReport

app = typer.Typer(help="Coachbot: training and wellbeing for customer-service teams, in Slack.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
roster_app = typer.Typer(help="Import and export the member roster.", no_args_is_help=True)
jobs_app = typer.Typer(help="Scheduled jobs.", no_args_is_help=True)
content_app = typer.Typer(help="The training content library.", no_args_is_help=True)
workspace_app = typer.Typer(help="Workspace settings: language, timezone, working days.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(roster_app, name="roster")
app.add_typer(jobs_app, name="jobs")
app.add_typer(content_app, name="content")
app.add_typer(workspace_app, name="workspace")
cert_app = typer.Typer(help="The certificate register.", no_args_is_help=True)
app.add_typer(cert_app, name="cert")

console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

NO_TOKENS = """\
No Slack tokens are set, so Coachbot cannot connect to a workspace.
To connect one: create an app from manifest.yml at https://api.slack.com/apps,
install it, then set SLACK_BOT_TOKEN (xoxb-...) and either SLACK_APP_TOKEN (xapp-...,
Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode). See README.md, "Connect a workspace".
Meanwhile, `coachbot shell` lets you try everything against the built-in simulator."""


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        err.print(f"[red]Configuration error:[/red] {error}")
        raise typer.Exit(2) from None


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]{message}[/red]")
    return typer.Exit(code)


def _user_error(error: UserError, settings: Settings) -> typer.Exit:
    return _fail(default_catalog().plain(settings.locale, error.key, **error.params))


def _setup_logging(settings: Settings, verbose: bool = False) -> None:
    """Structured logs (bot.core.logging_setup): JSON lines off a terminal, readable lines on one."""
    from bot.core.logging_setup import configure_logging

    configure_logging(settings.log_format, level=logging.DEBUG if verbose else logging.INFO)


@app.command()
def run(
    playground_without_tokens: Annotated[
        bool, typer.Option(help="Start the playground shell when no Slack tokens are configured.")
    ] = False,
    port: Annotated[int, typer.Option(envvar="PORT", help="HTTP port when running in HTTP mode.")] = 3000,
) -> None:
    """Connect to Slack: Socket Mode with SLACK_APP_TOKEN, else HTTP mode with a signing secret."""
    settings = _settings()
    if not settings.can_deliver:
        console.print(NO_TOKENS)
        if playground_without_tokens:
            console.print("\nStarting the playground now.\n")
            shell(user="UAGENT1")
            return
        raise typer.Exit(1)
    if not settings.slack_app_token:
        if not settings.slack_signing_secret:
            raise _fail("SLACK_SIGNING_SECRET: required for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)", 2)
        serve(port=port, host="0.0.0.0")  # noqa: S104 - a server for Slack to reach
        return
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app.runtime import Runtime
    from bot.app.socket_watchdog import SocketModeWatchdog

    _setup_logging(settings)
    runtime = Runtime(settings)
    runtime.start_background()
    console.print("Coachbot is connecting to Slack in Socket Mode. Ctrl+C stops it.")
    handler = SocketModeHandler(runtime.app, settings.slack_app_token)
    watchdog = SocketModeWatchdog(handler.client).start()  # reconnects a silently dead connection
    try:
        handler.start()  # type: ignore[no-untyped-call]
    finally:
        watchdog.stop()
        runtime.stop()


@app.command()
def serve(
    port: Annotated[int, typer.Option(envvar="PORT")] = 3000,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
) -> None:
    """HTTP mode: POST /slack/events for Slack, GET /healthz for load balancers (waitress)."""
    from waitress import serve as waitress_serve

    from bot.app.runtime import Runtime
    from bot.app.web import CoachbotWSGI

    settings = _settings()
    if not settings.can_deliver or not settings.slack_signing_secret:
        raise _fail(
            "SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) and SLACK_SIGNING_SECRET: "
            "required for HTTP mode",
            2,
        )
    _setup_logging(settings)
    runtime = Runtime(settings)
    runtime.start_background()
    console.print(f"Coachbot listens on http://{host}:{port}/slack/events (health: /healthz, metrics: /metrics).")
    if settings.oauth_enabled:
        console.print(f"Install it into a workspace at {settings.public_url or f'http://{host}:{port}'}/slack/install.")
    try:
        waitress_serve(CoachbotWSGI(runtime.app, runtime.sessions), host=host, port=port, threads=8)
    finally:
        runtime.stop()


@app.command()
def shell(
    user: Annotated[str, typer.Option("--as", help="Demo user to act as (see `users` inside).")] = "UAGENT1",
    now: Annotated[
        str | None, typer.Option(help="Start the playground clock at this instant (ISO 8601, with offset).")
    ] = None,
) -> None:
    """The playground: the real app against the built-in Slack simulator, with demo people."""
    from bot.app.playground import DEMO_USERS, Playground
    from bot.app.shell import run_shell

    if user not in {u.slack_id for u in DEMO_USERS}:
        raise _fail(f"--as {user}: not a demo user; choose one of {', '.join(u.slack_id for u in DEMO_USERS)}", 2)
    start = _instant(now) if now else None
    logging.basicConfig(level=logging.WARNING)
    with Playground(_settings(), start=start) as playground:
        run_shell(playground, user, console=Console(highlight=False))


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from bot.core.db.engine import make_engine
    from bot.core.db.migrate import upgrade

    settings = _settings()
    upgrade(make_engine(settings.database_url), revision)
    console.print(f"Database is at revision {revision}.")


@db_app.command("backup")
def db_backup(target: Annotated[Path, typer.Argument(help="New file to write the copy to.")]) -> None:
    """Copy the SQLite database while the bot runs (PostgreSQL: prints the pg_dump command)."""
    from bot.core.db.backup import BackupError, backup_sqlite
    from bot.core.db.engine import make_engine

    settings = _settings()
    try:
        pages = backup_sqlite(make_engine(settings.database_url), target)
    except BackupError as error:
        raise _fail(str(error)) from None
    console.print(f"Backed up {pages} pages to {target}. Restore: stop the bot, copy the file over coachbot.db.")


@roster_app.command("import")
def roster_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    workspace: Annotated[str | None, typer.Option(help="Slack team id (T…); needed when there are several.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    sync: Annotated[
        bool, typer.Option("--sync", help="Deactivate active members the file does not list (a full roster).")
    ] = False,
) -> None:
    """Import members from CSV or .xlsx: slack_id,name,team,role (+ department,timezone,locale,
    lesson_time,email,staff_id/工号). Only the columns in the file change; empty cells change nothing."""
    from bot.people.roster import import_roster

    report, workspace_id, t = _import_table(
        file, workspace, lambda *args, **kw: import_roster(*args, **kw, sync=sync), dry_run
    )
    count = report.created + report.updated + report.unchanged
    if dry_run:
        return
    console.print(
        t(
            "ops.import.roster_done",
            workspace=workspace_id,
            count=count,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            teams=report.teams_created,
            deactivated=report.deactivated,
        ),
        markup=False,
    )


def _import_table(
    file: Path, workspace: str | None, importer: Callable[..., ImportReport], dry_run: bool
) -> tuple[ImportReport, str, Callable[..., str]]:
    """Read the file (any Excel encoding, or .xlsx), import in one transaction, and commit
    only when every row is good and this is not a dry run. Messages in the operator's language."""
    from bot.app.runtime import Runtime
    from bot.core.i18n import default_catalog

    settings = _settings()
    catalog = default_catalog()

    def t(key: str, **params: object) -> str:
        return catalog.plain(settings.locale, key, **params)

    with Runtime(settings).sessions() as session:
        try:
            workspace_id = _workspace_id(session, workspace, settings)
            report = importer(session, workspace_id, file.read_bytes(), datetime.now(UTC), filename=file.name)
        except UserError as error:
            raise _user_error(error, settings) from None
        if not report.ok:
            session.rollback()
            err.print(t("ops.import.rejected", file=file), style="red", markup=False)
            for problem in report.errors:
                err.print("  " + problem.text(t), markup=False)
            raise typer.Exit(1)
        if dry_run:
            _print_changes(report, t)
            session.rollback()
        else:
            session.commit()
    if report.ignored_columns:
        console.print(t("ops.import.ignored_columns", columns=", ".join(report.ignored_columns)), markup=False)
    if report.unlinked:
        lines = ", ".join(str(line) for line in report.unlinked[:20]) + ("…" if len(report.unlinked) > 20 else "")
        console.print(t("ops.import.unlinked", count=len(report.unlinked), lines=lines), style="yellow", markup=False)
    if dry_run:
        console.print(t("ops.import.dry_run"), style="bold", markup=False)
    return report, workspace_id, t


def _print_changes(report: ImportReport, t: Callable[..., str]) -> None:
    table = Table(
        t("ops.import.change_line"),
        t("ops.import.change_subject"),
        t("ops.import.change_action"),
        t("ops.import.change_columns"),
    )
    for change in report.changes:  # deactivations (line 0) first: the step to look at twice
        line = str(change.line) if change.line else "—"
        table.add_row(line, change.subject, t(f"ops.import.actions.{change.action}"), ", ".join(change.columns))
    console.print(table)


@roster_app.command("export")
def roster_export(
    out: Annotated[
        Path | None, typer.Option(help="Write to this file (.csv for Excel, or .xlsx) instead of standard output.")
    ] = None,
    workspace: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Export active members in the import's columns."""
    from bot.people.roster import export_roster

    _export_table(
        out, workspace, lambda session, workspace_id, filename: export_roster(session, workspace_id, filename=filename)
    )


def _export_table(
    out: Path | None, workspace: str | None, exporter: Callable[[Session, str, str], tuple[bytes, int]]
) -> None:
    """A file Excel opens as it is (CSV with a BOM, or .xlsx by its name); plain CSV text on
    standard output, for a pipe."""
    from bot.app.runtime import Runtime
    from bot.core.i18n import default_catalog

    settings = _settings()
    with Runtime(settings).sessions() as session:
        try:
            data, rows = exporter(session, _workspace_id(session, workspace, settings), out.name if out else "")
        except UserError as error:
            raise _user_error(error, settings) from None
    if out:
        out.write_bytes(data)
        console.print(default_catalog().plain(settings.locale, "ops.import.wrote", file=out, rows=rows), markup=False)
    else:
        sys.stdout.write(data.decode("utf-8-sig").replace("\r\n", "\n"))


def _workspace_id(session: Session, explicit: str | None, settings: Settings) -> str:
    """--workspace, else the only one in the database, else (one bot token) the token's own."""
    from bot.people.workspaces import ensure_workspace, only_workspace

    now = datetime.now(UTC)
    if explicit:
        return ensure_workspace(session, explicit, settings, now).id
    token_team = (lambda: _token_team(settings)) if settings.slack_bot_token else None
    return only_workspace(session, settings, now, token_team).id


def _token_team(settings: Settings) -> tuple[str, str]:
    """The bot token's workspace, asked of Slack once (auth.test)."""
    from bot.app.slack_client import SlackCheckFailed, identify_token

    try:
        identity = identify_token(settings)
    except SlackCheckFailed as failure:
        if failure.reason == "unreachable":
            raise UserError("cli.slack_unreachable", url=settings.slack_api_url) from None
        raise UserError("cli.token_refused", error=failure.reason) from None
    return identity.team_id, identity.team_name


@workspace_app.command("show")
def workspace_show(workspace: Annotated[str | None, typer.Option()] = None) -> None:
    """Print the workspace's settings."""
    from bot.app.runtime import Runtime
    from bot.people.workspace_settings import describe_weekdays

    settings = _settings()
    with Runtime(settings).sessions() as session:
        try:
            ws = session.get(Workspace, _workspace_id(session, workspace, settings))
        except UserError as error:
            raise _user_error(error, settings) from None
        assert ws is not None
        table = Table("setting", "value", title=f"Workspace {ws.id} {ws.name}")
        for name, value in (
            ("locale", ws.locale),
            ("timezone", ws.timezone),
            ("lesson time", ws.lesson_time),
            ("working days", describe_weekdays(ws.working_days)),
            ("holiday country", ws.holiday_country or "none"),
            ("HR channel", ws.hr_channel or "—"),
            ("lead weekly summary", "on" if ws.lead_weekly_summary else "off"),
        ):
            table.add_row(name, value)
    console.print(table)


@workspace_app.command("set")
def workspace_set(
    workspace: Annotated[str | None, typer.Option()] = None,
    locale: Annotated[str | None, typer.Option(help="zh-CN or en")] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA name, e.g. Asia/Shanghai")] = None,
    lesson_time: Annotated[str | None, typer.Option(help="Default lesson time, HH:MM")] = None,
    working_days: Annotated[str | None, typer.Option(help="e.g. mon,tue,wed,thu,fri")] = None,
    holiday_country: Annotated[str | None, typer.Option(help="Country code for public holidays, or none")] = None,
    hr_channel: Annotated[str | None, typer.Option(help="Channel id for HR reminders")] = None,
    lead_weekly_summary: Annotated[bool | None, typer.Option(help="Monday learning summary DM to leads")] = None,
) -> None:
    """Change workspace settings; only the options given change."""
    from bot.app.runtime import Runtime
    from bot.people.workspace_settings import SettingError, WorkspaceChanges, apply_changes

    settings = _settings()
    changes = WorkspaceChanges(
        locale, timezone, lesson_time, working_days, holiday_country, hr_channel, lead_weekly_summary
    )
    with Runtime(settings).sessions.begin() as session:
        try:
            ws = session.get(Workspace, _workspace_id(session, workspace, settings))
            assert ws is not None
            apply_changes(session, ws, changes, "cli", datetime.now(UTC))
        except UserError as error:
            raise _user_error(error, settings) from None
        except SettingError as error:
            raise _fail(str(error), 2) from None
    workspace_show(workspace)


@cert_app.command("import")
def cert_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    workspace: Annotated[str | None, typer.Option()] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
) -> None:
    """Import the register in the seed's layout (认证编号,姓名,部门,认证等级,有效期,发证日期,复评结果;
    optional 工号 / slack_id), CSV in any Excel encoding or .xlsx; nothing is written if a row is bad."""
    from bot.certification.register import import_register

    report, _workspace, t = _import_table(file, workspace, import_register, dry_run)
    count = report.created + report.updated + report.unchanged
    if dry_run:
        return
    console.print(
        t(
            "ops.import.register_done",
            count=count,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
        ),
        markup=False,
    )


@cert_app.command("export")
def cert_export(
    out: Annotated[
        Path | None, typer.Option(help="Write to this file (.csv for Excel, or .xlsx) instead of standard output.")
    ] = None,
    workspace: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Export the whole register in the seed's layout, with each certificate's status today."""
    from bot.certification.register import export_register
    from bot.core.content.bundle import Content

    settings = _settings()
    rules = Content.load().rules

    def export(session: Session, workspace_id: str, filename: str) -> tuple[bytes, int]:
        ws = session.get(Workspace, workspace_id)
        assert ws is not None
        today = datetime.now(ZoneInfo(ws.timezone)).date()
        return export_register(
            session, workspace_id, rules=rules, today=today, locale=settings.locale, filename=filename
        )

    _export_table(out, workspace, export)


DELIVERY_COUNTS = ("sent", "retried", "failed", "pending")


def _instant(text: str) -> datetime:
    """``--now``: an ISO 8601 instant with its UTC offset, or exit 2 saying how to write one."""
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise _fail(f"--now {text!r}: use ISO 8601, e.g. 2026-03-02T09:30:00+08:00", 2) from None
    if instant.tzinfo is None:
        raise _fail(f"--now {text!r}: add a UTC offset, e.g. +08:00 or Z", 2)
    return instant


@jobs_app.command("tick")
def jobs_tick(
    now: Annotated[str | None, typer.Option(help="Act as if it were this instant (ISO 8601, with offset).")] = None,
) -> None:
    """Run every due job once and deliver the outbox; --now time-travels."""
    from bot.app.runtime import Runtime

    settings = _settings()
    instant = _instant(now) if now else datetime.now(UTC)
    from jobs import FAILED

    results = Runtime(settings).tick(instant)
    table = Table("job", "result", title=f"Jobs at {instant.isoformat()}")
    for name, value in results.items():
        if name not in DELIVERY_COUNTS:
            table.add_row(name, "[red]failed (see the log)[/red]" if value == FAILED else str(value))
    console.print(table)
    if settings.can_deliver:
        console.print("Messages: " + ", ".join(f"{results.get(k, 0)} {k}" for k in DELIVERY_COUNTS))
    else:
        console.print(
            f"{results.get('pending', 0)} messages wait in the outbox: set SLACK_BOT_TOKEN to deliver them "
            "(`coachbot doctor` checks the setup)."
        )
    if any(value == FAILED for value in results.values()):
        raise typer.Exit(1)


def _seeds_beside_the_checkout() -> Path | None:
    """A source checkout keeps the seeds in ../shared/seeds; an installed wheel has none."""
    from bot.core.content.library import CONTENT_DIR

    candidate = CONTENT_DIR.parent.parent / "shared" / "seeds"
    return candidate if candidate.is_dir() else None


@content_app.command("check")
def content_check(
    seeds: Annotated[
        Path | None,
        typer.Option(help="Folder of seed documents (*.txt) for the originality check; default ../shared/seeds."),
    ] = None,
) -> None:
    """Validate the content library, report how guessable each module is, check item-writing
    rules and originality against the seeds; exit 1 on any error."""
    from rich.markup import escape

    from bot.core.content.coverage import coverage_rows
    from bot.core.content.library import CONTENT_DIR, ContentError, Problem
    from bot.core.content.loader import load_library
    from bot.core.content.originality import SeedCorpus, read_seeds
    from bot.core.content.review import ENFORCED_RULES, item_rule_problems, module_measures, originality_problems

    try:
        library = load_library(strict=False)
    except ContentError as error:
        for problem in error.problems:
            err.print(f"[red]✗[/red] {problem}")
        raise typer.Exit(1) from None
    table = Table(title="Content coverage")
    table.add_column("module", no_wrap=True, min_width=18)
    for heading in ("lessons", "questions", "single", "multi", "t/f", "scenario"):
        table.add_column(heading, justify="right")
    for row in coverage_rows(library):
        table.add_row(*[str(cell) for cell in row])
    console.print(table)
    report = Table(title="Item writing (can a question be answered from its shape?)")
    report.add_column("module", no_wrap=True, min_width=18)
    for heading in ("longest zh", "longest en", "key/wrong", "multi keys", "abs F/T", "issues"):
        report.add_column(heading, justify="right")
    for measures in module_measures(library):
        longest = [f"{n}/{total}" for n, total in measures.longest_key.values()]
        sizes = ",".join(f"{count}x{size}" for size, count in sorted(measures.key_sizes.items()))
        absolute = f"{measures.absolute_false}/{measures.absolute_true}"
        ratio = f"{measures.worst_ratio:.2f}"
        report.add_row(measures.module, *longest, ratio, sizes, absolute, str(measures.problems))
    console.print(report)
    errors = list(library.problems)
    warnings: list[Problem] = []
    for rule, problem in item_rule_problems(library):
        (errors if rule in ENFORCED_RULES else warnings).append(problem)
    seeds_dir = seeds or _seeds_beside_the_checkout()
    if seeds_dir is None:
        console.print("Originality: no seed folder beside this checkout (give --seeds); not checked.")
    else:
        corpus = SeedCorpus.of(read_seeds(seeds_dir))
        if not corpus:
            raise _fail(f"No seed text in {seeds_dir}.")
        errors.extend(originality_problems(CONTENT_DIR, corpus))
    for problem in warnings:
        err.print(f"[yellow]![/yellow] {escape(str(problem))}")
    if errors:
        for problem in errors:
            err.print(f"[red]✗[/red] {escape(str(problem))}")
        raise typer.Exit(1)
    valid = f"{len(library.lessons)} lessons and {len(library.questions)} questions are valid"
    console.print(f"[green]✓[/green] {valid}" + (f" ({len(warnings)} warnings)." if warnings else "."))


@app.command()
def status() -> None:
    """Outbox depth, the last run of each job, and sends that failed (with Slack's reason)."""
    from bot.app.runtime import Runtime
    from bot.core.job_runs import failing_sends, last_runs
    from bot.core.outbox import depth

    settings = _settings()
    runtime = Runtime(settings)
    with runtime.sessions() as session:
        counts, runs, failing = depth(session), last_runs(session), failing_sends(session)
    runtime.engine.dispose()
    outbox = Table("status", "messages", title="Outbox")
    for name in ("pending", "sending", "sent", "failed"):
        outbox.add_row(name, str(counts.get(name, 0)))
    console.print(outbox)
    jobs = Table(title="Jobs")
    for heading in ("job", "last run (UTC)", "took", "result", "runs", "failures"):
        jobs.add_column(heading, no_wrap=True)
    jobs.add_column("last error")
    for run in runs:
        took = f"{run.duration_seconds * 1000:.0f} ms"
        jobs.add_row(
            run.job,
            f"{run.started_at:%m-%d %H:%M:%S}",
            took,
            str(run.result),
            str(run.runs),
            str(run.failures),
            run.error or "",
        )
    console.print(jobs if runs else "Jobs: no run recorded yet (`coachbot jobs tick` runs them once).")
    if not failing:
        console.print("Failing sends: none.")
        return
    console.print(f"Failing sends ({len(failing)} newest; Slack's reason last):")
    for send in failing:  # one line each, never cut: keys and reasons get pasted into searches
        console.print(f"  {send.workspace_id}  {send.dedupe_key}  {send.method}  x{send.attempts}  {send.last_error}")


@app.command()
def doctor(
    workspace: Annotated[str | None, typer.Option(help="Slack team id (T…); needed when there are several.")] = None,
) -> None:
    """Check tokens, scopes, the HR channel and the roster; say how to fix each problem (exit 1 if any)."""
    from rich.markup import escape

    from bot.app.doctor import Doctor, Status
    from bot.app.runtime import Runtime

    settings = _settings()
    runtime = Runtime(settings)
    catalog = default_catalog()

    def t(key: str, **params: object) -> str:
        return catalog.plain(settings.locale, key, **params)  # a terminal: no Slack escaping

    token_for = runtime.bot_tokens.token_for if runtime.bot_tokens else None
    findings = Doctor(settings, runtime.sessions, t, token_for).run(workspace)
    runtime.engine.dispose()
    marks = {Status.OK: "[green]✓[/green]", Status.FAILED: "[red]✗[/red]", Status.SKIPPED: "–"}
    table = Table("", t("ops.doctor.check"), t("ops.doctor.result"), title=t("ops.doctor.title"))
    for finding in findings:
        table.add_row(marks[finding.status], escape(finding.check), escape(finding.result))
    console.print(table)
    failed = [finding for finding in findings if finding.status is Status.FAILED]
    if not failed:
        console.print(f"[green]{t('ops.doctor.passed')}[/green]")
        return
    console.print(f"\n{t('ops.doctor.fix_heading')}:")
    for finding in failed:  # one line each, never cut: they are instructions to copy
        console.print(f"[red]✗[/red] {escape(finding.check)}: {escape(finding.fix or '')}")
    console.print(f"[red]{t('ops.doctor.failed', count=len(failed))}[/red]")
    raise typer.Exit(1)


# ----- privacy (wellbeing feature) -------------------------------------------------------
privacy_app = typer.Typer(help="Personal data: erase a person across every feature.", no_args_is_help=True)
app.add_typer(privacy_app, name="privacy")


@privacy_app.command("forget")
def privacy_forget(
    slack_id: Annotated[str, typer.Argument(help="The person's Slack user id (U…).")],
    workspace: Annotated[str | None, typer.Option(help="Slack team id (T…); needed when there are several.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a person's personal data in every feature; anonymous team averages stay."""
    from bot.app.runtime import Runtime
    from bot.people.privacy import forget_member

    settings = _settings()
    if not yes and not typer.confirm(f"Erase everything Coachbot stores about {slack_id}? This cannot be undone"):
        raise typer.Exit(1)
    with Runtime(settings).sessions.begin() as session:
        try:
            removed = forget_member(session, _workspace_id(session, workspace, settings), slack_id, datetime.now(UTC))
        except UserError as error:
            raise _user_error(error, settings) from None
    table = Table("data", "rows removed or anonymised", title=f"Forgot {slack_id}")
    for kind, count in removed.items():
        table.add_row(kind, str(count))
    console.print(table)


def main() -> None:
    app()
