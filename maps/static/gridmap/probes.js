/* gridmap/probes.js: read-backs for the tests, the bench and `gridcommand snapshot`.
 *
 * Not part of the production page: maps/page.py adds this file only to the page built
 * with probes (MapPanel(..., probes=True)). It wraps the page's work to time it, stamps
 * when new alerts are painted, and answers questions about what is drawn. Loaded after
 * main.js and before DOMContentLoaded, so every wrap is in place before start-up.
 */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;

  // Where the page's own time goes (read back by the bench): total, count and longest
  // run of each kind of work, in ms. A few performance.now() calls per frame.
  gm.perf = {};
  function timed(kind, fn) {
    return function () {
      var t = performance.now();
      try { return fn.apply(this, arguments); } finally {
        var ms = performance.now() - t, p = gm.perf[kind] || (gm.perf[kind] = { ms: 0, n: 0, max: 0 });
        p.ms += ms; p.n += 1; if (ms > p.max) { p.max = ms; }
      }
    };
  }

  // Batches applied, and how long the last one took (the bench waits on these).
  gm.applied = 0;
  gm.lastApplyMs = 0;
  var receive = gm.layers.receive;
  gm.layers.receive = timed('diffs', function (json) {
    var started = performance.now();
    receive(json);
    gm.applied += 1;
    gm.lastApplyMs = performance.now() - started;
  });
  gm.aggregation.refresh = timed('aggregate', gm.aggregation.refresh);
  gm.halos.animate = timed('halos', gm.halos.animate);
  gm.workers.drawCells = timed('worker cells', gm.workers.drawCells);
  gm.on('renderers', function (r) {
    Object.keys(r.byPane).forEach(function (k) {
      var renderer = r.byPane[k];
      renderer._redraw = timed('paint ' + k, renderer._redraw);
    });
    r.extraWorkers.forEach(function (renderer) { renderer._redraw = timed('paint workers', renderer._redraw); });
    r.workerCells._redraw = timed('paint worker cells', r.workerCells._redraw);
  });

  // When each new alert was first painted, by the wall clock (Date.now(), the same
  // clock as Python's time.time() on this machine): the bench reads it back, so its
  // INSERT-to-point figure needs no polling. The newest DRAWN_KEEP only.
  var DRAWN_KEEP = 2000;
  gm.drawnAt = new Map();
  gm.on('alerts_added', function (ids) {
    // Two frames on: zoomed out, the cluster that shows a new alert is itself drawn in
    // an animation frame, so the first frame after the diff may not show it yet.
    requestAnimationFrame(function () { requestAnimationFrame(function () {
      var t = Date.now();
      ids.forEach(function (id) { if (!gm.drawnAt.has(id)) { gm.drawnAt.set(id, t); } });
      while (gm.drawnAt.size > DRAWN_KEEP) { gm.drawnAt.delete(gm.drawnAt.keys().next().value); }
    }); });
  });
  gm.drawnTimes = function (ids) {
    return ids.map(function (id) { return gm.drawnAt.has(id) ? gm.drawnAt.get(id) : null; });
  };

  // -- what is drawn (snapshot, tests) -------------------------------------------------
  gm.counts = function () {
    var reg = S.reg;
    var workers = { online: 0, stale: 0, offline: 0 };
    gm.workers.people().forEach(function (p) { workers[p.status] = (workers[p.status] || 0) + 1; });
    var pulsing = 0;
    reg.alerts.forEach(function (l) { if (l.gcProps.pulse) { pulsing += 1; } });
    return { grids: reg.grids.size, alerts: reg.alerts.size, alerts_pulsing: pulsing, workers: workers,
      outlines: reg.outlines.size, track_points: Array.from(reg.track.values()).reduce(function (n, l) { return n + l.getLatLngs().length; }, 0),
      clusters: S.aggregateLayer.getLayers().length, halos: gm.halos.count(), at_risk: gm.atRisk.count(), aggregating: S.aggregating,
      workers_as: gm.workers.showing(), worker_cells: gm.workers.badges().length, worker_dots: reg.workers.size,
      batches_applied: gm.applied, last_apply_ms: gm.lastApplyMs };
  };
  gm.worker = function (id) { var p = gm.workers.people().get(id); return p ? { lat: p.lat, lng: p.lng, props: p } : null; };
  gm.alert = function (id) { var l = S.reg.alerts.get(id); return l ? { lat: l.getLatLng().lat, lng: l.getLatLng().lng, props: l.gcProps } : null; };
  gm.tooltipText = function (layerName, id) {
    var l = S.reg[layerName].get(id);
    if (!l) { return null; }
    var card = layerName === 'alerts' ? gm.cards.alert(l.gcProps) : layerName === 'workers' ? gm.cards.worker(l.gcProps) : gm.cards.grid(l.gcProps);
    return { text: card.textContent, html: card.innerHTML, images: card.getElementsByTagName('img').length };
  };
  // How an alert is drawn right now: its own point (close in, or a cell of its own when
  // aggregating) with its style, or null when it is only part of a count.
  gm.drawnAlert = function (id) {
    var layer = null;
    if (S.aggregating) {
      S.aggregateLayer.eachLayer(function (l) { if (l.gcId === id) { layer = l; } });
    } else {
      layer = S.reg.alerts.get(id) || null;
    }
    if (!layer) { return null; }
    var o = layer.options;
    var known = S.reg.alerts.get(id);
    return { radius: o.radius, fillColor: o.fillColor, color: o.color, weight: o.weight,
      pulse: !!(known && known.gcProps.pulse) };
  };
  gm.fitAll = function () { gm.commands.fitAll(); };
  // The workers' count badges drawn now: count, by status, and where.
  gm.workerCells = function () { return gm.workers.badges(); };
  gm.labels = function () {
    return S.labelLayer.getLayers().map(function (t) {
      var ll = t.getLatLng();
      return { text: t.getElement() ? t.getElement().textContent : '', lat: ll.lat, lng: ll.lng,
        cls: t.options.className };
    });
  };
  gm.clusterStamps = function () { return S.aggregateLayer.getLayers().map(L.stamp); };
  gm.map = function () { return S.map; };
})();
