"""Each scale's last few bench runs, their spread, and the issue's targets met or missed.

``docs/benchmarks.json`` keeps one entry per scale (``scales["10000"]``): the latest
run's full figures and the headline figures of its last :data:`KEEP_RUNS` runs. Runs
are compared only with runs of the same code and settings (a run of other code is kept,
listed, and not counted), and on a quiet machine only with quiet runs: the headline is
the median of the runs counted, with their minimum and maximum beside it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

KEEP_RUNS = 5
#: A run is quiet when the 1-minute load average before it is at most this per core.
QUIET_LOAD_PER_CORE = 0.3
SCALES = (10_000, 50_000)  # the issue's two scales: always in the headline

#: The headline figures each run keeps, by their keys in ``benchmarks.json``.
RUN_KEYS = (
    "insert_to_point_ms",
    "insert_to_store_ms",
    "replica_insert_to_point_ms",
    "gui_max_stall_ms",
    "gui_max_stall_steady_ms",
    "startup_s",
    "startup_max_stall_ms",
    "batch_10k_moves_ms",
    "batch_moves",
    "idle_cpu_percent",
    "rss_mb",
    "naive_rebuild_ms",
    "replay_seek_ms",
    "full_gc_max_ms",
    "seed_s",
    "workers",
    "inserts_missed",
)


@dataclass(frozen=True)
class Target:
    figure: str  # a key of a run's figures; ``a.b`` for ``figures["a"]["b"]``
    label: str
    unit: str  # "ms", "s", "%" or "MB"
    limits: dict[int, float]  # grids → the issue's target (at most)
    issue: int = 13


TARGETS = (
    Target("insert_to_point_ms.p95", "INSERT → point p95", "ms", {10_000: 150, 50_000: 300}),
    Target("insert_to_point_ms.p99", "INSERT → point p99", "ms", {10_000: 300, 50_000: 600}),
    Target(
        "gui_max_stall_steady_ms", "longest GUI stall once live", "ms", {10_000: 50, 50_000: 100}
    ),
    Target("startup_s", "window → city on the map", "s", {10_000: 2, 50_000: 5}),
    Target(
        "startup_max_stall_ms",
        "window → city: longest GUI stall meanwhile",
        "ms",
        {10_000: 200, 50_000: 300},
    ),
    Target("batch_10k_moves_ms", "one batch of 10,000 moves", "ms", {10_000: 100, 50_000: 200}),
    Target(
        "idle_cpu_percent", "main process CPU, idle with simulator", "%", {10_000: 10, 50_000: 20}
    ),
    Target("rss_mb", "RSS, app + web engine", "MB", {10_000: 900, 50_000: 1500}),
    Target(
        "replica_insert_to_point_ms.p95",
        "replica-fed INSERT → point p95",
        "ms",
        {10_000: 1000, 50_000: 1000},
    ),
    Target("seed_s", "seeding the city", "s", {50_000: 300}),
    Target("replay_seek_ms.p95", "replay: slider moved an hour, p95", "ms", {10_000: 500}, 14),
    # Beside them, in the same run: the figures without a target.
    Target("insert_to_point_ms.p50", "INSERT → point p50", "ms", {}),
    Target("naive_rebuild_ms", "naive page rebuild and reload (baseline)", "ms", {}),
)


def code_and_settings(run: dict[str, Any]) -> tuple[Any, Any]:
    return run.get("code"), run.get("settings")


def run_record(data: dict[str, Any]) -> dict[str, Any]:
    """What a scale keeps of one run: when, the load, the code, the settings, the figures."""
    machine = data.get("machine", {})
    cores = machine.get("cores") or 1
    load_before = machine.get("load_before")
    return {
        "date": machine.get("date"),
        "load_before": load_before,
        "load_after": machine.get("load_after"),
        "cores": cores,
        "quiet": is_quiet(load_before, cores),
        "code": data.get("code"),
        "settings": data.get("settings"),
        "figures": {key: data.get(key) for key in RUN_KEYS},
    }


def is_quiet(load_before: float | None, cores: int) -> bool:
    return load_before is not None and 0 <= load_before <= QUIET_LOAD_PER_CORE * cores


def figure(run: dict[str, Any], key: str) -> float | None:
    value: Any = run["figures"]
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return float(value) if isinstance(value, int | float) else None


def counted(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs the headline is made of: the latest run's code and settings, quiet if any."""
    if not runs:
        return []
    alike = [r for r in runs if code_and_settings(r) == code_and_settings(runs[-1])]
    quiet = [r for r in alike if r["quiet"]]
    return quiet or alike


def spread(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Median, minimum and maximum of every target's figure over ``runs``."""
    out: dict[str, dict[str, float]] = {}
    for target in TARGETS:
        values = [v for r in runs if (v := figure(r, target.figure)) is not None]
        if values:
            out[target.figure] = {
                "median": round(statistics.median(values), 1),
                "min": min(values),
                "max": max(values),
                "runs": len(values),
            }
    return out


def verdict(value: float | None, limit: float | None) -> str | None:
    if limit is None:
        return None
    if value is None:
        return "not measured"
    return "met" if value <= limit else "missed"


def summary(grids: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The scale's headline: which runs count, each figure's spread and verdict."""
    chosen = counted(runs)
    figures = spread(chosen)
    rows = []
    for target in TARGETS:
        limit = target.limits.get(grids)
        s = figures.get(target.figure)
        rows.append(
            {
                "figure": target.figure,
                "unit": target.unit,
                "target": limit,
                "issue": target.issue if limit is not None else None,
                **(s or {}),
                "verdict": verdict(s["median"] if s else None, limit),
            }
        )
    loads = [r["load_before"] for r in chosen if r["load_before"] is not None]
    return {
        "runs_counted": len(chosen),
        "runs_kept": len(runs),
        "quiet": bool(chosen) and all(r["quiet"] for r in chosen),
        "load_before": [min(loads), max(loads)] if loads else None,
        "targets": rows,
    }


def add_run(store: dict[str, Any], data: dict[str, Any], keep: int = KEEP_RUNS) -> dict[str, Any]:
    """Record ``data`` (one run's ``results``) under its scale; the scale's entry."""
    grids = int(data["grids"])
    scales = store.setdefault("scales", {})
    entry = scales.setdefault(str(grids), {"grids": grids, "runs": []})
    entry["runs"] = (entry["runs"] + [run_record(data)])[-keep:]
    entry["latest"] = data
    entry["summary"] = summary(grids, entry["runs"])
    return entry


def upgrade(before: dict[str, Any]) -> dict[str, Any]:
    """``benchmarks.json`` as one entry per scale; a file of one flat run becomes its first."""
    if "scales" in before or "grids" not in before:
        return dict(before)
    flat = {k: v for k, v in before.items() if k != "kpi"}
    store = {k: v for k, v in before.items() if k == "kpi"}
    add_run(store, flat)
    return store
