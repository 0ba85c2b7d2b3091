"""A long export off the GUI thread, with a progress dialog the operator may cancel.

An export is a plain callable ``job(step)`` run on its own thread; it calls
``step(percent, text)`` as it goes, which hands the progress to the GUI thread (a
``Handoff``: the thread makes no Qt call) and raises :class:`Cancelled` once the
operator has pressed *Cancel*. The dialog follows the steps; the window keeps
moving. The result, or the one-sentence error, comes back on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from gridcommand.db.schema.errors import UserFacingError
from gridcommand.maps.handoff import Handoff

log = logging.getLogger(__name__)

Step = Callable[[int, str], None]
#: A dialog shows only when an export takes longer than this (ms).
SHOW_AFTER_MS = 300


class Cancelled(Exception):
    """The operator cancelled the export; nothing is left behind."""


class _Event(NamedTuple):
    kind: str  # "step", "done", "failed", "cancelled"
    percent: int
    text: str
    result: object


class ExportProgress(QObject):
    """Runs one export at a time with a ``QProgressDialog`` fed by its steps."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._events: Handoff[_Event] = Handoff(self._on_event, self, interval_ms=30)
        self._cancel = threading.Event()
        self.dialog: QProgressDialog | None = None
        self.steps: list[tuple[int, str]] = []  # what the dialog was told, for the tests
        self._done: Callable[[Any], None] | None = None
        self._failed: Callable[[str], None] | None = None
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def run(
        self,
        title: str,
        job: Callable[[Step], object],
        done: Callable[[Any], None],
        failed: Callable[[str], None],
    ) -> bool:
        """Start ``job``; False (and nothing started) while another export runs."""
        if self._thread is not None:
            return False
        self._cancel.clear()
        self.steps = []
        self._done, self._failed = done, failed
        dialog = QProgressDialog(
            title,
            QCoreApplication.translate("ExportProgress", "Cancel"),
            0,
            100,
            self._parent,
        )
        dialog.setObjectName("exportProgress")
        dialog.setWindowTitle(QCoreApplication.translate("ExportProgress", "Exporting"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(SHOW_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self._cancel.set)
        dialog.setValue(0)
        self.dialog = dialog
        put, cancel = self._events.put, self._cancel

        def step(percent: int, text: str) -> None:  # on the export's thread: no Qt here
            if cancel.is_set():
                raise Cancelled
            put(_Event("step", percent, text, None))

        def work() -> None:
            try:
                result = job(step)
            except Cancelled:
                put(_Event("cancelled", 0, "", None))
            except UserFacingError as exc:
                put(_Event("failed", 0, str(exc), None))
            except Exception as exc:  # said in one sentence, never raised into the thread
                log.exception("export failed")
                put(_Event("failed", 0, f"{type(exc).__name__}: {exc}", None))
            else:
                put(_Event("done", 100, "", result))

        self._events.open()
        self._thread = threading.Thread(target=work, name="gc-export", daemon=True)
        self._thread.start()
        return True

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, seconds: float = 60.0) -> None:
        """Until the export's thread ends (shutdown and tests only)."""
        if self._thread is not None:
            self._thread.join(seconds)

    def _on_event(self, event: _Event) -> None:
        dialog = self.dialog
        if event.kind == "step":
            self.steps.append((event.percent, event.text))
            if dialog is not None and not self._cancel.is_set():
                dialog.setLabelText(event.text)
                dialog.setValue(max(0, min(99, event.percent)))
            return
        self._events.close()
        self._thread = None
        self.dialog = None
        if dialog is not None:
            dialog.canceled.disconnect(self._cancel.set)
            dialog.close()
            dialog.deleteLater()
        if event.kind == "done" and self._done is not None:
            self._done(event.result)
        elif event.kind == "failed" and self._failed is not None:
            self._failed(event.text)
