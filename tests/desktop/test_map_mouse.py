"""The window answers a real mouse on its map: tickets, drill-downs, tracks, menus.

Qt mouse events go to the web view at the pixel where the page draws the item; the
assertions are on what the operator then sees in the panels.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from shapely.geometry import shape
from shapely.ops import polylabel
from sqlalchemy.engine import URL

from gridcommand.db.actions.service import Operator
from gridcommand.desktop.wiring import WindowSession
from gridcommand.maps.panel import MapPanel
from tests.desktop.conftest import insert_ticket
from tests.maps.mouse import click, double_click, pixel, run_js


def _zoomed_on(qtbot: QtBot, panel: MapPanel, lat: float, lon: float) -> None:
    run_js(qtbot, panel, f"gridmap.map().setView([{lat!r}, {lon!r}], 18, {{animate: false}}) && 1")
    qtbot.waitUntil(
        lambda: run_js(qtbot, panel, "gridmap.counts().aggregating") is False, timeout=5000
    )


@pytest.fixture
def alert(qtbot: QtBot, session: WindowSession, db_url: URL) -> tuple[int, str, float, float]:
    """A new hotline report in the first grid, drawn and zoomed in on: id, grid, lat, lon."""
    panel = session.map
    assert panel is not None
    qtbot.waitUntil(lambda: panel.is_ready, timeout=20_000)
    code = sorted(session.store.grids)[0]
    point = shape(session.store.grids[code].boundary).representative_point()
    tid = insert_ticket(db_url, code, point.x, point.y, 1)
    qtbot.waitUntil(lambda: run_js(qtbot, panel, f"!!gridmap.alert({tid})") is True, timeout=10_000)
    _zoomed_on(qtbot, panel, point.y, point.x)
    return tid, code, point.y, point.x


def test_clicking_a_red_point_opens_its_ticket(
    qtbot: QtBot, session: WindowSession, alert: tuple[int, str, float, float]
) -> None:
    tid, _, lat, lon = alert
    assert session.map is not None
    click(qtbot, session.map, pixel(qtbot, session.map, lat, lon))
    qtbot.waitUntil(lambda: session.detail.ticket_id == tid, timeout=10_000)
    assert session.actions.current_id == tid


def test_double_clicking_a_grid_opens_its_drill_down(
    qtbot: QtBot, session: WindowSession, alert: tuple[int, str, float, float]
) -> None:
    _, code, _, _ = alert
    assert session.map is not None
    middle = polylabel(shape(session.store.grids[code].boundary), tolerance=1e-6)
    _zoomed_on(qtbot, session.map, middle.y, middle.x)
    double_click(qtbot, session.map, pixel(qtbot, session.map, middle.y, middle.x))
    name = session.store.grids[code].name
    qtbot.waitUntil(lambda: name in session.drilldown.title.text(), timeout=10_000)


def test_the_drill_down_opens_a_case_and_gives_the_district_back(
    qtbot: QtBot, session: WindowSession, alert: tuple[int, str, float, float]
) -> None:
    tid, code, _, _ = alert
    assert session.map is not None
    session.show_grid(code)
    drill = session.drilldown
    qtbot.waitUntil(lambda: drill.cases_model.row_of(tid) is not None, timeout=10_000)
    row = drill.cases_model.row_of(tid)
    assert row is not None
    view = drill.cases_view
    view.scrollTo(drill.cases_model.index(row, 0))
    at = view.visualRect(drill.cases_model.index(row, 0)).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.waitUntil(lambda: session.detail.ticket_id == tid, timeout=10_000)
    assert session.window.docks["grid"].isVisible()
    QTest.mouseClick(drill.district_button, Qt.MouseButton.LeftButton)
    assert not session.window.docks["grid"].isVisible()
    panel = session.map
    qtbot.waitUntil(
        lambda: run_js(qtbot, panel, "gridmap.map().getZoom() < 16") is True, timeout=5000
    )


def test_right_clicking_an_alert_offers_its_actions(
    qtbot: QtBot, session: WindowSession, alert: tuple[int, str, float, float]
) -> None:
    tid, _, lat, lon = alert
    assert session.map is not None
    click(qtbot, session.map, pixel(qtbot, session.map, lat, lon), Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: session.map_menu.menu is not None, timeout=10_000)
    menu = session.map_menu.menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    entries = {a.text(): a.isEnabled() for a in menu.actions() if not a.isSeparator()}
    code = session.store.tickets[tid].code
    assert [a.text() for a in menu.actions() if a.isSeparator()] == [code]  # its title
    assert entries == {
        "Acknowledge": True,
        "Dispatch…": True,
        "Show in queue": True,
    }
    show = next(a for a in menu.actions() if a.text() == "Show in queue")
    show.trigger()
    qtbot.waitUntil(
        lambda: getattr(session.queues.selected_ticket(), "id", None) == tid, timeout=5000
    )
    menu.close()


def test_the_menu_disables_what_the_role_may_not_do(
    qtbot: QtBot, session: WindowSession, alert: tuple[int, str, float, float]
) -> None:
    _tid, _, lat, lon = alert
    assert session.map is not None
    session.actions.set_operator(Operator("wall", "wall", "viewer", "district", "district"))
    # The viewer's own layout gives the map the room the queues had: ask where the alert
    # is only once the page has taken its new size.
    view = session.map.view
    for _ in range(50):
        width = run_js(qtbot, session.map, "gridmap.map().getSize().x")
        if width == round(view.width() / view.zoomFactor()):
            break
        qtbot.wait(100)
    click(qtbot, session.map, pixel(qtbot, session.map, lat, lon), Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: session.map_menu.menu is not None, timeout=10_000)
    menu = session.map_menu.menu
    assert menu is not None
    entries = {a.text(): a.isEnabled() for a in menu.actions() if not a.isSeparator()}
    assert entries["Acknowledge"] is False
    assert entries["Dispatch…"] is False
    assert entries["Show in queue"] is True
    menu.close()


def test_right_clicking_a_grid_offers_its_drill_down(
    qtbot: QtBot, session: WindowSession, alert: tuple[int, str, float, float]
) -> None:
    _, code, _, _ = alert
    assert session.map is not None
    middle = polylabel(shape(session.store.grids[code].boundary), tolerance=1e-6)
    _zoomed_on(qtbot, session.map, middle.y, middle.x)
    at = pixel(qtbot, session.map, middle.y, middle.x)
    click(qtbot, session.map, at, Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: session.map_menu.menu is not None, timeout=10_000)
    menu = session.map_menu.menu
    assert menu is not None
    drill = next(a for a in menu.actions() if a.text() == "Drill down into this grid")
    drill.trigger()
    name = session.store.grids[code].name
    qtbot.waitUntil(lambda: name in session.drilldown.title.text(), timeout=10_000)
    menu.close()
