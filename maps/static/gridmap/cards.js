/* gridmap/cards.js: the page's words (from the config, replaced by set_labels) and the
 * tooltip cards, built from text nodes only. */
(function () {
  'use strict';

  var gm = window.gridmap;
  var el = gm.el;
  var LABELS = {};

  function t(key) { return Object.prototype.hasOwnProperty.call(LABELS, key) ? LABELS[key] : key; }

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  // The panels' formats (local time): "MM-DD HH:MM" for a moment, "HH:MM:SS" for a fix.
  function moment(ms) {
    var d = new Date(ms);
    return pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  function clock(ms) {
    var d = new Date(ms);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  // A grid by its name, its code after it in small (the page knows every grid's name).
  function gridValue(code) {
    if (!code) { return ''; }
    var layer = gm.state.reg.grids.get(code);
    var name = layer && layer.gcProps.name;
    if (!name || name === code) { return code; }
    var value = el('span', null, name + ' ');
    value.appendChild(el('span', 'gc-sub', code));
    return value;
  }

  function card(title, rows) {
    var box = el('div', 'gc-card');
    box.appendChild(el('div', 'gc-title', title));
    rows.forEach(function (r) {
      if (r[1] === undefined || r[1] === null || r[1] === '') { return; }
      var row = el('div', 'gc-row');
      row.appendChild(el('span', 'gc-key', r[0]));
      var value = el('span', 'gc-val', typeof r[1] === 'string' || typeof r[1] === 'number' ? r[1] : '');
      if (r[1] instanceof Node) { value.appendChild(r[1]); }
      row.appendChild(value);
      box.appendChild(row);
    });
    return box;
  }

  // A card beside a point near the map's edge would be cut off by it: Leaflet centres it on
  // the point; slide it back inside the map (it still sits to the point's side).
  var place = L.Tooltip.prototype._setPosition;
  L.Tooltip.prototype._setPosition = function (pos) {
    place.call(this, pos);
    var box = this._container, map = this._map;
    if (!map || !L.DomUtil.hasClass(box, 'gc-tip')) { return; }
    var at = L.DomUtil.getPosition(box), corner = map.layerPointToContainerPoint(at), size = map.getSize();
    var dx = Math.max(-corner.x, Math.min(0, size.x - corner.x - box.offsetWidth));
    var dy = Math.max(-corner.y, Math.min(0, size.y - corner.y - box.offsetHeight));
    if (dx || dy) { L.DomUtil.setPosition(box, at.add([dx, dy])); }
    var legend = document.querySelector('.gc-legend');
    if (legend) {
      var a = box.getBoundingClientRect(), b = legend.getBoundingClientRect();
      legend.classList.toggle('gc-under-card', a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom);
    }
  };
  var unplace = L.Tooltip.prototype.onRemove;
  L.Tooltip.prototype.onRemove = function (map) {
    var legend = L.DomUtil.hasClass(this._container, 'gc-tip') && document.querySelector('.gc-legend');
    if (legend) { legend.classList.remove('gc-under-card'); }
    unplace.call(this, map);
  };

  gm.cards = {
    t: t,
    setLabels: function (labels) {
      L.extend(LABELS, labels || {});
      document.querySelectorAll('[data-label]').forEach(function (e) { e.textContent = t(e.dataset.label); });
    },
    grid: function (p) {
      return card(p.name || p.id, [[t('open'), p.open], [t('overdue'), p.overdue],
        [t('households'), p.households], [t('hpw'), p.hpw]]);
    },
    alert: function (p) {
      return card((p.emergency ? '⚠ ' : '') + (p.category || ''), [['', p.description], [t('code'), p.code],
        [t('status'), t(p.status)],
        [t('deadline'), p.deadline ? moment(p.deadline) : ''], [t('grid'), gridValue(p.grid)]]);
    },
    /** A count badge's card: how many workers, online / stale / offline, and what a click does. */
    workerCell: function (c) {
      return card(t('cell_workers').replace('%1', c.n), [[t('online'), c.online], [t('stale'), c.stale],
        [t('offline'), c.offline], ['', t('cell_zoom_hint')]]);
    },
    worker: function (p) {
      return card(p.name || p.id, [[t('role'), t(p.role)], [t('status'), t(p.status)], [t('grid'), gridValue(p.grid)],
        [t('last_fix'), p.at ? clock(p.at) : '']]);
    }
  };
})();
