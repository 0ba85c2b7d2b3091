"""The bridge on its own: nothing leaves before the page is ready, then all of it in order."""

from __future__ import annotations

import json

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QMetaMethod

from gridcommand.maps.bridge import MapBridge


def test_queues_until_ready_then_sends_one_batch(qtbot):
    bridge = MapBridge()
    sent: list[str] = []
    commands: list[str] = []
    bridge.diffs_sent.connect(sent.append)
    bridge.command_sent.connect(commands.append)
    bridge.send_diffs([{"layer": "alerts", "upsert": [{"id": 1}], "remove": []}])
    bridge.send_command("select", id=1)
    bridge.send_diffs([{"layer": "alerts", "upsert": [], "remove": [1]}])
    assert sent == [] and commands == []
    with qtbot.waitSignal(bridge.page_ready_reported):
        bridge.report_ready()
    assert [d["upsert"] or d["remove"] for d in json.loads(sent[0])] == [[{"id": 1}], [1]]
    assert json.loads(commands[0]) == {"cmd": "select", "id": 1}
    bridge.send_diffs([{"layer": "workers", "upsert": [{"id": "W1"}], "remove": []}])
    assert len(sent) == 2  # once ready, straight through


def test_text_is_json_not_code(qtbot):
    bridge = MapBridge()
    sent: list[str] = []
    bridge.diffs_sent.connect(sent.append)
    bridge.report_ready()
    evil = "'); alert(1); ('"
    bridge.send_diffs([{"layer": "alerts", "upsert": [{"id": 1, "description": evil}]}])
    assert json.loads(sent[0])[0]["upsert"][0]["description"] == evil


def test_view_reports_and_bad_json_ignored(qtbot):
    bridge = MapBridge()
    with qtbot.waitSignal(bridge.view_changed, check_params_cb=lambda v: v["zoom"] == 12):
        bridge.report_view('{"south": 1, "west": 2, "north": 3, "east": 4, "zoom": 12}')
    bridge.report_view("not json")
    assert bridge.view["zoom"] == 12


def test_what_the_page_sends_is_checked_before_anyone_hears_it(qtbot):
    known = {("alerts", 5), ("workers", "W1"), ("grids", "G1")}
    bridge = MapBridge(known=lambda layer, key: (layer, key) in known)
    heard: list[object] = []
    for signal in (bridge.alert_clicked, bridge.worker_clicked, bridge.grid_double_clicked):
        signal.connect(heard.append)
    for bad in ("5", 5.5, True, None, -5, 2**40, 6, [5]):
        bridge.click_alert(bad)
    for wrong in (5, "", "W" * 65, "W1\n", "W2", {"id": "W1"}):
        bridge.click_worker(wrong)
    bridge.double_click_grid("G2")
    assert heard == [] and bridge.refused == 15
    bridge.click_alert(5.0)  # a JavaScript number arrives as a float
    bridge.click_worker("W1")
    bridge.double_click_grid("G1")
    assert heard == [5, "W1", "G1"]


def test_only_a_sane_view_is_taken():
    bridge = MapBridge()
    good = '{"south": 1, "west": 2, "north": 3, "east": 4, "zoom": 12}'
    for bad in (
        '{"south": 1, "west": 2, "north": 3, "east": 4, "zoom": 1e999}',
        '{"south": 1, "west": 2, "north": 3, "east": 4, "zoom": NaN}',
        '{"south": 91, "west": 2, "north": 3, "east": 4, "zoom": 12}',
        '{"south": 1, "west": 2, "north": 3, "east": 4, "zoom": 12, "extra": 1}',
        '{"south": "1", "west": 2, "north": 3, "east": 4, "zoom": 12}',
        good + " " * 2000,
        42,
    ):
        bridge.report_view(bad)
        assert bridge.view == {}
    bridge.report_view(good)
    assert bridge.view == {"south": 1, "west": 2, "north": 3, "east": 4, "zoom": 12}


def test_the_face_shows_the_page_only_its_handlers_and_survives_delete_later(qtbot):
    bridge = MapBridge()
    face = bridge.face
    meta = face.metaObject()
    own = {
        bytes(meta.method(i).name().data()).decode()
        for i in range(meta.methodOffset(), meta.methodCount())
    }
    assert own == {
        "diffs_sent",
        "command_sent",
        "report_ready",
        "click_alert",
        "click_worker",
        "click_grid",
        "double_click_grid",
        "open_menu",
        "report_view",
    }
    assert all(
        meta.method(i).access() == QMetaMethod.Access.Public
        for i in range(meta.methodOffset(), meta.methodCount())
    )
    face.deleteLater()
    QCoreApplication.sendPostedEvents(face, QEvent.Type.DeferredDelete)
    assert shiboken6.isValid(face)
    face.setObjectName("renamed")
    assert face.objectName() == "bridge"


def test_long_texts_reach_the_page_a_turn_at_a_time_in_order(qtbot, monkeypatch):
    from gridcommand.maps import bridge as bridge_module

    monkeypatch.setattr(bridge_module, "TURN_CHARS", 1000)
    bridge = MapBridge()
    out: list[str] = []
    bridge.diffs_sent.connect(lambda text: out.append(f"text {len(text)}"))
    bridge.command_sent.connect(lambda text: out.append(json.loads(text)["cmd"]))
    bridge.report_ready()
    texts = [
        json.dumps([{"layer": "grids", "upsert": [{"id": i, "x": "." * 900}]}]) for i in range(4)
    ]
    for text in texts:
        bridge.send_text(text)
    bridge.send_command("select", id=1)  # after the texts it follows, never before
    assert len(out) == 1  # one turn's share now, the rest on the next turns
    qtbot.waitUntil(lambda: bridge.backlog == 0)
    assert out == [f"text {len(texts[0])}"] * 4 + ["select"]


def test_a_city_queued_before_the_page_was_ready_is_sent_unparsed_over_turns(qtbot, monkeypatch):
    from gridcommand.maps import bridge as bridge_module

    monkeypatch.setattr(bridge_module, "TURN_CHARS", 1000)
    bridge = MapBridge()
    sent: list[str] = []
    bridge.diffs_sent.connect(sent.append)
    texts = [
        json.dumps([{"layer": "grids", "upsert": [{"id": i, "x": "." * 900}]}]) for i in range(3)
    ]
    for text in texts:
        bridge.send_text(text)
    bridge.report_ready()
    qtbot.waitUntil(lambda: bridge.backlog == 0)
    assert sent == texts
