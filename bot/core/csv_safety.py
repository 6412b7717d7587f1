"""CSV files are opened in spreadsheets, so cells are guarded against formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

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


def decode_upload(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes); anything else is refused clearly."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"the file is not UTF-8 (byte {exc.start + 1} cannot be read); save it as 'CSV UTF-8' and try again"
        ) from None


def formula_problem(record: dict[str, str]) -> str | None:
    """The first cell a spreadsheet would run as a formula, said in words."""
    for column, value in record.items():
        if looks_like_formula(value):
            return f"{column} starts with {value[0]!r}, which spreadsheets run as a formula; remove it"
    return None


def data_records(
    reader: Iterator[list[str]], header: list[str], problems: list[tuple[int, str]], max_rows: int | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, column -> stripped cell) for each data line after the header.

    Blank lines are skipped; a line with the wrong number of cells, or past ``max_rows``,
    is added to ``problems`` as (line, message) instead of being yielded.
    """
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if max_rows is not None and number > max_rows + 1:
            problems.append((number, f"too many rows; import at most {max_rows} at a time"))
            return
        if len(cells) != len(header):
            problems.append((number, f"has {len(cells)} cells, the header has {len(header)}"))
            continue
        yield number, {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
