"""The change feed in a process of its own: the database's rows never touch the GUI's lock.

Every thread of the console shares one interpreter lock. The feed reads a city's
worker fixes (thousands a second), turns each row into a record and checks it
against the district; on a thread of the console that was 7.5 % of a core at
10,000 grids and 16 % at 50,000 (profiled, idle with the simulator), and every
slice of it was time the GUI thread could not run. Here the feed
(:class:`ChangeFeed`, the class the feed's thread ran) runs in a child process, and
its batches come back through a pipe: a relay thread of the console unpickles each
batch and hands it on, as the feed's own callbacks did, with one difference: each
worker's fixes come paced, the newest (db/live/pacing.py). In a window with a map the
child also builds the worker dots and sends their texts (desktop/feed_serve.py).

The child ends with the console: it stops when asked, when the console's end of
the pipe closes, or (a daemon) when the console exits. If it dies on its own (out
of memory, killed), the relay says so as a reconnecting feed and starts another,
which goes on from the watermark the last one reported: nothing is missed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from multiprocessing.connection import Connection

from sqlalchemy.engine import URL

from gridcommand.db.live.feed import BatchHandler, StateHandler
from gridcommand.db.live.pacing import FIX_PACE_S
from gridcommand.db.live.records import ChangeBatch, FeedState
from gridcommand.db.live.store import WorkerState
from gridcommand.desktop.feed_serve import FeedFigures, FeedOptions, serve
from gridcommand.maps import diff_stream

log = logging.getLogger(__name__)

#: After the child died, how long before another is started (doubling, up to the cap).
RESPAWN_S = (0.5, 10.0)
#: How long a stop waits for the child to finish its round before ending it.
STOP_WAIT_S = 5.0
#: Texts for the page from the dots built in the child, and the serial of the request
#: they answer (0: a canvas sent by the child's own clock).
DotsHandler = Callable[[list[str], int], None]


class FeedProcess:
    """A :class:`ChangeFeed` in a child process, with the same callbacks and figures.

    ``on_batch`` and ``on_state`` run on the relay thread (``gridcommand-feed-relay``),
    as they ran on the feed's thread before.
    """

    def __init__(
        self,
        url: URL,
        on_batch: BatchHandler,
        on_state: StateHandler | None = None,
        poll_interval: float = 2.0,
        listen: bool = True,
        write_url: URL | None = None,
        first_load_slice: int | None = None,
        pace_s: float = FIX_PACE_S,
        *,
        on_dots: DotsHandler | None = None,
        store_pace_s: float = FIX_PACE_S,
        seed: Callable[[], Sequence[WorkerState]] | None = None,
    ) -> None:
        """``on_dots``: the worker dots are built in the child (maps/worker_dots.py) and
        their texts handed here; the fixes then come at ``store_pace_s`` (the followed
        worker's at ``pace_s``). ``seed`` gives a successor of a child that died the
        workers the console has, as its dots start from."""
        self._options = FeedOptions(
            url,
            poll_interval,
            listen,
            write_url,
            first_load_slice,
            pace_s=pace_s,
            dots=on_dots is not None,
            store_pace_s=store_pace_s,
        )
        self._on_batch = on_batch
        self._on_state = on_state or (lambda state: None)
        self._on_dots = on_dots or (lambda texts, serial: None)
        self._seed = seed
        self._figures = FeedFigures()
        self.state = FeedState("connecting")
        self._stopping = threading.Event()
        self._send_lock = threading.Lock()
        self._pipe: Connection | None = None
        self._child: multiprocessing.process.BaseProcess | None = None
        self._relay = threading.Thread(
            target=self._run_relay, name="gridcommand-feed-relay", daemon=True
        )
        #: Children started after one died (0 while the first lives).
        self.respawns = 0
        #: What a successor must be told again: the dots' system, the followed worker.
        self._crs = "WGS84"
        self._followed: str | None = None
        self._serial = 0

    # -- figures, as the thread feed has them -------------------------------------------
    @property
    def mode(self) -> str:
        return self._figures.mode

    @property
    def catchups(self) -> int:
        return self._figures.catchups

    @property
    def catchup_s(self) -> float:
        return self._figures.catchup_s

    @property
    def first_load_total(self) -> int:
        return self._figures.first_load_total

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def is_alive(self) -> bool:
        child = self._child
        return self._relay.is_alive() and child is not None and child.is_alive()

    # -- control ---------------------------------------------------------------------
    def spawn(self) -> None:
        """Start the child now, before ``start``: its half second of imports and its
        first reads overlap the window's own construction. What it sends waits in
        the pipe until ``start``."""
        if self._child is None:
            self._spawn(dataclasses.replace(self._options, crs=self._crs))

    def start(self) -> None:
        self.spawn()
        self._relay.start()

    def request_catchup(self) -> None:
        """Ask for a catch-up now (after the command centre wrote something itself)."""
        self._tell("catchup")

    # -- the dots, when built in the child ------------------------------------------------
    def whole(self, crs: str) -> int:
        """Every dot, in ``crs``: the answer's serial (``on_dots`` gets it with the texts)."""
        self._crs = crs
        return self._ask("whole", crs)

    def flush(self) -> int:
        """Every canvas's held moves now."""
        return self._ask("flush")

    def move(self, batch: ChangeBatch) -> int:
        """The bench's batch of moves, applied to the dots unpaced and sent at once."""
        return self._ask("moves", batch)

    def follow(self, worker_code: str | None) -> None:
        self._followed = worker_code
        self._tell("follow", worker_code)

    def _ask(self, *message: object) -> int:
        with self._send_lock:
            self._serial += 1
            serial = self._serial
        self._tell(*message, serial)
        return serial

    def stop(self, timeout: float = STOP_WAIT_S) -> None:
        self._stopping.set()
        self._tell("stop")
        child = self._child
        if child is not None:
            child.join(timeout)
            if child.is_alive():
                log.warning("the feed process did not stop in %.0f s; ending it", timeout)
                child.terminate()
                child.join(timeout)
        if self._relay.is_alive():
            self._relay.join(timeout)
        if self._pipe is not None:
            self._pipe.close()

    def _tell(self, *message: object) -> None:
        with self._send_lock:
            pipe = self._pipe
            if pipe is None:
                return
            # If the child is gone, the relay starts another; nothing to tell this one.
            with contextlib.suppress(OSError, ValueError):
                pipe.send(message)

    def _spawn(self, options: FeedOptions) -> None:
        options = dataclasses.replace(options, text_limit=diff_stream.MAX_TEXT)
        context = multiprocessing.get_context("spawn")  # forking Qt and threads is unsafe
        ours, theirs = context.Pipe()
        child = context.Process(
            target=serve, args=(theirs, options), daemon=True, name="gridcommand-feed"
        )
        child.start()
        theirs.close()  # the child holds the only other end: its death ends our reads
        with self._send_lock:
            old, self._pipe, self._child = self._pipe, ours, child
        if old is not None:
            old.close()

    # -- on the relay thread -------------------------------------------------------------
    def _run_relay(self) -> None:
        delay = RESPAWN_S[0]
        while not self._stopping.is_set():
            pipe = self._pipe
            assert pipe is not None
            try:
                kind, payload, figures = pipe.recv()
            except (EOFError, OSError):
                if self._stopping.is_set():
                    return
                self._child_died(delay)
                delay = min(delay * 2, RESPAWN_S[1])
                continue
            self._figures = figures
            if kind == "batch":
                delay = RESPAWN_S[0]
                self._on_batch(payload)
            elif kind == "dots":
                self._on_dots(*payload)
            else:
                self.state = payload
                self._on_state(payload)

    def _child_died(self, delay: float) -> None:
        child = self._child
        assert child is not None
        child.join(1.0)
        detail = f"the feed process ended (exit code {child.exitcode})"
        log.warning("%s; starting another in %.1f s", detail, delay)
        self.state = FeedState("reconnecting", datetime.now(UTC), detail, mode=self.mode)
        self._on_state(self.state)
        if self._stopping.wait(delay):
            return
        self.respawns += 1
        # From where the last one left off, so nothing is missed; its dots from the
        # console's workers, in the page's system.
        seed = tuple(self._seed()) if self._seed is not None and self._options.dots else ()
        options = self._options
        self._spawn(
            dataclasses.replace(
                options, watermark=self._figures.watermark, crs=self._crs, seed=seed
            )
        )
        if self._followed is not None:
            self._tell("follow", self._followed)


__all__ = ["FeedProcess"]
