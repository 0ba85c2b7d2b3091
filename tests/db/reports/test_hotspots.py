"""The hot-spot counts per grid against a count in Python over the stored tickets."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from gridcommand.db.demo.seed import DISTRICT_CODE, seed_demo
from gridcommand.db.reports.hotspots import HotSpot, hotspots
from tests.db.reports.kpi_oracle import CST
from tests.db.schema import test_roles as roles
from tests.db.schema.test_roles import COMMUNITY, Login

login = roles.login
seeded = roles.seeded


@pytest.fixture(scope="module")
def district(pg_server: Any) -> Any:
    from gridcommand.db.schema.engine import make_engine
    from tests.conftest import TEMPLATE, _drop_database, _fresh_database

    url = _fresh_database(pg_server, TEMPLATE)
    engine = make_engine(url)
    seed_demo(engine, grids=12, random_seed=5, days=40)
    yield engine
    engine.dispose()
    _drop_database(pg_server, url)


def _counted(
    engine: Engine, start: datetime, end: datetime, region: str | None, klass: str | None
) -> list[HotSpot]:
    with engine.connect() as conn:
        tickets = conn.execute(
            text(
                "SELECT t.grid_code, t.registered_at, c.class_code, g.community_code,"
                " s.code AS street, s.parent_code AS district FROM tickets t"
                " JOIN categories c ON c.code = t.category_code"
                " LEFT JOIN grids g ON g.code = t.grid_code"
                " LEFT JOIN regions cm ON cm.code = g.community_code"
                " LEFT JOIN regions s ON s.code = cm.parent_code"
            )
        ).all()
    counts = Counter(
        t.grid_code
        for t in tickets
        if t.grid_code is not None
        and t.registered_at is not None
        and start <= t.registered_at < end
        and (klass is None or t.class_code == klass)
        and region in (None, t.grid_code, t.community_code, t.street, t.district)
    )
    return sorted((HotSpot(g, n) for g, n in counts.items()), key=lambda h: (-h.count, h.grid_code))


def test_hot_spots_count_each_grids_cases_as_python_does(district: Engine) -> None:
    today = datetime.now(UTC).astimezone(CST).date()
    first_of_last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    periods = (
        # The month before, whole (from the monthly counts), and the partial days around it.
        (
            datetime.combine(first_of_last_month - timedelta(days=3), time(7, 30), CST),
            datetime.combine(today + timedelta(days=1), time(), CST),
        ),
        (  # a week, all partial
            datetime.combine(today - timedelta(days=7), time(), CST),
            datetime.combine(today, time(), CST),
        ),
        (  # an empty period
            datetime(2020, 1, 1, tzinfo=CST),
            datetime(2020, 2, 1, tzinfo=CST),
        ),
    )
    with district.connect() as conn:
        grid, community, street = conn.execute(
            text(
                "SELECT g.code, g.community_code, c.parent_code FROM grids g"
                " JOIN regions c ON c.code = g.community_code ORDER BY g.code LIMIT 1"
            )
        ).one()
        common = conn.execute(
            text(
                "SELECT c.class_code FROM tickets t JOIN categories c ON c.code = t.category_code"
                " GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar_one()
    asked = 0
    for start, end in periods:
        for region in (None, DISTRICT_CODE, street, community, grid):
            for klass in (None, common, "no-such-class"):
                want = _counted(district, start, end, region, klass)
                assert hotspots(district, start, end, region, klass) == want, (
                    start,
                    end,
                    region,
                    klass,
                )
                asked += bool(want)
    assert asked > 10  # most questions had an answer to compare
    with district.begin() as conn:  # an open connection is used as it is
        whole = hotspots(conn, *periods[0])
    assert sum(h.count for h in whole) == sum(
        h.count for h in _counted(district, *periods[0], None, None)
    )


def test_a_community_login_sees_only_its_own_grids(seeded: Engine, login: Login) -> None:
    _, viewer = login("gc_viewer", COMMUNITY)
    today = datetime.now(UTC).astimezone(CST).date()
    start = datetime.combine(today - timedelta(days=3), time(), CST)
    end = datetime.combine(today + timedelta(days=1), time(), CST)
    everything = hotspots(seeded, start, end)
    seen = hotspots(viewer, start, end)
    assert seen and seen == _counted(seeded, start, end, COMMUNITY, None)
    assert len(everything) > len(seen)
