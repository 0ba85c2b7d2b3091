/* gridmap/main.js: start-up. Find folium's objects, make the canvases, shake hands.
 *
 * Loaded after the other gridmap files (maps/page.py, SCRIPTS); the test and bench
 * probes (probes.js), when the page has them, load after this and before start-up.
 */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;

  function init() {
    var cfg = S.cfg = JSON.parse(document.getElementById('gc-config').textContent);
    var map = S.map = window[cfg.map];
    S.palette = cfg.palette;
    gm.cards.setLabels(cfg.labels);
    Object.keys(cfg.layers).forEach(function (k) { S.layers[k] = window[cfg.layers[k]]; });
    Object.keys(cfg.panes).forEach(function (k) { S.renderers[k] = L.canvas({ pane: cfg.panes[k], padding: 0.3 }); });
    var workerCanvases = gm.workers.makeCanvases(cfg.worker_shards);
    gm.emit('renderers', { byPane: S.renderers, extraWorkers: workerCanvases.slice(1),
      workerCells: gm.workers.cellCanvas() });
    S.aggregateLayer = L.layerGroup();
    S.labelLayer = L.layerGroup().addTo(map);
    S.haloLayer = L.layerGroup().addTo(map);
    S.highlightLayer = L.layerGroup().addTo(map);
    map.doubleClickZoom.disable();
    gm.pointer.attach(map);
    map.attributionControl.setPrefix('Leaflet');
    map.on('zoomend moveend', function () { gm.aggregation.schedule(); gm.bridge.reportView(); });
    requestAnimationFrame(gm.halos.animate);
    gm.aggregation.refresh();
    gm.bridge.connect();
  }

  document.addEventListener('DOMContentLoaded', init);
})();
