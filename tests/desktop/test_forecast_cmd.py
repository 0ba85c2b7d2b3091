"""``gridcommand forecast`` against a seeded district whose history ends now."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.desktop.cli import main


def test_the_forecast_command_prints_code_risk_deadline_reason(
    engine: Engine, db_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_demo(engine, grids=300, random_seed=6, days=30, now=datetime.now(UTC))
    url = db_url.render_as_string(hide_password=False)
    assert main(["--db", url, "forecast", "--horizon", "180", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and set(rows[0]) == {"code", "risk", "deadline", "reason"}
    assert all(0 < r["risk"] <= 1 for r in rows)
    assert [r["risk"] for r in rows] == sorted((r["risk"] for r in rows), reverse=True)
    soon = datetime.now(UTC) + timedelta(minutes=181)
    assert all(datetime.fromisoformat(r["deadline"]) <= soon for r in rows)
    assert main(["--db", url, "forecast", "--horizon", "180"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["code", "risk", "deadline"]
    assert rows[0]["code"] in table[1]
