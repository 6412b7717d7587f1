"""Tables for certification register, assessments, reminders, exams."""

from __future__ import annotations
