"""The command centre's validation flags exactly the simulator's malformed rows, no good ones."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row, tuple_row

from gridcommand.db.fieldsim.options import SimOptions
from gridcommand.db.fieldsim.runner import run
from gridcommand.db.live import queries as q
from gridcommand.db.live.validation import Validator

#: The reason the command centre should give for each kind of malformed row that gets in.
EXPECTED = {
    "outside_district": "outside_district",
    "duplicate_report": "duplicate_report",
    "empty_description": "empty_description",
    "huge_description": "description_too_long",
}


def test_validator_flags_the_bad_rows_and_only_them(seeded: str) -> None:
    with psycopg.connect(seeded) as conn:
        (before_t, before_p) = conn.execute(
            "SELECT (SELECT max(id) FROM tickets), (SELECT coalesce(max(id), 0) FROM worker_positions)"
        ).fetchone() or (0, 0)
    options = SimOptions(
        position_interval=0.5, tickets_per_minute=3000, speed=600, bad_rows=0.2, random_seed=11
    )
    stats = run(seeded, options, duration=3.0)
    assert stats.bad_ids
    assert stats.bad_written["grids broken_geojson"] >= 1  # and restored when the run ended

    validator = Validator()
    with psycopg.connect(seeded, row_factory=dict_row) as conn:
        for row in conn.execute(q.GRIDS, {"x": 0, "initial": True}):
            assert validator.check_grid(q.grid(row)).accepted  # broken ones were restored
        validator.known_categories = {r["code"] for r in conn.execute(q.CATEGORIES)}
        tickets = conn.execute(
            q._TICKET_COLUMNS + " WHERE t.id > %(id)s ORDER BY t.id", {"id": before_t}
        ).fetchall()
        with conn.cursor(row_factory=tuple_row) as cur:  # as the feed reads them
            positions = cur.execute(
                "SELECT id, worker_code, recorded_at, lon, lat, accuracy_m, source"
                " FROM worker_positions WHERE id > %s ORDER BY id",
                (before_p,),
            ).fetchall()

    flagged: dict[tuple[str, int], str] = {}
    for row in tickets:
        record = q.ticket(row)
        verdict = validator.check_ticket(record)
        if verdict.accepted:
            validator.remember(record)
        elif verdict.rejection is not None:
            flagged["tickets", record.id] = verdict.rejection.reason_code
    _, refused = validator.check_positions([q.position(row) for row in positions])
    for rejection in refused:
        flagged["worker_positions", int(rejection.row_ref)] = rejection.reason_code

    expected = {key: EXPECTED[kind] for key, kind in stats.bad_ids.items()}
    assert flagged == expected
    assert len(set(expected.values())) == len(EXPECTED)  # every kind that gets in was seen
