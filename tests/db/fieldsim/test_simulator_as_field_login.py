"""The simulator as a real field system: a field login made with ``gridcommand logins add``.

What the login may do (report, positions, the field's steps) it does; what it may not
(move a grid) the database refuses and the simulator counts, without stopping.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import DISTRICT_CODE
from gridcommand.db.fieldsim.options import SimOptions
from gridcommand.db.fieldsim.runner import run
from gridcommand.desktop import cli
from tests.conftest import conninfo


@pytest.fixture
def tablet(seeded: str, db_url: URL) -> Iterator[str]:
    db = conninfo(db_url)
    argv = ["--db", db, "logins", "add", "sim.tablets", "--role", "field"]
    assert cli.main([*argv, "--region", DISTRICT_CODE]) == 0
    yield conninfo(db_url.set(username="sim.tablets"))
    assert cli.main(["--db", db, "logins", "remove", "sim.tablets"]) == 0


def test_the_simulator_works_as_a_field_login(seeded: str, tablet: str) -> None:
    options = SimOptions(
        position_interval=0.5,
        tickets_per_minute=1200,
        random_seed=5,
        speed=3000,
        handler_poll=0.5,
        bad_rows=0.5,
    )
    stats = run(tablet, options, duration=2.0)
    assert stats.written["positions"] > 0 and stats.written["tickets"] > 0
    assert not any(key.startswith("grids") for key in stats.bad_written)
    with psycopg.connect(seeded) as conn:
        logins = conn.execute(
            "SELECT DISTINCT db_login FROM ticket_actions WHERE db_login = 'sim.tablets'"
        ).fetchall()
        broken = conn.execute(
            "SELECT count(*) FROM grids WHERE boundary ? 'gridcommand_simulator_original'"
        ).fetchone()
    assert logins == [("sim.tablets",)]
    assert broken == (0,)
