"""The figures as ``benchmarks.json`` (for tools) and ``BENCHMARKS.md`` (for people)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from gridcommand.db.live.feed import POLL_BUSY_S, POLL_IDLE_S
from gridcommand.desktop.bench.history import (
    KEEP_RUNS,
    QUIET_LOAD_PER_CORE,
    SCALES,
    TARGETS,
    add_run,
    counted,
    figure,
    upgrade,
)
from gridcommand.desktop.bench.profile import Profile
from gridcommand.desktop.bench.run import Figures, summarise
from gridcommand.desktop.bench.sections import fenced, split_sections

TARGET_P95_MS = 300.0
#: Issue 14: the slider moved by an hour shows the new moment within this (10,000 grids).
REPLAY_TARGET_MS = 500.0
REPLICA_TARGET_P95_MS = 1000.0
POLL_BUSY_MS, POLL_IDLE_MS = POLL_BUSY_S * 1000, POLL_IDLE_S * 1000
APP_PHASES = ("start-up", "live", "inserts", "batch", "after", "idle")
STEADY_PHASES = ("live", "inserts", "after", "idle")
SIMULATED = (
    "The field simulator (`gridcommand simulate`, default rates) runs as a separate process "
    "throughout."
)
QUIET = "**No simulator** in this run (`--no-simulator`): a quiet city, for comparison."


def results(
    figures: Figures,
    grids: int,
    workers: int,
    seed_s: float,
    machine: dict[str, Any],
    simulator: bool = True,
    settings: dict[str, Any] | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    s = summarise(figures)
    naive = figures.naive
    stalls = {k: round(v, 1) for k, v in figures.stalls.items()}
    valid = [b["page_apply_ms"] for b in figures.batches if b["page_apply_ms"] >= 0]
    return {
        "insert_to_point_ms": s["insert"],
        "batch_10k_moves_ms": s["batch_wall_ms"],
        "gui_max_stall_ms": max((stalls.get(p, 0.0) for p in APP_PHASES), default=0.0),
        "naive_rebuild_ms": round(naive.total_ms, 1) if naive else 0.0,
        "grids": grids,
        "workers": workers,
        "replay_seek_ms": {k: s["replay_seek"][k] for k in ("p50", "p95")},
        # -- beyond the issue's keys: where the time goes --------------------------------
        "inserts": len(figures.insert_ms) + figures.inserts_missed,
        "inserts_missed": figures.inserts_missed,
        "insert_to_store_ms": s["insert_to_store"],
        "insert_commit_ms": s["commit"],
        "batch_moves": figures.batches[0]["moves"] if figures.batches else 0,
        "batch_page_apply_ms": round(statistics.median(valid), 1) if valid else None,
        "batch_attempts": [{k: round(v, 1) for k, v in b.items()} for b in figures.batches],
        "gui_max_stall_steady_ms": max((stalls.get(p, 0.0) for p in STEADY_PHASES), default=0.0),
        "gui_max_stall_by_phase_ms": stalls,
        "page_work": _page_work(figures.page_work, figures.page_work_s),
        "full_gc_count": figures.full_gc[0],
        "full_gc_max_ms": round(figures.full_gc[1], 1),
        "full_gc_ms_by_phase": figures.full_gc_by_phase,
        "naive_build_ms": round(naive.build_ms, 1) if naive else None,
        "naive_load_ms": round(naive.load_ms, 1) if naive else None,
        "naive_markers": naive.markers if naive else 0,
        "naive_markers_all": naive.of_markers if naive else 0,
        "naive_html_mb": round(naive.html_mb, 1) if naive else 0.0,
        "seed_s": round(seed_s, 1),
        "phase_s": {"seed": round(seed_s, 1)}
        | {k: round(v, 1) for k, v in figures.phase_s.items()},
        "startup_s": round(figures.startup_s, 1),
        "settle_s": round(figures.settle_s, 1),
        "settle_max_stall_ms": stalls.get("settle", 0.0),
        "startup_max_stall_ms": stalls.get("start-up", 0.0),
        "idle_cpu_percent": round(figures.idle_cpu_percent, 1),
        "idle_cpu_others_percent": round(figures.idle_cpu_others_percent, 1),
        "rss_mb": round(figures.rss_mb),
        "simulator": simulator,
        # What makes two runs comparable: the same settings and the same code.
        "settings": settings,
        "code": code,
        "target_insert_p95_ms": TARGET_P95_MS,
        "profile": _profile(figures.profile),
        "notes": figures.notes,
        "machine": machine,
        "replica_insert_to_point_ms": (
            figures.replica["insert_to_point_ms"] if figures.replica else None
        ),
        "replica": figures.replica,
        "replay": {
            "seeks": len(figures.replay_seek_ms),
            "seek_ms": s["replay_seek"],
            "read_ms": s["replay_read"],
            "cold_seeks": len(figures.replay_cold_ms),
            "cold_ms": s["replay_cold"],
            "read_ahead": figures.replay_read_ahead,
            "target_ms": REPLAY_TARGET_MS,
        },
    }


def _profile(profile: Profile | None) -> dict[str, Any] | None:
    if profile is None or profile.wall_s <= 0:
        return None
    wall = profile.wall_s
    return {
        "wall_s": round(wall, 1),
        "flushes_per_s": round(profile.flushes / wall, 2),
        "changed_per_s": {k: round(v / wall) for k, v in profile.changed.items()},
        "hot": [
            {"function": f, "cumulative_s": t, "share": round(t / wall, 3), "calls": n}
            for f, t, n in profile.hot
        ],
    }


def write(out: Path, data: dict[str, Any], keep: int = KEEP_RUNS) -> tuple[Path, Path]:
    """Record the run under its scale; rewrite that scale's section and the headline only.

    The other scales' sections, the sections other measurements wrote (the category
    model, the forecast, the KPI runs) and the KPI board's own section stay as they were.
    """
    out.mkdir(parents=True, exist_ok=True)
    as_json = out / "benchmarks.json"
    as_md = out / "BENCHMARKS.md"
    before = json.loads(as_json.read_text(encoding="utf-8")) if as_json.exists() else {}
    store = upgrade(before)
    entry = add_run(store, data, keep)
    save(out, store, entry["grids"])
    return as_md, as_json


def save(out: Path, store: dict[str, Any], grids: int) -> None:
    """Write ``store`` as ``benchmarks.json`` and rewrite the section of ``grids``."""
    from gridcommand.desktop.bench.kpi_bench import kept_section

    as_json = out / "benchmarks.json"
    as_md = out / "BENCHMARKS.md"
    as_json.write_text(json.dumps(store, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    old_md = as_md.read_text(encoding="utf-8") if as_md.exists() else ""
    found = split_sections(old_md)
    scales = {name: block for name, block in found if name.startswith(SCALE_SECTION)}
    this = section_name(grids)
    scales[this] = fenced(this, scale_markdown(store["scales"][str(grids)]))
    for other in store["scales"].values():  # a scale the old report had no section for
        name = section_name(other["grids"])
        if name not in scales:
            scales[name] = fenced(name, scale_markdown(other))
    ordered = [scales[name] for name in sorted(scales, key=_grids_of)]
    others = [block for name, block in found if not name.startswith(SCALE_SECTION)]
    text = "\n".join([headline_markdown(store), *ordered, *others]) + kept_section(old_md)
    as_md.write_text(text, encoding="utf-8")


SCALE_SECTION = "bench-"


def section_name(grids: int) -> str:
    return f"{SCALE_SECTION}{grids}"


def _grids_of(name: str) -> int:
    tail = name.removeprefix(SCALE_SECTION)
    return int(tail) if tail.isdigit() else 0


def headline_markdown(store: dict[str, Any]) -> str:
    """The top of the report: how to run it, and each scale's figures against the targets."""
    stored = store.get("scales", {})
    grids = sorted({*SCALES, *(int(k) for k in stored)})
    entries = {g: stored.get(str(g)) for g in grids}
    header = "| figure | " + " | ".join(f"{g:,} grids | target | verdict" for g in grids) + " |"
    rule = "| --- |" + " --- | --- | --- |" * len(grids)
    runs_row = "| runs counted (1-min load before) | "
    runs_row += " | ".join(f"{_runs_cell(entries[g])} | |" for g in grids) + " |"
    rows = [header, rule, runs_row]
    for i, target in enumerate(TARGETS):
        cells = []
        for g in grids:
            entry = entries[g]
            row = entry["summary"]["targets"][i] if entry else {}
            limit = target.limits.get(g)
            value = _spread_cell(row, target.unit) if entry else "not measured yet"
            shown = f"≤ {_num(limit)} {target.unit}".replace(" %", " %") if limit else "—"
            if limit is not None and target.issue != 13:
                shown += f" (issue {target.issue})"
            mark = row.get("verdict") if entry else None
            cells.append(f"{value} | {shown} | {f'**{mark}**' if mark else ''}")
        rows.append(f"| {target.label} | " + " | ".join(cells) + " |")
    warnings = "".join(_loaded_warning(g, entries[g]) for g in grids if entries[g] is not None)
    return f"""# Benchmarks

Written by `gridcommand bench` (do not edit by hand; run it again). Each scale has a
section of its own and keeps its last {KEEP_RUNS} runs in `docs/benchmarks.json`
(`scales["10000"]`: the latest run's figures, each run's headline figures, their spread
and the verdicts); a run rewrites only its own scale's section and this table. The issue's
two scales, each three times in a row, on a quiet machine:

```bash
gridcommand bench --grids 10000 --replica --runs 3
gridcommand bench --grids 50000 --replica --runs 3
```

## Issue 13's figures against its targets

{warnings}{chr(10).join(rows)}

Each figure is the median of the runs counted, with their minimum–maximum when there is
more than one. The runs counted are those of the latest run's code and settings and, when
any of them is, those on a quiet machine (1-minute load average before the run at most
{QUIET_LOAD_PER_CORE:g} per core); the others stay listed in the scale's section. A
target is met when that median is at most the target; every verdict is computed, none
written by hand. The targets are issue 13's (the seed's "within 5 minutes" at 50,000
grids included) and issue 14's for replay; the naive page is the baseline of the same
runs. Where each figure comes from is in the scale's *Method*.
"""


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"


def _range(low: float, high: float) -> str:
    return _num(low) if low == high else f"{_num(low)}–{_num(high)}"


def _spread_cell(row: dict[str, Any], unit: str) -> str:
    if "median" not in row:
        return "—"
    text = f"{_num(row['median'])} {unit}"
    if row["runs"] > 1:
        text += f" ({_num(row['min'])}–{_num(row['max'])}, {row['runs']} runs)"
    return text


def _runs_cell(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "—"
    s = entry["summary"]
    loads = s["load_before"]
    load = (
        "?" if not loads else f"{loads[0]:g}" + (f"–{loads[1]:g}" if loads[1] != loads[0] else "")
    )
    return f"{s['runs_counted']} {'quiet' if s['quiet'] else '**loaded**'} ({load})"


def _loaded_warning(grids: int, entry: dict[str, Any]) -> str:
    s = entry["summary"]
    if s["quiet"]:
        return ""
    loads = _range(*s["load_before"]) if s["load_before"] else "?"
    cores = entry["runs"][-1]["cores"]
    return (
        f"**{grids:,} grids: measured on a loaded machine** (1-minute load average "
        f"{loads} before the runs, on {cores} cores; quiet is at most "
        f"{QUIET_LOAD_PER_CORE * cores:g}): these figures show "
        f"that the path works, not how fast it is. Rerun it on a quiet machine.\n\n"
    )


def scale_markdown(entry: dict[str, Any]) -> str:
    """One scale's section: its runs and their spread, then the latest run in full."""
    grids, latest = entry["grids"], entry["latest"]
    return f"""## {grids:,} grids

{runs_markdown(entry)}

{latest_markdown(latest)}"""


def runs_markdown(entry: dict[str, Any]) -> str:
    runs: list[dict[str, Any]] = entry["runs"]
    chosen = counted(runs)
    ids = {id(r) for r in chosen}
    last = runs[-1]
    head = "| figure | target | " + " | ".join(f"run {i}" for i in range(1, len(runs) + 1))
    head += " | counted: min–max | median |"
    rule = "| --- | --- |" + " --- |" * (len(runs) + 2)
    meta = [
        ("date (UTC)", [str(r.get("date") or "?")[5:16] for r in runs]),
        (
            "1-min load before / after",
            [f"{_load(r['load_before'])} / {_load(r['load_after'])}" for r in runs],
        ),
        ("code", [f"`{r['code']}`" if r.get("code") else "not recorded" for r in runs]),
        ("counted", [_why(r, last, chosen, id(r) in ids) for r in runs]),
    ]
    lines = [head, rule]
    lines += [f"| {label} | | " + " | ".join(cells) + " | | |" for label, cells in meta]
    spread_rows = {row["figure"]: row for row in entry["summary"]["targets"]}
    for target in TARGETS:
        values = [figure(r, target.figure) for r in runs]
        if all(v is None for v in values):
            continue
        limit = target.limits.get(grids_of(entry))
        row = spread_rows.get(target.figure, {})
        span = _range(row["min"], row["max"]) if row.get("runs", 0) > 1 else "—"
        median = f"{_num(row['median'])}" if "median" in row else "—"
        cells = " | ".join("—" if v is None else _num(v) for v in values)
        lines.append(
            f"| {target.label} ({target.unit}) | {f'≤ {_num(limit)}' if limit else '—'} | "
            f"{cells} | {span} | {median} |"
        )
    return f"""### Runs and spread

{spread_account(entry, chosen)}

{chr(10).join(lines)}"""


def _flags(settings: dict[str, Any]) -> str:
    """The command line's options that differ from the defaults, as given."""
    defaults = {"inserts": 200, "workers_moves": 10_000, "random_seed": 7, "simulator": True}
    flags = ""
    for key, default in defaults.items():
        value = settings.get(key, default)
        if value != default:
            option = "--" + key.replace("_", "-")
            flags += " --no-simulator" if key == "simulator" else f" {option} {value}"
    return flags + (" --replica" if settings.get("replica") else "")


def grids_of(entry: dict[str, Any]) -> int:
    return int(entry["grids"])


def _load(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _why(run: dict[str, Any], last: dict[str, Any], chosen: list[dict[str, Any]], ok: bool) -> str:
    if ok:
        return "yes"
    if run.get("code") != last.get("code"):
        return "no: other code"
    if run.get("settings") != last.get("settings"):
        return "no: other settings"
    return "no: loaded" if chosen and not run["quiet"] else "no"


def spread_account(entry: dict[str, Any], chosen: list[dict[str, Any]]) -> str:
    """In words: how many runs count, and which figures moved most between them."""
    runs = entry["runs"]
    left_out = len(runs) - len(chosen)
    text = (
        f"{len(runs)} run{'s' if len(runs) != 1 else ''} kept (the last {KEEP_RUNS} are), "
        f"{len(chosen)} counted"
    )
    text += (
        f", {left_out} not (other code or settings, or loaded while quiet runs exist). "
        if left_out
        else ". "
    )
    if len(chosen) < 2:
        return text + (
            "With one run counted there is no spread to show yet: `--runs 3` measures three "
            "in a row, each on a fresh city in a fresh process."
        )
    moved = []
    for row in entry["summary"]["targets"]:
        if row.get("runs", 0) > 1 and row["median"]:
            moved.append(((row["max"] - row["min"]) / abs(row["median"]), row))
    moved.sort(key=lambda pair: -pair[0])
    labels = {t.figure: t for t in TARGETS}
    parts = [
        f"{labels[r['figure']].label} {_num(r['min'])}–{_num(r['max'])} {r['unit']} "
        f"({share:.0%} of its median)"
        for share, r in moved[:3]
    ]
    steady = [labels[r["figure"]].label for share, r in moved if share <= 0.1]
    text += "Between the runs counted the figures moved most in: " + "; ".join(parts) + "."
    if steady:
        text += f" Within 10 % of the median: {'; '.join(steady)}."
    return text + (
        " The verdicts use the median, so one outlying run does not decide them; a "
        "target missed by less than the spread is not settled by these runs."
    )


def latest_markdown(d: dict[str, Any]) -> str:
    m = d["machine"]
    ins, store = d["insert_to_point_ms"], d["insert_to_store_ms"]
    phases = ", ".join(f"{k} {v:g}" for k, v in d["gui_max_stall_by_phase_ms"].items())
    rows = [
        ("INSERT → point in the page, p50 / p95 / p99", _ms3(ins)),
        ("  of which INSERT → store applied and diff sent, p50 / p95 / p99", _ms3(store)),
        ("  of which the INSERT's own commit, p50 / p95", _ms3(d["insert_commit_ms"], 2)),
        (
            f"one batch of {d['batch_moves']:,} worker moves, wall",
            f"{d['batch_10k_moves_ms']:g} ms",
        ),
        ("  of which applied inside the page (`gm.lastApplyMs`)", _opt(d["batch_page_apply_ms"])),
        ("longest GUI-thread stall (start-up to end, our window)", f"{d['gui_max_stall_ms']:g} ms"),
        (
            "  once the city is shown (live, inserts, idle)",
            f"{d['gui_max_stall_steady_ms']:g} ms",
        ),
        (
            f"longest full garbage collection (of {d.get('full_gc_count', 0)} in the run)",
            f"{d.get('full_gc_max_ms', 0.0):g} ms",
        ),
        (
            f"naive: rebuild the folium page with {_naive_markers(d)} and reload",
            f"{d['naive_rebuild_ms']:g} ms",
        ),
        (
            "  build (Python) / load (`loadFinished`)",
            f"{_opt(d['naive_build_ms'])} / {_opt(d['naive_load_ms'])}",
        ),
        ("seeding the city", f"{d['seed_s']:g} s"),
        ("each step of the run, wall time", _phases(d.get("phase_s"))),
        ("window opened → every grid drawn", f"{d['startup_s']:g} s"),
        ("  longest GUI-thread stall meanwhile", f"{d.get('startup_max_stall_ms', 0):g} ms"),
        (
            "window opened → start-up work done (queues, workers, outlines, models)",
            f"{d.get('settle_s', 0):g} s",
        ),
        (
            "  longest GUI-thread stall from the city drawn until then",
            f"{d.get('settle_max_stall_ms', 0):g} ms",
        ),
        (
            "main process CPU, idle with the simulator (100 % = one core)",
            f"{d.get('idle_cpu_percent', 0):g} %",
        ),
        (
            "  the app's other processes meanwhile (its feed, worker and web engine processes)",
            _percent_or_unmeasured(d.get("idle_cpu_others_percent")),
        ),
        (
            "RSS, the app's processes (main, feed, workers, web engine)",
            f"{d.get('rss_mb', 0):,} MB",
        ),
    ]
    table = "\n".join(f"| {a} | {b} |" for a, b in rows)
    notes = "".join(f"\n- {n}" for n in d["notes"])
    settings = d.get("settings") or {"replica": d.get("replica") is not None}
    command = f"`gridcommand bench --grids {d['grids']}{_flags(settings)}`"
    return f"""### The latest run in full

{command}, code {f"`{d['code']}`" if d.get("code") else "not recorded"}.

#### Machine

{m["cpu"]}, {m["cores"]} cores, {m["ram_gib"]} GiB RAM; {m["os"]}.
Load average (1 min) before the run {m.get("load_before", "?")}, after it \
{m.get("load_after", "?")} (other work on the machine shows here).
Python {m["python"]}, Qt {m["qt"]} (PySide6 {m["pyside6"]}, QtWebEngine {m["qtwebengine"]},
Chromium {m["chromium"]}), PostgreSQL {m["postgresql"]} (embedded). Run on {m["date"]}.

#### Method

A fresh embedded PostgreSQL in a temporary folder (deleted afterwards), seeded with
{d["grids"]:,} grids and {d["workers"]:,} workers (30 days of history).
{SIMULATED if d["simulator"] else QUIET}
The real window (`wire_window`: feed, store, queues, panels, map) is opened offscreen at
1920×1080 with the default feed settings. Once every grid is drawn, the bench waits
until the window's start-up work is done (queues and the workers' table filled, every
text sent to the page, the forecast and the category model learnt: "start-up work
done" below); the inserts and the steady figures are taken after it. Reports arriving
before then wait behind that work.

- **INSERT → point**: {d["inserts"]} tickets inserted from a separate connection, 5 a second;
  for each, the time from just before the INSERT (`time.time()`) until the page painted its
  point: the page stamps each new alert with `Date.now()` (the same wall clock) two
  animation frames after applying its diff, and the bench reads the stamps 4 times a second,
  so measuring does not load what it measures. "Store" is when the window's store applied
  the ticket (`perf_counter`, on the live thread that applies the store).
- **Batch**: {d["batch_moves"]:,} new worker fixes applied on the live thread as a feed batch
  is (the store, then its subscribers: the map's `DiffBuilder` builds the diff text there,
  the views hear on the GUI thread, the bridge sends the text), until the page's
  `gridmap.applied` shows it; median of 3. Live,
  the map sends worker moves one canvas of eight every 250 ms, so a move waits up to two
  seconds by design; here every canvas's share is sent at once, to time what it costs.
- **GUI stall**: a 10 ms precise `QTimer`; the longest gap between its ticks, per phase
  ({phases}; the profile and naive phases are not counted in the headline figure).
- **Naive**: every open alert and located worker as a `folium.CircleMarker` on a folium page
  with local Leaflet, written to a file (over `setHtml`'s 2 MB) and loaded into a second
  view, until `loadFinished`. Grid boundaries are left out, which flatters it.
- **Start-up**: from `wire_window` (the window built, before it is shown) until the page
  reports every grid of the store drawn (`gridmap.counts().grids`); the longest GUI stall
  meanwhile is the start-up phase's.
- **Idle CPU**: the main process's CPU time (`time.process_time()`, all its threads) over
  {settings.get("idle_seconds", 15):g} s of the live window left alone with the simulator
  running, divided by the wall time (100 % = one core).
  The app's other processes (the feed's process, the outline and learning processes,
  the QtWebEngine processes) are timed over the same seconds from `/proc/PID/stat`.
- **RSS**: resident memory (`/proc/PID/statm`) of the app's processes at the end of the
  idle phase: the main process and every process it started (the feed's, the worker
  processes, QtWebEngine's). The database server and the simulator are not counted.
  Until 2 December 2026 the bench counted only the main process and QtWebEngine's, so
  the earlier runs in the tables above leave out the feed's process (about 150 MB at
  10,000 grids).
- **Seeding**: `seed_demo` on the fresh server (grids, workers, 30 days of history), before
  the window opens; issue 13 asks for 50,000 grids within 5 minutes.

#### Figures

| what | time |
| --- | --- |
{table}

Target (issue 5): INSERT → point p95 under {d["target_insert_p95_ms"]:g} ms —
**{"met" if ins["p95"] < d["target_insert_p95_ms"] else "missed"}** ({ins["p95"]:g} ms).
{"Notes:" + notes if notes else ""}

#### Replica path

{replica_section(d.get("replica"), d["grids"])}

#### Replay (回放)

{replay_section(d.get("replay"), d["grids"])}

#### Where the page's time goes

{page_work_section(d.get("page_work"))}

#### Where the GUI thread's time goes

{profile_section(d.get("profile"))}

#### Interpretation

{interpretation(d)}
"""


def replay_section(r: dict[str, Any] | None, grids: int) -> str:
    if not r or not r["seeks"]:
        return "Not measured in this run."
    seek, read = r["seek_ms"], r["read_ms"]
    met = "met" if seek["p95"] <= r["target_ms"] else "missed"
    cold = _ms3(r["cold_ms"]) if r.get("cold_seeks") else "not measured"
    ahead = r.get("read_ahead")
    read_ahead = (
        ""
        if ahead is None
        else f""" While a moment is shown the replay reads the hours either side of it (the
slider's page keys step an hour); the bench looks at each moment for a second before the
next move, and {ahead} of the {r["seeks"]} hour moves found their moment read ahead. Moves
the replay has not read ahead (a drag of the handle) are timed apart, by 1 h 7 min."""
    )
    return f"""The real window opens replay on the last day (at 12 hours ago), then moves the
slider by one hour {r["seeks"]} times, on and back, as an operator looking for a moment
does. Each time is measured from the slider's move (`ReplayBar.seek`) until the page has
applied the new moment (`gridmap.applied`): the reads in pages off the GUI thread
(`db/replay`: each ticket's last trace row by then, each worker's last fix by then), the
moment's store and features built on that thread too, then on the GUI thread the diff from
the moment before sent to the page, the replay queues and charts refilled. The live feed and
the simulator run underneath.{read_ahead}

| what | p50 / p95 / p99 |
| --- | --- |
| slider moved by an hour → new moment shown on the page ({grids:,} grids) | {_ms3(seek)} |
|   of which read and prepared off the GUI thread, until handed over | {_ms3(read)} |
| slider moved by 1 h 7 min (not read ahead) → shown on the page | {cold} |

Target (issue 14): within {r["target_ms"]:g} ms at 10,000 grids — **{met}**
(p95 {seek["p95"]:g} ms).
"""


def replica_section(r: dict[str, Any] | None, grids: int) -> str:
    if not r:
        return "Not measured in this run (`gridcommand bench --replica`)."
    standby = r["connections"].get("standby", {})
    primary = r["connections"].get("primary", {})
    on_standby = ", ".join(f"{n} `{app}`" for app, n in standby.items()) or "none"
    on_primary = sum(primary.values())
    rows = [
        (
            "INSERT on the primary → point on the replica-fed page, p50 / p95 / p99",
            _ms3(r["insert_to_point_ms"]),
        ),
        (
            "  of which INSERT → the replica-fed store, p50 / p95 / p99",
            _ms3(r["insert_to_store_ms"]),
        ),
        ("the feed's catch-up (one poll), mean, client side", f"{r['catchup_ms_mean']:g} ms"),
        ("polls a second while the tickets arrived", f"{r['polls_per_s']:g}"),
        ("the console's connections on the standby", on_standby),
        ("the console's connections on the primary", f"{on_primary}"),
        ("standby made (pg_basebackup) and started", f"{r['standby_start_s']:g} s"),
        ("window opened → every grid drawn, from the standby", f"{r['startup_s']:g} s"),
        (
            "window opened → its start-up work done (the points are timed after it)",
            f"{r['settle_s']:g} s" if "settle_s" in r else "not measured",
        ),
    ]
    table = "\n".join(f"| {a} | {b} |" for a, b in rows)
    met = "met" if r["insert_to_point_ms"]["p95"] <= REPLICA_TARGET_P95_MS else "missed"
    refused = r.get("inserts_refused") or {}
    set_aside = "".join(f"; set aside as {code}: {n}" for code, n in sorted(refused.items()))
    return f"""After the measurements above, a streaming hot standby of the same city
({grids:,} grids) is made with the embedded server's own `pg_basebackup -R` and started;
a second window reads it (`--read-replica`), where LISTEN is refused, so its feed runs on
the catch-up alone (mode `{r["feed_mode"]}`: every {POLL_BUSY_MS:g} ms while changes arrive,
backing off to {POLL_IDLE_MS:g} ms). {r["inserts"]} tickets are inserted on the primary,
5 a second, and timed to the point on the replica-fed page as above
({r["inserts_missed"]} missed{set_aside}). The simulator keeps writing throughout.

| what | figure |
| --- | --- |
{table}

Target (issue 13): replica-fed INSERT → point p95 ≤ {REPLICA_TARGET_P95_MS:g} ms —
**{met}**. See `docs/deployment.md` for what this means for a district and a province."""


def profile_section(p: dict[str, Any] | None) -> str:
    if not p:
        return "Not profiled."
    changed = ", ".join(f"{v:,} {k}" for k, v in p["changed_per_s"].items()) or "nothing"
    rows = "\n".join(
        f"| `{h['function']}` | {h['cumulative_s']:g} s | {h['share']:.0%} | {h['calls']:,} |"
        for h in p["hot"]
    )
    return f"""cProfile over {p["wall_s"]:g} s of the live window after the measurements (the
profiler slows Python, so these are shares, not speeds): {p["flushes_per_s"]:g} store
updates a second carrying {changed} changes a second from the simulator.

| function (with what it calls) | time | share of wall | calls |
| --- | --- | --- | --- |
{rows}"""


def _page_work(work: dict[str, dict[str, float]], seconds: float) -> dict[str, Any]:
    rows = [
        {
            "kind": kind,
            "ms": round(w["ms"], 1),
            "share": round(w["ms"] / (seconds * 1000), 3) if seconds else 0.0,
            "count": int(w["n"]),
            "max_ms": round(w["max"], 1),
        }
        for kind, w in sorted(work.items(), key=lambda kv: -kv[1]["ms"])
    ]
    return {"seconds": round(seconds, 1), "rows": rows}


def page_work_section(work: dict[str, Any] | None) -> str:
    if not work or not work["rows"]:
        return "Not measured in this run."
    rows = "\n".join(
        f"| {r['kind']} | {r['ms']:g} ms | {r['share']:.0%} | {r['count']:,} | {r['max_ms']:g} ms |"
        for r in work["rows"]
    )
    return f"""The page's own timing of its work (`gridmap.perf`, `performance.now()` around
each kind) over the {work["seconds"]:g} s of the inserts. Painting a canvas is timed
where Leaflet redraws it; the browser's own compositing is not in these figures.

| work | time | share of the window | times | longest |
| --- | --- | --- | --- | --- |
{rows}"""


def _naive_markers(d: dict[str, Any]) -> str:
    drawn, everything = d["naive_markers"], d.get("naive_markers_all", d["naive_markers"])
    if everything > drawn:
        return f"{drawn:,} of the city's {everything:,} markers (capped)"
    return f"{drawn:,} markers"


def interpretation(d: dict[str, Any]) -> str:
    ins, store = d["insert_to_point_ms"], d["insert_to_store_ms"]
    page_part = max(ins["p50"] - store["p50"], 0.0)
    ratio = d["naive_rebuild_ms"] / d["batch_10k_moves_ms"] if d["batch_10k_moves_ms"] else 0.0
    steady = d["gui_max_stall_steady_ms"]
    text = (
        f"A new report reaches the map in {ins['p50']:g} ms at the median and "
        f"{ins['p95']:g} ms at p95; the INSERT reaches the window's store (feed NOTIFY, "
        f"coalescing and catch-up query, applied on the live thread) in "
        f"{store['p50']:g} ms at the median, and the diff's trip into the page "
        f"until its point is painted adds about {page_part:.0f} ms. "
    )
    if steady > d["target_insert_p95_ms"]:
        text += (
            f"The GUI thread is the bottleneck: once the city is shown it was stalled for up "
            f"to {steady:g} ms at a time, so a new ticket's diff text waits in the hand-off "
            f"until the thread is free to send it. "
            f"{_consumers(d.get('profile'))}"
        )
    text += (
        f"Moving {d['batch_moves']:,} workers at once costs {d['batch_10k_moves_ms']:g} ms "
        f"end to end (the page's own apply: {_opt(d['batch_page_apply_ms'])}), against "
        f"{d['naive_rebuild_ms']:g} ms to rebuild and reload the naive page with "
        f"{_naive_markers(d)} (about {ratio:.0f}×), which would also lose the operator's "
        f"zoom. The overall longest "
        f"stall ({d['gui_max_stall_ms']:g} ms) comes from the {_worst_phase(d)} phase."
    )
    return text


def _consumers(profile: dict[str, Any] | None) -> str:
    if not profile or not profile["hot"]:
        return ""
    skip = ("handoff.drain", "handoff._deliver", "handoff._guarded")
    hot = [h for h in profile["hot"] if not h["function"].endswith(skip)][:3]
    named = ", ".join(f"`{h['function']}` ({h['share']:.0%})" for h in hot)
    return (
        f"In the profile below (cumulative times, so nested rows overlap) the heaviest rows "
        f"after the hand-off's delivery itself are {named}. "
    )


def _worst_phase(d: dict[str, Any]) -> str:
    stalls = {k: v for k, v in d["gui_max_stall_by_phase_ms"].items() if k in APP_PHASES}
    return max(stalls, key=lambda k: stalls[k]) if stalls else "no"


def _ms3(spread: dict[str, float], n: int = 3) -> str:
    keys = ("p50", "p95", "p99")[:n]
    return " / ".join(f"{spread[k]:g}" for k in keys) + " ms"


def _phases(phases: dict[str, float] | None) -> str:
    if not phases:
        return "not recorded"
    total = sum(phases.values())
    return ", ".join(f"{k} {v:g}" for k, v in phases.items()) + f" (all: {total:,.0f} s)"


def _percent_or_unmeasured(value: float | None) -> str:
    return "not measured" if value is None else f"{value:g} %"


def _opt(value: float | None) -> str:
    return "—" if value is None else f"{value:g} ms"
