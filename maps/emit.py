"""Emit a Qt signal without losing a reference to ``True``.

PySide6 6.12.0 on CPython 3.11 returns ``True`` from ``SignalInstance.emit``
without a new reference: every emitted-and-discarded result takes one reference
from the ``True`` singleton, and after a few thousand emits the interpreter
aborts ("bool_dealloc: deallocating True"). A probe at import measures whether
this PySide has the fault; if it has, the reference is given back after each
emit. On a fixed PySide (or Python ≥ 3.12, where True is immortal) this is a
plain emit.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    fired = Signal()


_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def _emit_steals_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.fired.emit()
    lost = before - sys.getrefcount(True)
    for _ in range(max(lost, 0)):
        _incref(True)  # give back what the probe itself took
    return lost > 4


_COMPENSATE = _emit_steals_a_reference()


def emit(signal: SignalInstance, *args: Any) -> None:
    result: object = signal.emit(*args)  # type: ignore[func-returns-value]
    if _COMPENSATE and isinstance(result, bool):
        _incref(result)


__all__ = ["emit"]
