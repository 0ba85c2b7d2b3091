"""The drill-down panel shows a report read on a worker thread."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gridcommand.db.reports.grid_cases import GridCase
from gridcommand.db.reports.grid_report import GridReport, TeamMember
from gridcommand.widgets.grid_drilldown import GridDrilldown
from gridcommand.widgets.scrolled import ScrollPanel


def _report(households_per_worker: float) -> GridReport:
    return GridReport(
        code="G1",
        name="桥南社区第3网格",
        community="桥南社区",
        street="市桥街道",
        households=1200,
        population=3400,
        area_km2=0.21,
        team=(
            TeamMember(
                "W1", "王芳", "full_time", "138****1234", datetime(2026, 11, 24, 7, 55, tzinfo=UTC)
            ),
            TeamMember("W2", "李强", "volunteer", "139****0000", None),
        ),
        households_per_worker=households_per_worker,
        cases_per_day=((date(2026, 11, 22), 3), (date(2026, 11, 24), 5)),
        open_cases=4,
        overdue_cases=1,
        closed_on_time_share=0.9,
        patrol_coverage_today=0.42,
        patrol_days=28,
        days=30,
        worker_reports=11,
        score=93.5,
        cases=(
            _case(7, "T7", "hotline", "reported", located=True),
            _case(8, "T8", "patrol", "closed", located=False),
        ),
        cases_by_class=(
            ("市容环境", ((date(2026, 11, 22), 2), (date(2026, 11, 24), 4))),
            ("公共安全", ((date(2026, 11, 22), 1), (date(2026, 11, 24), 1))),
        ),
    )


def _case(id: int, code: str, source: str, status: str, *, located: bool) -> GridCase:
    at = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    return GridCase(
        id=id,
        code=code,
        source=source,
        category="乱堆乱放",
        class_name="市容环境",
        status=status,
        is_emergency=False,
        reported_at=at,
        deadline=at + timedelta(hours=4),
        handled_at=None,
        located=located,
    )


def test_panel_shows_the_report(qtbot: QtBot) -> None:
    panel = GridDrilldown()
    qtbot.addWidget(panel)
    panel.show_report(_report(1200))
    assert "桥南社区第3网格" in panel.title.text()
    assert panel.figure_text("households") == "1,200 / 3,400"
    assert panel.figure_text("score") == "93.5"
    assert panel.figure_text("on_time") == "90%"
    assert "ff5252" in panel._figures["load"].styleSheet()  # overloaded: over 500 per worker
    assert panel.team_model.rowCount() == 2
    assert panel.team_model.index(1, 3).data() == "—"
    heights = panel.stacked_totals()
    assert len(heights) == 30 and heights[-1] == 5 and heights[-3] == 3 and sum(heights) == 8
    # Made two days after the last case: the trend ends on the report's day, in zeros.
    panel.show_report(replace(_report(1200), last_day=date(2026, 11, 26)))
    heights = panel.stacked_totals()
    assert len(heights) == 30 and heights[-3:] == [5, 0, 0] and sum(heights) == 8
    panel.show_report(_report(400))
    assert panel._figures["load"].styleSheet() == ""


def test_the_cases_list_opens_a_case_and_the_button_brings_the_district_back(
    qtbot: QtBot,
) -> None:
    panel = GridDrilldown()
    qtbot.addWidget(panel)
    panel.resize(900, 900)
    panel.show()
    panel.show_report(_report(400))
    assert panel.cases_model.rowCount() == 2
    assert panel.cases_model.index(0, 0).data() == "T7"
    assert panel.cases_model.index(0, 5).data() == "by its point"
    assert panel.cases_model.index(1, 5).data() == ""
    assert "4 open" in panel.tabs.tabText(0)
    view = panel.cases_view
    rect = view.visualRect(panel.cases_model.index(1, 0))
    with qtbot.waitSignal(panel.case_activated) as got:  # a hand's press, then its second
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert got.args == [8]
    with qtbot.waitSignal(panel.district_requested):
        QTest.mouseClick(panel.district_button, Qt.MouseButton.LeftButton)


def test_no_empty_chart_before_a_grid_and_wall_sized_text_after(qtbot: QtBot) -> None:
    panel = GridDrilldown()
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.plot.isVisible()  # no dummy axes: the title says what to do

    panel.set_text_size(48)
    panel.show_report(_report(300))
    assert panel.plot.isVisible()
    for side in ("left", "bottom"):
        assert panel.plot.getAxis(side).style["tickFont"].pixelSize() == 48
    # The classes named in a line of text above the bars, never over them.
    assert panel.legend_names() == ["市容环境", "公共安全"]
    assert panel.legend.font().pixelSize() == 48
    assert panel.legend.geometry().bottom() < panel.plot.geometry().top()
    assert panel.plot.minimumHeight() >= 480


def test_in_a_short_dock_the_drill_down_scrolls_instead_of_growing_the_window(
    qtbot: QtBot,
) -> None:
    """At 720p the drill-down asked more height than the left dock had, and the main
    window grew past the bottom of the screen; in its scroll panel it asks little, and
    the wall's text size still reaches it."""
    panel = GridDrilldown()
    scroll = ScrollPanel(panel)
    qtbot.addWidget(scroll)
    scroll.set_text_size(24)
    assert panel.plot.minimumHeight() == 240  # the text size reached the panel inside
    panel.show_report(_report(300))
    scroll.resize(400, 300)
    scroll.show()
    needed = panel.minimumSizeHint().height()
    assert needed > 300  # more than this dock has
    assert scroll.minimumSizeHint().height() < 200  # which the window no longer must give
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0)  # the rest scrolls


def test_in_a_narrow_dock_a_long_figure_goes_under_its_label_whole(qtbot: QtBot) -> None:
    """At 720p the left dock is about 250 px: the patrol figure ("70% / 26 of 30 days")
    was cut at the panel's edge; it now takes the line under its label, and sits beside
    it where there is room."""
    panel = GridDrilldown()
    scroll = ScrollPanel(panel)
    qtbot.addWidget(scroll)
    panel.show_report(_report(300))
    patrol = panel._figures["patrol"]
    name = next(
        w
        for w in panel.findChildren(QLabel)
        if w.text() == panel.tr("Patrol coverage today / patrol days")
    )
    scroll.resize(250, 600)
    scroll.show()
    # Under its label, and whole within the panel, once the layout has settled.
    qtbot.waitUntil(lambda: patrol.y() > name.y() and patrol.geometry().right() <= panel.width())
    assert patrol.width() >= patrol.sizeHint().width()
    scroll.resize(900, 600)
    qtbot.waitUntil(lambda: patrol.y() == name.y())  # beside it, with room
    assert patrol.width() >= patrol.sizeHint().width()
