/* gridmap/cards.js: the page's words (from the config, replaced by set_labels) and the
 * tooltip cards, built from text nodes only. */
(function () {
  'use strict';

  var gm = window.gridmap;
  var el = gm.el;
  var LABELS = {};

  function t(key) { return Object.prototype.hasOwnProperty.call(LABELS, key) ? LABELS[key] : key; }

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
        [t('deadline'), p.deadline ? new Date(p.deadline).toLocaleString() : ''], [t('grid'), p.grid]]);
    },
    worker: function (p) {
      return card(p.name || p.id, [[t('role'), t(p.role)], [t('status'), t(p.status)], [t('grid'), p.grid],
        [t('last_fix'), p.at ? new Date(p.at).toLocaleTimeString() : '']]);
    }
  };
})();
