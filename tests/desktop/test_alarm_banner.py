"""The alarm no filter can hide: the banner counts every waiting emergency, always."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.desktop.wiring import WindowSession
from gridcommand.widgets.queues import QUEUES
from tests.desktop.conftest import grid_point, insert_ticket


def test_an_emergency_stays_on_the_banner_under_every_filter_search_and_tab(
    qtbot: QtBot, session: WindowSession, engine: Engine, db_url: URL
) -> None:
    bar, banner = session.filter_bar, session.window.alarm_banner
    qtbot.waitUntil(lambda: bar.klass.count() > 1 and bar.region.count() > 1, timeout=10_000)
    grid, lon, lat = grid_point(engine)
    ticket_id = insert_ticket(db_url, grid, lon, lat, 77, emergency=True)
    qtbot.waitUntil(lambda: ticket_id in session.alarm.pending, timeout=10_000)
    count = len(session.alarm.pending)
    assert banner.isVisible() and banner.count == count

    def still_there() -> None:
        assert banner.isVisible(), "an emergency is hidden"
        assert banner.count == count
        assert str(count) in banner.text()

    # A search that matches nothing, then every value of every list, then every tab.
    with qtbot.waitSignal(bar.filters_changed, timeout=5000):
        bar.text.setText("无此内容-nothing-matches")
    assert all(not session.queues.visible_ids(q.key) for q in QUEUES)
    still_there()
    bar.text.clear()
    for combo in (bar.region, bar.klass, bar.source, bar.priority, bar.item):
        for i in range(combo.count()):
            combo.setCurrentIndex(i)
            still_there()
        combo.setCurrentIndex(combo.count() - 1)
    for i in range(session.queues.count()):
        session.queues.setCurrentIndex(i)
        still_there()

    # Hide it for sure, then click the banner: the filters clear, the oldest is selected.
    bar.text.setText("无此内容-nothing-matches")
    qtbot.waitUntil(lambda: not session.queues.visible_ids("new"), timeout=5000)
    session.queues.setCurrentIndex(len(QUEUES) - 1)
    oldest = session.oldest_emergency()
    assert oldest is not None  # ours, or an older one the seed left waiting
    assert session.store.tickets[oldest].code in banner.text()
    qtbot.mouseClick(banner, Qt.MouseButton.LeftButton)
    assert bar.text.text() == "" and bar.klass.currentIndex() == 0
    selected = session.queues.selected_ticket()
    assert selected is not None and selected.id == oldest
    assert session.actions.current_id == oldest

    # The E key does the same as the banner: hidden again, E clears and selects it.
    bar.text.setText("无此内容-nothing-matches")
    qtbot.waitUntil(lambda: not session.queues.visible_ids("new"), timeout=5000)
    session.actions.jump_to_emergency()
    assert bar.text.text() == ""
    selected = session.queues.selected_ticket()
    assert selected is not None and selected.id == oldest


def test_no_sound_device_is_said_in_the_banner_and_the_status_bar(
    qtbot: QtBot, session: WindowSession
) -> None:
    # These test machines have no audio output; a PC with one says nothing here.
    if session.alarm.audible:
        return
    window = session.window
    assert window.alarm_banner.isVisible()
    assert window.alarm_banner.sound_state == "off"
    assert window.sound_text() != ""


def test_a_supervisor_mutes_the_siren_for_a_set_time_and_it_is_traced(
    qtbot: QtBot, session: WindowSession, engine: Engine
) -> None:
    from sqlalchemy import text

    session.alarm.audible = True  # as on a PC with speakers
    window = session.window
    qtbot.waitUntil(lambda: window.mute_actions[0].isEnabled(), timeout=10_000)
    window.mute_actions[1].trigger()  # 15 minutes
    qtbot.waitUntil(lambda: session.alarm.muted, timeout=10_000)
    assert window.alarm_banner.sound_state == "muted"
    assert "duty1" in window.alarm_banner.text()
    with engine.connect() as conn:
        row = conn.execute(text("SELECT kind, actor, until - at AS span FROM console_events")).one()
    assert row.kind == "mute_siren" and "duty1" in row.actor
    assert row.span.total_seconds() == 15 * 60
    window.unmute_action.trigger()
    qtbot.waitUntil(lambda: not session.alarm.muted, timeout=10_000)
    assert window.alarm_banner.sound_state == "on"
