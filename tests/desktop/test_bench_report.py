"""The bench report keeps one section per scale, each scale's last runs, and their spread.

Runs are made of figures written here (a real run is tests/desktop/test_bench.py);
what is checked is what the report does with them, never how fast anything was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gridcommand.desktop.bench.history import KEEP_RUNS
from gridcommand.desktop.bench.kpi_bench import BEGIN, write_section
from gridcommand.desktop.bench.naive import NaiveTiming
from gridcommand.desktop.bench.report import results, write
from gridcommand.desktop.bench.run import Figures
from gridcommand.desktop.bench.sections import replace_section, split_sections

SETTINGS = {"inserts": 20, "workers_moves": 10_000, "random_seed": 7, "simulator": True}
ISSUE_KEYS = (
    "gui_max_stall_steady_ms",
    "startup_s",
    "startup_max_stall_ms",
    "idle_cpu_percent",
    "rss_mb",
    "replica_insert_to_point_ms",
)


def run(
    grids: int,
    p95: float,
    *,
    load: float = 0.2,
    code: str = "code-a",
    settings: dict[str, Any] = SETTINGS,
    startup_s: float = 1.5,
    naive_markers: tuple[int, int] = (3000, 3000),
) -> dict[str, Any]:
    """One run's ``results`` as the bench makes them, with every INSERT → point at ``p95``."""
    figures = Figures(
        startup_s=startup_s,
        insert_ms=[p95] * 20,
        insert_to_store_ms=[p95 / 2] * 20,
        commit_ms=[3.0] * 20,
        batches=[{"moves": 10_000, "store_ms": 40.0, "page_apply_ms": 2.0, "wall_ms": 90.0}],
        naive=NaiveTiming(
            markers=naive_markers[0],
            of_markers=naive_markers[1],
            build_ms=2000.0,
            load_ms=900.0,
            html_mb=2.0,
            ok=True,
        ),
        stalls={"start-up": 180.0, "live": 45.0, "inserts": 30.0},
        idle_cpu_percent=8.0,
        rss_mb=850.0,
        replica={
            "insert_to_point_ms": {"p50": 300.0, "p95": 700.0, "p99": 900.0},
            "insert_to_store_ms": {"p50": 100.0, "p95": 200.0, "p99": 300.0},
            "inserts": 20,
            "inserts_missed": 0,
            "feed_mode": "poll",
            "catchup_ms_mean": 10.0,
            "polls_per_s": 7.0,
            "connections": {"standby": {"gridcommand-feed": 1}, "primary": {"gridcommand": 3}},
            "standby_start_s": 1.0,
            "startup_s": 2.0,
        },
        replay_seek_ms=[400.0] * 12,
        replay_read_ms=[300.0] * 12,
        phase_s={"start-up": startup_s, "inserts": 40.0},
    )
    machine = {
        "cpu": "a test CPU",
        "cores": 2,
        "ram_gib": 8.0,
        "os": "Linux",
        "python": "3.11",
        "qt": "6.11",
        "pyside6": "6.11",
        "qtwebengine": "6.11",
        "chromium": "140",
        "postgresql": "18",
        "load_before": load,
        "load_after": load + 2,
        "date": "2026-12-01 21:00 UTC",
    }
    return results(figures, grids, grids * 4, 60.0, machine, True, settings, code)


def sections(path: Path) -> dict[str, str]:
    return dict(split_sections(path.read_text(encoding="utf-8")))


def test_a_run_rewrites_its_own_scale_and_leaves_the_others(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    md_path = out / "BENCHMARKS.md"
    write(out, run(10_000, 140.0))
    write(out, run(50_000, 280.0))
    replace_section(md_path, "category-suggestions", "## Category\n\ntop-1 89%")
    write_section(out, {**_kpi(), "seed_s": 1.0})
    before = sections(md_path)

    write(out, run(10_000, 120.0))

    after = sections(md_path)
    assert list(after) == ["bench-10000", "bench-50000", "category-suggestions"]
    assert after["bench-50000"] == before["bench-50000"]  # byte for byte
    assert after["category-suggestions"] == before["category-suggestions"]
    assert after["bench-10000"] != before["bench-10000"]
    text = md_path.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and "KPI board" in text  # `bench --kpi`'s own section
    assert text.index("## 10,000 grids") < text.index("## 50,000 grids")

    data = json.loads((out / "benchmarks.json").read_text(encoding="utf-8"))
    assert set(data) == {"scales", "kpi"}
    assert [len(data["scales"][s]["runs"]) for s in ("10000", "50000")] == [2, 1]
    assert data["scales"]["50000"]["latest"]["insert_to_point_ms"]["p95"] == 280.0


def test_the_issue_keys_are_in_each_scale_and_each_run(tmp_path: Path) -> None:
    write(tmp_path, run(10_000, 140.0))
    entry = json.loads((tmp_path / "benchmarks.json").read_text(encoding="utf-8"))["scales"][
        "10000"
    ]
    for key in (*ISSUE_KEYS, "insert_to_point_ms", "batch_10k_moves_ms", "naive_rebuild_ms"):
        assert entry["latest"][key] is not None, key
        assert entry["runs"][0]["figures"][key] == entry["latest"][key], key
    assert set(entry["latest"]["replica_insert_to_point_ms"]) == {"p50", "p95", "p99"}
    assert entry["latest"]["naive_rebuild_ms"] == 2900.0  # the baseline, in the same run
    assert entry["runs"][0]["load_before"] == 0.2 and entry["runs"][0]["quiet"]
    assert entry["latest"]["phase_s"] == {"seed": 60.0, "start-up": 1.5, "inserts": 40.0}
    md = (tmp_path / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert (
        "| each step of the run, wall time | seed 60, start-up 1.5, inserts 40 (all: 102 s) |" in md
    )


def test_a_capped_naive_page_says_how_many_of_the_city_s_markers_it_drew(
    tmp_path: Path,
) -> None:
    write(tmp_path, run(50_000, 280.0, naive_markers=(50_000, 161_234)))
    write(tmp_path, run(10_000, 140.0, naive_markers=(32_489, 32_489)))

    scales = json.loads((tmp_path / "benchmarks.json").read_text(encoding="utf-8"))["scales"]
    capped = scales["50000"]["latest"]
    assert (capped["naive_markers"], capped["naive_markers_all"]) == (50_000, 161_234)
    md = sections(tmp_path / "BENCHMARKS.md")
    assert (
        "folium page with 50,000 of the city's 161,234 markers (capped) and reload"
        in md["bench-50000"]
    )
    assert "folium page with 32,489 markers and reload" in md["bench-10000"]
    assert "(capped)" not in md["bench-10000"]


def test_the_spread_is_computed_from_the_stored_runs(tmp_path: Path) -> None:
    for p95, startup in ((180.0, 1.0), (120.0, 3.0), (150.0, 1.8)):
        write(tmp_path, run(10_000, p95, startup_s=startup))
    entry = json.loads((tmp_path / "benchmarks.json").read_text(encoding="utf-8"))["scales"][
        "10000"
    ]
    rows = {row["figure"]: row for row in entry["summary"]["targets"]}
    p95 = rows["insert_to_point_ms.p95"]
    assert (p95["min"], p95["median"], p95["max"], p95["runs"]) == (120.0, 150.0, 180.0, 3)
    assert p95["target"] == 150 and p95["verdict"] == "met"  # the median, at the target
    assert rows["startup_s"]["verdict"] == "met" and rows["startup_s"]["median"] == 1.8
    assert rows["batch_10k_moves_ms"]["verdict"] == "met"
    assert rows["gui_max_stall_steady_ms"]["verdict"] == "met"
    assert rows["insert_to_point_ms.p50"]["verdict"] is None  # no target: none made up

    md = (tmp_path / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert "| INSERT → point p95 | 150 ms (120–180, 3 runs) | ≤ 150 ms | **met** |" in md
    assert "## 50,000 grids" not in md and "not measured yet" in md  # no section, no figures
    assert "3 runs kept (the last 5 are), 3 counted." in md
    assert "window → city on the map 1–3 s" in md  # the figure that moved most, in words

    for _ in range(KEEP_RUNS):
        write(tmp_path, run(10_000, 400.0))
    entry = json.loads((tmp_path / "benchmarks.json").read_text(encoding="utf-8"))["scales"][
        "10000"
    ]
    assert len(entry["runs"]) == KEEP_RUNS
    rows = {row["figure"]: row for row in entry["summary"]["targets"]}
    assert rows["insert_to_point_ms.p95"]["min"] == 400.0
    assert rows["insert_to_point_ms.p95"]["verdict"] == "missed"


def test_only_runs_alike_are_compared_and_quiet_ones_preferred(tmp_path: Path) -> None:
    write(tmp_path, run(10_000, 100.0, code="old"))
    write(tmp_path, run(10_000, 500.0, settings={**SETTINGS, "inserts": 5}))
    write(tmp_path, run(10_000, 130.0))
    write(tmp_path, run(10_000, 900.0, load=6.5))  # a loaded machine
    write(tmp_path, run(10_000, 140.0))
    entry = json.loads((tmp_path / "benchmarks.json").read_text(encoding="utf-8"))["scales"][
        "10000"
    ]
    s = entry["summary"]
    assert (s["runs_kept"], s["runs_counted"], s["quiet"]) == (5, 2, True)
    p95 = {row["figure"]: row for row in s["targets"]}["insert_to_point_ms.p95"]
    assert (p95["min"], p95["max"]) == (130.0, 140.0)
    md = (tmp_path / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert "| counted | | no: other code | no: other settings | yes | no: loaded | yes | | |" in md

    # Only loaded runs of the latest code: they count, and the report says so.
    loaded = tmp_path / "loaded"
    write(loaded, run(50_000, 250.0, load=7.0))
    md = (loaded / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert "**50,000 grids: measured on a loaded machine** (1-minute load average 7" in md
    assert "| 1 **loaded** (7) |" in md


def test_a_report_of_one_flat_run_becomes_that_scale_s_first_run(tmp_path: Path) -> None:
    """The format before scales: its run is kept, its unfenced report replaced."""
    old = run(10_000, 199.0, load=0.4)
    old.pop("code")
    old.pop("settings")
    (tmp_path / "benchmarks.json").write_text(json.dumps({**old, "kpi": _kpi()}), "utf-8")
    (tmp_path / "BENCHMARKS.md").write_text(
        "# Benchmarks\n\n## Figures\n\nold\n\n"
        "<!-- section:overdue-forecast -->\n## Forecast\n<!-- /section:overdue-forecast -->\n",
        encoding="utf-8",
    )
    write(tmp_path, run(50_000, 320.0, load=0.3))
    data = json.loads((tmp_path / "benchmarks.json").read_text(encoding="utf-8"))
    assert data["scales"]["10000"]["runs"][0]["figures"]["insert_to_point_ms"]["p95"] == 199.0
    assert data["kpi"] == _kpi()
    md_path = tmp_path / "BENCHMARKS.md"
    assert list(sections(md_path)) == ["bench-10000", "bench-50000", "overdue-forecast"]
    text = md_path.read_text(encoding="utf-8")
    assert "\nold\n" not in text
    assert "| INSERT → point p95 | 199 ms | ≤ 150 ms | **missed** | 320 ms | ≤ 300 ms" in text


def _kpi() -> dict[str, Any]:
    return {
        "kpi_query_ms": {"p50": 30.0, "p95": 60.0, "max": 90.0},
        "samples": 3,
        "tickets": 3000,
        "trace_rows": 12000,
        "grids": 12,
        "target_p95_ms": 200.0,
        "load_average_1m": 0.3,
        "slowest": {"ms": 90.0, "from": "2026-03-01", "to": "2026-04-01", "region": "4401"},
        "measured_at": "2026-12-01T20:00:00+00:00",
        "date": "2026-12-01",
        "seed_s": None,
    }
