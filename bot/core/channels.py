"""Whether the bot can post in a conversation, asked of Slack before anyone is told
"posted": a public channel it was not invited to answers ``not_in_channel`` to a post,
a private channel or a group DM without it ``channel_not_found``."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def why_not_postable(client: WebClient, channel_id: str) -> str | None:
    """A catalog key saying why a post in ``channel_id`` would fail, or None when it will
    go through (or Slack cannot tell us: a missing scope leaves the post to decide)."""
    if channel_id.startswith("D"):
        return None  # the person's own DM with the bot, where the command came from
    try:
        channel = client.conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as error:
        if error.response.get("error") == "channel_not_found":
            return "errors.channel_private"
        return None
    if channel.get("is_im") or channel.get("is_member"):
        return None
    return "errors.channel_not_joined"
