"""The window's *Export* menu: tables, reports and the map, written off the GUI thread.

- the queue on screen or the KPI board's ranking to XLSX or CSV, as the operator
  sees it (order and filters): the rows are read from the Qt model on the GUI thread
  (a model is only read there), then written on the export's thread;
- the monthly report (the board's region, a month the operator picks) and a grid's
  report to PDF: the figures are read by the database and the pages painted on the
  export's thread (``QPdfWriter`` and ``QImage`` need no GUI thread);
- the map as shown, with its legends, to PNG (``maps/capture.py``).

Each runs under :class:`~gridcommand.desktop.export_progress.ExportProgress`: a
progress dialog fed by the export's steps, with *Cancel*. File names and choices are
asked through :class:`Prompts`, the only part a test replaces (a file dialog is the
platform's, not the application's).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget
from sqlalchemy import Engine

from gridcommand.db.live.store import StateStore
from gridcommand.db.reports.export import Column, Sheet, write_csv, write_xlsx
from gridcommand.db.reports.kpi import LOCAL, Period
from gridcommand.db.reports.monthly import load_report
from gridcommand.desktop.export_progress import ExportProgress, Step
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.report import write_pdf
from gridcommand.maps.capture import capture
from gridcommand.maps.panel import MapPanel
from gridcommand.widgets.kpi_board import KpiBoard
from gridcommand.widgets.queues import QueuePanel
from gridcommand.widgets.table_export import table_sheet


class Prompts:
    """Where to write and what to report: the platform's dialogs."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def save_path(self, suggested: str, suffix: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self.parent, QCoreApplication.translate("Exports", "Export"), suggested, f"*{suffix}"
        )
        if not name:
            return None
        return Path(name if name.lower().endswith(suffix) else name + suffix)

    def choose(self, title: str, label: str, items: Sequence[str], current: int) -> int | None:
        item, ok = QInputDialog.getItem(self.parent, title, label, list(items), current, False)
        return list(items).index(item) if ok and item in items else None


def recent_months(now: datetime, count: int = 12) -> list[Period]:
    """This month and the ``count - 1`` before it, newest first."""
    local = now.astimezone(LOCAL)
    months = []
    year, month = local.year, local.month
    for _ in range(count):
        months.append(Period.month(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Write beside ``path`` and move into place: a cancelled export leaves nothing."""
    fd, name = tempfile.mkstemp(prefix=".gc-export-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    partial = Path(name)
    try:
        write(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


class Exports(QObject):
    """Connects the *Export* menu of ``window`` to the panels and the database."""

    def __init__(
        self,
        window: MainWindow,
        engine: Engine,
        store: StateStore,
        queues: QueuePanel,
        board: KpiBoard,
        map_panel: MapPanel | None,
        grid_name: Callable[[str | None], str],
    ) -> None:
        super().__init__(window)
        self.window, self.engine, self.store = window, engine, store
        self.queues, self.board, self.map = queues, board, map_panel
        self.grid_name = grid_name
        self.prompts = Prompts(window)
        self.progress = ExportProgress(window)
        self.last_grid: str | None = None
        self.written: list[Path] = []  # what this window exported, newest last
        self.capture_method = ""
        a = window.export_actions
        a["queue_xlsx"].triggered.connect(lambda: self.export_queue(".xlsx"))
        a["queue_csv"].triggered.connect(lambda: self.export_queue(".csv"))
        a["ranking_xlsx"].triggered.connect(lambda: self.export_ranking(".xlsx"))
        a["ranking_csv"].triggered.connect(lambda: self.export_ranking(".csv"))
        a["monthly_pdf"].triggered.connect(self.export_monthly_report)
        a["grid_pdf"].triggered.connect(self.export_grid_report)
        a["map_png"].triggered.connect(self.export_map)
        a["map_png"].setEnabled(map_panel is not None)
        if map_panel is not None:
            map_panel.grid_selected.connect(self._remember_grid)

    def _remember_grid(self, code: str) -> None:
        self.last_grid = code

    # -- tables --------------------------------------------------------------------
    def export_queue(self, suffix: str) -> None:
        key = self.queues.current_queue()
        view = self.queues.views[key]
        title = self.queues.tabText(self.queues.currentIndex())
        self.export_table(view.model(), key, title, suffix)

    def export_ranking(self, suffix: str) -> None:
        by = self.board.data.ranking_by if self.board.data is not None else ""
        name = f"ranking-{by}" if by else "ranking"  # the sheet's title too: no UI hint in it
        self.export_table(self.board.ranking_view.model(), name, name, suffix)

    def export_table(self, model: Any, name: str, title: str, suffix: str) -> None:
        """The table as shown, read here in one go (a live queue changes between two
        turns of the event loop), written on the export's thread with its progress."""
        if self.progress.busy:
            return
        path = self.prompts.save_path(f"{name}{suffix}", suffix)
        if path is None:
            return
        sheet = table_sheet(model, title)
        total = len(sheet.rows)

        def job(step: Step) -> Path:
            step(
                5,
                QCoreApplication.translate("Exports", "Writing %1 rows…").replace("%1", str(total)),
            )
            return _atomic(path, lambda p: self._write_sheet(p, sheet, total, step))

        self.progress.run(
            QCoreApplication.translate("Exports", "Exporting %1…").replace("%1", title),
            job,
            self._written,
            self._failed,
        )

    @staticmethod
    def _write_sheet(path: Path, sheet: Sheet, total: int, step: Step) -> None:
        def rows_written(n: int) -> None:
            done = (
                QCoreApplication.translate("Exports", "Writing %1 of %2 rows…")
                .replace("%1", str(n))
                .replace("%2", str(total))
            )
            step(5 + round(90 * n / max(total, 1)), done)

        if path.suffix.lower() == ".xlsx":
            write_xlsx(path, [sheet], rows_written)
        else:
            named = [Column(c.header, c.header, c.kind) for c in sheet.columns]
            rows = [{c.header: row[c.key] for c in sheet.columns} for row in sheet.rows]
            write_csv(path, named, rows, rows_written)

    # -- reports -------------------------------------------------------------------
    def export_monthly_report(self) -> None:
        if self.progress.busy:
            return
        now = self.store.clock()
        months = recent_months(now)
        labels = [f"{m.start.astimezone(LOCAL):%Y-%m}" for m in months]
        chosen = self.board.period().start.astimezone(LOCAL).strftime("%Y-%m")
        index = self.prompts.choose(
            QCoreApplication.translate("Exports", "Monthly report"),
            QCoreApplication.translate("Exports", "Month:"),
            labels,
            labels.index(chosen) if chosen in labels else 0,
        )
        if index is None:
            return
        region = self.board.path[-1][0]
        path = self.prompts.save_path(f"report-{labels[index]}-{region or 'district'}.pdf", ".pdf")
        if path is not None:
            self._report(months[index], region, path, now)

    def export_grid_report(self) -> None:
        if self.progress.busy:
            return
        grids = sorted(self.store.grids.values(), key=lambda g: g.code)
        if not grids:
            return
        labels = [f"{g.name} ({g.code})" for g in grids]
        codes = [g.code for g in grids]
        current = codes.index(self.last_grid) if self.last_grid in codes else 0
        index = self.prompts.choose(
            QCoreApplication.translate("Exports", "One grid's report"),
            QCoreApplication.translate("Exports", "Grid:"),
            labels,
            current,
        )
        if index is None:
            return
        now = self.store.clock()
        period = self.board.period()
        path = self.prompts.save_path(f"report-{codes[index]}.pdf", ".pdf")
        if path is not None:
            self._report(period, codes[index], path, now)

    def _report(self, period: Period, region: str | None, path: Path, now: datetime) -> None:
        engine = self.engine

        def job(step: Step) -> Path:
            step(5, QCoreApplication.translate("Exports", "Reading the figures…"))
            data = load_report(engine, period, region, now)
            step(
                60,
                QCoreApplication.translate("Exports", "Drawing the charts, the map and the pages…"),
            )
            return _atomic(path, lambda p: write_pdf(data, p))

        self.progress.run(
            QCoreApplication.translate("Exports", "Exporting the report…"),
            job,
            self._written,
            self._failed,
        )

    # -- the map -------------------------------------------------------------------
    def export_map(self) -> None:
        if self.map is None or self.progress.busy:
            return
        stamp = datetime.now(UTC).astimezone(LOCAL).strftime("%Y%m%d-%H%M")
        path = self.prompts.save_path(f"map-{stamp}.png", ".png")
        if path is None:
            return
        capture(self.map, lambda image, method: self._save_map(image, method, path))

    def _save_map(self, image: QImage | None, method: str, path: Path) -> None:
        self.capture_method = method
        if image is None:
            self._failed(
                QCoreApplication.translate(
                    "Exports", "The map could not be drawn into an image on this screen."
                )
            )
            return

        def job(step: Step) -> Path:
            step(50, QCoreApplication.translate("Exports", "Writing the image…"))

            def save(p: Path) -> None:
                if not image.save(str(p)):  # PNG, by the name's suffix
                    raise OSError(f"cannot write {p}")

            return _atomic(path, save)

        self.progress.run(
            QCoreApplication.translate("Exports", "Exporting the map…"),
            job,
            self._written,
            self._failed,
        )

    # -- outcome -------------------------------------------------------------------
    def _written(self, path: object) -> None:
        if isinstance(path, Path):
            self.written.append(path)
            self.window.statusBar().showMessage(
                QCoreApplication.translate("Exports", "Wrote %1").replace("%1", str(path)), 10_000
            )

    def _failed(self, message: str) -> None:
        QMessageBox.warning(self.window, QCoreApplication.translate("Exports", "Export"), message)
