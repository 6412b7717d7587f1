"""Certification scoring: the one parser for typed scores, the composite and the level.

The rules themselves (weights, levels, validity…) are content: ``content.rules``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bot.core.content.certification_rules import CertificationLevel, CertificationRules, LevelRule
from bot.core.errors import UserError

__all__ = [
    "CertificationLevel",
    "CertificationRules",
    "LevelRule",
    "certification_level",
    "composite_score",
    "parse_score",
]


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


def composite_score(rules: CertificationRules, theory: Decimal, practical: Decimal, daily: Decimal) -> Decimal:
    """Theory 40% + practical 40% + daily performance 20% (the rules' weights), exact to two
    decimals (no float drift)."""
    weights = rules.weights
    for value in (theory, practical, daily):
        if not Decimal(0) <= value <= Decimal(100):
            raise ValueError(f"score {value} is outside 0-100")
    total = (theory * weights["theory"] + practical * weights["practical"] + daily * weights["daily"]) / 100
    return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def certification_level(rules: CertificationRules, composite: Decimal) -> CertificationLevel:
    for level in rules.levels:
        if composite >= level.min:
            return level.id
    return CertificationLevel.NOT_CERTIFIED
