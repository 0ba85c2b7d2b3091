"""``bench --kpi``: the bulk history is a real one, the timing section is added, never lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from gridcommand.db.demo.seed import seed_demo
from gridcommand.desktop.bench.kpi_bench import (
    BEGIN,
    END,
    kept_section,
    measure,
    write_history,
    write_section,
)


def test_bulk_history_gives_the_board_its_figures(engine: Engine, tmp_path: Path) -> None:
    seed_demo(engine, grids=12, random_seed=3, days=1)
    said: list[str] = []
    write_history(engine, 3000, datetime.now(UTC), said.append)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM tickets WHERE code LIKE 'B%'")).scalar_one()
        steps: dict[str, int] = dict(
            conn.execute(
                text(
                    "SELECT action, count(*) FROM ticket_actions a JOIN tickets t"
                    " ON t.id = a.ticket_id WHERE t.code LIKE 'B%' GROUP BY action"
                )
            ).all()
        )
        days = conn.execute(
            text("SELECT count(DISTINCT registered_at::date) FROM tickets WHERE code LIKE 'B%'")
        ).scalar_one()
        late = conn.execute(
            text("SELECT count(*) FROM tickets WHERE code LIKE 'B%' AND handled_at > deadline")
        ).scalar_one()
    assert n == 3000 and steps["handle"] == steps["report"] == 3000
    assert days > 300  # a year of cases, not one day
    assert 0 < steps["send_back"] < 200 and 0 < late < 600
    assert [line.split(":")[0].strip() for line in said] == [
        "cases",
        "trace",
        "rework",
        "extensions",
        "call-backs",
    ]

    figures = measure(engine, samples=3)
    q = figures["kpi_query_ms"]
    assert figures["samples"] == 3 and 0 < q["p50"] <= q["p95"] <= q["max"]
    assert figures["tickets"] >= 3000

    out = tmp_path / "docs"
    out.mkdir()
    (out / "BENCHMARKS.md").write_text("# Benchmarks\n\nThe map's figures.\n", encoding="utf-8")
    (out / "benchmarks.json").write_text(json.dumps({"grids": 10000}), encoding="utf-8")
    md, js = write_section(out, {**figures, "seed_s": 1.0})
    write_section(out, {**figures, "seed_s": None})  # replaced, not repeated
    text_md = md.read_text(encoding="utf-8")
    assert text_md.startswith("# Benchmarks\n\nThe map's figures.")
    assert text_md.count(BEGIN) == 1 and "reused from an earlier run" in text_md
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["grids"] == 10000 and data["kpi"]["kpi_query_ms"] == q
    assert kept_section(text_md).strip().startswith(BEGIN)
    assert kept_section(text_md).strip().endswith(END)
    assert kept_section("# no section") == ""
