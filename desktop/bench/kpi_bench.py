"""``gridcommand bench --kpi``: how fast the KPI board answers on a million cases.

A database of its own (an embedded server in the user's cache folder, kept and
reused on the next run) holds a demo district of 1,000 grids and a year of
history: by default 1,000,000 closed cases, each with its report, dispatch,
handling and closing in the trace, some sent back, some extended, most of the
citizens' cases called back. It is written in a few set-based statements
(``generate_series``), not case by case. Then the board's question, a period and a
region (``load_report``: the figures, the period before, the ranking, the 30-day
trend and the grid scores) is asked for random months and weeks and regions, and
the times go to ``docs/BENCHMARKS.md`` and ``docs/benchmarks.json`` (key ``kpi``).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.reports.kpi import LOCAL, Period
from gridcommand.db.reports.monthly import load_report
from gridcommand.db.schema import embedded
from gridcommand.db.schema.engine import make_engine
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.migrate import upgrade

DATABASE = "kpibench"
GRIDS = 1000
TARGET_P95_MS = 200.0
BEGIN, END = "<!-- kpi-bench -->", "<!-- /kpi-bench -->"

_TICKETS = """
INSERT INTO tickets (code, source, category_code, grid_code, lon, lat, description, reporter,
                     priority, status, reported_at, registered_at, dispatched_at, accepted_at,
                     handled_at, verified_at, closed_at, deadline, assignee_worker_code)
SELECT 'B' || n, s.source, c.code, g.code, 113.38, 22.93, '历史案件', g.worker, 3,
       'closed', r, r + interval '10 minutes', r + interval '30 minutes',
       r + interval '50 minutes', h, h + interval '2 hours', h + interval '3 hours',
       r + make_interval(mins => c.time_limit_minutes), g.worker
  FROM generate_series(1::bigint, :n) AS n
  JOIN bench_grids g ON g.i = (n * 7919) % :grids
  JOIN bench_categories c ON c.i = (n * 104729) % :categories
  JOIN (VALUES (0, 'patrol'), (1, 'patrol'), (2, 'hotline'), (3, 'wechat')) AS s(i, source)
    ON s.i = n % 4
 -- Spread over the year by n itself: an uncorrelated random() would be drawn once.
 CROSS JOIN LATERAL (SELECT :now - interval '1 day'
                            - ((n * 48271) % 31536000) * interval '1 second' AS r) t
 CROSS JOIN LATERAL (
    SELECT r + interval '50 minutes' + make_interval(mins => c.time_limit_minutes)
               * (CASE WHEN random() < 0.08 THEN 1.05 + random() * 0.5
                       ELSE 0.1 + random() * 0.75 END) AS h) u
"""
_TRACE = """
INSERT INTO ticket_actions (ticket_id, action, from_status, to_status, actor, actor_role, at)
SELECT id, step.action, step.from_status, step.to_status,
       CASE WHEN step.action IN ('report', 'handle') THEN assignee_worker_code
            ELSE 'supervisor.zhao' END,
       CASE WHEN step.action IN ('report', 'handle') THEN 'field' ELSE 'supervisor' END,
       CASE step.action WHEN 'report' THEN reported_at WHEN 'dispatch' THEN dispatched_at
            WHEN 'handle' THEN handled_at ELSE closed_at END
  FROM tickets
 CROSS JOIN (VALUES ('report', NULL, 'reported'), ('dispatch', 'registered', 'dispatched'),
                    ('handle', 'in_progress', 'handled'), ('close', 'verified', 'closed'))
       AS step(action, from_status, to_status)
 WHERE code LIKE 'B%'
"""
_REWORK = """
INSERT INTO ticket_actions (ticket_id, action, from_status, to_status, actor, actor_role, at)
SELECT id, 'send_back', 'handled', 'in_progress', 'supervisor.zhao', 'supervisor',
       handled_at + interval '1 hour'
  FROM tickets WHERE code LIKE 'B%' AND id % 33 = 0
"""
_EXTENSIONS = """
INSERT INTO ticket_extensions (ticket_id, requested_by, requested_at, reason, old_deadline,
                               new_deadline, status, decided_by, decided_at)
SELECT id, assignee_worker_code, dispatched_at, '需协调相关部门', deadline,
       deadline + interval '1 day', 'approved', 'supervisor.zhao',
       dispatched_at + interval '30 minutes'
  FROM tickets WHERE code LIKE 'B%' AND id % 25 = 0
"""
_FEEDBACK = """
INSERT INTO ticket_feedback (ticket_id, ticket_closed_at, result, caller, recorded_at)
SELECT id, closed_at,
       CASE WHEN id % 10 < 7 THEN 'satisfied' WHEN id % 10 < 9 THEN 'basically_satisfied'
            ELSE 'unsatisfied' END,
       '12345', closed_at + interval '1 day'
  FROM tickets WHERE code LIKE 'B%' AND source IN ('hotline', 'wechat')
"""


def open_bench_database(
    folder: Path, tickets: int, say: Callable[[str], None]
) -> tuple[embedded.EmbeddedServer, Engine, float | None]:
    """The bench's database, made if missing; returns the seconds seeding took (None: reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    server = embedded.start(folder)
    try:
        engine = _database(server, fresh=False)
    except UserFacingError as exc:
        # Made by a build whose migrations differ (a development branch): it cannot be
        # upgraded in place, and a benchmark's cache is worth nothing but its time.
        say(f"bench --kpi: the cached database cannot be upgraded ({exc}); seeding anew")
        engine = _database(server, fresh=True)
    with engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM tickets WHERE code LIKE 'B%'")).scalar_one()
    if have >= tickets:
        say(f"bench --kpi: reusing {have:,} historical cases in {folder}")
        return server, engine, None
    if have:  # a smaller history: the trace is append-only, so start again
        engine.dispose()
        engine = _database(server, fresh=True)
    started = time.monotonic()
    with engine.connect() as conn:
        seeded = conn.execute(text("SELECT count(*) FROM grids")).scalar_one()
    if not seeded:
        say(f"bench --kpi: seeding a district of {GRIDS} grids…")
        seed_demo(engine, grids=GRIDS, random_seed=11, days=1)
    say(f"bench --kpi: writing {tickets:,} historical cases and their trace…")
    write_history(engine, tickets, datetime.now(UTC), say)
    return server, engine, time.monotonic() - started


def _database(server: embedded.EmbeddedServer, *, fresh: bool) -> Engine:
    admin = make_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if fresh:
            conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DATABASE}
        ).scalar()
        if not exists:
            conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    engine = make_engine(server.url(DATABASE))
    upgrade(engine)
    return engine


def write_history(engine: Engine, tickets: int, now: datetime, say: Callable[[str], None]) -> None:
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL gridcommand.bulk_load = 'on'"))
        conn.execute(
            text(
                "CREATE TEMP TABLE bench_grids ON COMMIT DROP AS"
                " SELECT (row_number() OVER (ORDER BY g.code) - 1)::int AS i, g.code,"
                " (SELECT min(code) FROM workers w WHERE w.grid_code = g.code"
                "   AND w.role = 'full_time') AS worker FROM grids g"
            )
        )
        conn.execute(
            text(
                "CREATE TEMP TABLE bench_categories ON COMMIT DROP AS"
                " SELECT (row_number() OVER (ORDER BY code) - 1)::int AS i, code,"
                " time_limit_minutes FROM categories"
            )
        )
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM bench_grids), (SELECT count(*) FROM bench_categories)"
            )
        ).one()
        steps = (
            ("cases", _TICKETS),
            ("trace", _TRACE),
            ("rework", _REWORK),
            ("extensions", _EXTENSIONS),
            ("call-backs", _FEEDBACK),
        )
        for name, sql in steps:
            started = time.monotonic()
            conn.execute(
                text(sql),
                {"n": tickets, "grids": counts[0], "categories": counts[1], "now": now},
            )
            say(f"  {name}: {time.monotonic() - started:.1f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))  # as autovacuum leaves a database at rest


def _questions(engine: Engine, now: datetime, samples: int, rng: random.Random) -> list[Any]:
    with engine.connect() as conn:
        streets = conn.execute(text("SELECT code FROM regions WHERE level = 'street'")).scalars()
        communities = conn.execute(
            text("SELECT code FROM regions WHERE level = 'community'")
        ).scalars()
        regions: list[str | None] = [None, *streets, *communities]
        grids = conn.execute(text("SELECT code FROM grids ORDER BY random() LIMIT 20")).scalars()
        regions += list(grids)
    today = now.astimezone(LOCAL).date()
    questions = []
    for _ in range(samples):
        back = rng.randrange(12)
        month = (today.year * 12 + today.month - 1) - back
        period = (
            Period.month(month // 12, month % 12 + 1)
            if rng.random() < 0.7
            else Period.of_days(
                monday := today - timedelta(days=today.weekday() + 7 * rng.randrange(50)),
                monday + timedelta(days=7),
            )
        )
        questions.append((period, rng.choice(regions)))
    return questions


def measure(engine: Engine, samples: int, seed: int = 7) -> dict[str, Any]:
    """Ask the board's question ``samples`` times (after one warm-up) and time each answer."""
    now = datetime.now(UTC)
    questions = _questions(engine, now, samples + 1, random.Random(seed))
    first_period, first_region = questions[0]
    load_report(engine, first_period, first_region, now, with_map=False)  # warm, as running
    load = os.getloadavg()[0]
    timed = []
    for period, region in questions[1:]:
        started = time.perf_counter()
        load_report(engine, period, region, now, with_map=False)  # what the board asks
        timed.append(((time.perf_counter() - started) * 1000, period, region))
    times = sorted(t for t, _, _ in timed)
    slowest = max(timed, key=lambda t: t[0])
    with engine.connect() as conn:
        tickets = conn.execute(text("SELECT count(*) FROM tickets")).scalar_one()
        actions = conn.execute(text("SELECT count(*) FROM ticket_actions")).scalar_one()
    return {
        "kpi_query_ms": {
            "p50": round(statistics.median(times), 1),
            "p95": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
            "max": round(times[-1], 1),
        },
        "samples": len(times),
        "tickets": tickets,
        "trace_rows": actions,
        "grids": GRIDS,
        "target_p95_ms": TARGET_P95_MS,
        "load_average_1m": round(load, 2),
        "slowest": {
            "ms": round(slowest[0], 1),
            "from": slowest[1].start.isoformat(),
            "to": slowest[1].end.isoformat(),
            "region": slowest[2] or "whole district",
        },
        "measured_at": now.isoformat(timespec="seconds"),
        "date": date.today().isoformat(),
    }


def markdown_section(k: dict[str, Any]) -> str:
    q = k["kpi_query_ms"]
    verdict = "met" if q["p95"] <= k["target_p95_ms"] else "missed"
    slow = k["slowest"]
    seeded = (
        f"written in {k['seed_s']:.0f} s"
        if k.get("seed_s") is not None
        else "reused from an earlier run"
    )
    return f"""{BEGIN}
## KPI board: answering a change of period or region (`gridcommand bench --kpi`)

{k["tickets"]:,} cases ({k["trace_rows"]:,} trace rows) over a year in a district of
{k["grids"]:,} grids, {seeded}. Each sample is the board's whole question for a random
month or week and a random region (district, street, community or grid): the figures,
the period before, the ranking of the level below and the 30-day trend
(`db/reports/monthly.load_report` as the board calls it), all computed by the database.

| figure | value |
| --- | --- |
| board answer (`kpi_query_ms`), p50 / p95 / max | {q["p50"]} / {q["p95"]} / {q["max"]} ms |
| samples | {k["samples"]} |
| target p95 | ≤ {k["target_p95_ms"]:g} ms ({verdict}) |
| slowest question | {slow["region"]}, {slow["from"][:10]} – {slow["to"][:10]}: {slow["ms"]} ms |
| machine load (1-minute average) when measured | {k["load_average_1m"]} on {os.cpu_count()} cores |

The figures are sums of per-day, per-community counts kept by triggers (`kpi_daily`,
`kpi_satisfaction_daily`, migration 0008; a month of the district is about 2,100 rows
instead of 83,000 cases), corrected for the cases whose steps or deadline fell after
the period's cut-off, which are read from one covering index of `ticket_kpi_facts`
(a past month has about 6 % of them); a grid's or worker's figures are counted case
by case from the same facts. The board asks four figure queries (the period, the
period before, the ranking, the trend), the call-backs and the patrol parts of the
score (`kpi_grid_monthly`).

Measured {k["measured_at"]}.
{END}
"""


def write_section(out: Path, figures: dict[str, Any]) -> tuple[Path, Path]:
    """Add or replace the KPI section and the ``kpi`` key; the other figures stay."""
    out.mkdir(parents=True, exist_ok=True)
    as_json = out / "benchmarks.json"
    data = json.loads(as_json.read_text(encoding="utf-8")) if as_json.exists() else {}
    data["kpi"] = figures
    as_json.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    as_md = out / "BENCHMARKS.md"
    md = as_md.read_text(encoding="utf-8") if as_md.exists() else "# Benchmarks\n"
    as_md.write_text(with_section(md, markdown_section(figures)), encoding="utf-8")
    return as_md, as_json


def with_section(md: str, section: str) -> str:
    if BEGIN in md and END in md:
        head, rest = md.split(BEGIN, 1)
        return head + section.rstrip("\n") + rest.split(END, 1)[1]
    return md.rstrip("\n") + "\n\n" + section


def kept_section(md: str) -> str:
    """The KPI section of an earlier ``BENCHMARKS.md``, to append to a rewritten one."""
    if BEGIN not in md or END not in md:
        return ""
    return "\n" + BEGIN + md.split(BEGIN, 1)[1].split(END, 1)[0] + END + "\n"
