/* gridmap/aggregation.js: what the view shows at its zoom, redone once per frame at most.
 *
 * Zoomed out, alerts are binned in screen cells drawn as counts; close in, each alert
 * is its own point; names show where they fit inside their polygon.
 */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;
  var AGGREGATE_BELOW = 15;
  var MAX_LABELS = 300;
  var CELL_PX = 96;
  var RANK = { green: 0, yellow: 1, red: 2 };
  var cellMarkers = new Map();  // aggregation cell key -> {sig, layer, pulse}
  var pendingFrame = false;

  S.aggregating = null;

  function schedule() {
    if (pendingFrame) { return; }
    pendingFrame = true;
    requestAnimationFrame(function () { pendingFrame = false; gm.aggregation.refresh(); });
  }

  function refresh() {
    var map = S.map;
    var zoom = map.getZoom();
    var aggregate = zoom < AGGREGATE_BELOW;
    if (aggregate !== S.aggregating) {
      S.aggregating = aggregate;
      if (aggregate) { map.removeLayer(S.layers.alerts); map.addLayer(S.aggregateLayer); }
      else { map.removeLayer(S.aggregateLayer); map.addLayer(S.layers.alerts); }
    }
    var pulsingPoints = [];
    var view = map.getBounds().pad(0.25);
    if (aggregate) {
      var cells = new Map();
      S.reg.alerts.forEach(function (layer) {
        var p = layer.gcProps;
        var ll = layer.getLatLng();
        if (!view.contains(ll)) { return; }
        var px = map.project(ll, zoom);
        // An emergency is never swallowed into a count: it keeps a cell of its own.
        var key = p.emergency ? 'emergency:' + p.id
          : Math.floor(px.x / CELL_PX) + ':' + Math.floor(px.y / CELL_PX);
        var c = cells.get(key);
        if (!c) { c = { n: 0, lat: 0, lng: 0, rank: 0, emergency: false, pulse: false, one: null, bounds: L.latLngBounds(ll, ll) }; cells.set(key, c); }
        c.n += 1; c.lat += ll.lat; c.lng += ll.lng; c.one = layer;
        c.rank = Math.max(c.rank, RANK[p.time] || 0);
        c.emergency = c.emergency || p.emergency;
        c.pulse = c.pulse || p.pulse;
        c.bounds.extend(ll);
      });
      // A new alert changes one cell: the others keep their markers and permanent
      // count labels (DOM nodes), which made the renderer's busiest work when they
      // were all rebuilt for every alert that arrived.
      var kept = new Map();
      cells.forEach(function (c, key) {
        var sig = cellSignature(c);
        var old = cellMarkers.get(key);
        if (old && old.sig === sig) {
          kept.set(key, old);
          if (old.pulse) { pulsingPoints.push(old.pulse); }
          cellMarkers.delete(key);
          return;
        }
        kept.set(key, drawCell(c, sig, pulsingPoints));
      });
      cellMarkers.forEach(function (old) { S.aggregateLayer.removeLayer(old.layer); });
      cellMarkers = kept;
    } else {
      S.aggregateLayer.clearLayers();
      cellMarkers = new Map();
      S.reg.alerts.forEach(function (layer) {
        if (layer.gcProps.pulse && view.contains(layer.getLatLng())) {
          pulsingPoints.push([layer.getLatLng(), gm.styles.alert(layer.gcProps).radius]);
        }
      });
    }
    gm.halos.set(pulsingPoints);
    gm.workers.refresh(zoom);  // after the alerts' counts: its badges keep off them
    refreshNames();
  }

  function cellSignature(c) {
    // Everything a cell's marker shows; the same signature means the same marker.
    var one = c.n === 1 ? c.one.gcProps : null;
    return [c.n, c.rank, c.emergency, c.pulse, (c.lat / c.n).toFixed(5), (c.lng / c.n).toFixed(5),
      one ? one.id + '|' + one.time + '|' + one.emergency + '|' + one.pulse : ''].join(':');
  }

  function drawCell(c, sig, pulsingPoints) {
    var centre = L.latLng(c.lat / c.n, c.lng / c.n);
    var time = ['green', 'yellow', 'red'][c.rank];
    var pulse = null;
    if (c.n === 1) {
      var p = c.one.gcProps;
      var single = L.circleMarker(c.one.getLatLng(), L.extend({ renderer: S.renderers.alerts }, gm.styles.alert(p)));
      single.gcId = p.id;
      single.bindTooltip(function () { return gm.cards.alert(p); }, { className: 'gc-tip' });
      single.on('click', function () { gm.bridge.call('click_alert', p.id); });
      single.on('contextmenu', function (e) { gm.pointer.menu('alerts', p.id, e); });
      S.aggregateLayer.addLayer(single);
      if (p.pulse) { pulse = [c.one.getLatLng(), gm.styles.alert(p).radius]; pulsingPoints.push(pulse); }
      return { sig: sig, layer: single, pulse: pulse };
    }
    var colours = S.palette;
    var radius = Math.min(28, 11 + 2.8 * Math.log2(c.n));
    var marker = L.circleMarker(centre, { renderer: S.renderers.alerts, radius: radius, fillColor: colours.alert_time[time],
      fillOpacity: 0.92, color: c.emergency ? colours.emergency_edge : colours.alert_edge, weight: c.emergency ? 4 : 2 });
    marker.bindTooltip(gm.el('span', null, String(c.n)), { permanent: true, direction: 'center',
      className: 'gc-count gc-count-' + time, interactive: false });
    marker.on('click', function () { S.map.flyToBounds(c.bounds.pad(0.3), { maxZoom: AGGREGATE_BELOW + 1 }); });
    S.aggregateLayer.addLayer(marker);
    if (c.pulse) { pulse = [centre, radius]; pulsingPoints.push(pulse); }
    return { sig: sig, layer: marker, pulse: pulse };
  }

  // -- names: each where it fits inside its polygon, none over another -------------------
  // Python sends each label's anchor (lp, inside the polygon), its box in px (lw, lh)
  // and the zoom range it fits in (lz, and xz for regions; see maps/labelspots.py).
  // Districts and streets claim their space first, then communities, then grids.
  var LABEL_RANK = { district: 0, street: 1, community: 2, grid: 3 };
  function labelCandidates(zoom, view) {
    var out = [];
    function consider(layer, level) {
      var p = layer.gcProps;
      if (!p.lp || p.lz === null || p.lz === undefined || zoom < p.lz) { return; }
      if (p.xz !== undefined && zoom > p.xz) { return; }
      if (!view.contains(p.lp)) { return; }
      out.push({ p: p, level: level, rank: LABEL_RANK[level], size: p.lw * p.lh });
    }
    S.reg.outlines.forEach(function (layer) { consider(layer, layer.gcProps.level); });
    S.reg.grids.forEach(function (layer) { consider(layer, 'grid'); });
    out.sort(function (a, b) { return a.rank - b.rank || a.p.lz - b.p.lz || b.size - a.size; });
    return out;
  }
  function refreshNames() {
    S.labelLayer.clearLayers();
    var placed = [];
    labelCandidates(S.map.getZoom(), S.map.getBounds()).forEach(function (c) {
      if (placed.length >= MAX_LABELS) { return; }
      var pt = S.map.latLngToContainerPoint(c.p.lp);
      var box = [pt.x - c.p.lw / 2, pt.y - c.p.lh / 2, pt.x + c.p.lw / 2, pt.y + c.p.lh / 2];
      var clash = placed.some(function (o) { return box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]; });
      if (clash) { return; }
      placed.push(box);
      var cls = c.level === 'grid' ? 'gc-label' : 'gc-region gc-region-' + c.level;
      L.tooltip({ permanent: true, direction: 'center', className: cls, interactive: false })
        .setLatLng(c.p.lp).setContent(gm.el('span', null, c.p.name || c.p.id))
        .addTo(S.labelLayer);
    });
  }

  gm.aggregation = {
    AGGREGATE_BELOW: AGGREGATE_BELOW,
    schedule: schedule,
    refresh: refresh  // called through gm.aggregation, so a probe may time it
  };
})();
