"""The page can only be itself: what a hostile script in it tries gets nothing.

Real offscreen QtWebEngine, no request interceptor (so nothing but the page's own
settings, policy and Qt's navigation checks stand in the way), and a real local
HTTP server that must never hear from the page.
"""

from __future__ import annotations

import http.server
import logging
import threading
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWebEngineCore import QWebEngineSettings

from gridcommand.db.live.records import ChangeBatch
from gridcommand.db.live.store import StateStore
from gridcommand.maps.panel import MapPanel
from tests.maps.conftest import counts, js
from tests.maps.factory import city, ticket
from tests.maps.mouse import click, pixel


class _Listener(http.server.ThreadingHTTPServer):
    def __init__(self) -> None:
        self.heard: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                listener.heard.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(b"secret-from-the-network")

            do_POST = do_GET

            def log_message(self, *_: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def listener() -> Iterator[_Listener]:
    server = _Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def open_panel(qtbot, store: StateStore) -> Iterator[MapPanel]:
    """A panel with no interceptor: the page alone must refuse the network."""
    widget = MapPanel(store, probes=True)  # the test reads the page's counts back
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    with qtbot.waitSignal(widget.ready, timeout=20000):
        pass
    yield widget
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


# What a hostile script would do. It speaks to the channel's transport directly, as
# any script in the page can, and keeps the answers to its own messages apart so
# that the page's own channel goes on working.
HOSTILE = """
(function () {
  var out = window.hostile = { fetchFile: null, fetchNet: null, xhrFile: null, opened: 'not yet',
                               answers: {}, sent: 0 };
  fetch('file:///etc/hostname').then(function (r) { return r.text(); })
    .then(function (t) { out.fetchFile = 'read:' + t; }, function (e) { out.fetchFile = 'refused:' + e; });
  fetch('http://127.0.0.1:PORT/fetch').then(function (r) { return r.text(); })
    .then(function (t) { out.fetchNet = 'read:' + t; }, function (e) { out.fetchNet = 'refused:' + e; });
  try {
    var x = new XMLHttpRequest();
    x.open('GET', 'file:///etc/hostname', false); x.send(); out.xhrFile = 'read:' + x.responseText;
  } catch (e) { out.xhrFile = 'refused:' + e; }
  var img = new Image(); img.src = 'http://127.0.0.1:PORT/image?leak=1';
  var link = document.createElement('link'); link.rel = 'stylesheet';
  link.href = 'http://127.0.0.1:PORT/style'; document.head.appendChild(link);
  var s = document.createElement('script'); s.src = 'http://127.0.0.1:PORT/script';
  document.head.appendChild(s);
  var frame = document.createElement('iframe'); frame.src = 'http://127.0.0.1:PORT/frame';
  document.body.appendChild(frame);
  out.opened = String(window.open('http://127.0.0.1:PORT/window'));
  var a = document.createElement('a'); a.href = 'data:text/plain,x'; a.download = 'x.txt';
  document.body.appendChild(a); a.click();

  var transport = qt.webChannelTransport, theirs = transport.onmessage;
  transport.onmessage = function (m) {
    var d = typeof m.data === 'string' ? JSON.parse(m.data) : m.data;
    if (typeof d.id === 'string' && d.id.indexOf('hostile') === 0) { out.answers[d.id] = d; return; }
    theirs(m);
  };
  function send(msg) { out.sent += 1; msg.id = 'hostile' + out.sent; transport.send(JSON.stringify(msg)); }
  send({ type: 6, object: 'bridge', method: 'deleteLater', args: [] });
  send({ type: 6, object: 'bridge', method: 'destroyed', args: [] });
  send({ type: 9, object: 'bridge', property: 0, value: 'renamed' });
  send({ type: 6, object: 'bridge', method: 'click_alert', args: ['1; DROP TABLE tickets'] });
  send({ type: 6, object: 'bridge', method: 'click_alert', args: [987654] });
  send({ type: 6, object: 'bridge', method: 'click_alert', args: [1.5] });
  send({ type: 6, object: 'bridge', method: 'click_worker', args: [{ id: 'W0001' }] });
  send({ type: 6, object: 'bridge', method: 'double_click_grid', args: ['NOPE'] });
  send({ type: 6, object: 'bridge', method: 'report_view', args: ['{"zoom": 1e999}'] });
  send({ type: 6, object: 'bridge', method: 'report_view', args: ['x'.repeat(100000)] });
  return true;
})()
"""
DONE = "window.hostile && window.hostile.fetchFile !== null && window.hostile.fetchNet !== null"


def test_a_hostile_script_gets_nothing_and_the_map_lives_on(qtbot, open_panel, store, listener):
    panel = open_panel
    panel.on_store_changed(store.apply(city(grids=4, tickets=2)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 2, timeout=5000)
    home = panel.page.url().toString()
    face = panel.bridge.face
    heard: list[object] = []
    for signal in (panel.ticket_clicked, panel.worker_clicked, panel.grid_selected):
        signal.connect(heard.append)

    port = str(listener.server_address[1])
    assert js(qtbot, panel, HOSTILE.replace("PORT", port)) is True
    qtbot.waitUntil(lambda: js(qtbot, panel, DONE) is True, timeout=5000)
    qtbot.waitUntil(lambda: js(qtbot, panel, "Object.keys(hostile.answers).length") >= 9)
    panel.page.runJavaScript(f"location.href = 'http://127.0.0.1:{port}/navigate'")
    panel.page.runJavaScript("location.href = 'file:///etc/hostname'")
    qtbot.waitUntil(lambda: any("/navigate" in u for u in panel.page.refused), timeout=5000)
    qtbot.wait(500)  # anything that was going to arrive has arrived
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    out = js(qtbot, panel, "hostile")
    assert out["fetchFile"].startswith("refused:")
    assert out["fetchNet"].startswith("refused:")
    assert out["xhrFile"].startswith("refused:")
    assert out["opened"] == "null"
    assert listener.heard == []  # not a fetch, an image, a style, a script, a frame or a page
    assert panel.page.url().toString() == home
    assert shiboken6.isValid(face), "deleteLater from the page deleted the bridge"
    assert face.objectName() == "bridge"
    assert heard == []  # no wrong id, wrong type or unknown code reached the application
    assert panel.bridge.refused >= 6
    assert panel.bridge.view.get("zoom") != float("inf")

    # The live map goes on: a new alert through the normal path is drawn.
    panel.on_store_changed(store.apply(ChangeBatch(tickets=(ticket(50, grid_no=1),))))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 3, timeout=5000)
    # And a genuine click (a real mouse, where the alert is drawn) still arrives, validated.
    at = js(qtbot, panel, "gridmap.alert(50)")
    assert isinstance(at, dict)
    js(
        qtbot,
        panel,
        f"gridmap.map().setView([{at['lat']}, {at['lng']}], 17, {{animate: false}}) && 1",
    )
    qtbot.waitUntil(lambda: counts(qtbot, panel)["aggregating"] is False, timeout=5000)
    with qtbot.waitSignal(panel.ticket_clicked, check_params_cb=lambda i: i == 50, timeout=5000):
        click(qtbot, panel, pixel(qtbot, panel, at["lat"], at["lng"]))


def test_the_page_runs_under_its_policy_with_no_violation(qtbot, open_panel, store, caplog):
    caplog.set_level(logging.WARNING, logger="gridcommand.maps.js")
    panel = open_panel
    panel.on_store_changed(store.apply(city(grids=4, tickets=2)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 2, timeout=5000)
    assert panel.page.url().scheme() == "gcmap"
    settings = panel.page.settings()
    for attribute in (
        QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls,
        QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls,
        QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows,
    ):
        assert settings.testAttribute(attribute) is False, attribute
    policy = js(
        qtbot,
        panel,
        "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content",
    )
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert js(qtbot, panel, "typeof L === 'object' && gridmap.ready") is True
    assert [r.message for r in caplog.records if "Content Security Policy" in r.message] == []
