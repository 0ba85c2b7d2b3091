"""The whole case loop, as a duty officer lives it, with the field simulator on the other end.

An emergency arrives and alarms; the officer jumps to it, acknowledges and
dispatches it with the keyboard alone; the simulator's worker accepts it and
reports it handled with a photo; a supervisor verifies and closes it; the trace
shows every step with who and when.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.fieldsim.options import SimOptions
from gridcommand.db.fieldsim.runner import run as run_simulation
from gridcommand.desktop.wiring import WindowSession
from gridcommand.widgets.dispatch_dialog import DispatchDialog
from tests.conftest import conninfo
from tests.desktop.conftest import grid_point, insert_ticket


@pytest.fixture
def field(db_url: URL, session: WindowSession) -> Iterator[None]:
    """The field side, fast: handlers accept within a second and finish within seconds."""
    options = SimOptions(
        tickets_per_minute=0,
        position_interval=1.0,
        speed=3000.0,
        handler_poll=0.2,
        late_share=0.0,
        return_share=0.0,
        random_seed=11,
    )
    stop = threading.Event()
    thread = threading.Thread(
        target=run_simulation, args=(conninfo(db_url), options, stop), daemon=True
    )
    thread.start()
    yield
    stop.set()
    thread.join(timeout=15)


def test_an_emergency_goes_round_the_whole_loop(
    qtbot: QtBot, session: WindowSession, field: None, engine: Engine, db_url: URL
) -> None:
    def press(key: str) -> None:
        # Qt's keyClick(QWidget, char) overload exists at runtime but PySide6's stubs omit it.
        QTest.keyClick(session.window, key)  # type: ignore[call-overload]

    def enter(dialog: DispatchDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        QTest.keyClick(dialog.view, Qt.Key.Key_Return)
        return dialog.result() == QDialog.DialogCode.Accepted

    def status() -> str:
        return session.store.tickets[tid].status

    session.actions.confirm_dispatch = enter
    session.window.activateWindow()
    grid, lon, lat = grid_point(engine)
    tid = insert_ticket(db_url, grid, lon, lat, 7, emergency=True)
    qtbot.waitUntil(lambda: tid in session.alarm.pending, timeout=10_000)

    press("E")
    qtbot.waitUntil(lambda: session.detail.ticket_id == tid, timeout=10_000)
    press("A")
    qtbot.waitUntil(lambda: tid not in session.alarm.pending, timeout=10_000)
    press("D")
    qtbot.waitUntil(lambda: status() in ("dispatched", "in_progress", "handled"), timeout=10_000)
    # The simulator's worker accepts and reports it handled, with a photo.
    qtbot.waitUntil(lambda: status() == "handled", timeout=60_000)
    qtbot.waitUntil(
        lambda: (
            session.detail.detail is not None
            and session.detail.detail.fields["status"] == "handled"
        ),
        timeout=10_000,
    )
    failures: list[str] = []
    session.actions.action_failed.connect(failures.append)
    press("V")
    qtbot.waitUntil(lambda: status() == "verified" or bool(failures), timeout=10_000)
    assert not failures, failures
    qtbot.waitUntil(
        lambda: (
            session.detail.detail is not None
            and session.detail.detail.fields["status"] == "verified"
        ),
        timeout=10_000,
    )
    press("C")
    qtbot.waitUntil(lambda: status() == "closed", timeout=10_000)

    with engine.connect() as conn:
        trace = conn.execute(
            text(
                "SELECT action, actor, actor_role FROM ticket_actions"
                " WHERE ticket_id = :t ORDER BY at, id"
            ),
            {"t": tid},
        ).all()
        photos = conn.execute(
            text("SELECT count(*) FROM ticket_photos WHERE ticket_id = :t"), {"t": tid}
        ).scalar_one()
    steps = [row.action for row in trace]
    for step in ("acknowledge", "dispatch", "accept", "handle", "verify", "close"):
        assert step in steps, (step, steps)
    assert steps.index("dispatch") < steps.index("accept") < steps.index("handle")
    assert steps.index("handle") < steps.index("verify") < steps.index("close")
    by_step = {row.action: row for row in trace}
    for step in ("acknowledge", "dispatch", "verify", "close"):
        assert "duty1" in by_step[step].actor
    assert by_step["accept"].actor_role == "field" and by_step["handle"].actor_role == "field"
    assert photos >= 1
    # The officer sees the same timeline in the detail panel.
    qtbot.waitUntil(lambda: session.detail.trace_model.rowCount() >= len(steps), timeout=10_000)
