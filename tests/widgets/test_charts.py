"""Charts update their existing items with the figures they are given."""

from __future__ import annotations

from dataclasses import replace

import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics
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


def test_the_class_chart_names_only_as_many_classes_as_it_has_room_for(qtbot: QtBot) -> None:
    """A short charts strip (720p) drew five class names over each other: it shows the
    classes with the most cases that it can name, and all of them when there is room."""
    five = replace(
        _figures(1),
        open_by_class=(
            ("城市管理", 30),
            ("基础设施", 9),
            ("社会治安", 5),
            ("矛盾纠纷", 3),
            ("重点帮扶", 2),
        ),
    )
    panel = ChartsPanel()
    qtbot.addWidget(panel)
    panel.set_text_size(16)
    panel.resize(1000, 420)
    panel.show()
    panel.show_figures(five)
    qtbot.waitUntil(lambda: len(panel._class_bars.opts["width"]) == 5)
    panel.resize(1000, 120)
    qtbot.waitUntil(lambda: len(panel._class_bars.opts["width"]) < 5)
    shown = list(panel._class_bars.opts["width"])
    assert shown == [30, 9, 5, 3, 2][: len(shown)] and shown  # the most cases first
    line = QFontMetrics(panel._tick_font).height()
    assert panel.classes.getViewBox().height() >= len(shown) * line  # each name has its row


def _count_axis(qtbot: QtBot) -> tuple[pg.AxisItem, int]:
    """The deadline chart's count axis at a 16 px text, and that text's line height."""
    panel = ChartsPanel()
    qtbot.addWidget(panel)
    panel.set_text_size(16)
    return panel.deadlines.getAxis("left"), QFontMetrics(panel._tick_font).height()


def test_a_count_axis_labels_only_as_many_values_as_it_has_room_for(qtbot: QtBot) -> None:
    axis, line = _count_axis(qtbot)
    tall = axis.tickValues(0, 60, 400)
    short = axis.tickValues(0, 60, 2.5 * line)
    assert len(tall[0][1]) >= 3  # room: pyqtgraph's own choice
    (spacing, values), *_ = short
    assert len(values) <= 2 and values[0] == 0  # two labels at most, each on its own line
    assert (len(values) - 1) * spacing <= 60


def test_an_axis_with_room_for_one_label_names_its_highest_round_count(qtbot: QtBot) -> None:
    axis, line = _count_axis(qtbot)
    (_, values), *_ = axis.tickValues(-1, 63, 1.5 * line)
    assert list(values) == [50]
