"""When the garbage collector may stop every thread: never over a city's first load.

A full collection walks every object the collector tracks while holding the GIL,
so it stalls the GUI thread whichever thread triggers it. A city's first load
creates millions of long-lived objects (grid outlines, cases, workers), and under
CPython's default thresholds that load set off a full collection after every few
hundred thousand of them: seven in the 10,000-grid bench, up to 854 ms each, all
during start-up. So:

- from the first batch on, full collections wait for ``FULL_GC_EVERY`` middle
  collections instead of CPython's 10 (young and middle ones, which find almost
  all cyclic garbage, run as before);
- once the first load is in, it is frozen (``gc.freeze``): never walked again;
  reference counting still frees whatever the store drops later.

The first load also leaves the C heap (glibc's) with a few hundred megabytes freed
but kept: the rows read, the batches merged, the first diff's text and its copies
for the page. They are handed back to the system (``malloc_trim``) once, a little
after the load, on the live thread: 330 MB of the main process's 1.55 GB at 10,000
grids.
"""

from __future__ import annotations

import ctypes
import gc
import linecache
import threading

#: Middle-generation collections between two full ones (CPython's default is 10).
FULL_GC_EVERY = 1000


_holds = 0
_was_enabled = True
_holds_lock = threading.Lock()


def hold_collection() -> bool:
    """No garbage collection at all while a city's first load comes in.

    The load makes millions of long-lived objects; each full collection on the way
    walks all of them and stops every thread, the GUI thread with them (seven of up
    to 2.2 s in a 10,000-grid start-up). The load makes no cycles worth collecting;
    once it is in it is frozen (``freeze_what_was_loaded``) and collection resumes.
    Counted, so that two windows loading at once (the bench's replica) agree.
    """
    global _holds, _was_enabled
    with _holds_lock:
        if _holds == 0:
            _was_enabled = gc.isenabled()
        _holds += 1
        gc.disable()
    return True


def release_collection() -> None:
    """One hold fewer; the last one puts collection back as it found it."""
    global _holds
    with _holds_lock:
        _holds = max(_holds - 1, 0)
        if _holds == 0 and _was_enabled:
            gc.enable()


def hold_full_collections() -> None:
    """Full collections wait for a hundred times as many younger ones as by default."""
    young, middle, full = gc.get_threshold()
    if full < FULL_GC_EVERY:
        gc.set_threshold(young, middle, FULL_GC_EVERY)


def freeze_what_was_loaded() -> None:
    """The first load is never walked again by a collection (see the module's doc)."""
    gc.freeze()
    hold_full_collections()


def return_freed_memory() -> bool:
    """Hand the C heap's freed pages back to the system; False where libc cannot.

    ``ctypes`` releases the GIL for the call, so Python threads run meanwhile.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim  # glibc; absent on other C libraries
    except (AttributeError, OSError):
        return False
    trim(0)
    return True


def forget_module_sources() -> None:
    """Drop the source lines that reading the console's modules left behind.

    PySide6 reads the source of every module imported after it, to see whether it
    uses ``from __feature__ import`` (shibokensupport's ``feature_imported``, through
    ``inspect.getsource``), and ``linecache`` keeps each file it read for the life of
    the process: about 1,000 files and half a million lines once the console's
    modules are in. Dropped before the first load, their memory goes to the load:
    23 MB less resident memory after 400,000 small records (measured). A traceback
    reads the lines it needs again.
    """
    linecache.clearcache()


__all__ = [
    "FULL_GC_EVERY",
    "forget_module_sources",
    "freeze_what_was_loaded",
    "hold_collection",
    "hold_full_collections",
    "release_collection",
    "return_freed_memory",
]
