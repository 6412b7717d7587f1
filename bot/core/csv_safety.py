"""CSV files are opened in spreadsheets, so cells are guarded against formula injection."""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_PREFIXES)


def neutralise(cell: object) -> str:
    """Prefix a quote so spreadsheets show the text instead of evaluating it (OWASP advice)."""
    text = "" if cell is None else str(cell)
    return "'" + text if looks_like_formula(text) else text
