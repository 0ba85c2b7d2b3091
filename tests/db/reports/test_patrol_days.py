"""Patrol days (migration 0011) as the field writes fixes, and the score's patrol part from them.

The fixes are written as a COPY by the tables' owner (as the demo's simulator writes)
and as rows of an INSERT by a real field login (PostgreSQL refuses it COPY under
row-level security), with the awkward ones a city sends: a buffered fix uploaded after later ones, fixes a few
seconds either side of local midnight, a fix from a tablet whose clock runs a day
ahead. The kept days must equal a recount of the fixes, and the patrol part of the
score, for periods that start and end inside a day, must equal ``kpi_oracle``'s
count over the fixes themselves.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import ProgrammingError

from gridcommand.db.demo.seed import DISTRICT_CODE
from gridcommand.db.reports.kpi import Period, compute_kpis
from tests.db.reports import kpi_oracle as oracle
from tests.db.schema import test_roles as roles
from tests.db.schema.test_roles import COMMUNITY, Login

login = roles.login
seeded = roles.seeded
CST = oracle.CST


def _at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=CST)


def _now(engine: Engine) -> datetime:
    with engine.connect() as conn:
        now: datetime = conn.execute(text("SELECT now()")).scalar_one()
    return now


def _write(writer: Engine, rows: list[tuple[str, datetime]], *, copy: bool) -> None:
    """One statement of fixes, as a field back end forwards a batch (docs/field-contract.md)."""
    with writer.begin() as conn:
        if copy:
            raw = conn.connection.driver_connection
            assert raw is not None
            with (
                raw.cursor() as cur,
                cur.copy(
                    "COPY worker_positions (worker_code, lon, lat, accuracy_m, recorded_at)"
                    " FROM STDIN"
                ) as out,
            ):
                for worker, at in rows:
                    out.write_row((worker, 113.38, 22.93, 8.0, at))
        else:
            conn.execute(
                text(
                    "INSERT INTO worker_positions (worker_code, lon, lat, recorded_at)"
                    " SELECT w, 113.38, 22.93, t FROM unnest(CAST(:w AS text[]),"
                    " CAST(:t AS timestamptz[])) AS f(w, t)"
                ),
                {"w": [w for w, _ in rows], "t": [t for _, t in rows]},
            )


@pytest.fixture
def patrols(seeded: Engine, login: Login) -> dict[str, Any]:
    """Three workers' awkward fixes over the last days: a COPY, then a field login's INSERTs."""
    _, field = login("gc_field", DISTRICT_CODE)
    with seeded.connect() as conn:
        workers = conn.execute(text("SELECT code FROM workers ORDER BY code LIMIT 3")).scalars()
        a, b, c = workers.all()
    now = _now(seeded)
    today = now.astimezone(CST).date()
    d1, d2, d3, d5 = (today - timedelta(days=n) for n in (1, 2, 3, 5))
    _write(
        seeded,
        [
            (a, _at(d5, 9)),
            (a, _at(d3, 0, 0, 10)),  # just after a midnight
            (b, _at(d3, 23, 59, 50)),  # just before the next
            (a, _at(d2, 10)),
            (b, _at(d1, 14)),
        ],
        copy=True,
    )
    # Later, a tablet uploads what it buffered: d2's first fix, hours before the known one.
    _write(field, [(a, _at(d2, 6)), (c, _at(d2, 6, 30))], copy=False)
    # And one whose clock runs a day ahead.
    _write(field, [(c, now + timedelta(days=1))], copy=False)
    return {"workers": (a, b, c), "days": (d1, d2, d3, d5), "now": now, "field": field}


def _kept(engine: Engine) -> dict[tuple[str, date], datetime]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT worker_code, day, first_at FROM worker_patrol_days"))
        return {(r.worker_code, r.day): r.first_at for r in rows}


def _recount(engine: Engine, now: datetime) -> dict[tuple[str, date], datetime]:
    first: dict[tuple[str, date], datetime] = {}
    with engine.connect() as conn:
        fixes = conn.execute(text("SELECT worker_code, recorded_at FROM worker_positions"))
        for worker, at in fixes:
            if at <= now + timedelta(minutes=5):
                key = (worker, at.astimezone(CST).date())
                first[key] = min(first.get(key, at), at)
    return first


def test_the_kept_days_are_a_recount_of_the_fixes(seeded: Engine, patrols: dict[str, Any]) -> None:
    kept = _kept(seeded)
    assert kept == _recount(seeded, patrols["now"])
    a, _, c = patrols["workers"]
    _, d2, _, _ = patrols["days"]
    assert kept[(a, d2)] == _at(d2, 6)  # the late upload lowered the day's first fix
    tomorrow = (patrols["now"] + timedelta(days=1)).astimezone(CST).date()
    assert (c, tomorrow) not in kept  # the clock a day ahead made no patrol day


def _patrol(engine: Engine, start: datetime, end: datetime, now: datetime, by: str) -> dict:
    rows = compute_kpis(engine, Period(start, end), by=by, now=now)
    return {r.code: r.patrol for r in rows if r.patrol}


def _oracle(engine: Engine, start: datetime, end: datetime, now: datetime, by: str) -> dict:
    rows = oracle.read_rows(engine)
    grids = list(rows.grids)
    grid_patrol, _, worker_patrol, _ = oracle.field_parts(rows, start, end, now, grids)
    return {k: v for k, v in (grid_patrol if by == "grid" else worker_patrol).items() if v}


@pytest.mark.parametrize("by", ["grid", "worker"])
def test_patrol_for_periods_cut_inside_a_day_equals_a_count_of_the_fixes(
    seeded: Engine, patrols: dict[str, Any], by: str
) -> None:
    now = patrols["now"]
    d1, d2, d3, d5 = patrols["days"]
    today = now.astimezone(CST).date()
    periods = [
        (_at(d5, 0), _at(today, 0)),  # whole days
        (_at(d5, 0), now + timedelta(days=3)),  # to now
        (_at(d2, 8), now),  # starts after d2's late 06:00 fix, before its 10:00 one
        (_at(d2, 11), now),  # after every d2 fix: d2 does not count
        (_at(d3, 0, 0, 20), _at(d2, 7)),  # after the fix at 00:00:10; ends after d2's 06:00
        (_at(d3, 23, 59, 55), _at(d1, 0)),  # b's fix 5 s before is outside
        (_at(d2, 6, 15), _at(d2, 6, 45)),  # one day, inside it
    ]
    for start, end in periods:
        expected = _oracle(seeded, start, end, now, by)
        got = _patrol(seeded, start, end, now, by)
        assert got.keys() == expected.keys(), (start, end)
        for unit, share in expected.items():
            assert got[unit] == pytest.approx(share), (start, end, unit)
    a, _, c = patrols["workers"]
    if by == "worker":  # the periods' edges fell where they were meant to
        inside = _patrol(seeded, _at(d2, 6, 15), _at(d2, 6, 45), now, by)
        assert c in inside and a not in inside  # a's 06:00 upload is before the start
        assert _patrol(seeded, _at(d2, 8), _at(d2, 12), now, by).get(a) == 1.0
        assert a not in _patrol(seeded, _at(d2, 11), _at(d2, 12), now, by)


def test_the_field_cannot_write_the_kept_days_and_operators_see_their_scope(
    seeded: Engine, login: Login, patrols: dict[str, Any]
) -> None:
    field = patrols["field"]
    a, _, _ = patrols["workers"]
    for statement in (
        "INSERT INTO worker_patrol_days VALUES (:w, current_date - 100, now())",
        "UPDATE worker_patrol_days SET first_at = now() WHERE worker_code = :w",
        "SELECT count(*) FROM worker_patrol_days",
    ):
        with pytest.raises(ProgrammingError, match="permission denied"), field.begin() as conn:
            conn.execute(text(statement), {"w": a})

    _, viewer = login("gc_viewer", COMMUNITY)
    with viewer.connect() as conn:
        seen = conn.execute(text("SELECT worker_code, day FROM worker_patrol_days")).all()
    with seeded.connect() as conn:
        mine = set(
            conn.execute(
                text(
                    "SELECT w.code FROM workers w JOIN grids g ON g.code = w.grid_code"
                    " WHERE g.community_code = :c"
                ),
                {"c": COMMUNITY},
            ).scalars()
        )
    per_worker: dict[str, int] = defaultdict(int)
    for worker, _ in seen:
        per_worker[worker] += 1
    assert per_worker and set(per_worker) <= mine
    everyone = {w for w, _ in _kept(seeded)}
    assert everyone - mine  # there were others' days to hide
