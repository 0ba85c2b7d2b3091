"""JSON text for the page, made in small pieces by orjson.

The standard library's encoder runs in C and holds the interpreter lock for the
whole call: one worker canvas of 2,000 moves was one 8 ms call, and a city's first
load one call of over 150 ms, during which the GUI thread could not run a line of
Python (measured here; the bench's longest GUI stalls sat in it). orjson is several
times faster, and encoding one feature per call lets the interpreter hand the lock
over between features, so the GUI thread waits at most the switch interval.
"""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def _plain(value: Any) -> Any:
    """What orjson leaves to us: subclasses of float (NumPy's scalars are handled)."""
    if isinstance(value, float):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any) -> str:
    """Compact JSON, non-ASCII as itself (as the page reads it: ``JSON.parse``)."""
    return orjson.dumps(value, default=_plain, option=_OPTIONS).decode("utf-8")


__all__ = ["dumps"]
