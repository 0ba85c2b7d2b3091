"""The drill-down report on a seeded district, checked against the raw rows."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
import shapely
import shapely.affinity
from shapely.geometry import LineString, Point, Polygon, box, shape
from sqlalchemy import Engine, text

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.live.records import mask_phone
from gridcommand.db.reports.grid_report import PATROL_SIGHT_M, load_grid_report, patrol_coverage

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_report_matches_the_database(engine: Engine) -> None:
    seed_demo(engine, grids=40, random_seed=5, days=30, now=NOW)
    with engine.connect() as conn:
        code, households = conn.execute(
            text(
                "SELECT grid_code, g.households FROM tickets t JOIN grids g ON g.code = t.grid_code"
                " GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1"
            )
        ).one()
        total = conn.execute(
            text("SELECT count(*) FROM tickets WHERE grid_code = :c"), {"c": code}
        ).scalar_one()
        team_size = conn.execute(
            text("SELECT count(*) FROM workers WHERE grid_code = :c"), {"c": code}
        ).scalar_one()
        boundary = shape(
            conn.execute(
                text("SELECT boundary FROM grids WHERE code = :c"), {"c": code}
            ).scalar_one()
        )
        citizens = conn.execute(  # hotline and WeChat reports name no grid: found by point
            text("SELECT id, lon, lat FROM tickets WHERE grid_code IS NULL")
        ).all()
    located = {row.id for row in citizens if boundary.contains(Point(row.lon, row.lat))}
    report = load_grid_report(engine, code, now=NOW, days=30)
    assert report.code == code and report.households == households
    assert sum(n for _, n in report.cases_per_day) == total + len(located)
    assert {c.id for c in report.cases if c.located} == located
    assert sum(n for _, per_day in report.cases_by_class for _, n in per_day) == total + len(
        located
    )
    assert len(report.team) == team_size
    assert report.team[0].role == "full_time"
    assert all("****" in m.phone_masked for m in report.team)
    assert report.households_per_worker == households
    assert 0 <= report.score <= 100
    assert 0.05 < report.area_km2 < 1.0


def test_patrol_coverage_of_a_walk_across_a_square() -> None:
    square = box(113.0, 23.0, 113.001, 23.001)  # about 102 m × 111 m
    nothing = patrol_coverage(square, [])
    across = patrol_coverage(square, [[(113.0, 23.0005), (113.001, 23.0005)]])
    zigzag = patrol_coverage(
        square,
        [
            [
                (113.0, 23.0001),
                (113.001, 23.0001),
                (113.001, 23.0005),
                (113.0, 23.0005),
                (113.0, 23.0009),
                (113.001, 23.0009),
            ]
        ],
    )
    assert nothing == 0.0
    assert 0.35 < across < 0.55  # a 50 m wide band across a 111 m square
    assert zigzag > 0.95
    assert isinstance(square, Polygon)


def test_mask_phone() -> None:
    assert mask_phone("13800001234") == "138****1234"
    assert mask_phone(None) == ""
    assert mask_phone("12345") == "****"


def test_an_open_hotline_report_counts_in_the_grid_its_point_lies_in(engine: Engine) -> None:
    """A citizen's report names no grid; the grid it lies in still shows it as open."""
    seed_demo(engine, grids=12, random_seed=4, days=1, now=NOW)
    with engine.connect() as conn:
        (code, boundary), (other, _) = conn.execute(
            text("SELECT code, boundary FROM grids ORDER BY code LIMIT 2")
        ).all()
    before = load_grid_report(engine, code, now=NOW)
    neighbour = load_grid_report(engine, other, now=NOW)
    inside = shape(boundary).representative_point()
    with engine.begin() as conn:
        tid = conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, grid_code, lon, lat, reported_at,"
                " deadline) VALUES ('hotline', (SELECT min(code) FROM categories), NULL,"
                " :lon, :lat, :at, :deadline) RETURNING id"
            ),
            {
                "lon": inside.x,
                "lat": inside.y,
                "at": NOW - timedelta(hours=5),
                "deadline": NOW - timedelta(hours=1),
            },
        ).scalar_one()
    after = load_grid_report(engine, code, now=NOW)
    assert after.open_cases == before.open_cases + 1
    assert after.overdue_cases == before.overdue_cases + 1
    case = next(c for c in after.cases if c.id == tid)
    assert case.located and case.source == "hotline" and case.is_open
    assert after.cases.index(case) <= after.open_cases  # open cases are listed first
    assert load_grid_report(engine, other, now=NOW).open_cases == neighbour.open_cases


def _coverage_of_whole_paths(boundary: Polygon, tracks: list[list[tuple[float, float]]]) -> float:
    """The coverage as first written: each path buffered whole (slow on a long day)."""
    sx = math.cos(math.radians(boundary.centroid.y))
    scaled = shapely.affinity.scale(boundary, xfact=sx, yfact=1.0, origin=(0, 0))
    radius = PATROL_SIGHT_M / 111_320.0
    seen = [
        (LineString(pts) if len(pts) > 1 else Point(pts[0])).buffer(radius)
        for pts in ([(x * sx, y) for x, y in track] for track in tracks)
    ]
    return float(min(1.0, shapely.union_all(seen).intersection(scaled).area / scaled.area))


def test_coverage_piece_by_piece_equals_the_whole_paths_buffered() -> None:
    """Wandering paths that cross themselves, a worker standing still, a lone fix."""
    rng = random.Random(11)
    square = box(113.0, 23.0, 113.004, 23.004)  # about 410 m × 445 m
    tracks: list[list[tuple[float, float]]] = []
    for _ in range(3):
        x, y = 113.002, 23.002
        track = []
        for _ in range(300):
            x = min(113.0045, max(112.9995, x + rng.uniform(-0.0002, 0.0002)))
            y = min(23.0045, max(22.9995, y + rng.uniform(-0.0002, 0.0002)))
            track.append((x, y))
        tracks.append(track)
    tracks.append([(113.001, 23.001)] * 40)  # standing still: the same fix all day
    tracks.append([(113.003, 23.003)])  # one fix
    expected = _coverage_of_whole_paths(square, tracks)
    assert 0.2 < expected < 1.0
    assert patrol_coverage(square, tracks) == pytest.approx(expected, abs=0.002)
    # Standing still is a circle of sight around the spot.
    still = patrol_coverage(square, [[(113.001, 23.001)] * 40])
    circle = math.pi * PATROL_SIGHT_M**2 / (410.0 * 445.0)
    assert still == pytest.approx(circle, rel=0.05)
