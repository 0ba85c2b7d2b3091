/* gridmap/commands.js: what Python asks of the view (select, drill, basemap, labels…). */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;
  var tileLayer = null;

  function fitAll() {
    var b = null;
    S.reg.grids.forEach(function (layer) { b = b ? b.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast()); });
    if (!b) { return; }
    // The legend sits over the map's right edge: keep the district clear of it, or the
    // alerts on the east side hide behind it (seen on the wall screen).
    var legend = document.querySelector('.gc-legend');
    var width = S.map.getSize().x;
    var right = legend ? Math.min(legend.offsetWidth + 24, width * 0.45) : 16;
    S.map.fitBounds(b, { animate: false, paddingTopLeft: [16, 16], paddingBottomRight: [right, 16] });
  }

  function drill(id) {
    var layer = S.reg.grids.get(id);
    if (!layer) { return; }
    S.highlightLayer.clearLayers();
    L.polygon(layer.getLatLngs(), { renderer: S.renderers.track, interactive: false, fill: false,
      color: S.palette.highlight, weight: 7 }).addTo(S.highlightLayer);
    S.map.flyToBounds(layer.getBounds(), { padding: [60, 60], maxZoom: 17, duration: 0.6 });
    gm.bridge.call('double_click_grid', id);
  }

  function select(id) {
    var layer = S.reg.alerts.get(id);
    S.highlightLayer.clearLayers();
    if (!layer) { return; }
    L.circleMarker(layer.getLatLng(), { renderer: S.renderers.track, interactive: false, radius: 24,
      fill: false, color: S.palette.highlight, weight: 5 }).addTo(S.highlightLayer);
    S.map.flyTo(layer.getLatLng(), Math.max(S.map.getZoom(), gm.aggregation.AGGREGATE_BELOW + 1), { duration: 0.6 });
  }

  /** A worker chosen in the workers dock: their dot in view, zoomed in to where the
   *  workers are dots (and their track can be seen). Nothing moves when it already is. */
  function locateWorker(id) {
    var p = gm.workers.people().get(id);
    if (!p || p.lat === undefined) { return; }
    var at = L.latLng(p.lat, p.lng);
    var dots = gm.workers.DOTS_FROM;
    if (S.map.getZoom() >= dots && S.map.getBounds().pad(-0.1).contains(at)) { return; }
    S.map.flyTo(at, Math.max(S.map.getZoom(), dots + 1), { duration: 0.6 });
  }

  function basemap(b) {
    if (tileLayer) { S.map.removeLayer(tileLayer); tileLayer = null; }
    if (b.kind === 'none' || !b.url) { return; }
    tileLayer = L.tileLayer(b.url, { attribution: gm.escapeHtml(b.attribution), minZoom: b.minZoom,
      maxZoom: 20, maxNativeZoom: b.maxZoom });
    tileLayer.addTo(S.map);
  }

  var COMMANDS = {
    select: function (c) { select(c.id); },
    drill: function (c) { drill(c.id); },
    locate_worker: function (c) { locateWorker(c.id); },
    basemap: function (c) { basemap(c.basemap); },
    clear_highlight: function () { S.highlightLayer.clearLayers(); },
    fit: function () { fitAll(); },
    labels: function (c) { gm.cards.setLabels(c.labels); },
    at_risk: function (c) { gm.atRisk.set(c.ids); }
  };

  gm.commands = {
    fitAll: fitAll,
    drill: drill,
    /** A page module's own command (hotspots.js adds ``hotspots``). */
    add: function (name, fn) { COMMANDS[name] = fn; },
    /** One command (a JSON object with ``cmd``) from the bridge. */
    receive: function (json) {
      var c = JSON.parse(json);
      if (COMMANDS[c.cmd]) { COMMANDS[c.cmd](c); }
    }
  };
})();
