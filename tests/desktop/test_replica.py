"""A console reading a hot-standby replica: the picture from the replica, actions to the primary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.live.records import FeedState
from gridcommand.db.schema.engine import Database
from gridcommand.desktop.cli import EXIT_USER_ERROR, build_parser, main
from gridcommand.desktop.commands.app_cmd import open_window_database, prepare_schema
from gridcommand.desktop.live import _describe, _shown_state
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.wiring import WindowSession, wire_window
from gridcommand.widgets.dispatch_dialog import DispatchDialog
from tests.conftest import conninfo
from tests.desktop.conftest import NOW, grid_point, insert_ticket


@pytest.fixture
def replica_session(
    qtbot: QtBot, engine: Engine, db_url: URL, replica_url: URL, tmp_path: Path
) -> Iterator[WindowSession]:
    seed_demo(engine, grids=8, random_seed=5, days=1, now=NOW)
    window = MainWindow(QSettings(str(tmp_path / "gc.ini"), QSettings.Format.IniFormat), "test")
    qtbot.addWidget(window)
    db = Database(url=db_url, replica_url=replica_url)
    running = wire_window(window, db, operator_login="duty1", operator_role="supervisor")
    window.show()
    qtbot.waitUntil(lambda: running.store.loaded, timeout=20_000)
    yield running
    running.stop()
    db.close()


def test_a_replica_console_reads_the_replica_and_acts_on_the_primary(
    qtbot: QtBot, replica_session: WindowSession, engine: Engine, db_url: URL, replica_url: URL
) -> None:
    session = replica_session
    assert session.url == replica_url and session.read_engine.url == replica_url
    assert session.engine.url == db_url
    # The status bar says how this console is live: from a replica, by polling.
    qtbot.waitUntil(lambda: "replica" in session.window.connection_text(), timeout=10_000)
    grid, lon, lat = grid_point(engine)
    tid = insert_ticket(db_url, grid, lon, lat, 1, emergency=True)
    qtbot.waitUntil(lambda: tid in session.alarm.pending, timeout=10_000)

    def enter(dialog: DispatchDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        QTest.keyClick(dialog.view, Qt.Key.Key_Return)
        return dialog.result() == QDialog.DialogCode.Accepted

    session.actions.confirm_dispatch = enter
    session.window.activateWindow()
    QTest.keyClick(session.window, "E")  # type: ignore[call-overload]
    qtbot.waitUntil(lambda: session.detail.ticket_id == tid, timeout=10_000)
    QTest.keyClick(session.window, "D")  # type: ignore[call-overload]
    # The dispatch is written on the primary and comes back through the replica.
    qtbot.waitUntil(lambda: session.store.tickets[tid].status == "dispatched", timeout=10_000)
    with engine.connect() as conn:
        primary = conn.execute(
            text("SELECT status, assignee_worker_code FROM tickets WHERE id = :t"), {"t": tid}
        ).one()
    assert primary.status == "dispatched"
    assert session.store.tickets[tid].assignee_worker_code == primary.assignee_worker_code
    with psycopg.connect(conninfo(replica_url)) as standby:
        on_replica = standby.execute("SELECT status FROM tickets WHERE id = %s", (tid,))
        assert on_replica.fetchone() == ("dispatched",)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            standby.execute("UPDATE tickets SET status = 'closed' WHERE id = %s", (tid,))


def test_window_commands_take_a_replica_and_polling_from_flags_or_environment(
    db_url: URL, replica_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    primary, replica = (u.render_as_string(hide_password=False) for u in (db_url, replica_url))
    parser = build_parser()
    for command in ("app", "demo", "snapshot"):
        extra = ["--out", "x"] if command == "snapshot" else []
        args = parser.parse_args(
            ["--db", primary, command, "--read-replica", replica, "--no-listen", *extra]
        )
        with open_window_database(args) as db:
            assert (db.url, db.read_url, db.listen) == (db_url, replica_url, False)
            prepare_schema(db)  # both reachable, the primary's schema current
            assert "replica" in db.where
    monkeypatch.setenv("GRIDCOMMAND_READ_REPLICA_URL", replica)
    monkeypatch.setenv("GRIDCOMMAND_NO_LISTEN", "1")
    with open_window_database(parser.parse_args(["--db", primary, "app"])) as db:
        assert (db.read_url, db.listen) == (replica_url, False)
        with db.read_engine.connect() as conn:
            assert conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
    monkeypatch.delenv("GRIDCOMMAND_READ_REPLICA_URL")
    monkeypatch.delenv("GRIDCOMMAND_NO_LISTEN")
    with open_window_database(parser.parse_args(["--db", primary, "app"])) as db:
        assert (db.read_url, db.listen, db.read_engine) == (db_url, True, db.engine)


def test_an_unreachable_replica_is_one_sentence(
    db_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    primary = db_url.render_as_string(hide_password=False)
    nowhere = "postgresql://nobody@127.0.0.1:1/nothing"
    code = main(["--db", primary, "snapshot", "--read-replica", nowhere, "--out", "x"])
    assert code == EXIT_USER_ERROR
    err = capsys.readouterr().err.strip()
    assert err.startswith("gridcommand: ") and "nothing on 127.0.0.1:1" in err
    assert "Traceback" not in err


def test_a_lagging_replica_is_said_in_the_banner_and_the_status_bar(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = MainWindow(QSettings(str(tmp_path / "gc.ini"), QSettings.Format.IniFormat), "test")
    qtbot.addWidget(window)
    window.show()
    shown = _describe(FeedState("connected", mode="poll", replica=True, lag_s=2.4))
    window.set_connection_state(_shown_state(FeedState("connected", lag_s=2.4)), shown)
    assert window.banner.isVisible()
    assert "2.4 s behind" in window.banner.text() and "late" in window.banner.text()
    assert "behind" in window.connection_text()
    caught_up = FeedState("connected", mode="poll", replica=True)
    window.set_connection_state(_shown_state(caught_up), _describe(caught_up))
    assert not window.banner.isVisible()
    assert window.connection_text().endswith("replica, polling")
