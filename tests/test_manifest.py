"""manifest.yml and the code agree: everything the code uses is declared, and nothing the
code does not use is requested (a workspace admin reviews every scope at install)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.app.oauth import MANIFEST, manifest_scopes

ROOT = Path(__file__).resolve().parents[1]
CODE = [p for folder in ("bot", "handlers", "jobs") for p in (ROOT / folder).rglob("*.py") if "sim" not in p.parts]

# The scope each Web API method needs (https://api.slack.com/methods); a method missing here fails the test.
METHOD_SCOPES: dict[str, set[str]] = {
    "auth.test": set(),
    "chat.postMessage": {"chat:write"},
    "chat.update": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    "conversations.info": {"channels:read", "groups:read"},  # public / private channels
    "conversations.open": {"im:write"},
    "files.info": {"files:read"},
    "files.upload_v2": {"files:write"},
    "users.info": {"users:read"},
    "views.open": set(),
    "views.publish": set(),
    "views.update": set(),
}
# Events the Bolt listeners name, as subscriptions, with the scope each subscription needs.
EVENT_SUBSCRIPTIONS = {
    "app_home_opened": ("app_home_opened", set()),
    "message": ("message.im", {"im:history"}),
    "app_uninstalled": ("app_uninstalled", set()),
    "tokens_revoked": ("tokens_revoked", set()),
    "user_change": ("user_change", {"users:read"}),
}


def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def source() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in CODE)


def web_api_methods(text: str) -> set[str]:
    """Web API methods the code calls: client.users_info(...), api_call("auth.test"), outbox method="..."."""
    calls = re.findall(r"client\.(\w+)\(", text) + re.findall(r"client_for\([^)]*\)\.(\w+)\(", text)
    methods = {_method(call) for call in calls if call != "api_call"}
    methods |= set(re.findall(r'method="([a-z]+\.[A-Za-z.]+)"', text))
    return methods | set(re.findall(r'api_call\("([A-Za-z.]+)"', text))


def _method(call: str) -> str:
    if call == "files_upload_v2":
        return "files.upload_v2"
    family, _, name = call.partition("_")
    head, *rest = name.split("_")
    return f"{family}.{head}{''.join(part.title() for part in rest)}"


def used_scopes(text: str) -> set[str]:
    methods = web_api_methods(text)
    unknown = methods - set(METHOD_SCOPES)
    assert not unknown, f"add the scopes of {unknown} to METHOD_SCOPES (and manifest.yml)"
    scopes = {"commands"} if re.search(r"app\.command\(", text) else set()
    for method in methods:
        scopes |= METHOD_SCOPES[method]
    if re.search(r'conversations_open\(users=f?"[^"]*,', text):
        scopes.add("mpim:write")  # a group DM of several people
    if "url_private" in text:
        scopes.add("files:read")  # downloading a file someone shared
    for event in used_events(text):
        scopes |= EVENT_SUBSCRIPTIONS[event][1]
    return scopes


def used_events(text: str) -> set[str]:
    return set(re.findall(r'app\.event\("(\w+)"\)', text))


def test_every_slash_command_is_declared_and_none_is_extra() -> None:
    declared = {entry["command"] for entry in manifest()["features"]["slash_commands"]}
    assert declared == set(re.findall(r'app\.command\("(/[\w-]+)"\)', source())) == {"/coach"}


def test_every_event_is_subscribed_and_none_is_extra() -> None:
    events = used_events(source())
    assert events, "the scan found no listeners"
    assert set(manifest()["settings"]["event_subscriptions"]["bot_events"]) == {
        EVENT_SUBSCRIPTIONS[event][0] for event in events
    }


def test_the_requested_scopes_are_exactly_the_ones_the_code_uses() -> None:
    assert set(manifest_scopes()) == used_scopes(source())


def test_the_scan_sees_the_calls_that_need_each_scope() -> None:
    methods = web_api_methods(source())
    assert {"chat.postMessage", "chat.update", "conversations.open", "users.info", "views.open"} <= methods
    assert "files.upload_v2" in methods and "files.info" in methods


def test_buttons_and_modals_are_served_by_interactivity() -> None:
    text = source()
    assert re.search(r"app\.action\(", text) and re.search(r"app\.view\(", text)
    settings = manifest()["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert "shortcuts" not in manifest()["features"]  # no app.shortcut listener exists


def test_every_button_and_modal_in_the_templates_has_a_listener() -> None:
    """Slack delivers a click or a submission only to a listener; one without is a dead button."""
    templates = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "content" / "templates").rglob("*.j2"))
    text = source()
    listened = set(re.findall(r'app\.(?:action|view)\("(\w+)"\)', text))
    patterns = [re.compile(p) for p in re.findall(r'app\.action\(re\.compile\(r"([^"]+)"\)\)', text)]
    elements = set(re.findall(r"^\s+action_id: (\w+)\s*$", templates, re.M))
    inputs = set(re.findall(r"type: input[\s\S]*?action_id: (\w+)", templates))  # read on submission
    buttons = elements - inputs
    assert {"roster_import_confirm", "roster_import_cancel", "workspace_settings_open"} <= buttons
    assert {b for b in buttons if b not in listened and not any(p.match(b) for p in patterns)} == set()
    modals = set(re.findall(r"^callback_id: (\w+)", templates, re.M))
    assert "workspace_settings" in modals and modals <= listened
