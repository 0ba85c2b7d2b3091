"""Validation at the boundary, on its own: plain pytest, no database, no Qt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from gridcommand.db.live.records import GridRecord
from gridcommand.db.live.validation import Validator
from tests.db.live.test_store import SQUARE, T0, fix, ticket

BROKEN = {"type": "Polygon", "coordinates": [[1, 2]]}


def _grid(code: str, boundary: dict[str, Any]) -> GridRecord:
    return GridRecord(code, f"网格{code}", "C1", "S1", boundary, 400, 1000)


def _validator() -> Validator:
    v = Validator(clock=lambda: T0 + timedelta(hours=1))
    v.known_categories = {"0201"}
    assert v.check_grid(_grid("G1", SQUARE)).accepted
    return v


def test_a_broken_boundary_is_refused_but_its_tickets_are_not_lost() -> None:
    v = _validator()
    verdict = v.check_grid(_grid("G2", BROKEN))
    assert not verdict.accepted
    assert verdict.rejection is not None and verdict.rejection.reason_code == "broken_geojson"
    # A report that names G2 (whose shape is unusable) near the district is trusted,
    # not dropped; a point far away (or at (0, 0)) does not get in by the name alone.
    near = ticket(1, grid_code="G2", lon=113.012, lat=23.005)
    accepted = v.check_ticket(near)
    assert accepted.accepted and accepted.located_grid == "G2"
    for lon, lat in ((113.5, 23.5), (0.0, 0.0)):
        far = v.check_ticket(ticket(1, grid_code="G2", lon=lon, lat=lat))
        assert far.rejection is not None and far.rejection.reason_code == "outside_district"


def test_a_grid_that_does_not_exist_is_still_refused() -> None:
    v = _validator()
    verdict = v.check_ticket(ticket(2, grid_code="G9"))
    assert not verdict.accepted
    assert verdict.rejection is not None and verdict.rejection.reason_code == "unknown_grid"


def test_swapped_coordinates_are_recognised() -> None:
    v = _validator()
    verdict = v.check_ticket(ticket(3, grid_code=None, lon=23.005, lat=113.005))
    assert verdict.rejection is not None and verdict.rejection.reason_code == "swapped_lat_lon"


def test_reports_and_fixes_dated_by_a_broken_clock_are_set_aside() -> None:
    v = _validator()
    now = T0 + timedelta(hours=1)
    for when in (datetime(1970, 1, 1, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC)):
        refused = v.check_ticket(ticket(4, reported_at=when))
        assert refused.rejection is not None
        assert refused.rejection.reason_code == "implausible_time"
        good, bad = v.check_positions([fix(5, "W1", when), fix(6, "W1", now)])
        assert [p.id for p in good] == [6]
        assert [(r.row_ref, r.reason_code) for r in bad] == [("5", "implausible_time")]
    assert v.check_ticket(ticket(7, reported_at=now + timedelta(minutes=4))).accepted
    # A case under way may be older than the retention; a new report may not.
    old = now - timedelta(days=31)
    assert v.check_ticket(ticket(8, status="dispatched", reported_at=old)).accepted
    assert not v.check_ticket(ticket(9, reported_at=old)).accepted
    longer = Validator(retention=timedelta(days=60), clock=lambda: now)
    assert longer.check_ticket(ticket(9, reported_at=old)).accepted


def test_a_boundary_moved_far_away_or_over_its_neighbours_is_refused() -> None:
    v = _validator()
    beside = {"type": "Polygon", "coordinates": [[[113.01, 23], [113.02, 23], [113.02, 23.01],
                                                  [113.01, 23]]]}  # fmt: skip
    assert v.check_grid(_grid("G3", beside), against_layer=True).accepted
    far = {"type": "Polygon", "coordinates": [[[113.3, 23], [113.31, 23], [113.31, 23.01],
                                               [113.3, 23]]]}  # fmt: skip
    moved = v.check_grid(_grid("G3", far), against_layer=True)
    assert moved.rejection is not None and moved.rejection.reason_code == "outside_district"
    over = v.check_grid(_grid("G3", SQUARE), against_layer=True)
    assert over.rejection is not None and over.rejection.reason_code == "overlapping_grids"
    # The grid keeps its last good shape: a report there is still located in it.
    assert v.locate(113.015, 23.003) == "G3"
