"""Tables out of the screen: CSV and XLSX with real types, no Qt.

A table is a list of :class:`Column` and rows of plain values (``str``, ``int``,
``float``, ``datetime``, ``None``). XLSX cells keep their types (a rate is a number
shown as a percentage, a time is a date-time), the header row is frozen and bold.
CSV writes the same values plainly (rates as fractions, times in ISO 8601) in UTF-8
with a byte-order mark, which Excel needs to read Chinese.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

#: Number formats per kind of column.
FORMATS = {
    "int": "0",
    "rate": "0.0%",
    "hours": "0.0",
    "score": "0.0",
    "number": "0.00",
    "datetime": "yyyy-mm-dd hh:mm",
    "date": "yyyy-mm-dd",
}
LOCAL = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text, int, rate, hours, score, number, datetime


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]


KPI_COLUMNS: tuple[Column, ...] = (
    Column("code", "code"),
    Column("name", "name / 名称"),
    Column("score", "score / 综合得分", "score"),
    Column("registered", "registered / 立案数", "int"),
    Column("handled_on_time_rate", "handled on time / 按期处置率", "rate"),
    Column("closed_rate", "closed / 结案率", "rate"),
    Column("closed_on_time_rate", "closed on time / 按期结案率", "rate"),
    Column("rework_rate", "rework / 返工率", "rate"),
    Column("extension_rate", "extension / 延期率", "rate"),
    Column("overdue_rate", "overdue / 超期率", "rate"),
    Column("mean_handling_hours", "mean handling h / 平均处置时长", "hours"),
    Column("satisfaction_rate", "satisfaction / 满意率", "rate"),
    Column("patrol", "patrol / 巡查", "rate"),
    Column("reporting", "reporting / 上报", "rate"),
)


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def csv_text(columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow([_plain(row.get(c.key)) for c in columns])
    return out.getvalue()


#: Rows between two calls of a writer's ``progress``.
PROGRESS_EVERY = 200


def write_csv(
    path: Path,
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, Any]],
    progress: Callable[[int], None] | None = None,
) -> None:
    """``progress(rows written)`` every few hundred rows; it may raise to stop the writing."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.key for c in columns])
        for n, row in enumerate(rows, start=1):
            writer.writerow([_plain(row.get(c.key)) for c in columns])
            if progress is not None and n % PROGRESS_EVERY == 0:
                progress(n)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones: a command centre reads its own local time.
        return value.astimezone(LOCAL).replace(tzinfo=None)
    return value


def write_xlsx(
    path: Path, sheets: Sequence[Sheet], progress: Callable[[int], None] | None = None
) -> None:
    """``progress(rows written)`` every few hundred rows; it may raise to stop the writing."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    written = 0
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title))
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([_cell(row.get(c.key)) for c in sheet.columns])
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written)
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            fmt = FORMATS.get(column.kind)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
            widest = max(
                [len(str(column.header))]
                + [len(str(row.get(column.key) or "")) for row in sheet.rows[:200]]
            )
            ws.column_dimensions[letter].width = min(48, max(10, widest + 2))
        ws.freeze_panes = "A2"
    book.save(path)


def _sheet_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31] or "Sheet"
