/* gridmap: the page's registry of drawn features, keyed by id and fed by JSON diffs.
 *
 * Python never writes JavaScript: it emits JSON strings on the bridge's signals and
 * this file applies them. Text from the database only ever reaches the DOM through
 * textContent, so a description full of markup is shown, never run.
 */
(function () {
  'use strict';

  var TIME = { green: '#22e06b', yellow: '#ffd21f', red: '#ff1f1f' };
  var ROLE = { full_time: '#00e5ff', part_time: '#5b8cff', volunteer: '#f472ff' };
  var GRID = {
    normal: { fillColor: '#1b2a44', fillOpacity: 0.35 },
    alerts: { fillColor: '#b45309', fillOpacity: 0.3 },
    overdue: { fillColor: '#b91c1c', fillOpacity: 0.35 },
    overloaded: { fillColor: '#7c3aed', fillOpacity: 0.45 }
  };
  var RANK = { green: 0, yellow: 1, red: 2 };
  var AGGREGATE_BELOW = 15;
  var LABEL_FROM = 15;
  var MAX_LABELS = 300;
  var CELL_PX = 96;

  var gm = { ready: false, applied: 0, lastApplyMs: 0 };
  window.gridmap = gm;
  var map, bridge, cfg;
  var layers = {};
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
  var renderers = {};
  var workerRenderers = [];
  var reg = { grids: new Map(), outlines: new Map(), alerts: new Map(), workers: new Map(), track: new Map() };
  var cellMarkers = new Map();  // aggregation cell key -> {sig, layer, pulse}
  var aggregateLayer, labelLayer, haloLayer, highlightLayer, tileLayer = null;
  var halos = [];
  var aggregating = null;
  var pendingFrame = false;
  var fitted = false;

  // -- safe text ------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function card(title, rows) {
    var box = el('div', 'gc-card');
    box.appendChild(el('div', 'gc-title', title));
    rows.forEach(function (r) {
      if (r[1] === undefined || r[1] === null || r[1] === '') { return; }
      var row = el('div', 'gc-row');
      row.appendChild(el('span', 'gc-key', r[0]));
      row.appendChild(el('span', 'gc-val', r[1]));
      box.appendChild(row);
    });
    return box;
  }
  function escapeHtml(s) { var d = document.createElement('div'); d.textContent = s || ''; return d.innerHTML; }

  // -- styles ---------------------------------------------------------------------
  function gridStyle(p) {
    var s = GRID[p.state] || GRID.normal;
    return { color: '#7f9cff', weight: 1, opacity: 0.7, fillColor: s.fillColor, fillOpacity: s.fillOpacity };
  }
  function alertStyle(p) {
    return {
      radius: p.emergency ? 14 : 9,
      fillColor: TIME[p.time] || TIME.red, fillOpacity: 1,
      color: p.emergency ? '#ffffff' : '#2a0000', weight: p.emergency ? 4 : 2, opacity: 1
    };
  }
  var workerScale = 1;
  function workerStyle(p) {
    var r = p.role === 'full_time' ? 8 : (p.role === 'part_time' ? 6 : 5);
    var base = { radius: r * workerScale, weight: workerScale < 1 ? 1 : 2 };
    if (p.status === 'online') {
      return L.extend(base, { fillColor: ROLE[p.role] || ROLE.volunteer, fillOpacity: 1, color: '#ffffff', opacity: 1, dashArray: null });
    }
    if (p.status === 'stale') {
      return L.extend(base, { fillColor: ROLE[p.role] || ROLE.volunteer, fillOpacity: 0.35, color: '#ffffff', opacity: 0.9, dashArray: '3 3' });
    }
    return L.extend(base, { fillColor: '#6b7280', fillOpacity: 0.5, color: '#9ca3af', opacity: 0.6, dashArray: null });
  }

  // -- tooltips, built from text nodes only ------------------------------------------
  var LABELS = {};
  function t(key) { return Object.prototype.hasOwnProperty.call(LABELS, key) ? LABELS[key] : key; }
  function setLabels(labels) {
    L.extend(LABELS, labels || {});
    document.querySelectorAll('[data-label]').forEach(function (e) { e.textContent = t(e.dataset.label); });
  }
  function gridCard(p) {
    return card(p.name || p.id, [[t('open'), p.open], [t('overdue'), p.overdue],
      [t('households'), p.households], [t('hpw'), p.hpw]]);
  }
  function alertCard(p) {
    return card((p.emergency ? '⚠ ' : '') + (p.category || ''), [['', p.description], [t('code'), p.code],
      [t('status'), t(p.status)],
      [t('deadline'), p.deadline ? new Date(p.deadline).toLocaleString() : ''], [t('grid'), p.grid]]);
  }
  function workerCard(p) {
    return card(p.name || p.id, [[t('role'), t(p.role)], [t('status'), t(p.status)], [t('grid'), p.grid],
      [t('last_fix'), p.at ? new Date(p.at).toLocaleTimeString() : '']]);
  }

  // -- layer handlers: upsert merges, so a style-only update carries no geometry -------
  function call(name, arg) { if (bridge && bridge[name]) { bridge[name](arg); } }
  // Right-click: Qt pops the item's actions at this point of the view (CSS pixels).
  function menu(kind, id, e) {
    call('open_menu', JSON.stringify({ layer: kind, id: String(id),
      x: Math.round(e.containerPoint.x), y: Math.round(e.containerPoint.y) }));
  }

  var HANDLERS = {
    grids: {
      create: function (p) {
        if (!p.rings) { return null; }
        var layer = L.polygon(p.rings, L.extend({ renderer: renderers.grids }, gridStyle(p)));
        layer.bindTooltip(function () { return gridCard(layer.gcProps); }, { sticky: true, className: 'gc-tip' });
        layer.on('click', function () { call('click_grid', layer.gcProps.id); });
        layer.on('dblclick', function (e) { L.DomEvent.stop(e); drill(layer.gcProps.id); });
        layer.on('contextmenu', function (e) { menu('grids', layer.gcProps.id, e); });
        return layer;
      },
      update: function (layer, p) {
        if (p.rings) { layer.setLatLngs(p.rings); }
        layer.setStyle(gridStyle(layer.gcProps));
      }
    },
    outlines: {
      create: function (p) {
        var street = p.level === 'street';
        return L.polyline(p.lines, { renderer: renderers.outlines, interactive: false,
          color: street ? '#c7d2fe' : '#8ea2e8', weight: street ? 4 : 2.5, opacity: street ? 0.85 : 0.8 });
      },
      update: function (layer, p) { if (p.lines) { layer.setLatLngs(p.lines); } }
    },
    alerts: {
      create: function (p) {
        if (p.lat === undefined) { return null; }
        var layer = L.circleMarker([p.lat, p.lng], L.extend({ renderer: renderers.alerts }, alertStyle(p)));
        layer.bindTooltip(function () { return alertCard(layer.gcProps); }, { className: 'gc-tip' });
        layer.on('click', function () { call('click_alert', layer.gcProps.id); });
        layer.on('contextmenu', function (e) { menu('alerts', layer.gcProps.id, e); });
        return layer;
      },
      update: function (layer, p, old) {
        if (p.lat !== undefined) { layer.setLatLng([p.lat, p.lng]); }
        var q = layer.gcProps;
        if (old && old.time === q.time && old.emergency === q.emergency) { return; }
        var s = alertStyle(q);
        layer.setStyle(s);
        layer.setRadius(s.radius);
      }
    },
    workers: {
      create: function (p) {
        var canvas = workerRenderers[(p.s || 0) % workerRenderers.length];
        var layer = L.circleMarker([p.lat, p.lng], L.extend({ renderer: canvas }, workerStyle(p)));
        layer.bindTooltip(function () { return workerCard(layer.gcProps); }, { className: 'gc-tip' });
        layer.on('click', function () { call('click_worker', layer.gcProps.id); });
        layer.on('contextmenu', function (e) { menu('workers', layer.gcProps.id, e); });
        return layer;
      },
      update: function (layer, p, old) {
        if (p.lat !== undefined) { layer.setLatLng([p.lat, p.lng]); }
        var q = layer.gcProps;
        if (old && old.status === q.status && old.role === q.role) { return; }  // moved only
        var s = workerStyle(q);
        layer.setStyle(s);
        layer.setRadius(s.radius);
      }
    },
    track: {
      create: function (p) {
        return L.polyline(p.path || [], { renderer: renderers.track, interactive: false,
          color: '#00e5ff', weight: 5, opacity: 0.9, dashArray: '10 6' });
      },
      update: function (layer, p) { if (p.path) { layer.setLatLngs(p.path); } }
    }
  };

  function apply(diff) {
    var h = HANDLERS[diff.layer];
    var registry = reg[diff.layer];
    var group = layers[diff.layer];
    if (!h) { return; }
    (diff.remove || []).forEach(function (id) {
      var layer = registry.get(id);
      if (layer) { group.removeLayer(layer); registry.delete(id); }
    });
    (diff.upsert || []).forEach(function (p) {
      var layer = registry.get(p.id);
      if (layer) {
        var old = { time: layer.gcProps.time, emergency: layer.gcProps.emergency,
          status: layer.gcProps.status, role: layer.gcProps.role };
        L.extend(layer.gcProps, p);
        h.update(layer, p, old);
        return;
      }
      layer = h.create(p);
      if (!layer) { return; }
      layer.gcProps = L.extend({}, p);
      registry.set(p.id, layer);
      group.addLayer(layer);
      if (diff.layer === 'alerts') { newAlerts.push(p.id); }
    });
  }

  // When each new alert was first painted, by the wall clock (Date.now(), the same
  // clock as Python's time.time() on this machine): the bench reads it back, so its
  // INSERT-to-point figure needs no polling. The newest DRAWN_KEEP only.
  var newAlerts = [];
  var DRAWN_KEEP = 2000;
  gm.drawnAt = new Map();
  function stampDrawn() {
    if (!newAlerts.length) { return; }
    var ids = newAlerts;
    newAlerts = [];
    // Two frames on: zoomed out, the cluster that shows a new alert is itself drawn in
    // an animation frame, so the first frame after the diff may not show it yet.
    requestAnimationFrame(function () { requestAnimationFrame(function () {
      var t = Date.now();
      ids.forEach(function (id) { if (!gm.drawnAt.has(id)) { gm.drawnAt.set(id, t); } });
      while (gm.drawnAt.size > DRAWN_KEEP) { gm.drawnAt.delete(gm.drawnAt.keys().next().value); }
    }); });
  }

  var onDiffs = timed('diffs', function (json) {
    var started = performance.now();
    var batch = JSON.parse(json);
    var touched = {};
    batch.forEach(function (d) { apply(d); touched[d.layer] = true; });
    if (touched.grids && !fitted && reg.grids.size) { fitted = true; fitAll(); }
    if (touched.alerts || touched.grids) { schedule(); }
    stampDrawn();
    gm.applied += 1;
    gm.lastApplyMs = performance.now() - started;
  });

  // -- aggregation: alerts binned in screen cells while zoomed out ---------------------
  function schedule() {
    if (pendingFrame) { return; }
    pendingFrame = true;
    requestAnimationFrame(function () { pendingFrame = false; refresh(); });
  }

  function rescaleWorkers(zoom) {
    var scale = zoom < 14 ? 0.55 : 1;  // a city of workers would bury the grids when zoomed out
    if (scale === workerScale) { return; }
    workerScale = scale;
    reg.workers.forEach(function (layer) { HANDLERS.workers.update(layer, {}); });
  }

  function refresh() {
    var zoom = map.getZoom();
    rescaleWorkers(zoom);
    var aggregate = zoom < AGGREGATE_BELOW;
    if (aggregate !== aggregating) {
      aggregating = aggregate;
      if (aggregate) { map.removeLayer(layers.alerts); map.addLayer(aggregateLayer); }
      else { map.removeLayer(aggregateLayer); map.addLayer(layers.alerts); }
    }
    var pulsingPoints = [];
    var view = map.getBounds().pad(0.25);
    if (aggregate) {
      var cells = new Map();
      reg.alerts.forEach(function (layer) {
        var p = layer.gcProps;
        var ll = layer.getLatLng();
        if (!view.contains(ll)) { return; }
        var px = map.project(ll, zoom);
        var key = Math.floor(px.x / CELL_PX) + ':' + Math.floor(px.y / CELL_PX);
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
      cellMarkers.forEach(function (old) { aggregateLayer.removeLayer(old.layer); });
      cellMarkers = kept;
    } else {
      aggregateLayer.clearLayers();
      cellMarkers = new Map();
      reg.alerts.forEach(function (layer) {
        if (layer.gcProps.pulse && view.contains(layer.getLatLng())) {
          pulsingPoints.push([layer.getLatLng(), alertStyle(layer.gcProps).radius]);
        }
      });
    }
    setHalos(pulsingPoints);
    refreshLabels();
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
      var single = L.circleMarker(c.one.getLatLng(), L.extend({ renderer: renderers.alerts }, alertStyle(p)));
      single.bindTooltip(function () { return alertCard(p); }, { className: 'gc-tip' });
      single.on('click', function () { call('click_alert', p.id); });
      single.on('contextmenu', function (e) { menu('alerts', p.id, e); });
      aggregateLayer.addLayer(single);
      if (p.pulse) { pulse = [c.one.getLatLng(), alertStyle(p).radius]; pulsingPoints.push(pulse); }
      return { sig: sig, layer: single, pulse: pulse };
    }
    var radius = Math.min(28, 11 + 2.8 * Math.log2(c.n));
    var marker = L.circleMarker(centre, { renderer: renderers.alerts, radius: radius, fillColor: TIME[time],
      fillOpacity: 0.92, color: c.emergency ? '#ffffff' : '#2a0000', weight: c.emergency ? 4 : 2 });
    marker.bindTooltip(el('span', null, String(c.n)), { permanent: true, direction: 'center',
      className: 'gc-count gc-count-' + time, interactive: false });
    marker.on('click', function () { map.flyToBounds(c.bounds.pad(0.3), { maxZoom: AGGREGATE_BELOW + 1 }); });
    aggregateLayer.addLayer(marker);
    if (c.pulse) { pulse = [centre, radius]; pulsingPoints.push(pulse); }
    return { sig: sig, layer: marker, pulse: pulse };
  }

  // -- pulsing halos: only for what is on screen, animated on one timer ----------------
  function setHalos(points) {
    haloLayer.clearLayers();
    halos = points.slice(0, 400).map(function (pt) {
      var h = L.circleMarker(pt[0], { renderer: renderers.halos, interactive: false, radius: pt[1],
        fill: false, color: '#ff2a2a', weight: 4, opacity: 1 });
      h.gcBase = pt[1];
      haloLayer.addLayer(h);
      return h;
    });
  }
  var lastFrame = 0;
  function animate(t) {
    // Five steps a second still reads as a pulse from across the room. Each step repaints
    // a canvas the size of the screen and the browser composites every layer under it
    // again: at 16 a second that kept a software-rendered wall PC's page busy while new
    // alerts waited to be painted.
    if (halos.length && t - lastFrame >= 200) {
      lastFrame = t;
      var phase = (t % 1400) / 1400;
      halos.forEach(function (h) {
        h.setRadius(h.gcBase + 4 + 18 * phase);
        h.setStyle({ opacity: 1 - phase });
      });
    }
    requestAnimationFrame(animate);
  }

  refresh = timed('aggregate', refresh);
  animate = timed('halos', animate);

  // -- grid names, only when close enough to read them --------------------------------
  function refreshLabels() {
    labelLayer.clearLayers();
    if (map.getZoom() < LABEL_FROM) { return; }
    var view = map.getBounds();
    var n = 0;
    reg.grids.forEach(function (layer) {
      if (n >= MAX_LABELS) { return; }
      var b = layer.getBounds();
      if (!view.intersects(b)) { return; }
      n += 1;
      L.tooltip({ permanent: true, direction: 'center', className: 'gc-label', interactive: false })
        .setLatLng(b.getCenter()).setContent(el('span', null, layer.gcProps.name || layer.gcProps.id))
        .addTo(labelLayer);
    });
  }

  // -- the pointer: one hit test across every canvas, topmost first --------------------
  // Each layer draws on its own canvas, one pane above the other, and a Leaflet canvas
  // hit-tests only its own features: a canvas that took the pointer would hide every
  // canvas below it from the mouse. So no canvas takes the pointer (gridmap.css): the
  // map gets it and asks the canvases, alerts over workers over grids, what is under it.
  // An item that does not answer an event lets it through (a double-click on an alert
  // drills into the grid beneath it).
  var hovered = null, pendingMove = null;
  function itemAt(point, type) {
    var stack = [renderers.alerts].concat(workerRenderers.slice().reverse(), [renderers.grids]);
    for (var i = 0; i < stack.length; i++) {
      var hit = null;
      for (var o = stack[i]._drawFirst; o; o = o.next) {  // drawn last is on top
        var l = o.layer;
        if (l.options.interactive && (!type || l.listens(type, true)) && l._containsPoint(point)) { hit = l; }
      }
      if (hit) { return hit; }
    }
    return null;
  }
  function pointed(e) {
    return { originalEvent: e.originalEvent, containerPoint: e.containerPoint, layerPoint: e.layerPoint, latlng: e.latlng };
  }
  function onPress(e) {  // click, dblclick, contextmenu
    var layer = itemAt(e.layerPoint, e.type);
    if (layer) { layer.fire(e.type, pointed(e), true); }
  }
  function onMove(e) {  // at most once a frame, with the newest position
    if (!pendingMove) { requestAnimationFrame(hoverNow); }
    pendingMove = e;
  }
  function hoverNow() {
    var e = pendingMove;
    pendingMove = null;
    if (!e || map.dragging.moving() || map._animatingZoom) { return; }
    var layer = itemAt(e.layerPoint, null);
    if (layer !== hovered) {
      if (hovered) { hovered.fire('mouseout', pointed(e), true); }
      hovered = layer;
      map.getContainer().classList.toggle('gc-pointer', !!layer);
      if (layer) { layer.fire('mouseover', pointed(e), true); }
    }
    if (layer) { layer.fire('mousemove', pointed(e), true); }
  }
  function onLeave() {
    pendingMove = null;
    if (hovered) { hovered.fire('mouseout', {}, true); hovered = null; }
    map.getContainer().classList.remove('gc-pointer');
  }

  // -- commands -----------------------------------------------------------------------
  function fitAll() {
    var b = null;
    reg.grids.forEach(function (layer) { b = b ? b.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast()); });
    if (!b) { return; }
    // The legend sits over the map's right edge: keep the district clear of it, or the
    // alerts on the east side hide behind it (seen on the wall screen).
    var legend = document.querySelector('.gc-legend');
    var width = map.getSize().x;
    var right = legend ? Math.min(legend.offsetWidth + 24, width * 0.45) : 16;
    map.fitBounds(b, { animate: false, paddingTopLeft: [16, 16], paddingBottomRight: [right, 16] });
  }
  function drill(id) {
    var layer = reg.grids.get(id);
    if (!layer) { return; }
    highlightLayer.clearLayers();
    L.polygon(layer.getLatLngs(), { renderer: renderers.track, interactive: false, fill: false,
      color: '#ffffff', weight: 7 }).addTo(highlightLayer);
    map.flyToBounds(layer.getBounds(), { padding: [60, 60], maxZoom: 17, duration: 0.6 });
    call('double_click_grid', id);
  }
  function select(id) {
    var layer = reg.alerts.get(id);
    highlightLayer.clearLayers();
    if (!layer) { return; }
    L.circleMarker(layer.getLatLng(), { renderer: renderers.track, interactive: false, radius: 24,
      fill: false, color: '#ffffff', weight: 5 }).addTo(highlightLayer);
    map.flyTo(layer.getLatLng(), Math.max(map.getZoom(), AGGREGATE_BELOW + 1), { duration: 0.6 });
  }
  function basemap(b) {
    if (tileLayer) { map.removeLayer(tileLayer); tileLayer = null; }
    if (b.kind === 'none' || !b.url) { return; }
    tileLayer = L.tileLayer(b.url, { attribution: escapeHtml(b.attribution), minZoom: b.minZoom,
      maxZoom: 20, maxNativeZoom: b.maxZoom });
    tileLayer.addTo(map);
  }
  var COMMANDS = {
    select: function (c) { select(c.id); },
    drill: function (c) { drill(c.id); },
    basemap: function (c) { basemap(c.basemap); },
    clear_highlight: function () { highlightLayer.clearLayers(); },
    fit: function () { fitAll(); },
    labels: function (c) { setLabels(c.labels); }
  };
  function onCommand(json) {
    var c = JSON.parse(json);
    if (COMMANDS[c.cmd]) { COMMANDS[c.cmd](c); }
  }

  // -- read back by Python (snapshot, tests) -------------------------------------------
  gm.counts = function () {
    var workers = { online: 0, stale: 0, offline: 0 };
    reg.workers.forEach(function (l) { workers[l.gcProps.status] = (workers[l.gcProps.status] || 0) + 1; });
    var pulsing = 0;
    reg.alerts.forEach(function (l) { if (l.gcProps.pulse) { pulsing += 1; } });
    return { grids: reg.grids.size, alerts: reg.alerts.size, alerts_pulsing: pulsing, workers: workers,
      outlines: reg.outlines.size, track_points: Array.from(reg.track.values()).reduce(function (n, l) { return n + l.getLatLngs().length; }, 0),
      clusters: aggregateLayer.getLayers().length, halos: halos.length, aggregating: aggregating,
      batches_applied: gm.applied, last_apply_ms: gm.lastApplyMs };
  };
  gm.alert = function (id) { var l = reg.alerts.get(id); return l ? { lat: l.getLatLng().lat, lng: l.getLatLng().lng, props: l.gcProps } : null; };
  gm.tooltipText = function (layerName, id) {
    var l = reg[layerName].get(id);
    if (!l) { return null; }
    var card = layerName === 'alerts' ? alertCard(l.gcProps) : layerName === 'workers' ? workerCard(l.gcProps) : gridCard(l.gcProps);
    return { text: card.textContent, html: card.innerHTML, images: card.getElementsByTagName('img').length };
  };
  gm.drawnTimes = function (ids) {
    return ids.map(function (id) { return gm.drawnAt.has(id) ? gm.drawnAt.get(id) : null; });
  };
  gm.fitAll = function () { fitAll(); };
  gm.clusterStamps = function () { return aggregateLayer.getLayers().map(L.stamp); };
  gm.fire = function (layerName, id, type) { var l = reg[layerName].get(id); if (l) { l.fire(type || 'click'); } return !!l; };
  gm.map = function () { return map; };

  // -- start-up: find folium's objects, then shake hands over the channel ---------------
  function reportView() {
    var b = map.getBounds();
    call('report_view', JSON.stringify({ south: b.getSouth(), west: b.getWest(), north: b.getNorth(),
      east: b.getEast(), zoom: map.getZoom() }));
  }
  function init() {
    cfg = JSON.parse(document.getElementById('gc-config').textContent);
    map = window[cfg.map];
    setLabels(cfg.labels);
    Object.keys(cfg.layers).forEach(function (k) { layers[k] = window[cfg.layers[k]]; });
    Object.keys(cfg.panes).forEach(function (k) { renderers[k] = L.canvas({ pane: cfg.panes[k], padding: 0.3 }); });
    // Workers on several canvases in their pane, each repainted alone (see features.py).
    workerRenderers = [renderers.workers];
    for (var i = 1; i < (cfg.worker_shards || 1); i++) {
      workerRenderers.push(L.canvas({ pane: cfg.panes.workers, padding: 0.3 }));
    }
    Object.keys(renderers).forEach(function (k) {
      var r = renderers[k];
      r._redraw = timed('paint ' + k, r._redraw);
    });
    workerRenderers.slice(1).forEach(function (r) { r._redraw = timed('paint workers', r._redraw); });
    aggregateLayer = L.layerGroup();
    labelLayer = L.layerGroup().addTo(map);
    haloLayer = L.layerGroup().addTo(map);
    highlightLayer = L.layerGroup().addTo(map);
    map.doubleClickZoom.disable();
    map.on('click dblclick contextmenu', onPress);
    map.on('mousemove', onMove);
    map.on('mouseout', onLeave);
    map.on('movestart zoomstart', onLeave);  // the item slides away from the pointer
    map.attributionControl.setPrefix('Leaflet');
    map.on('zoomend moveend', function () { schedule(); reportView(); });
    requestAnimationFrame(animate);
    refresh();
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      bridge.diffs_sent.connect(onDiffs);
      bridge.command_sent.connect(onCommand);
      gm.ready = true;
      bridge.report_ready();
      reportView();
    });
  }
  document.addEventListener('DOMContentLoaded', init);
})();
