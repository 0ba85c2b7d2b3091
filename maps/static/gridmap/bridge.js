/* gridmap/bridge.js: the QWebChannel handshake, and the calls back into Python. */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;
  var bridge = null;

  function call(name, arg) { if (bridge && bridge[name]) { bridge[name](arg); } }

  function reportView() {
    var b = S.map.getBounds();
    call('report_view', JSON.stringify({ south: b.getSouth(), west: b.getWest(), north: b.getNorth(),
      east: b.getEast(), zoom: S.map.getZoom() }));
  }

  gm.bridge = {
    call: call,
    reportView: reportView,
    /** Connect to Python; diffs and commands queued there arrive once ready is reported. */
    connect: function () {
      new QWebChannel(qt.webChannelTransport, function (channel) {
        bridge = channel.objects.bridge;
        // Through the namespace on every call, so that a probe may wrap the receivers.
        bridge.diffs_sent.connect(function (json) { gm.layers.receive(json); });
        bridge.command_sent.connect(function (json) { gm.commands.receive(json); });
        gm.ready = true;
        bridge.report_ready();
        reportView();
      });
    }
  };
})();
