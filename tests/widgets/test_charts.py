"""Charts update their existing items with the figures they are given."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gridcommand.db.live.figures import DashboardFigures
from gridcommand.widgets.charts import ChartsPanel


def _figures(scale: int) -> DashboardFigures:
    return DashboardFigures(
        hour_starts=tuple(1_700_000_000.0 + 3600 * h for h in range(24)),
        reports_per_hour=tuple(scale * (h % 5) for h in range(24)),
        emergencies_per_hour=tuple(1 if h == 23 else 0 for h in range(24)),
        on_time=40 * scale,
        due_soon=7,
        overdue=3,
        open_by_class=(("城市管理", 30), ("基础设施", 9), ("社会治安", 2)),
        workers_online=90,
        workers_stale=6,
        workers_offline=4,
    )


def test_charts_show_the_figures_without_rebuilding(qtbot: QtBot) -> None:
    panel = ChartsPanel()
    qtbot.addWidget(panel)
    items_before = list(panel.hourly.getPlotItem().items)
    panel.show_figures(_figures(1))
    panel.show_figures(_figures(2))
    assert list(panel.hourly.getPlotItem().items) == items_before
    assert list(panel._reports.opts["height"]) == [2 * (h % 5) for h in range(24)]
    assert list(panel._deadline_bars.opts["height"]) == [80, 7, 3]
    assert list(panel._class_bars.opts["width"]) == [30, 9, 2]
    assert list(panel._worker_bars.opts["height"]) == [90, 6, 4]


def test_charts_say_they_wait_until_the_first_figures(qtbot: QtBot) -> None:
    panel = ChartsPanel()
    qtbot.addWidget(panel)
    panel.show()
    assert panel.waiting.isVisible() and not panel.hourly.isVisible()
    panel.show_figures(_figures(1))
    assert not panel.waiting.isVisible() and panel.hourly.isVisible()
