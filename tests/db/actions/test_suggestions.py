"""Dispatch suggestions: a constructed case for the order, a seeded database for the loader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import shape
from sqlalchemy import Engine, text

from gridcommand.db.actions.suggestions import (
    Candidate,
    Suggestion,
    haversine_m,
    load_suggestions,
    rank,
)
from gridcommand.db.demo.seed import seed_demo
from gridcommand.widgets.dispatch_dialog import SuggestionLike

NOW = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)
POINT = (113.38, 22.93)
METRES_PER_DEG_LAT = 111_195.0


def _north(metres: float) -> tuple[float, float]:
    return POINT[0], POINT[1] + metres / METRES_PER_DEG_LAT


def _candidate(
    code: str, grid: str, metres: float | None, silence_min: float | None, load: int = 0
) -> Candidate:
    lon, lat = _north(metres) if metres is not None else (None, None)
    fix = NOW - timedelta(minutes=silence_min) if silence_min is not None else None
    return Candidate(code, f"name {code}", "full_time", grid, fix, lon, lat, load)


def test_haversine_knows_a_degree_of_latitude() -> None:
    assert haversine_m(113.0, 22.0, 113.0, 23.0) == pytest.approx(METRES_PER_DEG_LAT, rel=1e-3)
    assert haversine_m(*POINT, *POINT) == 0.0


def test_own_team_then_status_then_distance_then_load() -> None:
    candidates = [
        _candidate("A", "G1", 800, 1, load=2),
        _candidate("B", "G2", 100, 1),  # nearer, but not the grid's own
        _candidate("C", "G1", 50, 20),  # own and nearest, but its fix is stale
        _candidate("D", "G1", 300, 2, load=5),
        _candidate("E", "G1", None, None),  # never sent a position
        _candidate("F", "G2", 10, 180),  # offline for three hours
        _candidate("G", "G1", 300, 3, load=1),
    ]
    ranked = rank(candidates, POINT, "G1", NOW)
    assert [s.worker_code for s in ranked] == ["G", "D", "A", "C", "B", "E", "F"]
    by_code = {s.worker_code: s for s in ranked}
    assert by_code["A"].distance_m == pytest.approx(800, abs=2)
    assert by_code["A"].status == "online" and by_code["A"].warning == ""
    assert by_code["C"].status == "stale" and "20 min" in by_code["C"].warning
    assert by_code["E"].status == "offline" and by_code["E"].distance_m is None
    assert by_code["F"].status == "offline" and "3 h" in by_code["F"].warning
    assert by_code["G"].same_grid and not by_code["B"].same_grid
    assert [s.worker_code for s in rank(candidates, POINT, "G1", NOW, include_offline=False)] == [
        "G",
        "D",
        "A",
        "C",
        "B",
    ]


def test_without_a_point_the_team_and_load_decide() -> None:
    ranked = rank(
        [_candidate("X", "G1", 10, 1, load=3), _candidate("Y", "G1", 900, 1, load=0)],
        None,
        "G1",
        NOW,
    )
    assert [s.worker_code for s in ranked] == ["Y", "X"]
    assert all(s.distance_m is None for s in ranked)


def test_a_suggestion_is_what_the_dialog_reads() -> None:
    suggestion: SuggestionLike = rank([_candidate("A", "G1", 5, 1)], POINT, "G1", NOW)[0]
    assert isinstance(suggestion, Suggestion)


def test_loader_reads_team_positions_and_load(engine: Engine) -> None:
    seed_demo(engine, grids=12, random_seed=2, days=1)
    with engine.begin() as conn:
        grid, other = conn.execute(text("SELECT code FROM grids ORDER BY code LIMIT 2")).scalars()
        own = list(
            conn.execute(
                text("SELECT code FROM workers WHERE grid_code = :g ORDER BY code"), {"g": grid}
            ).scalars()
        )
        stranger = conn.execute(
            text("SELECT min(code) FROM workers WHERE grid_code = :g"), {"g": other}
        ).scalar_one()
        far = conn.execute(
            text("SELECT max(code) FROM workers WHERE grid_code <> :g"), {"g": grid}
        ).scalar_one()
        tid = conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, grid_code, lon, lat)"
                " VALUES ('hotline', (SELECT min(code) FROM categories), :g, :lon, :lat)"
                " RETURNING id"
            ),
            {"g": grid, "lon": POINT[0], "lat": POINT[1]},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, grid_code, status,"
                " assignee_worker_code) VALUES ('patrol', (SELECT min(code) FROM categories),"
                " :g, 'in_progress', :w)"
            ),
            {"g": other, "w": stranger},
        )
        fixes = [
            (own[0], 200, 1),
            (own[1], 50, 20),
            (stranger, 100, 2),
            (far, 3000, 1),
        ]
        conn.execute(  # the seed's own recent fixes would be newer than ours
            text("DELETE FROM worker_positions WHERE worker_code = ANY(:c)"),
            {"c": [code for code, _, _ in fixes]},
        )
        for code, metres, silence in fixes:
            lon, lat = _north(metres)
            conn.execute(
                text(
                    "INSERT INTO worker_positions (worker_code, recorded_at, lon, lat)"
                    " VALUES (:w, now() - make_interval(mins => :m), :lon, :lat)"
                ),
                {"w": code, "m": silence, "lon": lon, "lat": lat},
            )
    suggestions = load_suggestions(engine, tid, radius_m=1000)
    codes = [s.worker_code for s in suggestions]
    assert far not in codes  # 3 km away and of another grid
    assert set(own) <= set(codes)  # the grid's own team is always offered
    chosen = [c for c in codes if c in (own[0], own[1], stranger)]
    assert chosen == [own[0], own[1], stranger]
    by_code = {s.worker_code: s for s in suggestions}
    assert by_code[own[0]].status == "online"
    assert by_code[own[0]].distance_m == pytest.approx(200, abs=2)
    assert by_code[own[1]].status == "stale"
    assert by_code[stranger].open_load == 1 and not by_code[stranger].same_grid


def test_a_citizen_report_located_by_its_point_ranks_that_grids_team_first(
    engine: Engine,
) -> None:
    """A hotline report names no grid; the grid its point lies in still answers for it."""
    seed_demo(engine, grids=12, random_seed=2, days=1)
    with engine.begin() as conn:
        grid, boundary = conn.execute(
            text("SELECT code, boundary FROM grids ORDER BY code LIMIT 1")
        ).one()
        own = conn.execute(
            text("SELECT min(code) FROM workers WHERE grid_code = :g"), {"g": grid}
        ).scalar_one()
        neighbour = conn.execute(
            text("SELECT min(code) FROM workers WHERE grid_code <> :g"), {"g": grid}
        ).scalar_one()
        point = shape(boundary).representative_point()
        tid = conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, grid_code, lon, lat)"
                " VALUES ('hotline', (SELECT min(code) FROM categories), NULL, :lon, :lat)"
                " RETURNING id"
            ),
            {"lon": point.x, "lat": point.y},
        ).scalar_one()
        conn.execute(
            text("DELETE FROM worker_positions WHERE worker_code IN (:a, :b)"),
            {"a": own, "b": neighbour},
        )
        # The neighbour's worker stands beside the report, the grid's own 300 m off.
        for code, metres in ((neighbour, 10), (own, 300)):
            conn.execute(
                text(
                    "INSERT INTO worker_positions (worker_code, recorded_at, lon, lat)"
                    " VALUES (:w, now() - interval '1 minute', :lon, :lat + :d)"
                ),
                {"w": code, "lon": point.x, "lat": point.y, "d": metres / 111_320},
            )
    suggestions = load_suggestions(engine, tid, radius_m=1000)
    assert suggestions[0].worker_code == own
    assert suggestions[0].same_grid
    by_code = {s.worker_code: s for s in suggestions}
    assert not by_code[neighbour].same_grid
    near, far = by_code[neighbour].distance_m, by_code[own].distance_m
    assert near is not None and far is not None
    assert near < far  # nearer, yet second
