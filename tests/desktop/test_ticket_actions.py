"""A duty officer's keyboard path through an emergency, against the real database."""

from __future__ import annotations

import psycopg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.desktop.wiring import WindowSession
from gridcommand.widgets.dispatch_dialog import DispatchDialog
from gridcommand.widgets.queues import QUEUES
from tests.conftest import conninfo
from tests.desktop.conftest import grid_point, insert_ticket, register_behind_the_console


def _press(session: WindowSession, key: str) -> None:
    # Qt's keyClick(QWidget, char) overload exists at runtime but PySide6's stubs omit it.
    QTest.keyClick(session.window, key)  # type: ignore[call-overload]


def _trace(engine: Engine, ticket_id: int) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, actor FROM ticket_actions WHERE ticket_id = :t ORDER BY id"),
            {"t": ticket_id},
        )
        return [(r.action, r.actor) for r in rows]


def test_an_emergency_is_dispatched_with_the_keyboard_alone(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    grid, lon, lat = grid_point(engine)
    tid = insert_ticket(db_url, grid, lon, lat, 1, emergency=True)
    qtbot.waitUntil(lambda: tid in session.alarm.pending, timeout=10_000)
    chosen: list[str] = []

    def enter(dialog: DispatchDialog) -> bool:
        # The officer presses Enter on the dialog as it opens: the first suggestion goes.
        dialog.show()
        qtbot.waitExposed(dialog)
        chosen.append(dialog.model.record(0).worker_code)
        QTest.keyClick(dialog.view, Qt.Key.Key_Return)
        return dialog.result() == QDialog.DialogCode.Accepted

    session.actions.confirm_dispatch = enter
    session.window.activateWindow()
    _press(session, "E")  # jump to the waiting emergency
    qtbot.waitUntil(lambda: session.detail.ticket_id == tid, timeout=10_000)
    _press(session, "A")  # acknowledge: the siren stops once the trace row comes back
    qtbot.waitUntil(lambda: tid not in session.alarm.pending, timeout=10_000)
    _press(session, "D")  # dispatch: suggestions load off the GUI thread, Enter sends
    qtbot.waitUntil(lambda: session.store.tickets[tid].status == "dispatched", timeout=10_000)
    ticket = session.store.tickets[tid]
    assert chosen and ticket.assignee_worker_code == chosen[0]
    trace = _trace(engine, tid)
    # D on a reported emergency registers it on the way: that step is traced too.
    assert [a for a, _ in trace][-3:] == ["acknowledge", "register", "dispatch"]
    assert all("duty1" in actor for action, actor in trace if action != "report")


def test_a_stale_action_is_refused_and_says_who_changed_the_ticket(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    grid, lon, lat = grid_point(engine)
    tid = insert_ticket(db_url, grid, lon, lat, 2)
    qtbot.waitUntil(lambda: tid in session.store.tickets, timeout=10_000)
    session.live.stop()  # this console's picture now lags behind the database
    register_behind_the_console(db_url, tid, "李四 (lisi)")
    failures: list[str] = []
    session.actions.action_failed.connect(failures.append)
    session.actions.request("register", tid)
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
    assert "lisi" in failures[0]
    box = session.failure_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    with engine.connect() as conn:
        status = conn.execute(text("SELECT status FROM tickets WHERE id = :t"), {"t": tid})
        assert status.scalar_one() == "registered"  # nothing was overwritten


def test_a_viewer_console_offers_no_actions(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    from gridcommand.desktop.ticket_actions import fallback_operator

    session.actions.set_operator(fallback_operator("wall", "viewer"))
    grid, lon, lat = grid_point(engine)
    tid = insert_ticket(db_url, grid, lon, lat, 3)
    qtbot.waitUntil(lambda: tid in session.queues.tickets, timeout=10_000)
    assert session.queues.select_ticket(tid)
    qtbot.waitUntil(lambda: session.detail.ticket_id == tid, timeout=10_000)
    assert not any(session.detail.action_enabled(a) for a in session.detail.buttons)
    assert "viewer" in session.window._operator_label.text()


def test_keys_act_on_the_chosen_ticket_at_once_and_obey_the_case_loop(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    grid, lon, lat = grid_point(engine)
    other = insert_ticket(db_url, grid, lon, lat, 4)
    qtbot.waitUntil(lambda: other in session.queues.tickets, timeout=10_000)
    assert session.queues.select_ticket(other)
    qtbot.waitUntil(lambda: session.detail.ticket_id == other, timeout=10_000)
    tid = insert_ticket(db_url, grid, lon, lat, 5, emergency=True)
    qtbot.waitUntil(lambda: tid in session.alarm.pending, timeout=10_000)
    session.window.activateWindow()
    _press(session, "E")
    _press(session, "A")  # at once: the detail panel may still show the other ticket
    qtbot.waitUntil(lambda: tid not in session.alarm.pending, timeout=10_000)
    assert "acknowledge" not in [action for action, _ in _trace(engine, other)]
    notices: list[str] = []
    session.actions.notice.connect(notices.append)
    failures: list[str] = []
    session.actions.action_failed.connect(failures.append)
    _press(session, "V")  # a new report cannot be verified: said in the status bar
    assert notices and not failures


def _click_row(session: WindowSession, queue: str, ticket_id: int) -> None:
    """A real mouse click on the ticket's row in ``queue`` (its tab shown first)."""
    panel = session.queues
    panel.setCurrentIndex([q.key for q in QUEUES].index(queue))
    view, proxy = panel.views[queue], panel.proxies[queue]
    model = panel.models[queue]
    row = model.row_of(ticket_id)
    assert row is not None
    index = proxy.mapFromSource(model.index(row, 0))
    assert index.isValid()
    view.scrollTo(index)
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )


def test_a_key_acts_on_the_chosen_ticket_after_it_leaves_the_queue(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    grid, lon, lat = grid_point(engine)
    chosen, neighbour = (insert_ticket(db_url, grid, lon, lat, n) for n in (11, 12))
    qtbot.waitUntil(lambda: neighbour in session.queues.visible_ids("new"), timeout=10_000)
    _click_row(session, "new", chosen)
    qtbot.waitUntil(lambda: session.detail.ticket_id == chosen, timeout=10_000)
    # Another console (李四) registers it: it leaves this console's "new reports".
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        conn.execute("SELECT set_config('gridcommand.actor', '李四 (lisi)', false)")
        conn.execute("SELECT set_config('gridcommand.actor_role', 'dispatcher', false)")
        conn.execute(
            "UPDATE tickets SET status = 'registered', registered_at = now() WHERE id = %s",
            (chosen,),
        )
    qtbot.waitUntil(lambda: chosen not in session.queues.visible_ids("new"), timeout=10_000)
    view = session.queues.views["new"]
    assert not view.currentIndex().isValid()  # the highlight cleared, it did not slide
    assert not view.selectionModel().hasSelection()
    assert session.actions.current_id == chosen
    qtbot.waitUntil(lambda: session.detail.ticket_id == chosen, timeout=10_000)
    failures: list[str] = []
    session.actions.action_failed.connect(failures.append)
    session.window.activateWindow()
    _press(session, "R")
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
    assert "lisi" in failures[0]
    box = session.failure_box
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible, timeout=5000)
    QTest.keyClick(box, Qt.Key.Key_Return)  # read: the keys go back to the window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is session.window, timeout=5000)
    with engine.connect() as conn:
        status = conn.execute(text("SELECT status FROM tickets WHERE id = :t"), {"t": neighbour})
        assert status.scalar_one() == "reported"  # the neighbour was never touched
    assert "register" not in [action for action, _ in _trace(engine, neighbour)]


def test_clicking_the_highlighted_row_chooses_it_again(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    grid, lon, lat = grid_point(engine)
    in_queue = insert_ticket(db_url, grid, lon, lat, 13)
    elsewhere = insert_ticket(db_url, grid, lon, lat, 14)
    qtbot.waitUntil(lambda: elsewhere in session.queues.visible_ids("new"), timeout=10_000)
    _click_row(session, "new", in_queue)
    qtbot.waitUntil(lambda: session.detail.ticket_id == in_queue, timeout=10_000)
    # A case double-clicked in the grid's drill-down: the detail shows the other ticket.
    session.show_grid(grid)
    drill = session.drilldown
    qtbot.waitUntil(lambda: drill.cases_model.row_of(elsewhere) is not None, timeout=10_000)
    row = drill.cases_model.row_of(elsewhere)
    assert row is not None
    drill.cases_view.scrollTo(drill.cases_model.index(row, 0))
    at = drill.cases_view.visualRect(drill.cases_model.index(row, 0)).center()
    QTest.mouseClick(drill.cases_view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    QTest.mouseDClick(drill.cases_view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.waitUntil(lambda: session.detail.ticket_id == elsewhere, timeout=10_000)
    _click_row(session, "new", in_queue)  # the row the queue still showed lit
    qtbot.waitUntil(lambda: session.detail.ticket_id == in_queue, timeout=10_000)
    session.window.activateWindow()
    _press(session, "R")
    qtbot.waitUntil(lambda: session.store.tickets[in_queue].status == "registered", timeout=10_000)
    assert session.store.tickets[elsewhere].status == "reported"


def _answer_reason_with_enter(qtbot: QtBot, seen: list[str]) -> None:
    """When the reason dialog opens (modal, inside the key's handler), press Enter on it."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(50, answer)
            return
        seen.append(dialog.labelText())
        QTest.keyClick(dialog, Qt.Key.Key_Return)  # nothing typed

    QTimer.singleShot(50, answer)


def test_keys_that_do_nothing_say_so_and_keep_working(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    grid, lon, lat = grid_point(engine)
    with engine.connect() as conn:
        handled = conn.execute(text("SELECT id FROM tickets WHERE status = 'handled' LIMIT 1"))
        done = handled.scalar_one()
    qtbot.waitUntil(lambda: done in session.queues.visible_ids("verify"), timeout=10_000)
    _click_row(session, "verify", done)
    qtbot.waitUntil(lambda: session.detail.ticket_id == done, timeout=10_000)
    notices: list[str] = []
    session.actions.notice.connect(notices.append)
    status = session.window.statusBar()
    dialogs: list[str] = []
    for attempt in (1, 2):  # the second B is not swallowed
        _answer_reason_with_enter(qtbot, dialogs)
        _press(session, "B")
        qtbot.waitUntil(lambda: len(dialogs) == attempt, timeout=5000)  # noqa: B023
        qtbot.waitUntil(lambda: len(notices) == attempt, timeout=5000)  # noqa: B023
        assert "reason" in status.currentMessage().lower()
        # No click needed: the window takes the keys again once the dialog has gone.
        qtbot.waitUntil(lambda: QApplication.activeWindow() is session.window, timeout=5000)
    assert len(dialogs) == 2
    assert session.store.tickets[done].status == "handled"
    # An emergency, acknowledged: A again and E say there is nothing to do.
    tid = insert_ticket(db_url, grid, lon, lat, 15, emergency=True)
    qtbot.waitUntil(lambda: tid in session.alarm.pending, timeout=10_000)
    while session.alarm.pending:  # E, A until none waits (the seed may hold some too)
        waiting = len(session.alarm.pending)
        _press(session, "E")
        _press(session, "A")
        qtbot.waitUntil(lambda: len(session.alarm.pending) < waiting, timeout=10_000)  # noqa: B023
    _click_row(session, "new", tid)

    def acknowledged_shown() -> bool:
        detail = session.detail.detail
        return detail is not None and "acknowledge" in [s.action for s in detail.trace]

    qtbot.waitUntil(
        lambda: session.detail.ticket_id == tid and acknowledged_shown(), timeout=10_000
    )
    assert not session.detail.buttons["acknowledge"].isEnabled()
    _press(session, "A")
    assert "already acknowledged" in status.currentMessage()
    _press(session, "E")
    assert "no emergency" in status.currentMessage().lower()
