"""The bridge on its own: nothing leaves before the page is ready, then all of it in order."""

from __future__ import annotations

import json

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
