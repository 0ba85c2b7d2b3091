"""Each worker's fixes go to the console at the pace its dot moves: the newest, every 10 s.

A city's phones send a fix every few seconds (the simulator: every 5 s), and the
console's main process took every one: unpickled it, applied it to the store, and
held a dot for it, although a dot moves at most every ``FIX_PACE_S`` (maps/diffs.py)
and the store's other readers (a worker's card, the workers dock, dispatch, the
track's live end) show nothing finer. So the feed's process paces them: a worker's
fix goes at once when their last one went ``FIX_PACE_S`` ago or more, or was recorded
``SILENCE_S`` or more before it; otherwise it waits, replaced by any newer one, until
that time is up. (In a window the dots take this pace, and the console's store a
slower one: desktop/feed_serve.py.) The console receives about
half as many fixes (the simulator sends one every 5 s) and shows what it showed
before: every worker's newest fix, at most ``FIX_PACE_S`` late, and a phone heard
again after a silence at once.

A fix replaced while it waited was not lost: it is in the database, in the worker's
track and in the replay, and the console would have replaced it with the newer one
within seconds anyway (the store keeps each worker's newest fix only).

If the feed's process dies, the fixes waiting in it die with it. The watermark it
reports (``watermark``) therefore stays at the catch-up that read the oldest fix
still waiting, so its successor reads them again.
"""

from __future__ import annotations

import heapq
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from gridcommand.db.live.records import PositionRecord

#: The least time between two of a worker's fixes handed to the console (seconds).
FIX_PACE_S = 10.0
#: A fix recorded this long after the worker's last one handed over goes at once,
#: whatever the pace: the phone was silent, and the console must know it speaks again
#: (the first load's spread, below, would otherwise hold it up to a pace).
SILENCE_S = 60.0


class FixPacer:
    """Holds each worker's newest fix until the worker's pace allows it (plain Python).

    ``now`` is a monotonic time in seconds; ``read_from`` is the watermark of the
    catch-up that read the fixes given (see the module's docstring).
    """

    def __init__(self, pace_s: float = FIX_PACE_S, silence_s: float = SILENCE_S) -> None:
        self.pace_s = pace_s
        self._silence = timedelta(seconds=silence_s)
        #: When each worker's last fix was handed over, and when it was recorded.
        self._handed_at: dict[str, float] = {}
        self._handed_time: dict[str, datetime] = {}
        #: The newest fix waiting per worker, and the watermark of the read that found it.
        self._held: dict[str, PositionRecord] = {}
        self._held_from: dict[str, int | None] = {}
        #: How many waiting fixes each read found (a few reads: one every half second).
        self._marks: Counter[int] = Counter()
        #: (handed at, worker), earliest first, so that the workers whose time is up are
        #: found at the front, not by a pass over a city's held fixes.
        self._order: list[tuple[float, str]] = []

    def __len__(self) -> int:
        """Fixes waiting now."""
        return len(self._held)

    def handed(self, positions: Iterable[PositionRecord], now: float) -> None:
        """``positions`` went to the console unpaced (the first load): their pace starts."""
        for p in positions:
            self._hand(p, self._first_time(p.worker_code, now))

    def pace(
        self, positions: Sequence[PositionRecord], now: float, read_from: int | None
    ) -> list[PositionRecord]:
        """What to hand over now of ``positions``, and of the fixes whose time is up.

        The new fixes are taken in first, so a worker whose time is up is handed the
        newest, not the one that waited.
        """
        out: list[PositionRecord] = []
        silence = self._silence
        for p in positions:
            code = p.worker_code
            last = self._handed_time.get(code)
            if last is not None and p.recorded_at < last:
                continue  # older than what the console has: the store would ignore it
            held = self._held.get(code)
            if held is not None and p.recorded_at < held.recorded_at:
                continue  # older than the one waiting
            at = self._handed_at.get(code)
            if (
                at is None
                or now - at >= self.pace_s
                or (last is not None and p.recorded_at - last >= silence)
            ):
                if held is not None:
                    self._unhold(code)
                self._hand(p, now if at is not None else self._first_time(code, now))
                out.append(p)
            elif held is not None:
                self._held[code] = p  # the watermark stays the older read's
            else:
                self._held[code] = p
                self._held_from[code] = read_from
                if read_from is not None:
                    self._marks[read_from] += 1
        return out + self.due(now)

    def due(self, now: float) -> list[PositionRecord]:
        """The waiting fixes whose worker's pace has passed (handed over by this call)."""
        out: list[PositionRecord] = []
        order, pace = self._order, self.pace_s
        while order and now - order[0][0] >= pace:
            at, code = heapq.heappop(order)
            # Only the entry of the worker's latest hand-over counts; older ones are spent.
            if self._handed_at.get(code) != at:
                continue
            p = self._held.get(code)
            if p is not None:
                self._unhold(code)
                self._hand(p, now)
                out.append(p)
        return out

    def _unhold(self, code: str) -> None:
        del self._held[code]
        mark = self._held_from.pop(code)
        if mark is not None:
            self._marks[mark] -= 1
            if not self._marks[mark]:
                del self._marks[mark]

    def watermark(self, current: int | None) -> int | None:
        """Where a successor must read from: ``current``, or the oldest waiting fix's read."""
        if current is None or not self._marks:
            return current
        return min(min(self._marks), current)

    def _first_time(self, code: str, now: float) -> float:
        """When a worker's first fix counts as handed: a time of their own (by their
        code) within the pace before ``now``.

        The first load hands over every worker's fix within a second or two (so does a
        new feed process, with each worker's first fix). Paced from then, every worker
        would be due in the same moment 10 s later, and again 10 s after that: the
        console got the city's fixes in one batch every 10 s (0.5 messages a second,
        measured, against 2.2 unpaced). So each worker's pace ends at a time of its own.
        """
        return now - self.pace_s * (zlib.crc32(code.encode("utf-8")) % 1000 / 1000)

    def _hand(self, p: PositionRecord, now: float) -> None:
        code = p.worker_code
        self._handed_at[code] = now
        self._handed_time[code] = p.recorded_at
        heapq.heappush(self._order, (now, code))


__all__ = ["FIX_PACE_S", "SILENCE_S", "FixPacer"]
