"""``gridcommand snapshot`` as a user runs it: a separate process against a seeded database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.desktop.snapshot import is_blank
from tests.conftest import conninfo

PANELS = ("queues", "workers", "charts", "quality", "detail")


def run_cli(args: list[str], home: Path, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "gridcommand.desktop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def test_snapshot_writes_pictures_and_the_pages_counts(
    engine: Engine, db_url: URL, tmp_path: Path
) -> None:
    seed_demo(engine, grids=12, random_seed=3, days=2)
    out = tmp_path / "snap"
    done = run_cli(
        ["--db", conninfo(db_url), "snapshot", "--out", str(out), "--size", "1280x800"],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]

    for name in ("map", "window", *PANELS):
        image = QImage(str(out / f"{name}.png"))
        assert not image.isNull(), name
    assert not is_blank(QImage(str(out / "window.png")))
    shown = json.loads((out / "snapshot.json").read_text(encoding="utf-8"))
    store = shown["store"]
    for key in ("grids", "alerts", "alerts_pulsing", "workers"):
        assert shown[key] == store[key] == shown["page"][key], key
    assert shown["map_png"] in ("map.png", "blank (offscreen)")

    with engine.connect() as conn:
        grids = conn.execute(text("SELECT count(*) FROM grids")).scalar_one()
        open_tickets = conn.execute(
            text("SELECT count(*) FROM tickets WHERE status NOT IN ('closed', 'rejected')")
        ).scalar_one()
    assert shown["grids"] == grids == 12
    assert shown["alerts"] == store["open_tickets"] == open_tickets > 0
    assert sum(shown["workers"].values()) > 0


def test_snapshot_gives_up_in_one_sentence_on_a_wrong_database(tmp_path: Path) -> None:
    done = run_cli(
        ["--db", "postgresql://nobody@127.0.0.1:1/none", "snapshot", "--out", str(tmp_path)],
        tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().startswith("gridcommand:")
    assert "Traceback" not in done.stderr
