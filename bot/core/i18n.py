"""Translated strings from ``content/locales`` and the choice of a reader's language.

Parameters are Slack-escaped before they are put into a string, so a name such as
``<!channel>`` is shown as typed and never pings anyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.content.library import CONTENT_DIR, parse_yaml

if TYPE_CHECKING:
    from bot.core.db.models import Member, Workspace

LOCALES = ("zh-CN", "en")


class Trusted(str):
    """Text that is already safe Slack markup (from our catalog, with escaped parameters)."""

    __slots__ = ()


def slack_escape(value: object) -> str:
    """Escape the three characters Slack treats as markup (its own documented rule)."""
    if isinstance(value, Trusted):
        return value
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


class Catalog:
    def __init__(self, strings: dict[str, dict[str, str]]) -> None:
        self.strings = strings

    @classmethod
    def load(cls, directory: Path = CONTENT_DIR / "locales") -> Catalog:
        """Every ``<locale>/*.yaml`` file, merged; one file per feature keeps them short."""
        strings: dict[str, dict[str, str]] = {}
        for locale in LOCALES:
            merged: dict[str, str] = {}
            for path in sorted((directory / locale).glob("*.yaml")):
                flat = _flatten(parse_yaml(path.read_text(encoding="utf-8")) or {})
                clash = set(flat) & set(merged)
                if clash:
                    raise ValueError(f"{path}: keys defined twice: {sorted(clash)[:5]}")
                merged |= flat
            strings[locale] = merged
        return cls(strings)

    def plain(self, locale: str, key: str, **params: object) -> str:
        """The same string for a terminal or a file: parameters as typed, no Slack escaping."""
        table = self.strings.get(locale) or self.strings["en"]
        template = table.get(key) or self.strings["en"].get(key)
        if template is None:
            raise KeyError(f"no string {key!r} in content/locales")
        return template.format_map({name: str(value) for name, value in params.items()})

    def missing(self) -> dict[str, set[str]]:
        """Keys present in one language but not another, per language."""
        every = set().union(*(set(s) for s in self.strings.values()))
        return {loc: every - set(s) for loc, s in self.strings.items() if every - set(s)}

    def t(self, locale: str, key: str, **params: object) -> Trusted:
        table = self.strings.get(locale) or self.strings["en"]
        template = table.get(key) or self.strings["en"].get(key)
        if template is None:
            raise KeyError(f"no string {key!r} in content/locales")
        escaped = {name: slack_escape(value) for name, value in params.items()}
        return Trusted(template.format_map(escaped))


@cache
def default_catalog() -> Catalog:
    """The catalog shipped in ``content/locales``, loaded once per process."""
    return Catalog.load()


def resolve_locale(*candidates: str | None) -> str:
    """The first supported language among the candidates (member, Slack profile, workspace)."""
    for candidate in candidates:
        if not candidate:
            continue
        if candidate in LOCALES:
            return candidate
        if candidate.lower().startswith("zh"):
            return "zh-CN"
        if candidate.lower().startswith("en"):
            return "en"
    return "en"


def member_locale(member: Member, workspace: Workspace) -> str:
    """The member's own language, else their Slack profile's, else the workspace default."""
    return resolve_locale(member.locale, member.slack_locale, workspace.locale)
