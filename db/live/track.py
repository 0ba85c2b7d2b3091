"""One worker's track: read from the database when the worker is chosen, then kept current.

The live store used to keep every worker's last hour in memory, so that a track
could be drawn the moment anyone chose a worker. Only the chosen worker's track is
ever drawn, and the database has every fix in an index by worker and time
(``ix_worker_positions_worker_time``): one read of at most a few hundred rows. So
the store keeps each worker's latest fix only. Keeping the hour for all of them
cost every fix a look at its worker's array on the live thread, and memory that
grew for an hour after start-up, which no minutes-long bench saw: at 33 bytes a
point (measured), 180 points a worker, about 240 MB for the 40,000 workers of a
10,000-grid city and five times that at 50,000 grids. The chosen worker's track now also
shows the hour before the console started.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Engine, text

from gridcommand.db.live.records import PositionRecord, TrackPoint

TRACK_WINDOW = timedelta(hours=1)
#: A track keeps at most one point per this interval: the line a wall screen can show.
TRACK_SPACING = timedelta(seconds=20)

#: One worker's fixes over a span, oldest first (the index by worker and time).
TRACK = text(
    "SELECT p.id, p.worker_code, p.recorded_at, p.lon, p.lat, p.accuracy_m, p.source"
    " FROM worker_positions p WHERE p.worker_code = :code AND p.recorded_at > :since"
    " AND p.recorded_at <= :at AND p.lon <> 'NaN'::float8 AND p.lat <> 'NaN'::float8"
    " ORDER BY p.recorded_at, p.id"
)


def thinned(fixes: Iterable[PositionRecord]) -> list[PositionRecord]:
    """``fixes`` (oldest first) with at most one every ``TRACK_SPACING``."""
    kept: list[PositionRecord] = []
    for p in fixes:
        if not kept or p.recorded_at - kept[-1].recorded_at >= TRACK_SPACING:
            kept.append(p)
    return kept


def read_track(
    engine: Engine, worker_code: str, at: datetime, span: timedelta = TRACK_WINDOW
) -> list[PositionRecord]:
    """One worker's fixes in the ``span`` before ``at``, thinned (a blocking read)."""
    with engine.connect() as conn:
        rows = conn.execute(TRACK, {"code": worker_code, "since": at - span, "at": at})
        return thinned(PositionRecord(*row) for row in rows)


class LiveTrack:
    """The chosen worker's track: what the database had, then each fix the feed brings.

    Fixes come from the live thread, a batch at a time; one older than the last point
    (a late row) or within ``TRACK_SPACING`` of it is not kept, as the database read
    thins them.
    """

    def __init__(self, worker_code: str, points: Iterable[PositionRecord] = ()) -> None:
        self.worker_code = worker_code
        self._points: list[TrackPoint] = []
        self.extend(points)

    def extend(self, fixes: Iterable[PositionRecord]) -> bool:
        """Keep the worker's fixes among ``fixes``; True when the track grew."""
        grew = False
        for p in fixes:
            if p.worker_code != self.worker_code:
                continue
            last = self._points[-1].recorded_at if self._points else None
            if last is None or p.recorded_at - last >= TRACK_SPACING:
                self._points.append(TrackPoint(p.id, p.recorded_at, p.lon, p.lat))
                grew = True
        return grew

    def points(self, now: datetime) -> list[TrackPoint]:
        """The points of the hour before ``now``, oldest first (older ones are dropped)."""
        horizon = now - TRACK_WINDOW
        stale = 0
        while stale < len(self._points) and self._points[stale].recorded_at < horizon:
            stale += 1
        del self._points[:stale]
        return list(self._points)


__all__ = ["TRACK", "TRACK_SPACING", "TRACK_WINDOW", "LiveTrack", "read_track", "thinned"]
