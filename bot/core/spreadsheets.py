"""HR's files as HR saves them: CSV in any encoding Excel writes (UTF-8 with or without a
BOM, GB18030 on Chinese Windows, UTF-16 "Unicode text" with tabs) or an ``.xlsx`` workbook,
read into rows of text; and written back as Excel opens them (CSV with a BOM, or ``.xlsx``).

Every problem is a :class:`RowError` holding a catalog key, so it reaches the reader in
their language, naming the column as their file names it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from bot.core.csv_safety import FORMULA_PREFIXES, neutralise
from bot.core.i18n import default_catalog

XLSX_MAGIC = b"PK\x03\x04"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
CHINESE_ENCODINGS = {"gb2312", "gbk", "gb18030", "hz"}  # GB18030 reads all of them
LEGACY_ENCODINGS = ("gb18030", "big5", "cp1252")
DELIMITERS = (",", "\t", ";")
MAX_FILE_BYTES = 5_000_000


@dataclass(frozen=True)
class RowError:
    """A problem with one line of a file (line 0: the file as a whole), as a catalog key."""

    line: int
    key: str
    params: dict[str, object] = field(default_factory=dict)

    def text(self, t: Callable[..., str]) -> str:
        """In the reader's language: ``t`` is a catalog lookup (key, **params) -> text."""
        message = t(f"ops.import.{self.key}", **self.params)
        return t("ops.import.at_line", line=self.line, message=message) if self.line else message

    def in_language(self, locale: str) -> str:
        """For a terminal or a log: unescaped, in ``locale``."""
        catalog = default_catalog()
        return self.text(lambda key, **params: catalog.plain(locale, key, **params))

    @property
    def message(self) -> str:
        return default_catalog().plain("en", f"ops.import.{self.key}", **self.params)

    def __str__(self) -> str:
        return self.in_language("en")


@dataclass(frozen=True)
class Change:
    """One line of a dry run: what an import would do to one person or certificate."""

    line: int
    subject: str
    action: str  # new | updated | unchanged | deactivated | unlinked
    columns: tuple[str, ...] = ()  # the columns that change, as the file names them


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    teams_created: int = 0
    unlinked: list[int] = field(default_factory=list)  # lines whose holder is not in the roster
    ignored_columns: tuple[str, ...] = ()  # as the file names them
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class TableFileError(ValueError):
    """A file that cannot be read as a table at all; ``key`` is under ``ops.import``."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params

    def problem(self) -> RowError:
        return RowError(0, self.key, self.params)


def is_xlsx(filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm"))


def read_table(data: bytes | str, filename: str = "") -> list[list[str]]:
    """The rows of a CSV/TSV text file or of an ``.xlsx`` workbook's first sheet, as text
    (``data`` as the file's bytes, or as text already decoded)."""
    if isinstance(data, str):
        return _text_rows(data)
    if len(data) > MAX_FILE_BYTES:
        raise TableFileError("too_large", megabytes=MAX_FILE_BYTES // 1_000_000)
    if data.startswith(XLSX_MAGIC):
        return _xlsx_rows(data)
    if is_xlsx(filename):
        raise TableFileError("not_a_workbook")
    return _text_rows(decode_text(data))


def _text_rows(text: str) -> list[list[str]]:
    """CSV, or tab- or semicolon-separated text: whichever the first line uses most."""
    text = text.removeprefix("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=first.count) if first else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def decode_text(data: bytes) -> str:
    """Text in the encoding it was saved in; Excel's are tried first, then detected."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8")
    if data.startswith(UTF16_BOMS):
        return _decode(data, "utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Excel's "CSV" on Chinese Windows: GB18030 (simplified) or Big5 (traditional). Both
    # decode each other's bytes without error, so the detector tells them apart.
    import charset_normalizer  # imported on first use: start-up stays quick

    guess = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if guess is None:
        guess = charset_normalizer.from_bytes(data).best()
    if guess is None:
        raise TableFileError("unknown_encoding")
    encoding = "gb18030" if guess.encoding in CHINESE_ENCODINGS else guess.encoding
    return _decode(data, encoding)


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise TableFileError("unknown_encoding") from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import openpyxl  # imported on first use: start-up stays quick

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        raise TableFileError("not_a_workbook") from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    """A cell as the person sees it: dates as 2025-03-10, 85.0 as 85."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_table(header: Sequence[str], rows: Iterable[Sequence[object]], filename: str = "") -> bytes:
    """``.xlsx`` when the file name says so, else CSV with the BOM Excel needs to read UTF-8.

    Cells a spreadsheet would run as a formula are prefixed with a quote either way.
    """
    if is_xlsx(filename):
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(list(header))
        for row in rows:
            sheet.append([neutralise(cell) for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class Header:
    """The header row: each column's key (``ignored:…`` for unknown ones) and its name as
    the file writes it, for errors; ``line`` is where it was found (a title may sit above)."""

    line: int
    keys: list[str]
    names: dict[str, str]

    def name(self, key: str) -> str:
        return self.names.get(key, key)


def find_header(rows: Sequence[Sequence[str]], key_of: Callable[[str], str], known: set[str]) -> Header | None:
    """The first row among the first ten naming at least two known columns."""
    for index, row in enumerate(rows[:10]):
        keys = [key_of(cell) if cell.strip() else f"ignored:#{n}" for n, cell in enumerate(row)]
        if len(set(keys) & known) >= 2:
            names = {key: cell.strip() for key, cell in zip(keys, row, strict=True) if not key.startswith("ignored:")}
            return Header(index + 1, keys, names)
    return None


def records(
    rows: Sequence[Sequence[str]], header: Header, problems: list[RowError], max_rows: int | None = None
) -> Iterable[tuple[int, dict[str, str]]]:
    """(line, key -> stripped cell) for each data line after the header; blank lines are
    skipped, and empty cells past the header's width are forgiven (Excel leaves them)."""
    width = len(header.keys)
    count = 0
    for line, cells in enumerate(rows[header.line :], start=header.line + 1):
        if not any(str(cell).strip() for cell in cells):
            continue
        count += 1
        if max_rows is not None and count > max_rows:
            problems.append(RowError(line, "too_many_rows", {"limit": max_rows}))
            return
        cells = list(cells)
        while len(cells) > width and not str(cells[-1]).strip():
            cells.pop()
        if len(cells) > width:
            problems.append(RowError(line, "too_many_cells", {"cells": len(cells), "columns": width}))
            continue
        cells += [""] * (width - len(cells))
        yield line, {key: str(cell).strip() for key, cell in zip(header.keys, cells, strict=True)}


def formula_cell(line: int, record: dict[str, str], header: Header) -> RowError | None:
    """The first cell a spreadsheet would run as a formula, said in words."""
    for key, value in record.items():
        if value.startswith(FORMULA_PREFIXES) and not key.startswith("ignored:"):
            return RowError(line, "formula", {"column": header.name(key), "start": value[0]})
    return None
