"""Certification rules from `content/certification.yaml`, and the one scoring function."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, Field, model_validator

from bot.core.content.library import CONTENT_DIR, parse_yaml
from bot.core.errors import UserError


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


@lru_cache(maxsize=1)
def rules() -> CertificationRules:
    return CertificationRules.model_validate(parse_yaml((CONTENT_DIR / "certification.yaml").read_text("utf-8")))


TWO_PLACES = Decimal("0.01")


def parse_score(text: object, field: str) -> Decimal:
    """A component score: a number from 0 to 100 with at most two decimals."""
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise UserError("cert.errors.not_a_number", field=field) from None
    if not value.is_finite() or value < 0 or value > 100:
        raise UserError("cert.errors.out_of_range", field=field)
    if value != value.quantize(TWO_PLACES):
        raise UserError("cert.errors.too_precise", field=field)
    return value


def composite_score(theory: Decimal, practical: Decimal, daily: Decimal) -> Decimal:
    """Theory 40% + practical 40% + daily performance 20%, exact to two decimals (no float drift)."""
    weights = rules().weights
    for value in (theory, practical, daily):
        if not Decimal(0) <= value <= Decimal(100):
            raise ValueError(f"score {value} is outside 0-100")
    total = (theory * weights["theory"] + practical * weights["practical"] + daily * weights["daily"]) / 100
    return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def certification_level(composite: Decimal) -> CertificationLevel:
    for level in rules().levels:
        if composite >= level.min:
            return level.id
    return CertificationLevel.NOT_CERTIFIED
