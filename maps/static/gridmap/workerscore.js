/* gridmap/workerscore.js: a worker's system score (系统考评) on their card.
 *
 * Python sends {cmd: 'worker_score', id, label, score} once it has the score of a
 * worker the operator picked (db/reports/kpi.py, worker_score: the rankings' code);
 * the worker's card (hover) then shows it under their last fix.
 */
(function () {
  'use strict';

  var gm = window.gridmap;
  var el = gm.el;
  var scores = new Map();  // worker code -> {label, score}

  var workerCard = gm.cards.worker;
  gm.cards.worker = function (p) {
    var box = workerCard(p);
    var s = scores.get(p.id);
    if (s) {
      var row = el('div', 'gc-row gc-score');
      row.appendChild(el('span', 'gc-key', s.label));
      row.appendChild(el('span', 'gc-val', s.score));
      box.appendChild(row);
    }
    return box;
  };

  gm.commands.add('worker_score', function (c) {
    scores.set(String(c.id), { label: String(c.label || ''), score: String(c.score || '') });
  });
})();
