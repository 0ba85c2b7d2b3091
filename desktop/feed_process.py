"""The change feed in a process of its own: the database's rows never touch the GUI's lock.

Every thread of the console shares one interpreter lock. The feed reads a city's
worker fixes (thousands a second), turns each row into a record and checks it
against the district; on a thread of the console that was 7.5 % of a core at
10,000 grids and 16 % at 50,000 (profiled, idle with the simulator), and every
slice of it was time the GUI thread could not run. Here the feed
(:class:`ChangeFeed`, the class the feed's thread ran) runs in a child process, and
its batches come back through a pipe: a relay thread of the console unpickles each
batch and hands it on, as the feed's own callbacks did, with one difference: each
worker's fixes come at most one every 10 s, the newest (db/live/pacing.py).

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
import time
from datetime import UTC, datetime
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

from sqlalchemy.engine import URL

from gridcommand.db.live.feed import BatchHandler, ChangeFeed, StateHandler
from gridcommand.db.live.pacing import FIX_PACE_S, FixPacer
from gridcommand.db.live.records import ChangeBatch, FeedState

log = logging.getLogger(__name__)

#: After the child died, how long before another is started (doubling, up to the cap).
RESPAWN_S = (0.5, 10.0)
#: How long a stop waits for the child to finish its round before ending it.
STOP_WAIT_S = 5.0
#: How often the child looks for paced fixes whose time is up (db/live/pacing.py).
PACE_SWEEP_S = 0.5


@dataclasses.dataclass(frozen=True)
class FeedFigures:
    """What the console reads of the feed (the bench, the progress bar), sent with each message."""

    mode: str = ""
    catchups: int = 0
    catchup_s: float = 0.0
    first_load_total: int = 0
    watermark: int | None = None


@dataclasses.dataclass(frozen=True)
class FeedOptions:
    """The feed's arguments, sent to the child (they must pickle)."""

    url: URL
    poll_interval: float
    listen: bool
    write_url: URL | None
    first_load_slice: int | None
    watermark: int | None = None
    #: The least time between two of a worker's fixes handed over (db/live/pacing.py).
    pace_s: float = FIX_PACE_S


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
    ) -> None:
        self._options = FeedOptions(
            url, poll_interval, listen, write_url, first_load_slice, pace_s=pace_s
        )
        self._on_batch = on_batch
        self._on_state = on_state or (lambda state: None)
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
            self._spawn(self._options)

    def start(self) -> None:
        self.spawn()
        self._relay.start()

    def request_catchup(self) -> None:
        """Ask for a catch-up now (after the command centre wrote something itself)."""
        self._tell("catchup")

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

    def _tell(self, what: str) -> None:
        with self._send_lock:
            pipe = self._pipe
            if pipe is None:
                return
            # If the child is gone, the relay starts another; nothing to tell this one.
            with contextlib.suppress(OSError, ValueError):
                pipe.send(what)

    def _spawn(self, options: FeedOptions) -> None:
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
        # From where the last one left off, so nothing is missed.
        self._spawn(dataclasses.replace(self._options, watermark=self._figures.watermark))


# -- in the child ------------------------------------------------------------------------
def serve(pipe: Connection, options: FeedOptions) -> None:
    """Run the feed until told to stop or the console's end of the pipe closes.

    Worker fixes are paced here (db/live/pacing.py): the fixes waiting go when their
    worker's time is up, with the next batch or by this loop's sweep.
    """
    lock = threading.Lock()
    feed: ChangeFeed | None = None
    pacer = FixPacer(options.pace_s)
    #: The watermark the feed's next read starts from (that of the read being handed).
    read_from = options.watermark

    def send(kind: str, payload: ChangeBatch | FeedState) -> None:
        nonlocal read_from
        assert feed is not None  # the feed calls back only once started
        with lock:
            if isinstance(payload, ChangeBatch):
                payload = _paced(pacer, payload, read_from)
                read_from = feed.watermark
                if not len(payload) and not payload.initial:
                    return  # every fix waits: nothing to say
            _send(kind, payload)

    def _send(kind: str, payload: ChangeBatch | FeedState) -> None:
        """With ``lock`` held."""
        assert feed is not None
        figures = FeedFigures(
            feed.mode,
            feed.catchups,
            feed.catchup_s,
            feed.first_load_total,
            pacer.watermark(feed.watermark),
        )
        with contextlib.suppress(OSError, ValueError):
            # A broken pipe: the console is gone, and the loop below ends the feed.
            pipe.send((kind, payload, figures))

    feed = ChangeFeed(
        options.url,
        partial(send, "batch"),
        partial(send, "state"),
        poll_interval=options.poll_interval,
        listen=options.listen,
        write_url=options.write_url,
        first_load_slice=options.first_load_slice,
        watermark=options.watermark,
    )
    feed.start()
    try:
        while True:
            if not pipe.poll(PACE_SWEEP_S):
                with lock:
                    due = pacer.due(time.monotonic())
                    if due:
                        _send("batch", ChangeBatch(positions=tuple(due)))
                continue
            message: Any = pipe.recv()
            if message == "stop":
                break
            feed.request_catchup()
    except (EOFError, OSError):
        pass  # the console is gone
    feed.stop()
    pipe.close()


def _paced(pacer: FixPacer, batch: ChangeBatch, read_from: int | None) -> ChangeBatch:
    """``batch`` with its fixes paced, and the waiting fixes whose time is up."""
    now = time.monotonic()
    if batch.initial:
        # The load's own batch goes whole. (Its fixes come before it, as slices, and
        # are paced as any others: each worker's first goes at once.)
        pacer.handed(batch.positions, now)
        return batch
    return dataclasses.replace(batch, positions=tuple(pacer.pace(batch.positions, now, read_from)))


__all__ = ["FeedFigures", "FeedOptions", "FeedProcess", "serve"]
