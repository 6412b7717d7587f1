"""Tables for wellbeing check-ins and peer support."""

from __future__ import annotations
