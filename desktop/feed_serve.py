"""The feed's process itself: the change feed, its pacing and (in a window) the worker dots.

``FeedProcess`` (desktop/feed_process.py) starts ``serve`` in a child process and
talks to it through a pipe. Two threads share what is here, under one lock: the
feed's, which hands each batch to ``_on_batch``, and the pipe's loop, which answers
the console and, between messages, sends what time has made due: paced fixes, the
dots' next canvas, the workers' clock. The dots are the loop's alone: the feed's
thread leaves them its paced fixes and goes on.

With dots on, a worker's fixes take two paces. The dots get the newest every
``pace_s`` (10 s, as a dot moves), and build it here (maps/worker_dots.py). The
console's store gets the newest every ``store_pace_s`` (30 s: a worker's card, the
workers dock and dispatch need no finer), and the followed worker's (their track is
shown) at the dots' pace.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from sqlalchemy.engine import URL

from gridcommand.db.live.feed import ChangeFeed
from gridcommand.db.live.pacing import FIX_PACE_S, FixPacer
from gridcommand.db.live.records import ChangeBatch, FeedState, PositionRecord
from gridcommand.db.live.store import WorkerState

#: How often the loop looks for what time has made due (paced fixes, the next canvas).
SWEEP_S = 0.25
#: How often each worker canvas's held moves go to the page (see maps/worker_buffer.py).
WORKER_SEND_S = 2.0
#: How often the dots' store re-evaluates what depends on time (as desktop/live.py's).
CLOCK_S = 5.0


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
    #: The least time between two of a worker's fixes handed on (db/live/pacing.py).
    pace_s: float = FIX_PACE_S
    #: Build the worker dots here (a window with a map), and the coordinate system.
    dots: bool = False
    crs: str = "WGS84"
    #: With dots: the least time between two of a worker's fixes for the console's store.
    store_pace_s: float = FIX_PACE_S
    #: With dots, for a successor of a process that died: the console's workers.
    seed: tuple[WorkerState, ...] = ()
    #: With dots: the longest text the console passes to its page at once.
    text_limit: int | None = None


def serve(pipe: Connection, options: FeedOptions) -> None:
    """Run the feed until told to stop or the console's end of the pipe closes."""
    _Server(pipe, options).run()


class _Server:
    def __init__(self, pipe: Connection, options: FeedOptions) -> None:
        self.pipe = pipe
        #: The pacers, the followed worker, the moves left for the dots and the pipe's
        #: sending end: shared by the feed's thread and the pipe's loop.
        self.lock = threading.Lock()
        self._moves: list[ChangeBatch] = []
        self.store_pacer = FixPacer(options.store_pace_s if options.dots else options.pace_s)
        self.dot_pacer = FixPacer(options.pace_s) if options.dots else None
        self.dots = None
        self.shards = 1
        if options.dots:  # only a window's feed: the others need not import the map's code
            from gridcommand.maps.features import WORKER_SHARDS
            from gridcommand.maps.worker_dots import WorkerDots

            self.dots = WorkerDots(options.crs, options.seed, text_limit=options.text_limit)
            self.shards = WORKER_SHARDS
        self.followed: str | None = None
        #: The watermark the feed's next read starts from (that of the read being handed).
        self.read_from = options.watermark
        self.shard = 0
        self.feed = ChangeFeed(
            options.url,
            self._on_batch,
            self._on_state,
            poll_interval=options.poll_interval,
            listen=options.listen,
            write_url=options.write_url,
            first_load_slice=options.first_load_slice,
            watermark=options.watermark,
        )

    def run(self) -> None:
        self.feed.start()
        now = time.monotonic()
        next_canvas, next_clock = now + WORKER_SEND_S, now + CLOCK_S
        try:
            while True:
                if self.pipe.poll(SWEEP_S):
                    message: tuple[Any, ...] = self.pipe.recv()
                    if message[0] == "stop":
                        break
                    self._answer(message)
                now = time.monotonic()
                self._sweep(now)
                if self.dots is not None and now >= next_canvas:
                    next_canvas = now + WORKER_SEND_S / self.shards
                    self.shard = (self.shard + 1) % self.shards
                    self._send_dots(self.dots.canvas(self.shard), 0)
                if self.dots is not None and now >= next_clock:
                    next_clock = now + CLOCK_S
                    self.dots.tick()
        except (EOFError, OSError):
            pass  # the console is gone
        self.feed.stop()
        self.pipe.close()

    # -- on the pipe's loop: the console's requests, and the dots --------------------------
    def _answer(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "catchup":
            self.feed.request_catchup()
        elif kind == "follow":
            with self.lock:
                self.followed = message[1]
        elif self.dots is None:
            return
        elif kind == "whole":
            self._apply_moves()
            self._send_dots(self.dots.whole(message[1]), message[2])
        elif kind == "flush":
            self._apply_moves()
            self._send_dots(self.dots.canvas(None), message[1])
        elif kind == "moves":  # the bench's batch: its own fixes, unpaced
            self.dots.apply(message[1])
            self._send_dots(self.dots.canvas(None), message[2])

    def _sweep(self, now: float) -> None:
        """Hand on the paced fixes whose time is up; the dots take theirs."""
        with self.lock:
            fixes = self.store_pacer.due(now)
            if self.dot_pacer is not None:
                moved = self.dot_pacer.due(now)
                if moved:
                    self._moves.append(ChangeBatch(positions=tuple(moved)))
                fixes += self._followed(moved)
            if fixes:
                self._send("batch", ChangeBatch(positions=tuple(fixes)))
        self._apply_moves()

    def _apply_moves(self) -> None:
        """The workers' rows and paced fixes the feed's thread left for the dots.

        Built here, not on the feed's thread: there they delayed the console's next
        batch (a city's first load: 40,000 dots, half a second)."""
        if self.dots is None:
            return
        with self.lock:
            moves, self._moves = self._moves, []
        for batch in moves:
            self.dots.apply(batch)

    # -- on the feed's thread ------------------------------------------------------------
    def _on_batch(self, batch: ChangeBatch) -> None:
        with self.lock:
            now = time.monotonic()
            if batch.initial:
                # The load's own batch goes whole. (Its fixes come before it, as slices,
                # and are paced as any others: each worker's first goes at once.)
                self._handed(batch.positions, now)
                self._send("batch", batch)
                if self.dots is not None:
                    self._moves.append(batch)
            else:
                self._paced(batch, now)
            self.read_from = self.feed.watermark

    def _on_state(self, state: FeedState) -> None:
        with self.lock:
            self._send("state", state)

    # -- with the lock held --------------------------------------------------------------
    def _handed(self, positions: Sequence[PositionRecord], now: float) -> None:
        self.store_pacer.handed(positions, now)
        if self.dot_pacer is not None:
            self.dot_pacer.handed(positions, now)

    def _paced(self, batch: ChangeBatch, now: float) -> None:
        """``batch`` with its fixes paced for the console and, after it is sent, the dots."""
        fixes = self.store_pacer.pace(batch.positions, now, self.read_from)
        moved: list[PositionRecord] = []
        if self.dot_pacer is not None:
            moved = self.dot_pacer.pace(batch.positions, now, self.read_from)
            fixes += self._followed(moved)
        sent = dataclasses.replace(batch, positions=tuple(fixes))
        if len(sent):
            self._send("batch", sent)
        if self.dot_pacer is not None and (batch.workers or moved):
            self._moves.append(ChangeBatch(workers=batch.workers, positions=tuple(moved)))

    def _followed(self, moved: list[PositionRecord]) -> list[PositionRecord]:
        """The followed worker's fixes among the dots' (the console's store ignores a fix
        it has, when the slower pace hands it again)."""
        code = self.followed
        return [p for p in moved if p.worker_code == code] if code else []

    def _send_dots(self, texts: list[str], serial: int) -> None:
        """On the loop: texts built outside the lock, sent under it."""
        if texts or serial:
            with self.lock:
                self._send("dots", (texts, serial))

    def _send(self, kind: str, payload: object) -> None:
        """With ``lock`` held: one message at a time, and the pacers' watermark still."""
        watermark = self.store_pacer.watermark(self.feed.watermark)
        if self.dot_pacer is not None:
            watermark = self.dot_pacer.watermark(watermark)
        figures = FeedFigures(
            self.feed.mode,
            self.feed.catchups,
            self.feed.catchup_s,
            self.feed.first_load_total,
            watermark,
        )
        with contextlib.suppress(OSError, ValueError):
            # A broken pipe: the console is gone, and the loop ends the feed.
            self.pipe.send((kind, payload, figures))


__all__ = ["FeedFigures", "FeedOptions", "serve"]
