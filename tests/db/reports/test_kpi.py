"""``gridcommand kpi`` against a second route to every figure (Python over the stored rows).

The database is the demo district with 20 days of history, plus cases made for
the edges of docs/kpi.md: a case sent back twice, an approved extension, a
department's case that was never handled and is overdue, call-backs of every kind
(one of them reopening its case), patrols on several days, and a period with no
case at all (every rate ``null``).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.actions.service import Operator, perform
from gridcommand.db.demo.seed import DISTRICT_CODE, seed_demo
from gridcommand.desktop.cli import main
from tests.db.reports import kpi_oracle as oracle

CHEN = Operator("chen.jie", "陈洁", "supervisor", "district", DISTRICT_CODE)
FIGURES = (
    "registered",
    "handled_on_time_rate",
    "closed_rate",
    "closed_on_time_rate",
    "rework_rate",
    "extension_rate",
    "overdue_rate",
    "mean_handling_hours",
    "satisfaction_rate",
)
RATES = FIGURES[1:]
DEPARTMENT = "路灯所"


def _step(engine: Engine, tid: int, actor: str, status: str, **columns: Any) -> None:
    """One status change in its own transaction, named as the contract says."""
    sets = ", ".join(["status = :status", *(f"{k} = :{k}" for k in columns)])
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('gridcommand.actor', :a, true)"), {"a": actor})
        conn.execute(
            text(f"UPDATE tickets SET {sets} WHERE id = :id"),
            {"id": tid, "status": status, **columns},
        )


def _report(engine: Engine, grid: str, worker: str) -> int:
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('gridcommand.actor', :w, true)"), {"w": worker})
        return int(
            conn.execute(
                text(
                    "INSERT INTO tickets (source, category_code, grid_code, description, reporter)"
                    " VALUES ('patrol', '0207', :g, '垃圾未清运', :w) RETURNING id"
                ),
                {"g": grid, "w": worker},
            ).scalar_one()
        )


@pytest.fixture(scope="module")
def scenario(pg_server: Any) -> Any:
    """One seeded database for the whole module (the figures only read it)."""
    from tests.conftest import TEMPLATE, _drop_database, _fresh_database

    url = _fresh_database(pg_server, TEMPLATE)
    from gridcommand.db.schema.engine import make_engine

    engine = make_engine(url)
    seed_demo(engine, grids=12, random_seed=4, days=20)
    facts = _edges(engine)
    yield engine, url, facts
    engine.dispose()
    _drop_database(pg_server, url)


def _edges(engine: Engine) -> dict[str, Any]:
    worker = "W900001"  # new, so that no case of the history is theirs
    with engine.begin() as conn:
        grid = conn.execute(text("SELECT min(code) FROM grids")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO workers (code, name, role, grid_code)"
                " VALUES (:w, '测试员', 'part_time', :g)"
            ),
            {"w": worker, "g": grid},
        )
        patrollers = (
            conn.execute(text("SELECT code FROM workers ORDER BY code LIMIT 4")).scalars().all()
        )
    with engine.begin() as conn:  # patrols on several days, some before the current period
        for back in (0, 1, 2, 5, 9, 14):
            for code in patrollers[: 1 + back % 4]:
                conn.execute(
                    text(
                        "INSERT INTO worker_positions (worker_code, lon, lat, recorded_at)"
                        " VALUES (:w, 113.38, 22.93, now() - make_interval(days => :d))"
                    ),
                    {"w": code, "d": back},
                )
    # Sent back twice, then closed.
    twice = _report(engine, grid, worker)
    _step(engine, twice, "officer.li", "registered")
    _step(engine, twice, "officer.li", "dispatched", assignee_worker_code=worker)
    _step(engine, twice, worker, "in_progress")
    for _ in range(2):
        _step(engine, twice, worker, "handled")
        _step(engine, twice, "supervisor.zhao", "in_progress")  # the trigger names it send_back
    _step(engine, twice, worker, "handled")
    _step(engine, twice, "supervisor.zhao", "verified")
    _step(engine, twice, "supervisor.zhao", "closed")
    # An approved extension.
    extended = _report(engine, grid, worker)
    _step(engine, extended, "officer.li", "registered")
    _step(engine, extended, "officer.li", "dispatched", assignee_worker_code=worker)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ticket_extensions (ticket_id, requested_by, reason, new_deadline)"
                " SELECT id, :w, '需要更换配件', deadline + interval '3 days' FROM tickets"
                " WHERE id = :id"
            ),
            {"w": worker, "id": extended},
        )
        version = conn.execute(
            text("SELECT version FROM tickets WHERE id = :id"), {"id": extended}
        ).scalar_one()
    perform(engine, CHEN, "approve_extension", extended, version)
    # A department's case, never handled, its deadline passed.
    idle = _report(engine, grid, worker)
    _step(engine, idle, "officer.li", "registered")
    _step(engine, idle, "officer.li", "dispatched", assignee_department=DEPARTMENT)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE tickets SET deadline = now() - interval '1 hour' WHERE id = :id"),
            {"id": idle},
        )
        closed = (
            conn.execute(
                text(
                    "SELECT id FROM tickets WHERE status = 'closed' AND closed_at > now() - interval '9 days'"
                    " AND id NOT IN (SELECT ticket_id FROM ticket_feedback)"
                    " ORDER BY id LIMIT 7"
                )
            )
            .scalars()
            .all()
        )
    results = ("satisfied", "basically_satisfied", "unsatisfied")
    for n, tid in enumerate([*closed, twice]):
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO ticket_feedback (ticket_id, result) VALUES (:id, :r)"),
                {"id": tid, "r": results[n % 3]},
            )
    return {"grid": grid, "worker": worker, "twice": twice, "idle": idle, "extended": extended}


def _cli(url: URL, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    code = main(
        ["--db", url.render_as_string(hide_password=False), "kpi", "--format", "json", *args]
    )
    out = capsys.readouterr().out
    assert code == 0
    return list(json.loads(out))


def _today() -> date:
    return datetime.now(UTC).astimezone(oracle.CST).date()


def _periods() -> dict[str, tuple[date, date]]:
    today = _today()
    return {
        "current": (today - timedelta(days=8), today + timedelta(days=1)),
        "ended": (today - timedelta(days=18), today - timedelta(days=8)),
    }


def _expected(
    engine: Engine, first: date, last: date, now: datetime, region: str | None, by: str | None
) -> dict[str, dict[str, Any]]:
    rows = oracle.read_rows(engine)
    start = datetime.combine(first, datetime.min.time(), oracle.CST)
    end = datetime.combine(last, datetime.min.time(), oracle.CST)
    figures = oracle.figures(rows, start, end, now, region, by)
    grids = [g for g in rows.grids if oracle._in_region(rows, g, region)]
    grid_patrol, grid_reporting, worker_patrol, worker_reporting = oracle.field_parts(
        rows, start, end, now, grids
    )
    if by == "grid":
        units = grids
    elif by in ("street", "community"):
        units = sorted(
            c
            for c, r in rows.regions.items()
            if r.level == by
            and any(oracle._chain(rows, g)[by] == c for g in rows.grids)
            and (region is None or oracle._in_region(rows, _a_grid_of(rows, c), region))
        )
    elif by == "worker":
        units = [w for w, r in rows.workers.items() if r.active and r.grid_code in grids]
    elif by == "department":
        units = sorted(u for u, f in figures.items() if f.get("registered"))
    else:
        units = [""]
    expected = {}
    for unit in units:
        f = {k: None for k in FIGURES} | {"registered": 0} | figures.get(unit, {})
        patrol: float | None
        reporting: float | None
        if by == "worker":
            patrol, reporting = worker_patrol[unit], worker_reporting[unit]
        elif by == "department":
            patrol = reporting = None
        else:
            mine = grids if by is None else [g for g in grids if oracle._chain(rows, g)[by] == unit]
            patrol = sum(grid_patrol[g] for g in mine) / len(mine)
            reporting = sum(grid_reporting[g] for g in mine) / len(mine)
        f["patrol"], f["reporting"] = patrol, reporting
        f["score"] = oracle.score(
            {
                "patrol": patrol,
                "on_time": f["handled_on_time_rate"],
                "reporting": reporting,
                "satisfaction": f["satisfaction_rate"],
            },
            rows.weights,
        )
        expected[unit] = f
    return expected


def _a_grid_of(rows: oracle.Rows, region: str) -> str:
    return next(g for g in rows.grids if region in oracle._chain(rows, g).values())


def _same(got: dict[str, Any], want: dict[str, Any], where: str) -> None:
    for key in (*FIGURES, "patrol", "reporting", "score"):
        if want[key] is None:
            assert got[key] is None, (where, key, got[key])
        elif key == "score":
            assert got[key] == pytest.approx(want[key], abs=0.10001), (where, key)
        else:
            assert got[key] == pytest.approx(want[key], rel=1e-9, abs=1e-12), (where, key)


@pytest.mark.parametrize("period", ["current", "ended"])
@pytest.mark.parametrize("by", [None, "street", "community", "grid", "worker", "department"])
def test_every_figure_agrees_with_a_count_in_python(
    scenario: Any, capsys: pytest.CaptureFixture[str], period: str, by: str | None
) -> None:
    engine, url, _ = scenario
    first, last = _periods()[period]
    args = ["--from", first.isoformat(), "--to", last.isoformat()] + (["--by", by] if by else [])
    before = datetime.now(UTC)
    got = {row["code"]: row for row in _cli(url, capsys, *args)}
    after = datetime.now(UTC)
    want = _expected(engine, first, last, before, None, by)
    if any(_differs(got, want)):  # a deadline fell between the two clocks: count at the later
        want = _expected(engine, first, last, after, None, by)
    assert set(got) == set(want)
    for code, row in want.items():
        _same(got[code], row, f"{by} {code}")
        assert set(got[code]) >= {*FIGURES, "code", "name", "score"}


def _differs(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    return [c for c in want if c in got and got[c]["overdue_rate"] != want[c]["overdue_rate"]]


def test_a_region_is_its_own_tickets_only(
    scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    engine, url, facts = scenario
    first, last = _periods()["current"]
    with engine.connect() as conn:
        community, street = conn.execute(
            text(
                "SELECT c.code, c.parent_code FROM grids g JOIN regions c"
                " ON c.code = g.community_code WHERE g.code = :g"
            ),
            {"g": facts["grid"]},
        ).one()
    cases = (
        (street, None),
        (community, None),
        (facts["grid"], None),
        (street, "grid"),
        (community, "worker"),
    )
    for region, by in cases:
        args = ["--from", first.isoformat(), "--to", last.isoformat(), "--region", region]
        got = {r["code"]: r for r in _cli(url, capsys, *args, *(["--by", by] if by else []))}
        want = _expected(engine, first, last, datetime.now(UTC), region, by)
        if by is None:
            want = {region: want[""]}
        assert set(got) == set(want)
        for code, row in want.items():
            _same(got[code], row, f"{region} {code}")


def test_a_case_sent_back_twice_counts_once_and_keeps_its_first_handling(
    scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    engine, url, facts = scenario
    today = _today()
    with engine.connect() as conn:
        trace = (
            conn.execute(
                text("SELECT action FROM ticket_actions WHERE ticket_id = :id ORDER BY id"),
                {"id": facts["twice"]},
            )
            .scalars()
            .all()
        )
    assert trace.count("send_back") == 2 and trace.count("handle") == 3
    row = _cli(
        url,
        capsys,
        "--from",
        today.isoformat(),
        "--to",
        (today + timedelta(days=1)).isoformat(),
        "--region",
        facts["grid"],
        "--by",
        "worker",
    )
    mine = next(r for r in row if r["code"] == facts["worker"])
    # Today this worker handled one case (sent back twice), and one waits with an extension.
    assert mine["registered"] == 2
    assert mine["rework_rate"] == 1.0
    assert mine["extension_rate"] == 0.5
    assert mine["handled_on_time_rate"] == 1.0


def test_nothing_to_divide_by_gives_null_never_zero(
    scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _, url, _ = scenario
    empty = _cli(url, capsys, "--from", "2020-01-01", "--to", "2020-02-01")
    assert empty[0]["registered"] == 0
    assert all(empty[0][key] is None for key in (*RATES, "mean_handling_hours"))
    today = _today()
    departments = _cli(
        url,
        capsys,
        "--from",
        today.isoformat(),
        "--to",
        (today + timedelta(days=1)).isoformat(),
        "--by",
        "department",
    )
    idle = next(r for r in departments if r["code"] == DEPARTMENT)
    assert idle["registered"] == 1 and idle["closed_rate"] == 0.0 and idle["overdue_rate"] == 1.0
    for key in (
        "handled_on_time_rate",
        "closed_on_time_rate",
        "rework_rate",
        "mean_handling_hours",
        "satisfaction_rate",
        "patrol",
        "reporting",
        "score",
    ):
        assert idle[key] is None, key


def test_an_approved_extension_moves_the_deadline_the_figures_use(scenario: Any) -> None:
    engine, _, facts = scenario
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT t.deadline, e.new_deadline, e.old_deadline FROM tickets t"
                " JOIN ticket_extensions e ON e.ticket_id = t.id WHERE t.id = :id"
            ),
            {"id": facts["extended"]},
        ).one()
    assert row.deadline == row.new_deadline == row.old_deadline + timedelta(days=3)


def test_errors_are_one_sentence_and_a_non_zero_exit(
    scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _, url, _ = scenario
    db = url.render_as_string(hide_password=False)
    assert main(["--db", db, "kpi", "--region", "nowhere"]) != 0
    assert "no district, street, community or grid" in capsys.readouterr().err
    assert main(["--db", db, "kpi", "--from", "2026-12-01", "--to", "2026-11-01"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "before it starts" in err
    assert main(["--db", db, "kpi", "--set-weight", "luck=1"]) != 0
    assert "not a part of the score" in capsys.readouterr().err
