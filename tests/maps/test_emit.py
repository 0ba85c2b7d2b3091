"""Emitting through maps.emit leaves True's reference count where it was."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from gridcommand.maps.emit import emit


class _Source(QObject):
    sent = Signal(str)


def test_many_emits_keep_true_alive():
    source = _Source()
    received: list[str] = []
    source.sent.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(20000):  # PySide6 6.12.0 alone would abort the interpreter here
        emit(source.sent, "x")
    assert len(received) == 20000
    assert abs(sys.getrefcount(True) - before) < 50
