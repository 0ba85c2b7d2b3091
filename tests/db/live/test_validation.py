"""Validation at the boundary, on its own: plain pytest, no database, no Qt."""

from __future__ import annotations

from typing import Any

from gridcommand.db.live.records import GridRecord
from gridcommand.db.live.validation import Validator
from tests.db.live.test_store import SQUARE, ticket

BROKEN = {"type": "Polygon", "coordinates": [[1, 2]]}


def _grid(code: str, boundary: dict[str, Any]) -> GridRecord:
    return GridRecord(code, f"网格{code}", "C1", "S1", boundary, 400, 1000)


def _validator() -> Validator:
    v = Validator()
    v.known_categories = {"0201"}
    assert v.check_grid(_grid("G1", SQUARE)).accepted
    return v


def test_a_broken_boundary_is_refused_but_its_tickets_are_not_lost() -> None:
    v = _validator()
    verdict = v.check_grid(_grid("G2", BROKEN))
    assert not verdict.accepted
    assert verdict.rejection is not None and verdict.rejection.reason_code == "broken_geojson"
    # A report that names G2 (whose shape is unusable) is trusted, not dropped.
    far = ticket(1, grid_code="G2", lon=113.5, lat=23.5)
    accepted = v.check_ticket(far)
    assert accepted.accepted and accepted.located_grid == "G2"


def test_a_grid_that_does_not_exist_is_still_refused() -> None:
    v = _validator()
    verdict = v.check_ticket(ticket(2, grid_code="G9"))
    assert not verdict.accepted
    assert verdict.rejection is not None and verdict.rejection.reason_code == "unknown_grid"


def test_swapped_coordinates_are_recognised() -> None:
    v = _validator()
    verdict = v.check_ticket(ticket(3, grid_code=None, lon=23.005, lat=113.005))
    assert verdict.rejection is not None and verdict.rejection.reason_code == "swapped_lat_lon"
