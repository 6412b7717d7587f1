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


# What people type for a decimal point: "7,5" on many keyboards, full-width in Chinese input.
_DECIMAL_POINTS = str.maketrans({",": ".", "，": ".", "．": ".", "。": "."})


def parse_score(text: object, field: str, maximum: int | Decimal = 100) -> Decimal:
    """A score from 0 to ``maximum`` with at most two decimals, so half points (12.5) count.

    The one parser for every score a person types: the assessment form (0-100), the exam's
    grading form (0 to a question's points) and a judge's form (0 to the poll's scale).
    """
    try:
        value = Decimal(str(text).strip().translate(_DECIMAL_POINTS))
    except (InvalidOperation, ValueError):
        raise UserError("cert.errors.not_a_number", field=field, maximum=maximum) from None
    if not value.is_finite() or value < 0 or value > maximum:
        raise UserError("cert.errors.out_of_range", field=field, maximum=maximum)
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
