"""A seeded PostgreSQL, through the real change feed and store, onto the real page."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.maps.panel import MapPanel
from tests.db.live.feed_harness import FeedHarness
from tests.maps.conftest import counts


def test_seeded_city_is_drawn_as_the_store_holds_it(qtbot, engine: Engine, db_url: URL):
    seed_demo(engine, grids=12, random_seed=3, days=1, now=datetime.now(UTC))
    with FeedHarness(db_url) as harness:
        harness.wait_until(lambda s: s.loaded and bool(s.grids))
    store = harness.store
    panel = MapPanel(store, probes=True)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.ready, timeout=20000):
        pass
    drawable = [
        t for t in store.open_tickets() if t.lon is not None or (t.grid and t.grid in store.grids)
    ]
    workers = Counter(
        s.status for s in store.workers.values() if s.record.active and s.position is not None
    )
    want_workers = {k: workers.get(k, 0) for k in ("online", "stale", "offline")}
    qtbot.waitUntil(lambda: counts(qtbot, panel)["grids"] == len(store.grids), timeout=5000)
    got = counts(qtbot, panel)
    assert got["alerts"] == len(drawable) > 0
    assert got["workers"] == want_workers
    qtbot.waitUntil(lambda: counts(qtbot, panel)["outlines"] >= 1, timeout=10000)
