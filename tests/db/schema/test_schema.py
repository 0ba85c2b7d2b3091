"""The shared schema's own guarantees, checked on a real PostgreSQL."""

from __future__ import annotations

import json

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, IntegrityError

from gridcommand.db.schema.migrate import current_revision, head_revision, upgrade
from tests.conftest import conninfo


def _base_rows(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO regions (code, name, level, parent_code) VALUES "
                "('D1', '示范区', 'district', NULL), ('S1', '街道', 'street', 'D1'),"
                "('C1', '社区', 'community', 'S1')"
            )
        )
        square = {
            "type": "Polygon",
            "coordinates": [[[113.0, 23.0], [113.01, 23.0], [113.01, 23.01], [113.0, 23.0]]],
        }
        conn.execute(
            text(
                "INSERT INTO grids (code, name, community_code, boundary, households)"
                " VALUES ('G1', '一网格', 'C1', CAST(:b AS jsonb), 420)"
            ),
            {"b": json.dumps(square)},
        )
        conn.execute(
            text(
                "INSERT INTO workers (code, name, role, grid_code, phone)"
                " VALUES ('W1', '王芳', 'full_time', 'G1', '13800001234')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO category_classes (code, name, name_en) VALUES ('02', '城市管理', 'City')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO categories (code, class_code, name, name_en, severity,"
                " time_limit_minutes, default_priority) VALUES"
                " ('0201', '02', '井盖缺失', 'Missing cover', 'small', 720, 2)"
            )
        )


def test_migrations_run_up_from_empty(empty_db_url: URL) -> None:
    from gridcommand.db.schema.engine import make_engine

    engine = make_engine(empty_db_url)
    try:
        assert current_revision(engine) is None
        assert upgrade(engine) == head_revision()
        assert current_revision(engine) == head_revision()
        # Running it again is a no-op, not an error.
        assert upgrade(engine) == head_revision()
    finally:
        engine.dispose()


def test_ticket_needs_valid_status(engine: Engine) -> None:
    _base_rows(engine)
    with pytest.raises(IntegrityError, match="ck_tickets_status"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, status) "
                "VALUES ('hotline', '0201', 'lost')"
            )
        )


def test_ticket_needs_known_category(engine: Engine) -> None:
    _base_rows(engine)
    with pytest.raises(IntegrityError, match="category_code"), engine.begin() as conn:
        conn.execute(text("INSERT INTO tickets (source, category_code) VALUES ('hotline', '9999')"))


def test_position_with_latitude_95_is_refused(engine: Engine) -> None:
    _base_rows(engine)
    with pytest.raises(IntegrityError, match="lat_range"), engine.begin() as conn:
        conn.execute(
            text("INSERT INTO worker_positions (worker_code, lon, lat) VALUES ('W1', 113.0, 95)")
        )
    with pytest.raises(IntegrityError, match="lat_range"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO worker_positions (worker_code, lon, lat)"
                " VALUES ('W1', 113.0, 'NaN'::float8)"
            )
        )


def test_ticket_gets_deadline_priority_code_and_a_trace(engine: Engine) -> None:
    _base_rows(engine)
    with engine.begin() as conn:
        row = conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, grid_code, lon, lat, reporter)"
                " VALUES ('wechat', '0201', 'G1', 113.005, 23.004, '市民')"
                " RETURNING id, code, priority, deadline - reported_at AS limit, version"
            )
        ).one()
    assert row.priority == 2
    assert row.limit.total_seconds() == 12 * 3600
    assert row.code.startswith("T") and row.code.endswith(f"-{row.id}")
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('gridcommand.actor', 'officer.li', true)"))
        conn.execute(
            text("UPDATE tickets SET status = 'registered' WHERE id = :id"), {"id": row.id}
        )
        after = conn.execute(
            text("SELECT version, registered_at IS NOT NULL AS stamped FROM tickets WHERE id=:id"),
            {"id": row.id},
        ).one()
    assert after.version == row.version + 1
    assert after.stamped
    with engine.connect() as conn:
        trace = conn.execute(
            text("SELECT action, actor FROM ticket_actions WHERE ticket_id = :id ORDER BY id"),
            {"id": row.id},
        ).all()
    assert [(t.action, t.actor) for t in trace] == [("report", "市民"), ("register", "officer.li")]


def test_trace_is_append_only(engine: Engine) -> None:
    _base_rows(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO tickets (source, category_code) VALUES ('hotline', '0201')"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE ticket_actions SET actor = 'someone else'"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM ticket_actions"))


def test_notify_fires_on_insert_and_update(engine: Engine, db_url: URL) -> None:
    _base_rows(engine)
    with psycopg.connect(conninfo(db_url), autocommit=True) as listener:
        listener.execute("LISTEN gridcommand_changes")
        with engine.begin() as conn:
            tid = conn.execute(
                text(
                    "INSERT INTO tickets (source, category_code) VALUES ('hotline', '0201')"
                    " RETURNING id"
                )
            ).scalar_one()
        with engine.begin() as conn:
            conn.execute(text("UPDATE tickets SET description = 'x' WHERE id = :id"), {"id": tid})
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO worker_positions (worker_code, lon, lat) VALUES ('W1', 113, 23)")
            )
        payloads = []
        for note in listener.notifies(timeout=2.0):
            payloads.append(json.loads(note.payload))
            if len(payloads) >= 5:
                break
    tickets = [p for p in payloads if p["t"] == "tickets"]
    assert {"t": "tickets", "id": str(tid), "op": "I"} in tickets
    assert {"t": "tickets", "id": str(tid), "op": "U"} in tickets
    assert any(p["t"] == "ticket_actions" for p in payloads)
    assert any(p["t"] == "worker_positions" and p["op"] == "I" for p in payloads)


def test_txid_watermark_is_stamped(engine: Engine) -> None:
    _base_rows(engine)
    with engine.begin() as conn:
        xmin_before = conn.execute(
            text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        ).scalar_one()
    with engine.begin() as conn:
        conn.execute(text("UPDATE workers SET name = '王芳芳' WHERE code = 'W1'"))
    with engine.connect() as conn:
        txid = conn.execute(text("SELECT txid FROM workers WHERE code = 'W1'")).scalar_one()
    assert txid >= xmin_before
