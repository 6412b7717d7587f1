"""Jinja2 templates in ``content/templates/<feature>/`` -> Block Kit, checked with slack_sdk.models.

Templates are YAML. Every ``{{ expression }}`` is emitted as a JSON scalar (valid YAML),
and plain strings are Slack-escaped on the way out: user text cannot inject mentions or
links, whatever a template author forgets. Catalog strings (``t(...)``) are trusted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.core.block_budget import MAX_BLOCKS
from bot.core.content.library import CONTENT_DIR, parse_yaml
from bot.core.i18n import Catalog, Trusted, slack_escape

TEMPLATES_DIR = CONTENT_DIR / "templates"
FALLBACK_LIMIT = 3000


class RenderError(Exception):
    pass


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


# Characters YAML refuses raw or reads as line breaks; JSON leaves them raw, so escape them.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _scalar(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)


def _finalize(value: object) -> str:
    if isinstance(value, Trusted):
        return _scalar(str(value))
    if isinstance(value, str):
        return _scalar(slack_escape(value))
    return json.dumps(value, ensure_ascii=False, default=str)


_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")


def clip(value: object, limit: int) -> Trusted:
    """At most ``limit`` characters of Slack text, escaped once: a trusted string stays
    trusted (a plain slice would not, and would be escaped again), and an entity such as
    ``&amp;`` is never cut in half."""
    text = value if isinstance(value, Trusted) else slack_escape(value)
    if len(text) <= limit:
        return Trusted(text)
    return Trusted(_ENTITY_TAIL.sub("", text[: limit - 1]) + "…")


def lines(*parts: object, sep: str = "\n") -> Trusted:
    """Join pieces into one mrkdwn text, escaping the ones that are not already trusted."""
    return Trusted(sep.join(slack_escape(part) for part in parts if part is not None and part != ""))


def bar(ratio: float | None, width: int = 10) -> str:
    """A small text bar for mastery: ▓▓▓▓▓▓░░░░."""
    filled = round((ratio or 0) * width)
    return "▓" * filled + "░" * (width - filled)


def percent(ratio: float | None) -> str:
    return "—" if ratio is None else f"{round(ratio * 100)}%"


@cache
def _environment(templates_dir: Path) -> Environment:
    """One Jinja2 environment per template folder and process: templates compile once."""
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # noqa: S701 - output is YAML, escaping is done by _finalize
    )
    # An input's initial value is shown and sent back exactly as typed, never read as mrkdwn:
    # escaped, "&" would come back as "&amp;" and be saved over the person's own text.
    env.filters["verbatim"] = lambda value: Trusted(str(value))
    env.globals["lines"] = lines
    env.filters["bar"] = bar
    env.filters["clip"] = clip
    env.filters["percent"] = percent
    return env


@cache
def _template_index(env: Environment) -> dict[str, str]:
    """{"cert_card": "certification/cert_card.yaml.j2", ...}; a name used twice is an error."""
    index: dict[str, str] = {}
    for path in env.list_templates(filter_func=lambda name: name.endswith(".yaml.j2")):
        name = path.rsplit("/", 1)[-1].removesuffix(".yaml.j2")
        if name in index:
            raise RenderError(f"template name {name!r} is used by {index[name]} and {path}")
        index[name] = path
    return index


class Renderer:
    def __init__(self, catalog: Catalog | None = None, templates_dir: Path = TEMPLATES_DIR) -> None:
        self.catalog = catalog or Catalog.load()
        self.env = _environment(templates_dir)

    def t(self, locale: str, key: str, **params: object) -> Trusted:
        return self.catalog.t(locale, key, **params)

    def _path(self, template_name: str) -> str:
        """A template is named by its file name alone; its feature folder is where it lives."""
        path = _template_index(self.env).get(template_name)
        if path is None:
            raise RenderError(f"no template named {template_name!r}")
        return path

    def compile_all(self) -> int:
        """Compile every template now rather than during someone's first click."""
        names = self.env.list_templates(filter_func=lambda name: name.endswith(".yaml.j2"))
        for name in names:
            self.env.get_template(name)
        return len(names)

    def _load(self, template_name: str, locale: str, context: dict[str, Any]) -> dict[str, Any]:
        template = self.env.get_template(self._path(template_name))
        name = template_name

        def t(key: str, **params: object) -> Trusted:
            return self.catalog.t(locale, key, **params)

        source = template.render(t=t, locale=locale, **context)
        try:
            document = parse_yaml(source)
        except yaml.YAMLError as exc:
            raise RenderError(f"template {name} produced invalid YAML: {exc}") from exc
        if not isinstance(document, dict):
            raise RenderError(f"template {name} must produce a mapping")
        return document

    def message(self, template_name: str, locale: str, **context: Any) -> Message:
        name = template_name
        document = self._load(name, locale, context)
        blocks = [block for block in document.get("blocks") or [] if block]
        if len(blocks) > MAX_BLOCKS:  # Slack answers invalid_blocks: a builder forgot its budget
            raise RenderError(f"template {name}: {len(blocks)} blocks, Slack allows {MAX_BLOCKS} in a message")
        for block in blocks:
            parsed = Block.parse(block)
            if parsed is None:
                raise RenderError(f"template {name}: unknown block {block.get('type')!r}")
            parsed.validate_json()
        text = str(document.get("text") or "")[:FALLBACK_LIMIT]
        return Message(text=text, blocks=blocks)

    def view(self, template_name: str, locale: str, **context: Any) -> dict[str, Any]:
        document = self._load(template_name, locale, context)
        document["blocks"] = [block for block in document.get("blocks") or [] if block]
        View(**document).validate_json()
        return document
