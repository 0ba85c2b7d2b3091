"""The hot-spot counts against a second route: Python over the stored rows."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.reports.hotspots import HotSpot, hotspots
from gridcommand.db.reports.kpi import KpiError


@pytest.fixture(scope="module")
def seeded(pg_server: Any) -> Any:
    from tests.conftest import TEMPLATE, _drop_database, _fresh_database

    url = _fresh_database(pg_server, TEMPLATE)
    from gridcommand.db.schema.engine import make_engine

    engine = make_engine(url)
    seed_demo(engine, grids=12, random_seed=7, days=10)
    yield engine
    engine.dispose()
    _drop_database(pg_server, url)


def _rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT t.grid_code, t.registered_at, k.class_code, c.code AS community,"
                    " c.parent_code AS street FROM tickets t"
                    " JOIN categories k ON k.code = t.category_code"
                    " LEFT JOIN grids g ON g.code = t.grid_code"
                    " LEFT JOIN regions c ON c.code = g.community_code"
                )
            )
        )


def _expected(rows: list[Any], start: datetime, end: datetime, **keep: Any) -> list[HotSpot]:
    counted = Counter(
        r.grid_code
        for r in rows
        if r.grid_code is not None
        and r.registered_at is not None
        and start <= r.registered_at < end
        and all(getattr(r, k) == v for k, v in keep.items())
    )
    return [HotSpot(code, n) for code, n in sorted(counted.items())]


def test_counts_per_grid_match_the_rows(seeded: Engine) -> None:
    rows = _rows(seeded)
    end = datetime.now(UTC) + timedelta(hours=1)
    start = end - timedelta(days=7)
    got = hotspots(seeded, start, end)
    assert got == _expected(rows, start, end)
    assert sum(h.count for h in got) > 20  # the demo's week has cases to count

    # One category class, one street, one community: the same route with a filter.
    top_class = Counter(r.class_code for r in rows if r.registered_at is not None).most_common(1)
    klass = top_class[0][0]
    by_class = hotspots(seeded, start, end, class_code=klass)
    assert by_class == _expected(rows, start, end, class_code=klass)
    assert 0 < sum(h.count for h in by_class) < sum(h.count for h in got)

    street = next(r.street for r in rows if r.street)
    community = next(r.community for r in rows if r.community)
    with Session(seeded) as session:  # a session's connection is accepted too
        assert hotspots(session, start, end, region=street) == _expected(
            rows, start, end, street=street
        )
    with seeded.connect() as conn:
        assert hotspots(conn, start, end, region=community, class_code=klass) == _expected(
            rows, start, end, community=community, class_code=klass
        )
        grid = got[0].grid_code
        assert hotspots(conn, start, end, region=grid) == [got[0]]


def test_an_empty_period_and_an_unknown_region(seeded: Engine) -> None:
    long_ago = datetime(2001, 1, 1, tzinfo=UTC)
    assert hotspots(seeded, long_ago, long_ago + timedelta(days=1)) == []
    with pytest.raises(KpiError):
        hotspots(seeded, long_ago, long_ago + timedelta(days=1), region="NOPE")
