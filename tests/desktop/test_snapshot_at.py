"""``gridcommand snapshot --at``: the district as it was then, and one sentence when it cannot be."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from tests.conftest import conninfo
from tests.desktop.conftest import grid_point, insert_ticket
from tests.desktop.test_snapshot import run_cli

BEIJING = timezone(timedelta(hours=8))


def test_snapshot_at_a_past_moment_draws_the_district_as_it_was(
    engine: Engine, db_url: URL, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    seed_demo(engine, grids=12, random_seed=3, days=2, now=now)
    at = (now - timedelta(hours=20)).astimezone(BEIJING).replace(second=0, microsecond=0)
    typed = f"{at:%Y-%m-%d %H:%M}+08"
    # Reported now: open on the live map, not yet in the district of 20 hours ago.
    grid, lon, lat = grid_point(engine)
    insert_ticket(db_url, grid, lon, lat, 1)
    out = tmp_path / "then"
    done = run_cli(
        ["--db", conninfo(db_url), "snapshot", "--at", typed, "--out", str(out)], tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert not QImage(str(out / "window.png")).isNull()
    shown = json.loads((out / "snapshot.json").read_text(encoding="utf-8"))
    assert datetime.fromisoformat(shown["at"]) == at
    for key in ("grids", "alerts", "workers"):
        assert shown[key] == shown["store"][key] == shown["page"][key], key

    # Counted straight from the trace: the cases whose last step by then left them open.
    with engine.connect() as conn:
        open_then = conn.execute(
            text(
                "SELECT count(*) FROM tickets t WHERE t.reported_at <= :at AND coalesce(("
                " SELECT a.to_status FROM ticket_actions a WHERE a.ticket_id = t.id"
                " AND a.at <= :at ORDER BY a.at DESC, a.id DESC LIMIT 1), 'reported')"
                " NOT IN ('closed', 'rejected')"
            ),
            {"at": at},
        ).scalar_one()
        open_now = conn.execute(
            text("SELECT count(*) FROM tickets WHERE status NOT IN ('closed', 'rejected')")
        ).scalar_one()
    assert shown["alerts"] == shown["store"]["open_tickets"] == open_then > 0
    assert open_then < open_now


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("yesterday at nine", "is not a time such as"),
        ("2099-01-01 09:00+08", "is in the future"),
        ("2020-01-01 09:00+08", "older than the retention"),
    ],
)
def test_snapshot_at_says_in_one_sentence_what_it_cannot_show(
    engine: Engine, db_url: URL, tmp_path: Path, typed: str, says: str
) -> None:
    seed_demo(engine, grids=4, random_seed=3, days=1)
    done = run_cli(
        ["--db", conninfo(db_url), "snapshot", "--at", typed, "--out", str(tmp_path / "x")],
        tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    message = done.stderr.strip()
    assert message.startswith("gridcommand:") and says in message
    assert "Traceback" not in done.stderr and message.count("\n") == 0
    assert not (tmp_path / "x").exists()
