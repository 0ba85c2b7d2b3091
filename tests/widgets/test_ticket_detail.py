"""The detail panel on a real ticket: fields, photo, trace, and what each role may do."""

from __future__ import annotations

import json
import struct
import zlib

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text

from gridcommand.db.reports.ticket_detail import load_ticket_detail
from gridcommand.widgets.ticket_detail import TicketDetailPanel, allowed_actions


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _ticket(engine: Engine) -> int:
    square = {
        "type": "Polygon",
        "coordinates": [[[113, 23], [113.01, 23], [113.01, 23.01], [113, 23.01], [113, 23]]],
    }
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO regions (code, name, level, parent_code) VALUES"
                " ('D', '区', 'district', NULL), ('S', '街', 'street', 'D'), ('C', '社区', 'community', 'S');"
                "INSERT INTO category_classes VALUES ('02', '城市管理', 'City management');"
                "INSERT INTO categories (code, class_code, name, name_en, severity, time_limit_minutes,"
                " default_priority) VALUES ('0201', '02', '井盖缺失', 'Missing cover', 'small', 720, 2)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO grids (code, name, community_code, boundary) VALUES"
                " ('G1', '一网格', 'C', CAST(:b AS jsonb))"
            ),
            {"b": json.dumps(square)},
        )
        conn.execute(
            text(
                "INSERT INTO workers (code, name, role, grid_code, phone) VALUES"
                " ('W1', '王芳', 'full_time', 'G1', '13800001234');"
                "INSERT INTO worker_positions (worker_code, lon, lat) VALUES ('W1', 113.004, 23.004)"
            )
        )
        tid = conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, grid_code, lon, lat, description, reporter)"
                " VALUES ('wechat', '0201', 'G1', 113.005, 23.005, '<img src=x onerror=alert(1)>',"
                " '市民') RETURNING id"
            )
        ).scalar_one()
        conn.execute(
            text("INSERT INTO ticket_photos (ticket_id, data) VALUES (:t, :d)"),
            {"t": tid, "d": _png()},
        )
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('gridcommand.actor', 'officer.li', true)"))
        conn.execute(text("UPDATE tickets SET status='registered' WHERE id=:t"), {"t": tid})
    return int(tid)


def test_detail_shows_everything_and_respects_roles(qtbot: QtBot, engine: Engine) -> None:
    tid = _ticket(engine)
    detail = load_ticket_detail(engine, tid)
    assert [s.action for s in detail.trace] == ["report", "register"]
    assert detail.worker is not None and detail.worker.phone_masked == "138****1234"
    assert not detail.worker_is_assignee
    panel = TicketDetailPanel()
    qtbot.addWidget(panel)
    panel.show_detail(detail)
    assert panel.description.toPlainText() == "<img src=x onerror=alert(1)>"
    assert panel.trace_model.rowCount() == 2
    assert panel.trace_model.index(1, 2).data() == "officer.li"
    assert "王芳" in panel._values["worker"].text()
    photo = panel._photos.itemAt(0)
    label = photo.widget() if photo is not None else None
    assert isinstance(label, QLabel)  # show_detail lays each photo out as a QLabel
    assert label.pixmap() is not None
    assert not panel.action_enabled("dispatch")  # a viewer may not act
    panel.set_role("dispatcher")
    assert panel.action_enabled("dispatch") and not panel.action_enabled("close")
    with qtbot.waitSignal(panel.action_requested) as blocker:
        panel.buttons["dispatch"].click()
    assert blocker.args == ["dispatch", tid]


def test_case_loop_decides_the_buttons() -> None:
    assert allowed_actions("handled", "supervisor") == {"acknowledge", "verify", "send_back"}
    assert allowed_actions("verified", "dispatcher") == {"acknowledge"}
    assert allowed_actions("reported", "viewer") == set()
    assert "close" in allowed_actions("verified", "supervisor")


def test_a_pending_extension_is_shown_and_only_then_decided(qtbot: QtBot, engine: Engine) -> None:
    tid = _ticket(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE tickets SET status = 'dispatched', assignee_worker_code = 'W1' WHERE id = :t"
            ),
            {"t": tid},
        )
    panel = TicketDetailPanel()
    qtbot.addWidget(panel)
    panel.set_role("supervisor")
    panel.show_detail(load_ticket_detail(engine, tid))
    assert not panel.action_enabled("approve_extension")  # nothing asked
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('gridcommand.actor', 'W1', true)"))
        conn.execute(
            text(
                "INSERT INTO ticket_extensions (ticket_id, requested_by, reason, new_deadline)"
                " SELECT id, 'W1', '<b>等待配件</b>', deadline + interval '1 day'"
                " FROM tickets WHERE id = :t"
            ),
            {"t": tid},
        )
    detail = load_ticket_detail(engine, tid)
    assert detail.extension is not None and detail.trace[-1].action == "request_extension"
    panel.show_detail(detail)
    assert "<b>等待配件</b>" in panel._values["deadline"].text()  # plain text, as written
    assert panel.action_enabled("approve_extension") and panel.action_enabled("refuse_extension")
    panel.set_role("dispatcher")
    assert panel.buttons["approve_extension"].isHidden()  # not a dispatcher's decision
    panel.set_role("supervisor")
    with qtbot.waitSignal(panel.action_requested) as blocker:
        panel.buttons["refuse_extension"].click()
    assert blocker.args == ["refuse_extension", tid]
