"""Database text is shown as text: no link, no bold, no image, no reordering.

A hostile field system writes a ticket whose code is a link, whose description
holds markup and an RTL override, and a worker whose name is bold; every Qt place
that shows them must show the characters, not what they would render to.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text

from gridcommand.db.live import queries
from gridcommand.db.live.text import MARKER, neutralise
from gridcommand.db.reports.ticket_detail import load_ticket_detail
from gridcommand.desktop.ticket_actions import reason_dialog, show_failure
from gridcommand.widgets.queues import QueuePanel
from gridcommand.widgets.ticket_detail import TicketDetailPanel
from tests.widgets.test_ticket_detail import _ticket

CODE = '<a href="http://x">x</a>'
DESCRIPTION = "<b>bold</b> <img src=x> photo_\u202egpj.exe"
SHOWN = f"<b>bold</b> <img src=x> photo_{MARKER}gpj.exe"
WORKER = "<b>王芳</b>\u2067"


def _hostile_ticket(engine: Engine) -> int:
    tid = _ticket(engine)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE tickets SET code = :c, description = :d WHERE id = :t"),
            {"c": CODE, "d": DESCRIPTION, "t": tid},
        )
        conn.execute(text("UPDATE workers SET name = :n WHERE code = 'W1'"), {"n": WORKER})
    return tid


def _rendered(rich: str) -> str:
    """What Qt draws for a tooltip: its text after the rich-text parser has run."""
    document = QTextDocument()
    document.setHtml(rich)
    return document.toPlainText()


def test_every_bidi_control_becomes_a_visible_marker():
    controls = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert neutralise(f"a{controls}b") == "a" + MARKER * len(controls) + "b"
    assert neutralise("普通文字 txt.exe") == "普通文字 txt.exe"
    assert neutralise(None) is None


def test_detail_panel_shows_markup_and_overrides_as_text(qtbot: QtBot, engine: Engine) -> None:
    detail = load_ticket_detail(engine, _hostile_ticket(engine))
    assert detail.fields["description"] == SHOWN  # cleaned once, where the record is made
    panel = TicketDetailPanel()
    qtbot.addWidget(panel)
    panel.show_detail(detail)
    assert panel.header.textFormat() == Qt.TextFormat.PlainText
    assert CODE in panel.header.text()
    assert panel.description.toPlainText() == SHOWN
    worker = panel._values["worker"]
    assert worker.textFormat() == Qt.TextFormat.PlainText
    assert f"<b>王芳</b>{MARKER}" in worker.text()
    shown = [w for w in panel.findChildren(QLabel) if CODE in w.text() or "<b>" in w.text()]
    assert shown and all(w.textFormat() == Qt.TextFormat.PlainText for w in shown)


def test_queue_tooltip_and_cell_are_literal(qtbot: QtBot, engine: Engine) -> None:
    _hostile_ticket(engine)
    with engine.connect() as conn:
        row = conn.exec_driver_sql(queries.TICKETS, {"x": 0}).mappings().one()  # the feed's
    record = queries.ticket(dict(row))
    assert record.code == CODE and record.description == SHOWN
    now = datetime.now(UTC)
    panel = QueuePanel(
        clock=lambda: now,
        time_state=lambda t, n: "green",
        grid_name=lambda g: "",
        worker_name=lambda w: "",
        regions_of=lambda g: (),
    )
    qtbot.addWidget(panel)
    panel.upsert([record])
    panel.catch_up()  # the queues not on screen take their changes a turn later
    model = next(p for p in panel.proxies.values() if p.rowCount())
    cell = model.index(0, 0)
    assert cell.data(Qt.ItemDataRole.DisplayRole).endswith(CODE)
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert _rendered(tip) == SHOWN  # the characters, not a bold word and an image
    assert "<b>" not in tip and "<img" not in tip


def test_message_box_and_reason_dialog_are_plain(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    message = f"Ticket {CODE} was changed by <b>li</b>\u202e."
    box = show_failure(parent, message)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == f"Ticket {CODE} was changed by <b>li</b>{MARKER}."
    box.close()
    dialog = reason_dialog(parent, "Reason", f"Reason ({CODE} · close):")
    labels = [w for w in dialog.findChildren(QLabel) if CODE in w.text()]
    assert labels and all(w.textFormat() == Qt.TextFormat.PlainText for w in labels)
    dialog.deleteLater()
