"""``gridcommand bench`` on a tiny city: it runs end to end and writes both reports.

Speed is what the benchmark measures; this test only checks that it measures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

KEYS = (
    "batch_10k_moves_ms",
    "gui_max_stall_ms",
    "naive_rebuild_ms",
    "grids",
    "workers",
    "gui_max_stall_steady_ms",
    "startup_s",
    "startup_max_stall_ms",
    "idle_cpu_percent",
    "rss_mb",
)


def test_bench_writes_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("DISPLAY", None)
    args = ["bench", "--grids", "12", "--inserts", "5", "--workers-moves", "200"]
    args += ["--profile-seconds", "3", "--idle-seconds", "2", "--replica"]
    done = subprocess.run(
        [sys.executable, "-m", "gridcommand.desktop", *args, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    # One entry per scale: the latest run in full, and each run's headline figures.
    scale = json.loads((out / "benchmarks.json").read_text(encoding="utf-8"))["scales"]["12"]
    figures = scale["latest"]
    assert len(scale["runs"]) == 1 and scale["runs"][0]["code"] == figures["code"]
    latency = figures["insert_to_point_ms"]
    assert set(latency) == {"p50", "p95", "p99"}
    assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"]
    for key in KEYS:
        assert figures[key] > 0, key
    # Replay: the slider moved by an hour, each time until the page showed the moment.
    seek = figures["replay_seek_ms"]
    assert set(seek) == {"p50", "p95"} and 0 < seek["p50"] <= seek["p95"]
    assert figures["replay"]["seeks"] > 0
    # ... and moves it had not read ahead, timed apart; how many steps were read ahead.
    assert figures["replay"]["cold_seeks"] == 4 and figures["replay"]["cold_ms"]["p50"] > 0
    assert 0 <= figures["replay"]["read_ahead"] <= figures["replay"]["seeks"]
    assert figures["grids"] == 12
    # Each step's wall time, to tell which one takes the time at a scale.
    assert {"seed", "start-up", "inserts", "batch", "naive", "replica"} <= set(figures["phase_s"])
    assert figures["inserts"] == 5 and figures["inserts_missed"] == 0
    # The steady figures are taken once the start-up work is done, and that time is said.
    assert figures["settle_s"] >= figures["startup_s"] > 0
    assert "settle" in figures["phase_s"]
    assert 0 < figures["batch_moves"] <= 200
    # The page timed its own work while the points arrived: applying diffs among it.
    assert "diffs" in {row["kind"] for row in figures["page_work"]["rows"]}

    # The replica path: a real standby, a window fed from it by polling: every point
    # arrives. (Two full-suite runs once missed one: the two phases wrote the same
    # reporter's report at the same place, which the console rightly set aside as a
    # duplicate; each inserter now writes as a reporter of its own.)
    replica = figures["replica_insert_to_point_ms"]
    assert 0 < replica["p50"] <= replica["p95"] <= replica["p99"]
    assert figures["replica"]["feed_mode"] == "poll"
    # Timed after the replica window's own start-up work, as the main window's points are.
    assert figures["replica"]["settle_s"] >= figures["replica"]["startup_s"] > 0
    assert figures["replica"]["inserts"] == 5, figures["replica"]
    assert figures["replica"]["inserts_missed"] == 0, figures["replica"]
    assert figures["replica"]["inserts_refused"] == {}, figures["replica"]
    assert figures["replica"]["connections"]["standby"]["gridcommand-feed"] == 1

    report = (out / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert "## Replica path" in report and f"{replica['p95']:g}" in report
    assert "(0 missed)" in report  # a point not seen is said, not hidden
    assert "## Replay (回放)" in report and f"{seek['p95']:g}" in report
    assert "## Machine" in report and "## Interpretation" in report
    assert "## Issue 13's figures against its targets" in report
    assert "<!-- section:bench-12 -->\n## 12 grids\n" in report
    assert f"{latency['p95']:g}" in report
    # The temporary city is gone: nothing of it is left beside the reports.
    assert sorted(p.name for p in out.iterdir()) == ["BENCHMARKS.md", "benchmarks.json"]
