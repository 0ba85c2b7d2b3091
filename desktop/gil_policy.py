"""How long a busy worker thread keeps the GIL from the GUI thread: 1 ms, not 5.

Qt paints a table by calling the model's Python ``data()`` for every cell and role, so a
paint needs the GIL hundreds of times. While the live thread or the feed runs Python,
each of those requests waits up to the interpreter's switch interval (CPython's
default 5 ms) before the running thread is asked to let go. Measured on the 2-core
machines here, a 2,000-row table's paint with one busy Python thread beside it: 106 ms
median at 5 ms, 60 ms at 1 ms, 20 ms with no busy thread. A shorter interval costs the
worker threads a few more hand-overs a second, which is what a window that must keep
moving wants. (The real fix is fewer Python threads beside the GUI thread: issue 13.)
"""

from __future__ import annotations

import sys

#: Seconds a thread may run Python before another that waits for the GIL is let in.
SWITCH_INTERVAL_S = 0.001


def share_the_gil() -> None:
    """Set the process's switch interval (once a window with worker threads is made)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
