"""Replay (回放) in the running window, driven by real keys and clicks.

The window is live on a seeded district; replay is opened with Ctrl+R, moved with
the slider's own keys, played with the speed and play buttons, and left with the
"Back to live" button. The page itself is asked what it draws.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from shapely.geometry import shape
from sqlalchemy.engine import URL

from gridcommand.db.replay.frame import FrameReader
from gridcommand.desktop.wiring import WindowSession
from gridcommand.maps.replay_picture import picture_of
from gridcommand.widgets.queues import QUEUES
from gridcommand.widgets.record_table import RecordRole
from tests.desktop.conftest import add_fix, insert_ticket
from tests.maps.mouse import click, run_js, target


def _js(qtbot: QtBot, session: WindowSession, code: str) -> Any:
    assert session.map is not None
    return run_js(qtbot, session.map, code)


def _on_page(qtbot: QtBot, session: WindowSession, ticket_id: int) -> bool:
    assert session.map is not None
    return run_js(qtbot, session.map, f"!!gridmap.alert({int(ticket_id)})") is True


def _alerts_drawn(qtbot: QtBot, session: WindowSession) -> int:
    return int(_js(qtbot, session, "gridmap.counts().alerts"))


def _view(qtbot: QtBot, session: WindowSession) -> Any:
    return _js(
        qtbot,
        session,
        "[gridmap.map().getZoom(), gridmap.map().getCenter().lat, gridmap.map().getCenter().lng]",
    )


def _new_report(qtbot: QtBot, session: WindowSession, db_url: URL, n: int) -> int:
    code = sorted(session.store.grids)[0]
    point = shape(session.store.grids[code].boundary).representative_point()
    tid = insert_ticket(db_url, code, point.x, point.y, n)
    qtbot.waitUntil(lambda: tid in session.store.tickets, timeout=10_000)
    return tid


def _replaying(qtbot: QtBot, session: WindowSession, back: timedelta) -> datetime:
    """Replay opened on the last day at ``back`` before now (on the minute), once shown."""
    replay = session.replay
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    session.window.activateWindow()
    replay.open(now - timedelta(hours=24), now, now - back)
    qtbot.waitUntil(lambda: replay.shown_at == now - back, timeout=20_000)
    return now


def test_replay_shows_the_past_and_one_click_brings_live_back(
    qtbot: QtBot, session: WindowSession, db_url: URL
) -> None:
    panel, bar, replay = session.map, session.replay_bar, session.replay
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    fresh = _new_report(qtbot, session, db_url, 1)
    qtbot.waitUntil(lambda: _on_page(qtbot, session, fresh), timeout=10_000)
    run_js(
        qtbot, panel, "gridmap.map().setZoom(gridmap.map().getZoom() + 1, {animate: false}) && 1"
    )
    view = _view(qtbot, session)

    session.window.activateWindow()
    QTest.keyClick(session.window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: replay.shown_at is not None, timeout=20_000)
    assert bar.isVisible() and "REPLAY" in bar.title()
    assert session.queue_stack.currentIndex() == 1
    # An hour ago the report just made did not exist: not on the map, not in the queues.
    assert not _on_page(qtbot, session, fresh)
    assert fresh not in replay.queues.tickets
    qtbot.waitUntil(
        lambda: _alerts_drawn(qtbot, session) == len(replay._picture.layers["alerts"]),  # type: ignore[union-attr]
        timeout=10_000,
    )

    # The live feed runs underneath: a report made now reaches the store, not the page.
    during = _new_report(qtbot, session, db_url, 2)
    qtbot.wait(500)
    assert not _on_page(qtbot, session, during)

    # The slider's own key: an hour on, to when the replay was opened.
    shown = replay.shown_at
    assert shown is not None
    bar.slider.setFocus()
    QTest.keyClick(bar.slider, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: replay.shown_at is not None and replay.shown_at > shown, timeout=20_000)
    assert replay.shown_at is not None and replay.shown_at - shown >= timedelta(minutes=59)
    qtbot.waitUntil(lambda: _on_page(qtbot, session, fresh), timeout=10_000)
    assert fresh in replay.queues.tickets
    assert not _on_page(qtbot, session, during)

    # An hour back with the slider's key, a minute back with the step button, play at 600×.
    QTest.keyClick(bar.slider, Qt.Key.Key_PageDown)
    QTest.mouseClick(bar.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: replay.shown_at == shown - timedelta(minutes=1), timeout=20_000)
    stepped = replay.shown_at
    assert stepped is not None
    # Back before the report: it leaves the replay's queues and the map again.
    assert fresh not in replay.queues.tickets
    assert not _on_page(qtbot, session, fresh)
    speed = bar.speed_buttons.button(600)
    assert speed is not None
    QTest.mouseClick(speed, Qt.MouseButton.LeftButton)
    QTest.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert bar.playing and bar.speed == 600
    qtbot.waitUntil(
        lambda: replay.shown_at is not None and replay.shown_at > stepped, timeout=20_000
    )
    QTest.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert not bar.playing

    # One click back to live: the live state on the page, the zoom and pan as they were.
    QTest.mouseClick(bar.live_button, Qt.MouseButton.LeftButton)
    assert not replay.active and not bar.isVisible()
    assert session.queue_stack.currentIndex() == 0
    qtbot.waitUntil(lambda: _on_page(qtbot, session, during), timeout=10_000)
    assert _on_page(qtbot, session, fresh)
    live = picture_of(session.store, panel.builder.project)
    qtbot.waitUntil(
        lambda: _alerts_drawn(qtbot, session) == len(live.layers["alerts"]), timeout=10_000
    )
    # The bar's strip came and went above the map; the view may shift by a pixel, no more.
    zoom, lat, lng = _view(qtbot, session)
    assert zoom == view[0]
    assert abs(lat - view[1]) < 1e-4 and abs(lng - view[2]) < 1e-4
    # And live changes reach the page again.
    after = _new_report(qtbot, session, db_url, 3)
    qtbot.waitUntil(lambda: _on_page(qtbot, session, after), timeout=10_000)


def test_a_grid_drill_down_replays_that_grid_day(qtbot: QtBot, session: WindowSession) -> None:
    panel = session.map
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    code = sorted(session.store.grids)[0]
    session.show_grid(code)
    qtbot.waitUntil(lambda: session.drilldown.replay_button.isEnabled(), timeout=20_000)
    district_zoom = _js(qtbot, session, "gridmap.map().getZoom()")
    QTest.mouseClick(session.drilldown.replay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.replay.shown_at is not None, timeout=20_000)
    bar = session.replay_bar
    start = bar.start.astimezone()
    assert (start.hour, start.minute) == (0, 0)
    assert session.replay.shown_at == bar.start
    assert bar.end - bar.start <= timedelta(days=1)
    # The map went in to the grid, as a double-click on it does.
    qtbot.waitUntil(
        lambda: _js(qtbot, session, "gridmap.map().getZoom()") > district_zoom, timeout=10_000
    )
    QTest.keyClick(bar, Qt.Key.Key_Escape)
    assert not session.replay.active


def _walk(db_url: URL, code: str, start: datetime, fixes: int) -> int:
    """``fixes`` fixes of ``code`` three minutes apart from ``start``; the last one's id."""
    last = 0
    for n in range(fixes):
        last = add_fix(db_url, code, start + timedelta(minutes=3 * n), 0.0002 * n)
    return last


def test_replay_shows_the_workers_and_a_chosen_worker_track_as_they_were(
    qtbot: QtBot, session: WindowSession, db_url: URL
) -> None:
    panel, replay = session.map, session.replay
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    code = next(c for c, s in sorted(session.store.workers.items()) if s.position is not None)
    # A walk that ended 43 minutes before the moment the replay opens on (an hour ago).
    walked = _walk(db_url, code, datetime.now(UTC) - timedelta(minutes=115), 5)
    assert session.workers_stack.currentWidget() is session.workers

    session.window.activateWindow()
    QTest.keyClick(session.window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: replay.shown_at is not None, timeout=20_000)
    # The workers dock shows the workers as they stood then, not the live ones.
    assert session.workers_stack.currentWidget() is not session.workers
    table = replay.workers.view
    assert table.isVisible()
    row = replay.workers.model.row_of(code)
    assert row is not None
    then = replay.workers.model.record(row)
    assert then.position is not None and then.position.id == walked
    assert then.status == "stale"  # 43 minutes without a fix, then
    assert session.store.workers[code].position != then.position

    # A click on the worker's row: the map draws their track of the hour before then.
    index = replay.workers.proxy.mapFromSource(replay.workers.model.index(row, 1))
    table.scrollTo(index)
    QTest.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
    )
    assert replay.track_worker == code
    qtbot.waitUntil(
        lambda: _js(qtbot, session, "gridmap.counts().track_points") == 5, timeout=20_000
    )

    # Back to live: the live workers again, and the replayed track is gone from the map.
    QTest.mouseClick(session.replay_bar.live_button, Qt.MouseButton.LeftButton)
    assert session.workers_stack.currentWidget() is session.workers
    qtbot.waitUntil(
        lambda: _js(qtbot, session, "gridmap.counts().track_points") == 0, timeout=20_000
    )


def test_an_hour_stepped_is_read_ahead_and_shows_what_a_fresh_read_shows(
    qtbot: QtBot, session: WindowSession, db_url: URL
) -> None:
    panel, bar, replay = session.map, session.replay_bar, session.replay
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    now = _replaying(qtbot, session, timedelta(hours=6))
    # While the operator looks, the hours either side are read from the moment shown.
    qtbot.waitUntil(lambda: len(replay._ahead) == 2, timeout=20_000)
    bar.slider.setFocus()
    QTest.keyClick(bar.slider, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: replay.shown_at == now - timedelta(hours=5), timeout=20_000)
    assert replay.prefetch_hits == 1
    # The moment read ahead is the moment read afresh.
    assert replay.store is not None and replay._reader is not None
    fresh = FrameReader(replay.engine, session.store.grids).frame(now - timedelta(hours=5))
    assert replay.store.tickets == fresh.tickets
    assert replay.store.acknowledged == set(fresh.acknowledged)
    positions = {c: s.position for c, s in replay.store.workers.items() if s.position}
    assert positions == fresh.positions
    replay.back_to_live()


def test_a_step_holds_the_live_fixes_back_until_its_moment_is_shown(
    qtbot: QtBot, session: WindowSession
) -> None:
    """The operator waits for the step: the city's worker fixes (thousands a second)
    wait for it, not the other way round, and flow again once it is shown."""
    bar, replay, live = session.replay_bar, session.replay, session.live
    now = _replaying(qtbot, session, timedelta(hours=6))
    assert not live.fixes_held
    held_when_shown: list[bool] = []
    replay.moment_shown.connect(lambda *_: held_when_shown.append(live.fixes_held))
    bar.slider.setFocus()
    QTest.keyClick(bar.slider, Qt.Key.Key_PageUp)
    assert live.fixes_held  # asked: the fixes wait
    qtbot.waitUntil(lambda: replay.shown_at == now - timedelta(hours=5), timeout=20_000)
    assert held_when_shown == [False]  # shown: they flow again
    replay.back_to_live()


def test_a_case_clicked_in_the_replayed_queues_opens_its_detail(
    qtbot: QtBot, session: WindowSession, db_url: URL
) -> None:
    replay, queues = session.replay, session.replay.queues
    fresh = _new_report(qtbot, session, db_url, 4)
    now = datetime.now(UTC)
    session.window.activateWindow()
    replay.open(now - timedelta(hours=24), now, now)
    qtbot.waitUntil(lambda: fresh in queues.tickets, timeout=20_000)
    queues.catch_up()
    tab = next(i for i, q in enumerate(QUEUES) if queues.models[q.key].row_of(fresh) is not None)
    queues.setCurrentIndex(tab)
    view = queues.views[QUEUES[tab].key]
    proxy = view.model()
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(RecordRole).id == fresh)
    view.scrollTo(proxy.index(row, 0))
    assert session.detail.ticket_id != fresh
    where = view.visualRect(proxy.index(row, 2)).center()
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where
    )
    qtbot.waitUntil(lambda: session.detail.ticket_id == fresh, timeout=10_000)
    replay.back_to_live()


def test_esc_goes_back_to_live_with_the_focus_on_the_map(
    qtbot: QtBot, session: WindowSession
) -> None:
    """Replaying, the operator clicks the map (the focus goes into the page), then Esc:
    live again, not only when the replay bar has the focus."""
    panel, replay = session.map, session.replay
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    session.window.activateWindow()
    QTest.keyClick(session.window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: replay.shown_at is not None, timeout=20_000)
    click(qtbot, panel, QPoint(5, panel.view.height() // 2))  # the map's edge: no item
    qtbot.waitUntil(lambda: target(panel).hasFocus(), timeout=5_000)
    QTest.keyClick(target(panel), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not replay.active, timeout=5_000)
    assert session.queue_stack.currentIndex() == 0


def test_back_to_live_the_charts_count_now_at_once(qtbot: QtBot, session: WindowSession) -> None:
    """Not the replayed moment's figures until the charts' next refresh (stopped here, so
    only the return itself can bring the live figures)."""
    replay = session.replay
    _replaying(qtbot, session, timedelta(hours=6))
    qtbot.waitUntil(lambda: session.charts.figures is not None, timeout=10_000)
    replayed = session.charts.figures
    session._chart_timer.stop()
    QTest.mouseClick(session.replay_bar.live_button, Qt.MouseButton.LeftButton)
    assert not replay.active
    qtbot.waitUntil(lambda: session.charts.figures is not replayed, timeout=10_000)
