/* gridmap/hotspots.js: the hot-spot layer, cases per grid over the board's period.
 *
 * Python sends {cmd: 'hotspots', counts: {grid: n}, title, period, count_label} with
 * the counts of the KPI board's period, region and category (db/reports/hotspots.py),
 * (and ``none``, said when no grid has a case) or {cmd: 'hotspots_off'}. Each counted grid is shaded on a canvas of its own just
 * above the grids and below the outlines, workers and alerts, in a sequential blue
 * ramp from the palette: the red warning points stay the brightest thing on the map.
 * A new answer restyles the shaded grids in place; the view is never moved. The
 * grid's card (hover) gains a row with its count; a legend at the bottom left names
 * the category, the period and the ramp's classes.
 */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;
  var el = gm.el;
  var PANE = 'gc-hotspots';
  var CLASSES = 5;
  var renderer = null, legend = null;
  var counts = new Map();        // grid code -> cases, while the layer is on
  var countLabel = '';
  S.reg.hotspots = new Map();    // grid code -> shaded polygon

  function ensureRenderer() {
    if (renderer) { return renderer; }
    var pane = S.map.getPane(PANE) || S.map.createPane(PANE);
    // Created after folium's panes at the grids' z-index: drawn over the grids' fill,
    // under the outlines (402) and everything above them. It never takes the pointer:
    // the grid beneath answers the hover (gridmap/pointer.js).
    pane.style.zIndex = 401;
    pane.style.pointerEvents = 'none';
    renderer = L.canvas({ pane: PANE, padding: 0.3 });
    return renderer;
  }

  /** The upper bound of each class: CLASSES steps of the largest count, no repeats. */
  function bounds(max) {
    var out = [];
    for (var k = 1; k <= CLASSES; k++) {
      var b = Math.ceil(max * k / CLASSES);
      if (!out.length || b > out[out.length - 1]) { out.push(b); }
    }
    return out;
  }
  function classOf(n, uppers) {
    for (var i = 0; i < uppers.length; i++) { if (n <= uppers[i]) { return i; } }
    return uppers.length - 1;
  }
  // Fewer classes than the ramp has colours: spread them over it, darkest to lightest.
  function colourOf(i, uppers) {
    var ramp = S.palette.hotspot_ramp;
    var at = uppers.length > 1 ? Math.round(i * (ramp.length - 1) / (uppers.length - 1)) : ramp.length - 1;
    return ramp[at];
  }

  function style(colour) {
    return { renderer: ensureRenderer(), interactive: false, fillColor: colour, fillOpacity: 0.82,
      color: S.palette.background, weight: 1, opacity: 0.6 };
  }

  function showLegend(title, period, uppers, none) {
    if (!legend) {
      legend = el('div', 'gc-hot-legend');
      document.body.appendChild(legend);
    }
    legend.textContent = '';
    legend.appendChild(el('div', 'gc-hot-title', title));
    legend.appendChild(el('div', 'gc-hot-period', period));
    var lower = 1;
    uppers.forEach(function (upper, i) {
      var row = el('div', 'gc-hot-row');
      var swatch = el('i');
      swatch.style.background = colourOf(i, uppers);
      row.appendChild(swatch);
      row.appendChild(el('span', null, lower === upper ? String(upper) : lower + '–' + upper));
      legend.appendChild(row);
      lower = upper + 1;
    });
    if (!uppers.length) { legend.appendChild(el('div', 'gc-hot-row', none)); }
    legend.style.display = '';
  }

  function set(c) {
    counts = new Map();
    var max = 0;
    Object.keys(c.counts || {}).forEach(function (code) {
      var n = Number(c.counts[code]) || 0;
      counts.set(code, n);
      if (n > max) { max = n; }
    });
    countLabel = c.count_label || '';
    var uppers = max > 0 ? bounds(max) : [];
    var shaded = S.reg.hotspots;
    shaded.forEach(function (layer, code) {
      if (!(counts.get(code) > 0)) { layer.remove(); shaded.delete(code); }
    });
    counts.forEach(function (n, code) {
      if (!(n > 0)) { return; }
      var grid = S.reg.grids.get(code);
      if (!grid) { return; }
      var colour = colourOf(classOf(n, uppers), uppers);
      var layer = shaded.get(code);
      if (layer) {
        if (layer.options.fillColor !== colour) { layer.setStyle({ fillColor: colour }); }
      } else {
        layer = L.polygon(grid.getLatLngs(), style(colour)).addTo(S.map);
        shaded.set(code, layer);
      }
      layer.gcCount = n;
    });
    showLegend(c.title || '', c.period || '', uppers, c.none || '');
  }

  function off() {
    S.reg.hotspots.forEach(function (layer) { layer.remove(); });
    S.reg.hotspots.clear();
    counts = new Map();
    if (legend) { legend.style.display = 'none'; }
  }

  // A grid's card tells its count while the layer is on (the card is built on hover).
  var gridCard = gm.cards.grid;
  gm.cards.grid = function (p) {
    var box = gridCard(p);
    if (counts.has(p.id)) {
      var row = el('div', 'gc-row gc-hot-count');
      row.appendChild(el('span', 'gc-key', countLabel));
      row.appendChild(el('span', 'gc-val', String(counts.get(p.id))));
      box.appendChild(row);
    }
    return box;
  };

  gm.commands.add('hotspots', set);
  gm.commands.add('hotspots_off', off);
  gm.hotspots = { on: function () { return counts.size > 0; } };
})();
