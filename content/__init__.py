"""Coachbot's content library: lessons, questions, rubrics, rules, templates and wording.

Data, not code; a package only so that it ships inside the wheel and is found through
``importlib.resources`` wherever Coachbot is installed.
"""
