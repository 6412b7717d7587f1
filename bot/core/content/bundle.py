"""Everything Coachbot reads from `content/`, loaded once and passed in.

The runtime (and each CLI command that needs it) calls :meth:`Content.load`; listeners get
it through ``Deps``, jobs through ``JobContext``, use cases through the ``Notifier``.
Nothing below them opens a content file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.core.calendar import HolidayOverrides, WorkCalendar, calendar_for, load_overrides
from bot.core.content.certification_rules import CertificationRules
from bot.core.content.library import CONTENT_DIR, ContentLibrary, parse_yaml
from bot.core.content.loader import load_library
from bot.core.db.models import Workspace
from bot.core.i18n import Catalog

# What a service asks for when it needs a workspace's working days.
Calendars = Callable[[Workspace], WorkCalendar]


@dataclass(frozen=True)
class Content:
    library: ContentLibrary  # modules, lessons, questions, exams, rubrics, coping tips
    catalog: Catalog  # every sentence people read, in each language
    rules: CertificationRules  # certification.yaml
    holidays: HolidayOverrides  # calendar.yaml

    @classmethod
    def load(cls, content_dir: Path = CONTENT_DIR) -> Content:
        """Read and check every content file (a problem raises ``ContentError``)."""
        rules = parse_yaml((content_dir / "certification.yaml").read_text("utf-8"))
        return cls(
            library=load_library(content_dir),
            catalog=Catalog.load(content_dir / "locales"),
            rules=CertificationRules.model_validate(rules),
            holidays=load_overrides(content_dir),
        )

    def calendar_for(self, workspace: Workspace) -> WorkCalendar:
        return calendar_for(workspace, self.holidays)
