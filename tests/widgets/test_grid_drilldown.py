"""The drill-down panel shows a report read on a worker thread."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pytestqt.qtbot import QtBot

from gridcommand.db.reports.grid_report import GridReport, TeamMember
from gridcommand.widgets.grid_drilldown import GridDrilldown


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
    heights = list(panel._bars.opts["height"])
    assert len(heights) == 30 and heights[-1] == 5 and heights[-3] == 3 and sum(heights) == 8
    panel.show_report(_report(400))
    assert panel._figures["load"].styleSheet() == ""
