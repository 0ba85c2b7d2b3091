"""``gridcommand report``: an XLSX that openpyxl reads back typed, a PDF whose pages render."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.reports.kpi import LOCAL
from gridcommand.desktop.cli import main


def _month() -> str:
    """Last month: wholly inside the 40 days of history, whatever today is."""
    first = datetime.now(UTC).astimezone(timezone(timedelta(hours=8))).replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


def test_the_xlsx_report_reads_back_with_typed_cells_and_a_frozen_header(
    engine: Engine, db_url: URL, tmp_path: Path
) -> None:
    seed_demo(engine, grids=12, random_seed=5, days=40)
    out = tmp_path / "report.xlsx"
    db = db_url.render_as_string(hide_password=False)
    assert main(["--db", db, "report", "--period", _month(), "--out", str(out)]) == 0

    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["KPI", "KPI rates", "Ranking (street)", "Trend 30 days"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
    figures = {row[1].value: row for row in book["KPI"].iter_rows(min_row=2)}
    registered = figures["registered"][2]
    assert isinstance(registered.value, int) and registered.value > 0
    rates = {row[1].value: row for row in book["KPI rates"].iter_rows(min_row=2)}
    on_time = rates["handled on time"][2]
    assert isinstance(on_time.value, int | float) and 0 <= on_time.value <= 1  # 1.0 reads as 1
    assert on_time.number_format == "0.0%"
    assert isinstance(rates["satisfaction"][2].value, int | float)  # the demo's call-backs
    assert rates["rework"][2].value == 0  # typed zero: cases handled, none sent back
    ranking = book["Ranking (street)"]
    header = [c.value for c in ranking[1]]
    scores = [row[header.index("score / 综合得分")].value for row in ranking.iter_rows(min_row=2)]
    assert scores == sorted(scores, reverse=True) and all(
        isinstance(s, int | float) for s in scores
    )
    trend = list(book["Trend 30 days"].iter_rows(min_row=2, values_only=True))
    assert len(trend) == 30
    assert all(isinstance(day, datetime) and isinstance(n, int) for day, n, *_ in trend)
    assert trend[-1][0].date() <= datetime.now(LOCAL).date()  # the district's day


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm")
def test_the_pdf_report_of_a_grid_renders(
    qtbot: QtBot, engine: Engine, db_url: URL, tmp_path: Path
) -> None:
    seed_demo(engine, grids=12, random_seed=5, days=40)
    out = tmp_path / "grid.pdf"
    db = db_url.render_as_string(hide_password=False)
    args = ["--db", db, "report", "--period", _month(), "--grid", "440113001001001"]
    assert main([*args, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    rendered = subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")],
        capture_output=True,
        timeout=60,
    )
    assert rendered.returncode == 0, rendered.stderr
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2  # figures, trend and ranking; then the map
    assert all(page.stat().st_size > 5_000 for page in pages)  # drawn, not blank


def test_report_refuses_a_bad_month_or_file_kind(
    db_url: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = db_url.render_as_string(hide_password=False)
    with pytest.raises(SystemExit):
        main(["--db", db, "report", "--period", "2026-13", "--out", str(tmp_path / "x.pdf")])
    assert "not a month" in capsys.readouterr().err
    assert (
        main(["--db", db, "report", "--period", "2026-11", "--out", str(tmp_path / "x.doc")]) != 0
    )
    assert "as .pdf or .xlsx" in capsys.readouterr().err
