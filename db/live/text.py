"""Text from the field, made safe to show: no control may reorder what the operator reads.

A bidirectional override (U+202E) in a description turns "invoice.txt.exe" into
what reads as "invoice.exe.txt"; isolates and marks can hide or move words the
same way. Every free-text field is passed through ``neutralise`` once, where the
records are made, so the queues, the detail panel, the tooltips and the page all
get the same clean text: each control becomes a visible U+FFFD, so the operator
sees that something was there and the order of what was written is kept.

Codes that are keys (grid, worker, category codes) are not changed here, or they
would no longer match the database; the Qt tables neutralise what they display.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

#: ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
MARKER = "\ufffd"
_TABLE = str.maketrans(dict.fromkeys(BIDI_CONTROLS, MARKER))

T = TypeVar("T")


def neutralise(text: T) -> T:
    """``text`` with every bidirectional control replaced by ``MARKER``; non-text as it is."""
    if isinstance(text, str):
        return text.translate(_TABLE)  # type: ignore[return-value]
    return text


def neutralised(fields: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """A copy of ``fields`` with the text fields ``names`` neutralised."""
    out = dict(fields)
    for name in names:
        if name in out:
            out[name] = neutralise(out[name])
    return out
