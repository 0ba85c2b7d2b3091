"""Running a real ChangeFeed in tests and applying its batches to a store."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable

from sqlalchemy.engine import URL

from gridcommand.db.live.feed import ChangeFeed
from gridcommand.db.live.pacing import FIX_PACE_S
from gridcommand.db.live.records import ChangeBatch, FeedState
from gridcommand.db.live.store import StateStore
from gridcommand.desktop.feed_process import FeedProcess


class FeedHarness:
    """The feed thread fills a queue; the test thread drains it into the store."""

    def __init__(
        self,
        url: URL,
        poll_interval: float = 0.3,
        listen: bool = True,
        write_url: URL | None = None,
        process: bool = False,
        pace_s: float = FIX_PACE_S,
        dots: bool = False,
        store_pace_s: float = FIX_PACE_S,
    ) -> None:
        """``process``: the feed as the window runs it, in a process of its own, which
        hands over each worker's fixes at ``pace_s`` (db/live/pacing.py). ``dots``: that
        process builds the worker dots (their texts land in ``dot_texts``) at
        ``pace_s``, and hands the fixes to the store at ``store_pace_s``."""
        self.batches: queue.Queue[ChangeBatch] = queue.Queue()
        self.states: list[FeedState] = []
        self.store = StateStore()
        self.history: list[ChangeBatch] = []
        #: The dots' texts and the serial each answered, as the relay handed them.
        self.dot_texts: list[tuple[list[str], int]] = []
        self.feed: ChangeFeed | FeedProcess
        if process:
            self.feed = FeedProcess(
                url,
                self.batches.put,
                self.states.append,
                poll_interval=poll_interval,
                listen=listen,
                write_url=write_url,
                pace_s=pace_s,
                on_dots=(lambda texts, serial: self.dot_texts.append((texts, serial)))
                if dots
                else None,
                store_pace_s=store_pace_s,
                seed=lambda: list(self.store.workers.values()),
            )
        else:
            self.feed = ChangeFeed(
                url,
                self.batches.put,
                self.states.append,
                poll_interval=poll_interval,
                backoff=(0.1, 1.0),
                listen=listen,
                write_url=write_url,
            )

    def __enter__(self) -> FeedHarness:
        self.feed.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.feed.stop()

    def drain(self) -> None:
        while True:
            try:
                batch = self.batches.get_nowait()
            except queue.Empty:
                return
            self.history.append(batch)
            self.store.apply(batch)

    def connected(self, timeout: float = 20.0) -> FeedState:
        """The feed's state once it has said it is connected.

        The first batch can reach the store before the feed reports its state (it
        reports after the catch-up that delivered it), so ``loaded`` alone is too early.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.states and self.states[-1].state == "connected":
                return self.states[-1]
            time.sleep(0.02)
        raise AssertionError(f"the feed never said it was connected: {self.states}")

    def wait_until(self, predicate: Callable[[StateStore], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            if predicate(self.store):
                return
            time.sleep(0.05)
        self.drain()
        assert predicate(self.store), "the store did not reach the expected state in time"
