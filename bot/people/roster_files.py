"""Roster files shared in the bot's DM: fetched with the bot token, only from Slack's hosts."""

from __future__ import annotations

import urllib.request
from typing import Any
from urllib.parse import urlparse

from bot.core.config import Settings
from bot.core.errors import UserError

MAX_ROSTER_BYTES = 2_000_000
ROSTER_FILETYPES = {"csv", "xlsx", "text", "tsv"}  # Slack's file types for what the importer reads
ROSTER_SUFFIXES = (".csv", ".xlsx", ".txt", ".tsv")


class RosterFileError(ValueError):
    """Why a shared file could not be read, as a catalog key under ``ops.roster.file``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_roster_file(shared: dict[str, Any], token: str | None, settings: Settings) -> bytes:
    """The bytes of a roster shared in Slack (CSV in any Excel encoding, or .xlsx: the
    importer reads both); a :class:`UserError` the admin can act on if it cannot be fetched."""
    filename = str(shared.get("name") or "roster.csv")
    try:
        return download(shared, token, settings)
    except RosterFileError as error:
        raise UserError(f"ops.roster.file.{error.reason}", filename=filename) from None
    except OSError:
        raise UserError("ops.roster.file.unreachable", filename=filename) from None


def download(shared: dict[str, Any], token: str | None, settings: Settings) -> bytes:
    """A shared file's content, fetched with the bot token, and only from Slack's own hosts."""
    url = str(shared.get("url_private_download") or shared.get("url_private") or "")
    address = urlparse(url)
    if address.scheme not in {"https", "http"} or address.netloc not in {
        "files.slack.com",
        urlparse(settings.slack_api_url).netloc,
    }:
        raise RosterFileError("not_from_slack")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310 - checked above
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - a Slack host, checked above
        if "text/html" in str(response.headers.get("Content-Type") or ""):
            raise RosterFileError("needs_files_read")  # Slack sent its login page
        data: bytes = response.read(MAX_ROSTER_BYTES + 1)
    if len(data) > MAX_ROSTER_BYTES:
        raise RosterFileError("too_large")
    return data
