"""Keeping a table's screen current at little cost: each cell measured or painted is a
few Python calls, so only what is on screen, and only what changed, is asked for."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRect, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView

#: How often at most a table's columns follow a stream of changes.
FIT_MS = 1000


def repaint_column(view: QTableView, column: int) -> None:
    """Ask for a repaint of ``column``'s cells on screen (nothing if it is scrolled off)."""
    viewport = view.viewport()
    x = view.columnViewportPosition(column)
    if x >= 0:
        viewport.update(QRect(x, 0, view.columnWidth(column), viewport.height()))


def fit_columns(view: QTableView, columns: range) -> None:
    """Size ``columns`` to the rows on screen (with ``setResizeContentsPrecision(0)``).

    Not Qt's ``ResizeToContents``: that re-measures on every change to the model, and
    a hidden view measures every row it holds. A hidden view is fitted when shown.
    """
    if view.isVisible():
        for column in columns:
            view.resizeColumnToContents(column)


class Throttle(QObject):
    """Runs ``action`` now, then at most once per ``interval_ms``: calls meanwhile make
    one run at the end of the interval, so the last change is never left out."""

    def __init__(
        self, interval_ms: int, action: Callable[[], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._action = action
        self._pending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._at_end)

    def __call__(self, *_signal_args: object) -> None:
        if self._timer.isActive():
            self._pending = True
            return
        self._action()
        self._timer.start()

    def _at_end(self) -> None:
        if self._pending:
            self._pending = False
            self()


class ScreenFit(QObject):
    """A table's columns sized to the rows on screen, never by Qt's ``ResizeToContents``.

    Qt's mode re-measures every row on every change to the model, and a hidden view
    (a tab not shown) measures all it holds: a city's 200,000 workers, a flood of
    refused rows, a ranking of every grid. Here the columns but the last (which
    stretches) are fitted to a screenful when the view is shown or scrolled, and
    after changes (call the object), at most once per ``FIT_MS``.
    """

    def __init__(self, view: QTableView, interval_ms: int = FIT_MS) -> None:
        super().__init__(view)
        self._view = view
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(0)
        header.setStretchLastSection(True)
        self._soon = Throttle(interval_ms, self.fit, self)
        view.verticalScrollBar().valueChanged.connect(self._soon)
        view.installEventFilter(self)

    def __call__(self, *_signal_args: object) -> None:
        self._soon()

    def fit(self) -> None:
        model = self._view.model()
        if model is not None:
            fit_columns(self._view, range(model.columnCount() - 1))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Show:
            self.fit()
        return False
