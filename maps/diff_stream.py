"""The map's side of the live thread: store changes in, ready JSON text out.

The window applies the store on its live thread, and this runs there too, as a
subscriber (and in the feed's process, for the worker dots: maps/worker_dots.py):
it builds the diffs (``DiffBuilder``), holds the worker moves per canvas
(``WorkerDiffBuffer``) and serialises what is due, so the GUI thread only passes
finished strings to the page. No Qt here; every method returns the texts
to send (none longer than ``MAX_TEXT``), an empty list when there is nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from gridcommand.db.live.records import PositionRecord, TrackPoint
from gridcommand.db.live.store import StateStore, StoreChanges
from gridcommand.db.live.track import LiveTrack
from gridcommand.maps.diffs import DiffBuilder
from gridcommand.maps.json_text import dumps
from gridcommand.maps.worker_buffer import WorkerDiffBuffer

Diff = dict[str, Any]
#: The longest text handed to the GUI thread at once (characters). Passing a text to
#: the page costs the GUI thread in proportion to its length (3.5 MB took over a
#: second), so a city's first load goes as several texts, sent one per turn of the
#: event loop (``MapBridge``).
MAX_TEXT = 256 * 1024


def to_text(diffs: list[Diff]) -> str | None:
    """The page's format: a JSON list of layer diffs (as ``MapBridge`` writes them)."""
    if not diffs:
        return None
    return "[" + ",".join(_Encoded(d).text() for d in diffs) + "]"


def to_texts(diffs: list[Diff], limit: int | None = None) -> list[str]:
    """``diffs`` as texts of at most about ``limit`` characters each, in order.

    A diff too long for one text is cut between its features (its removals go with
    the first piece); the page applies each piece as it comes, and the pieces together
    as the whole. Only a single feature longer than ``limit`` makes a longer text.
    Each feature is encoded once, by itself (see ``maps/json_text.py``), and the texts
    are joined from those pieces.
    """
    limit = MAX_TEXT if limit is None else limit
    texts: list[str] = []
    small: list[str] = []  # whole diffs waiting to share a text
    size = 0  # of ``small`` joined, with its brackets

    def flush() -> None:
        nonlocal size
        if small:
            texts.append("[" + ",".join(small) + "]")
            small.clear()
        size = 0

    for diff in diffs:
        encoded = _Encoded(diff)
        length = encoded.length(encoded.features, encoded.tail)
        if length + 2 <= limit:
            if small and size + 1 + length > limit:
                flush()
            size = (size + 1 if small else 2) + length
            small.append(encoded.text())
            continue
        flush()
        texts += ["[" + piece + "]" for piece in encoded.cut(limit - 2)]
    flush()
    return texts


class _Encoded:
    """One diff as text parts: each feature encoded once, and the rest (layer, removals)
    encoded once, so its length is known before anything is joined."""

    def __init__(self, diff: Diff) -> None:
        self.features = [dumps(f) for f in diff.get("upsert") or ()]
        rest = {k: v for k, v in diff.items() if k != "upsert"}
        self.tail = _tail(rest)  # with the removals: the whole diff, or its first piece
        self.later = _tail({**rest, "remove": []}) if "remove" in rest else self.tail

    @staticmethod
    def length(features: list[str], tail: str) -> int:
        return len('{"upsert":[]') + sum(map(len, features)) + max(len(features) - 1, 0) + len(tail)

    def text(self, features: list[str] | None = None, tail: str | None = None) -> str:
        features = self.features if features is None else features
        return '{"upsert":[' + ",".join(features) + "]" + (self.tail if tail is None else tail)

    def cut(self, limit: int) -> list[str]:
        """Pieces of at most ``limit`` characters, cut between features; the removals
        go with the first piece, the later ones remove nothing."""
        pieces: list[str] = []
        chunk: list[str] = []
        tail = self.tail
        size = self.length([], tail)
        for feature in self.features:
            if chunk and size + len(feature) + 1 > limit:
                pieces.append(self.text(chunk, tail))
                chunk, tail = [], self.later
                size = self.length([], tail)
            size += len(feature) + (1 if chunk else 0)
            chunk.append(feature)
        pieces.append(self.text(chunk, tail))
        return pieces


def _tail(rest: Diff) -> str:
    """What follows a diff's features: ``,"layer":…,"remove":[…]}`` (or ``}``)."""
    return "," + dumps(rest)[1:] if rest else "}"


class MapDiffs:
    def __init__(self, store: StateStore, crs: str = "WGS84", dots_here: bool = True) -> None:
        """``dots_here``: the workers' dots are built here (not by a ``DotSource``)."""
        self.store = store
        self.builder = DiffBuilder(store, crs, workers=dots_here)
        self.held = WorkerDiffBuffer()
        #: The chosen worker's track (its points read by the panel, then kept here).
        self._track: LiveTrack | None = None
        #: The thread that built the last text (the tests check it is not the GUI's).
        self.built_on = ""
        #: The longest text (``None``: ``MAX_TEXT``); the feed's process is told the
        #: console's.
        self.text_limit: int | None = None

    def _text(self, diffs: list[Diff]) -> list[str]:
        """The texts to send, none longer than ``MAX_TEXT`` (empty: nothing to send)."""
        self.built_on = threading.current_thread().name
        return to_texts(diffs, self.text_limit)

    def on_changes(self, changes: StoreChanges) -> list[str]:
        """Alerts, grids and a shown track now; worker moves held for their canvas."""
        now: list[Diff] = []
        for diff in self.builder.from_changes(changes):
            if diff["layer"] == "workers":
                self.held.add(diff)
            else:
                now.append(diff)
        track = self._track
        if track is not None and track.extend(
            s.position
            for s in (*changes.positions.changed, *changes.workers.upserted)
            if s.position
        ):
            now.append(self._track_diff(track))
        return self._text(now)

    @property
    def selected_worker(self) -> str | None:
        return self._track.worker_code if self._track is not None else None

    def track_points(self, worker_code: str | None) -> list[TrackPoint]:
        """The chosen worker's points now (none for another worker), on the live thread."""
        track = self._track
        if track is None or worker_code != track.worker_code:
            return []
        return track.points(self.store.clock())

    def _track_diff(self, track: LiveTrack) -> Diff:
        return self.builder.track(track.worker_code, track.points(self.store.clock()))

    def worker_canvas(self, shard: int | None) -> list[str]:
        """One canvas's held moves (``None``: all), with the held-back dots now due."""
        for due in self.builder.due_workers():
            self.held.add(due)
        diff = self.held.take(shard)
        return self._text([diff] if diff is not None else [])

    def live_again(self) -> None:
        """The page is about to be given the live picture whole (the return from replay):
        the moves held for it meanwhile are in that picture, so none is sent again.

        While the page showed the past no canvas was sent, so a city's every worker was
        held; sent after the picture, they were thousands of dots moved where they were.
        """
        self.held.clear()
        if self.builder.workers:
            self.builder.workers_shown_whole()

    def full(self) -> list[str]:
        """Everything, for a (re)loaded page; held moves are in it."""
        self.held.clear()
        diffs = self.builder.full()
        if self._track is not None:
            diffs.append(self._track_diff(self._track))
        return self._text(diffs)

    def set_crs(self, crs: str) -> list[str]:
        self.held.clear()  # held moves are in the old coordinate system
        diffs = self.builder.set_crs(crs)
        if self._track is not None:
            diffs.append(self._track_diff(self._track))
        return self._text(diffs)

    def track(self, worker_code: str | None, points: Iterable[PositionRecord] = ()) -> list[str]:
        """Show ``worker_code``'s track (``None``: none) from ``points``, the database's
        hour of fixes, and the worker's latest fix in the store, which may be newer."""
        diffs: list[Diff] = []
        previous = self.selected_worker
        if previous and previous != worker_code:
            diffs.append({"layer": "track", "upsert": [], "remove": [previous]})
        self._track = None
        if worker_code:
            track = self._track = LiveTrack(worker_code, points)
            state = self.store.workers.get(worker_code)
            if state is not None and state.position is not None:
                track.extend([state.position])
            diffs.append(self._track_diff(track))
        return self._text(diffs)

    def expire_new(self) -> list[str]:
        return self._text(self.builder.expire_new())

    def acknowledge(self, ids: Iterable[int]) -> list[str]:
        return self._text(self.builder.acknowledge(ids))
