/* gridmap/workers.js: workers as dots close in, as counts per cell zoomed out.
 *
 * The page keeps every worker's last properties (``people``: id -> props, as the diffs
 * bring them), and makes dots only while they are shown: close in (from DOTS_FROM),
 * every worker is a dot, spread over several canvases in their pane; each canvas is
 * repainted alone when its share of the moves arrives (see maps/features.py,
 * WORKER_SHARDS, and MapPanel's worker timer). Zoomed out, a city's 40,000 dots would
 * be a smear that hides the grids and costs a repaint of every dot for every fix, so no
 * dot exists (a city's markers, their tooltips and handlers, held a renderer's memory
 * for nothing) and each screen cell shows one badge with its count instead, on a
 * canvas of its own in the same pane (below the alerts).
 *
 * The counts are kept as the workers move: each worker sits in one fine cell (CELL_PX
 * at zoom FINE_ZOOM), a fix moves it from cell to cell in O(1), and a frame sums the
 * few thousand fine cells into the cells of the zoom shown (a cell at zoom z is 2^k
 * fine cells square, k = FINE_ZOOM - z), redrawing only badges whose figures changed.
 * A badge sits at its workers and keeps off the alerts drawn above it and off other badges.
 */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;
  //: From this zoom every worker is a dot: at the demo's density (about 27 workers a km²)
  //: dots 16 px wide mostly stand apart from here; at 14 most would touch a neighbour.
  var DOTS_FROM = 15;
  var FINE_ZOOM = DOTS_FROM - 1;
  var CELL_PX = 128;           // a cell's side on screen: about 15 × 8 badges on a 1080p map
  var FONT_PX = 19;
  var BADGE_H = 28;
  var canvases = [];
  var cellCanvas = null;
  var cellLayer = null;
  var fine = new Map();        // 'i:j' -> fine cell {i, j, n, online, stale, offline, lat, lng}
  var badges = new Map();      // cell key at the zoom shown -> badge layer
  var badgesZoom = null;
  var showing = null;          // 'dots' | 'cells'
  var pendingFrame = false;

  var people = new Map();       // id -> props of every worker the page knows, drawn or not
  var where = new Map();        // id -> {cell, status, lat, lng}: where the worker is counted

  // -- the diffs: props kept for everyone, dots made only while dots are shown -----------
  function applyDiff(diff) {
    var dots = S.reg.workers;
    (diff.remove || []).forEach(function (id) {
      if (!people.has(id)) { return; }
      uncount(id);
      people.delete(id);
      var dot = dots.get(id);
      if (dot) { S.layers.workers.removeLayer(dot); dots.delete(id); }
    });
    (diff.upsert || []).forEach(function (u) {
      var p = people.get(u.id);
      if (!p) {
        p = L.extend({}, u);
        people.set(u.id, p);
        count(p);
        if (showing === 'dots') { makeDot(p); }
        return;
      }
      var old = { status: p.status, role: p.role };
      L.extend(p, u);
      if (u.lat !== undefined || old.status !== p.status) { uncount(p.id); count(p); }
      var dot = dots.get(u.id);
      if (dot) { updateDot(dot, u, old); }
    });
  }

  function makeDot(p) {
    var canvas = canvases[(p.s || 0) % canvases.length];
    var layer = L.circleMarker([p.lat, p.lng], L.extend({ renderer: canvas }, gm.styles.worker(p)));
    layer.gcProps = p;  // the same object as in people: a card always shows the newest
    layer.bindTooltip(function () { return gm.cards.worker(layer.gcProps); }, { className: 'gc-tip' });
    layer.on('click', function () { gm.bridge.call('click_worker', layer.gcProps.id); });
    layer.on('contextmenu', function (e) { gm.pointer.menu('workers', layer.gcProps.id, e); });
    S.reg.workers.set(p.id, layer);
    S.layers.workers.addLayer(layer);
  }

  function updateDot(layer, p, old) {
    if (p.lat !== undefined) { layer.setLatLng([p.lat, p.lng]); }
    var q = layer.gcProps;
    if (old.status === q.status && old.role === q.role) { return; }  // moved only
    var s = gm.styles.worker(q);
    layer.setStyle(s);
    layer.setRadius(s.radius);
  }

  /** Every dot made (dots shown) or none (counts shown): the page holds no hidden dots. */
  function makeDots(wanted) {
    S.layers.workers.clearLayers();
    S.reg.workers.clear();
    if (wanted) { people.forEach(makeDot); }
  }

  gm.layers.handlers.workers = { apply: applyDiff };

  // -- the fine cells, kept as workers come, move and go ---------------------------------
  function count(p) {
    var ll = L.latLng(p.lat, p.lng);
    var pt = S.map.project(ll, FINE_ZOOM);
    var i = Math.floor(pt.x / CELL_PX), j = Math.floor(pt.y / CELL_PX);
    var key = i + ':' + j;
    var c = fine.get(key);
    if (!c) { c = { key: key, i: i, j: j, n: 0, online: 0, stale: 0, offline: 0, lat: 0, lng: 0 }; fine.set(key, c); }
    var status = p.status in { online: 1, stale: 1 } ? p.status : 'offline';
    c.n += 1; c[status] += 1; c.lat += ll.lat; c.lng += ll.lng;
    where.set(p.id, { cell: c, status: status, lat: ll.lat, lng: ll.lng });
    changed();
  }
  function uncount(id) {
    var was = where.get(id);
    if (!was) { return; }
    var c = was.cell;
    c.n -= 1; c[was.status] -= 1; c.lat -= was.lat; c.lng -= was.lng;
    if (c.n === 0) { fine.delete(c.key); }
    where.delete(id);
    changed();
  }
  function changed() { if (showing === 'cells') { schedule(); } }
  function schedule() {
    if (pendingFrame) { return; }
    pendingFrame = true;
    requestAnimationFrame(function () { pendingFrame = false; if (showing === 'cells') { gm.workers.drawCells(); } });
  }

  // -- a badge: a dark pill with a worker-coloured dot and the count, drawn on canvas -----
  var Badge = L.CircleMarker.extend({
    setFigures: function (c) {
      this.gcCell = c;
      this.gcText = String(c.n);
      var half = halfWidth(c.n);
      this.options.radius = half;
      this._radius = half;
      this._radiusY = BADGE_H / 2;
      return this;
    },
    _updatePath: function () {
      var r = this._renderer;
      if (!r._drawing || this._empty()) { return; }
      var ctx = r._ctx, p = this._point, w = this._radius, h = this._radiusY;
      var colours = S.palette;
      var live = this.gcCell.online > 0;
      var edge = live ? colours.worker_role.full_time : colours.worker_offline_edge;
      ctx.save();
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.moveTo(p.x - w + h, p.y - h);
      ctx.lineTo(p.x + w - h, p.y - h);
      ctx.arc(p.x + w - h, p.y, h, -Math.PI / 2, Math.PI / 2, false);
      ctx.lineTo(p.x - w + h, p.y + h);
      ctx.arc(p.x - w + h, p.y, h, Math.PI / 2, 3 * Math.PI / 2, false);
      ctx.closePath();
      ctx.fillStyle = colours.worker_cell.fill;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = edge;
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(p.x - w + h, p.y, 6, 0, Math.PI * 2, false);
      ctx.fillStyle = live ? colours.worker_role.full_time : colours.worker_offline;
      ctx.fill();
      ctx.font = '700 ' + FONT_PX + 'px "Noto Sans CJK SC", "Noto Sans SC", "GC Sans SC", sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillStyle = live ? colours.worker_cell.text : colours.worker_cell.text_offline;
      ctx.fillText(this.gcText, p.x + h / 2 - 1, p.y + 1);
      ctx.restore();
    },
    _containsPoint: function (pt) {
      var t = this._clickTolerance();
      return Math.abs(pt.x - this._point.x) <= this._radius + t && Math.abs(pt.y - this._point.y) <= this._radiusY + t;
    }
  });

  function makeBadge(key, c, at) {
    var badge = new Badge(at, { renderer: cellCanvas, interactive: true }).setFigures(c);
    badge.gcKey = key;
    badge.bindTooltip(function () { return gm.cards.workerCell(badge.gcCell); }, { className: 'gc-tip' });
    badge.on('click', function () { zoomInto(badge.gcCell); });
    return badge;
  }

  /** A cell's click: to its middle, close enough to tell its workers apart or closer. */
  function zoomInto(c) {
    var map = S.map;
    var bounds = L.latLngBounds(map.unproject(c.min, c.zoom), map.unproject(c.max, c.zoom));
    var zoom = Math.min(Math.max(map.getBoundsZoom(bounds), DOTS_FROM), map.getMaxZoom());
    map.flyTo(bounds.getCenter(), zoom, { duration: 0.6 });
  }

  function halfWidth(n) { return Math.round((String(n).length * FONT_PX * 0.62 + BADGE_H + 10) / 2); }

  /** The alerts' points and counts drawn now, as boxes in pixels at ``zoom`` (obstacles). */
  function alertBoxes(map, zoom) {
    var boxes = [];
    if (!S.aggregating) { return boxes; }
    S.aggregateLayer.eachLayer(function (l) {
      var p = map.project(l.getLatLng(), zoom), r = (l.options.radius || 0) + 4;
      boxes.push([p.x - r, p.y - r, p.x + r, p.y + r]);
    });
    return boxes;
  }

  /** Where a cell's badge goes: at its workers (kept inside its cell), or, when an alert
   *  (drawn above, it would hide the count) or a badge placed before is there, the
   *  nearest free spot within about a badge's size; in 4 px steps, so a fix does not
   *  shiver it. ``taken`` holds the boxes to keep off; the chosen one is added. */
  function place(c, mean, x0, y0, size, taken) {
    var w = halfWidth(c.n) + 2, h = BADGE_H / 2 + 2;
    function snap(x, y) { return L.point(Math.round(x / 4) * 4, Math.round(y / 4) * 4); }
    function free(p) {
      for (var i = 0; i < taken.length; i++) {
        var a = taken[i];
        if (p.x - w < a[2] && a[0] < p.x + w && p.y - h < a[3] && a[1] < p.y + h) { return false; }
      }
      return true;
    }
    var first = snap(Math.min(Math.max(mean.x, x0 + w), x0 + size - w),
      Math.min(Math.max(mean.y, y0 + h), y0 + size - h));
    var spot = first;
    search:
    if (!free(first)) {
      for (var d = 1; d <= 4; d++) {
        for (var t = 0; t < AROUND.length; t++) {
          var p = snap(first.x + AROUND[t][0] * d * 0.6 * w, first.y + AROUND[t][1] * d * h);
          if (free(p)) { spot = p; break search; }
        }
      }
    }
    taken.push([spot.x - w, spot.y - h, spot.x + w, spot.y + h]);
    return spot;
  }
  var AROUND = [[0, 1], [0, -1], [1, 0], [-1, 0], [1, 1], [-1, 1], [1, -1], [-1, -1]];

  /** Sum the fine cells into the cells of the zoom shown, in view; redraw what changed. */
  function drawCells() {
    var map = S.map;
    var zoom = map.getZoom();
    var k = Math.max(0, FINE_ZOOM - Math.floor(zoom));
    var span = Math.pow(2, k);
    var scale = map.getZoomScale(zoom, FINE_ZOOM);     // fine px -> px at this zoom
    var size = CELL_PX * span * scale;                 // a cell's side at this zoom
    var view = map.getPixelBounds().pad(0.15);
    if (badgesZoom !== zoom) { cellLayer.clearLayers(); badges = new Map(); badgesZoom = zoom; }
    var cells = new Map();
    fine.forEach(function (f) {
      var I = Math.floor(f.i / span), J = Math.floor(f.j / span);
      if ((I + 1) * size < view.min.x || I * size > view.max.x || (J + 1) * size < view.min.y || J * size > view.max.y) { return; }
      var key = I + ':' + J;
      var c = cells.get(key);
      if (!c) { c = { I: I, J: J, n: 0, online: 0, stale: 0, offline: 0, lat: 0, lng: 0 }; cells.set(key, c); }
      c.n += f.n; c.online += f.online; c.stale += f.stale; c.offline += f.offline;
      c.lat += f.lat; c.lng += f.lng;
    });
    var taken = alertBoxes(map, zoom);
    var kept = new Map();
    // The fullest cells choose their spots first.
    Array.from(cells.keys()).sort(function (a, b) { return cells.get(b).n - cells.get(a).n; }).forEach(function (key) {
      var c = cells.get(key);
      var x0 = c.I * size, y0 = c.J * size;
      c.zoom = zoom;
      c.min = L.point(x0, y0);
      c.max = L.point(x0 + size, y0 + size);
      var spot = place(c, map.project([c.lat / c.n, c.lng / c.n], zoom), x0, y0, size, taken);
      var sig = c.n + '|' + (c.online > 0) + '|' + spot.x + '|' + spot.y;
      var at = map.unproject(spot, zoom);
      var badge = badges.get(key);
      if (badge) {
        badges.delete(key);
        if (badge.gcSig !== sig) { badge.setFigures(c); badge.setLatLng(at); }
        else { badge.gcCell = c; }
      } else {
        badge = makeBadge(key, c, at);
        cellLayer.addLayer(badge);
      }
      badge.gcSig = sig;
      kept.set(key, badge);
    });
    badges.forEach(function (old) { cellLayer.removeLayer(old); });
    badges = kept;
  }

  /** Dots or counts, by zoom; the counts follow the view. Called once a frame at most. */
  function refresh(zoom) {
    var want = zoom < DOTS_FROM ? 'cells' : 'dots';
    if (want !== showing) {
      showing = want;
      if (want === 'cells') {
        S.map.removeLayer(S.layers.workers);
        makeDots(false);
        S.map.addLayer(cellLayer);
      } else {
        S.map.removeLayer(cellLayer);
        cellLayer.clearLayers();
        badges = new Map();
        badgesZoom = null;
        makeDots(true);
        S.map.addLayer(S.layers.workers);
      }
    }
    if (showing === 'cells') { gm.workers.drawCells(); }
  }

  gm.workers = {
    DOTS_FROM: DOTS_FROM,
    /** Every workers' canvas, bottom first, the counts' on top (the pointer asks them top first). */
    canvases: function () { return cellCanvas ? canvases.concat([cellCanvas]) : canvases; },
    cellCanvas: function () { return cellCanvas; },
    /** The dots' canvases: the pane's own renderer first, then one per extra shard; and the counts'. */
    makeCanvases: function (shards) {
      canvases = [S.renderers.workers];
      for (var i = 1; i < (shards || 1); i++) {
        canvases.push(L.canvas({ pane: S.cfg.panes.workers, padding: 0.3 }));
      }
      cellCanvas = L.canvas({ pane: S.cfg.panes.workers, padding: 0.3 });
      cellLayer = L.layerGroup();
      return canvases;
    },
    /** Every worker's props (drawn as a dot or counted in a badge), by id. */
    people: function () { return people; },
    /** What the workers' layer shows: 'dots' or 'cells'. */
    showing: function () { return showing; },
    /** The badges drawn: count and where, for the probes. */
    badges: function () {
      var out = [];
      badges.forEach(function (b) {
        var c = b.gcCell;
        out.push({ n: c.n, online: c.online, stale: c.stale, offline: c.offline,
          lat: b.getLatLng().lat, lng: b.getLatLng().lng });
      });
      return out;
    },
    refresh: refresh,
    drawCells: drawCells  // called through gm.workers, so a probe may time it
  };
})();
