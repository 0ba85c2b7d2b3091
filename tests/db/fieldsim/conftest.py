"""A small seeded district for the simulator's tests (12 grids, one day of history)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from tests.conftest import conninfo


@pytest.fixture
def seeded(engine: Engine, db_url: URL) -> str:
    """The libpq conninfo of a freshly seeded database."""
    seed_demo(engine, grids=12, random_seed=2, days=1)
    return conninfo(db_url)
