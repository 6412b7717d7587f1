"""`coachbot doctor`: is this deployment ready? Each check passes, fails with how to fix it,
or is skipped because an earlier one failed. Every sentence is in the operator's language
(``ops.doctor.*``); the roster checks work without any Slack token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session, sessionmaker

from bot.app.oauth import manifest_scopes
from bot.app.slack_client import BotIdentity, SlackCheckFailed, identify_token, make_web_client
from bot.core.config import Settings
from bot.core.db.models import Workspace
from bot.core.errors import UserError
from bot.people.roster_health import roster_health
from bot.people.workspaces import only_workspace

Translate = Callable[..., str]  # (key, **params) -> text in the operator's language
SHOWN_NAMES = 5


class Status(Enum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    result: str
    fix: str | None = None


class Doctor:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        t: Translate,
        token_for: Callable[[str], str | None] | None = None,
    ) -> None:
        self.settings, self.sessions, self.t = settings, sessions, t
        self.token_for = token_for  # OAuth mode: the token a workspace's install stored

    def _t(self, key: str, **params: object) -> str:
        return self.t(f"ops.doctor.{key}", **params)

    def _ok(self, check: str, result: str) -> Finding:
        return Finding(self._t(check), Status.OK, result)

    def _failed(self, check: str, result: str, fix: str) -> Finding:
        return Finding(self._t(check), Status.FAILED, result, fix)

    def _skipped(self, check: str) -> Finding:
        return Finding(self._t(check), Status.SKIPPED, self._t("skipped"))

    def run(self, explicit_workspace: str | None = None) -> list[Finding]:
        findings: list[Finding] = []
        identity: BotIdentity | None = None
        token = self.settings.slack_bot_token
        with self.sessions() as session:
            workspace, problem = self._workspace(session, explicit_workspace)
            if token is None and self.token_for is not None and workspace is not None:
                token = self.token_for(workspace.id)
            if token is None:
                findings.append(self._failed("token", self._t("token_missing"), self._t("token_missing_fix")))
            else:
                identity = self._token_check(token, findings)
            findings.append(self._connection())
            findings.append(self._scopes(identity))
            if workspace is None and identity is not None and not explicit_workspace:
                workspace = session.get(Workspace, identity.team_id)
                problem = None if workspace else problem
            if workspace is None:
                findings.append(
                    self._failed("workspace", problem or self._t("no_workspace"), self._t("no_workspace_fix"))
                )
                return findings
            findings.append(self._ok("workspace", f"{workspace.name} ({workspace.id})".strip()))
            findings.append(self._hr_channel(workspace, identity, token))
            findings.extend(self._roster(session, workspace))
        return findings

    def _workspace(self, session: Session, explicit: str | None) -> tuple[Workspace | None, str | None]:
        if explicit:
            return session.get(Workspace, explicit), None
        try:
            return only_workspace(session), None
        except UserError as error:
            return None, self.t(error.key, **error.params)

    def _token_check(self, token: str, findings: list[Finding]) -> BotIdentity | None:
        try:
            identity = identify_token(self.settings, token)
        except SlackCheckFailed as failure:
            if failure.reason == "unreachable":
                url = self.settings.slack_api_url
                findings.append(self._failed("token", self._t("unreachable", url=url), self._t("unreachable_fix")))
            else:
                refused = self._t("token_refused", error=failure.reason)
                findings.append(self._failed("token", refused, self._t("token_refused_fix")))
            return None
        findings.append(self._ok("token", self._t("token_ok", team=identity.team_name, team_id=identity.team_id)))
        return identity

    def _connection(self) -> Finding:
        if self.settings.slack_app_token:
            return self._ok("connection", self._t("connection_socket"))
        if self.settings.slack_signing_secret:
            return self._ok("connection", self._t("connection_http"))
        return self._failed("connection", self._t("connection_missing"), self._t("connection_missing_fix"))

    def _scopes(self, identity: BotIdentity | None) -> Finding:
        if identity is None:
            return self._skipped("scopes")
        wanted = manifest_scopes()
        missing = [scope for scope in wanted if scope not in identity.scopes]
        if not missing:
            return self._ok("scopes", self._t("scopes_ok", count=len(wanted)))
        listed = ", ".join(missing)
        return self._failed("scopes", self._t("scopes_missing", scopes=listed), self._t("scopes_fix", scopes=listed))

    def _hr_channel(self, workspace: Workspace, identity: BotIdentity | None, token: str | None) -> Finding:
        channel = workspace.hr_channel
        if not channel:
            return self._ok("hr_channel", self._t("hr_unset"))
        if identity is None:
            return self._skipped("hr_channel")
        try:
            client = make_web_client(self.settings, token)
            info = client.conversations_info(channel=channel)  # needs channels:read (groups:read if private)
        except SlackApiError as error:
            code = str(error.response.get("error") or "unknown_error")
            if code == "channel_not_found":
                return self._failed("hr_channel", self._t("hr_not_found", channel=channel), self._t("hr_not_found_fix"))
            fix = self._t("scopes_fix", scopes=error.response.get("needed") or "channels:read")
            if code != "missing_scope":
                fix = self._t("hr_error_fix")
            return self._failed("hr_channel", self._t("hr_error", channel=channel, error=code), fix)
        except (SlackClientError, OSError):
            url = self.settings.slack_api_url
            return self._failed("hr_channel", self._t("unreachable", url=url), self._t("unreachable_fix"))
        name = str((info.get("channel") or {}).get("name") or channel)
        if (info.get("channel") or {}).get("is_member"):
            return self._ok("hr_channel", self._t("hr_member", channel=channel, name=name))
        return self._failed(
            "hr_channel", self._t("hr_not_member", channel=channel, name=name), self._t("hr_not_member_fix", name=name)
        )

    def _roster(self, session: Session, workspace: Workspace) -> list[Finding]:
        health = roster_health(session, workspace.id)
        findings = []
        if health.members:
            findings.append(self._ok("roster", self._t("roster_ok", members=health.members, teams=health.teams)))
        else:
            findings.append(self._failed("roster", self._t("roster_empty"), self._t("no_workspace_fix")))
        for check, names, fix in (
            ("leads", health.leads_without_team, self._t("leads_fix")),
            ("teams", health.teams_without_lead, self._t("teams_fix")),
            ("timezones", health.without_timezone, self._t("timezones_fix", timezone=workspace.timezone)),
        ):
            if names:
                findings.append(self._failed(check, self._names(names), fix))
            else:
                findings.append(self._ok(check, self._t(f"{check}_ok")))
        return findings

    def _names(self, names: list[str]) -> str:
        shown = ", ".join(names[:SHOWN_NAMES])
        if len(names) > SHOWN_NAMES:
            shown = self._t("more", names=shown, count=len(names) - SHOWN_NAMES)
        return self._t("count", count=len(names), names=shown)
