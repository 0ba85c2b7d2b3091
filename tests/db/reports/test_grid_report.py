"""The drill-down report on a seeded district, checked against the raw rows."""

from __future__ import annotations

from datetime import UTC, datetime

from shapely.geometry import Polygon, box
from sqlalchemy import Engine, text

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.live.records import mask_phone
from gridcommand.db.reports.grid_report import load_grid_report, patrol_coverage

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
    report = load_grid_report(engine, code, now=NOW, days=30)
    assert report.code == code and report.households == households
    assert sum(n for _, n in report.cases_per_day) == total
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
