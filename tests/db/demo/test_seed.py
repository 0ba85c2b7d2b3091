"""The demo district: a valid tiling, the requested counts, believable figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import shapely
from shapely.geometry import Point, shape
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.schema.engine import make_engine
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.migrate import upgrade

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, grids=120, random_seed=11, days=10, now=NOW)
    return engine


def _geoms(engine: Engine, sql: str) -> dict[str, shapely.Geometry]:
    with engine.connect() as conn:
        return {code: shape(b) for code, b in conn.execute(text(sql))}


def test_grids_tile_the_district_without_gaps_or_overlaps(seeded: Engine) -> None:
    district = next(
        iter(_geoms(seeded, "SELECT code, boundary FROM regions WHERE level='district'").values())
    )
    grids = list(_geoms(seeded, "SELECT code, boundary FROM grids").values())
    assert all(g.is_valid and g.area > 0 for g in grids)
    tree = shapely.STRtree(grids)
    overlap = 0.0
    for i, geom in enumerate(grids):
        for j in tree.query(geom):
            if j > i:
                overlap += geom.intersection(grids[j]).area
    assert overlap < 1e-9 * district.area
    union = shapely.union_all(grids)
    assert union.symmetric_difference(district).area < 1e-9 * district.area


def test_grids_nest_inside_their_community(seeded: Engine) -> None:
    communities = _geoms(seeded, "SELECT code, boundary FROM regions WHERE level='community'")
    with seeded.connect() as conn:
        rows = conn.execute(text("SELECT community_code, boundary FROM grids")).all()
    for community_code, boundary in rows:
        grid = shape(boundary)
        outside = grid.difference(communities[community_code]).area
        assert outside < 1e-9 * grid.area


def test_requested_counts_and_figures(seeded: Engine) -> None:
    with seeded.connect() as conn:
        q = lambda sql: conn.execute(text(sql)).scalar_one()  # noqa: E731
        assert q("SELECT count(*) FROM grids") == 120
        assert q("SELECT count(*) FROM regions WHERE level='district'") == 1
        assert q("SELECT count(*) FROM regions WHERE level='street'") >= 2
        assert q("SELECT count(*) FROM regions WHERE level='community'") == 8
        # One full-time worker in every grid.
        assert (
            q(
                "SELECT count(*) FROM grids g WHERE (SELECT count(*) FROM workers w "
                "WHERE w.grid_code = g.code AND w.role = 'full_time') <> 1"
            )
            == 0
        )
        assert q("SELECT count(*) FROM workers WHERE role='volunteer'") >= 120
        normal = q("SELECT count(*) FROM grids WHERE households BETWEEN 300 AND 500")
        overloaded = q("SELECT count(*) FROM grids WHERE households > 500")
        assert normal + overloaded == 120 and 0 < overloaded < 15
        assert q("SELECT count(*) FROM category_classes") == 11
        assert q("SELECT count(*) FROM categories") == 176
        limits = conn.execute(
            text("SELECT DISTINCT severity, time_limit_minutes FROM categories ORDER BY 2")
        ).all()
        assert [tuple(r) for r in limits] == [("small", 720), ("big", 1440), ("hard", 10080)]
        assert q("SELECT count(*) FROM tickets") == round(120 * 10 * 0.3)
        assert (
            q(
                "SELECT count(*) FROM tickets WHERE reported_at < :now - interval '10 days'".replace(
                    ":now", f"'{NOW.isoformat()}'::timestamptz"
                )
            )
            == 0
        )
        # History is a mix: most old cases closed, some still open.
        assert q("SELECT count(*) FROM tickets WHERE status = 'closed'") > 100
        assert q("SELECT count(*) FROM tickets WHERE status NOT IN ('closed','rejected')") > 0


def test_history_traces_follow_each_step(seeded: Engine) -> None:
    with seeded.connect() as conn:
        mismatched = conn.execute(
            text(
                "SELECT count(*) FROM tickets t WHERE t.status = 'closed' AND "
                "(SELECT array_agg(action::text ORDER BY at, id) FROM ticket_actions a "
                " WHERE a.ticket_id = t.id) <> "
                "ARRAY['report','register','dispatch','accept','handle','verify','close']"
            )
        ).scalar_one()
        assert mismatched == 0


def test_ticket_points_lie_in_their_grid(seeded: Engine) -> None:
    grids = _geoms(seeded, "SELECT code, boundary FROM grids")
    with seeded.connect() as conn:
        rows = conn.execute(
            text("SELECT grid_code, lon, lat FROM tickets WHERE grid_code IS NOT NULL")
        ).all()
    assert rows
    for grid_code, lon, lat in rows:
        assert grids[grid_code].buffer(1e-9).contains(Point(lon, lat))


def test_same_seed_same_district(engine: Engine, empty_db_url: URL) -> None:
    other = make_engine(empty_db_url)
    upgrade(other)
    fingerprint = text(
        "SELECT md5(string_agg(code || boundary::text || households, '' ORDER BY code)) FROM grids"
        " UNION ALL SELECT md5(string_agg(code || name || grid_code, '' ORDER BY code)) FROM workers"
        " UNION ALL SELECT md5(string_agg(code || category_code || status, '' ORDER BY code))"
        " FROM tickets"
    )
    prints = []
    for eng in (engine, other):
        seed_demo(eng, grids=30, random_seed=3, days=2, now=NOW)
        with eng.connect() as conn:
            prints.append(conn.execute(fingerprint).scalars().all())
    other.dispose()
    assert prints[0] == prints[1]


def test_seeding_twice_is_refused(seeded: Engine) -> None:
    with pytest.raises(UserFacingError, match="already holds 120 grids"):
        seed_demo(seeded, grids=10)
