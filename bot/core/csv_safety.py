"""CSV files are opened in spreadsheets, so cells are guarded against formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_PREFIXES)


def neutralise(cell: object) -> str:
    """Prefix a quote so spreadsheets show the text instead of evaluating it (OWASP advice)."""
    text = "" if cell is None else str(cell)
    return "'" + text if looks_like_formula(text) else text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()
