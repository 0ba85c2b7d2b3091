"""The page script's files: loaded in order, probes only where asked, no words or colours of its own."""

from __future__ import annotations

import logging
import re
from importlib.resources import files

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from gridcommand.maps.page import PROBES, SCRIPT_DIR, SCRIPTS, compose
from gridcommand.maps.panel import MapPanel
from gridcommand.resources.palette import MAP
from gridcommand.resources.vocabulary import map_labels
from tests.maps.conftest import js
from tests.maps.factory import city

STATIC = files("gridcommand.maps") / "static"


def _script_order(html: str) -> list[str]:
    return re.findall(rf'<script src="{SCRIPT_DIR}/([a-z]+\.js)"', html)


def test_the_production_page_loads_every_file_in_order_and_no_probes() -> None:
    assert _script_order(compose()) == list(SCRIPTS)
    assert _script_order(compose(probes=True)) == [*SCRIPTS, PROBES]
    shipped = {p.name for p in (STATIC / SCRIPT_DIR).iterdir() if p.name.endswith(".js")}
    assert shipped == {*SCRIPTS, PROBES}


def test_words_and_colours_come_from_the_config_not_the_script() -> None:
    html = compose()
    for colour in ("#22e06b", "#1b2a44", "#00e5ff", "#6b7280"):
        assert colour in html  # in the config and the legend
    for name in (*SCRIPTS, PROBES):
        text = (STATIC / SCRIPT_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"#[0-9a-fA-F]{6}\b", text), f"{name} keeps a colour of its own"
    assert set(map_labels()) >= {"legend_alerts", "full_time", "online", "reported", "closed"}
    assert MAP["alert_time"].keys() == {"green", "yellow", "red"}


@pytest.fixture
def production_panel(qtbot, store):
    widget = MapPanel(store)
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    with qtbot.waitSignal(widget.ready, timeout=20000):
        pass
    yield widget
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_production_page_draws_without_probes(qtbot, production_panel, store, caplog):
    caplog.set_level(logging.WARNING, logger="gridcommand.maps.js")
    production_panel.on_store_changed(store.apply(city(grids=12, tickets=5)))
    drawn = "[gridmap.state.reg.grids.size, gridmap.state.reg.alerts.size]"
    qtbot.waitUntil(lambda: js(qtbot, production_panel, drawn) == [12, 5], timeout=5000)
    absent = "[typeof gridmap.counts, typeof gridmap.perf, typeof gridmap.map]"
    assert js(qtbot, production_panel, absent) == ["undefined"] * 3
    with pytest.raises(RuntimeError, match="probes=True"):
        production_panel.request_counts(lambda _counts: None)
    assert [r.getMessage() for r in caplog.records] == []
