"""Tables for scoring polls and quick polls."""

from __future__ import annotations
