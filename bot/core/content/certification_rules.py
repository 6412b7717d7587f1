"""The schema of `content/certification.yaml`: weights, levels, validity and reminder stages.

Loaded with the rest of the content (:class:`bot.core.content.bundle.Content`); the
certification feature reads it from there and never opens the file itself.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator


class CertificationLevel(StrEnum):
    SENIOR = "senior"
    INTERMEDIATE = "intermediate"
    JUNIOR = "junior"
    NOT_CERTIFIED = "not_certified"


class LevelRule(BaseModel):
    id: CertificationLevel
    min: Decimal


class CertificationRules(BaseModel):
    weights: dict[str, int]
    levels: list[LevelRule]
    validity_months: int = Field(ge=1)
    reevaluation_window_days: int = Field(ge=1)
    reminder_days_before: list[int]
    expired_reminder_every_days: int = Field(ge=1)
    retake_after_days: int = Field(ge=0)
    number_prefix: str = Field(pattern=r"^[A-Z]{1,5}$")
    digest_weekday: int = Field(ge=0, le=6)
    digest_time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    @model_validator(mode="after")
    def _weights_make_100(self) -> CertificationRules:
        if set(self.weights) != {"theory", "practical", "daily"} or sum(self.weights.values()) != 100:
            raise ValueError("weights must be theory, practical and daily adding up to 100")
        return self
