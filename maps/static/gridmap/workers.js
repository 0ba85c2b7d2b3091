/* gridmap/workers.js: worker dots, spread over several canvases in their pane.
 *
 * Each canvas is repainted alone when its share of the moves arrives (see
 * maps/features.py, WORKER_SHARDS, and MapPanel's worker timer).
 */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;
  var canvases = [];

  gm.layers.handlers.workers = {
    create: function (p) {
      var canvas = canvases[(p.s || 0) % canvases.length];
      var layer = L.circleMarker([p.lat, p.lng], L.extend({ renderer: canvas }, gm.styles.worker(p)));
      layer.bindTooltip(function () { return gm.cards.worker(layer.gcProps); }, { className: 'gc-tip' });
      layer.on('click', function () { gm.bridge.call('click_worker', layer.gcProps.id); });
      layer.on('contextmenu', function (e) { gm.pointer.menu('workers', layer.gcProps.id, e); });
      return layer;
    },
    update: function (layer, p, old) {
      if (p.lat !== undefined) { layer.setLatLng([p.lat, p.lng]); }
      var q = layer.gcProps;
      if (old && old.status === q.status && old.role === q.role) { return; }  // moved only
      var s = gm.styles.worker(q);
      layer.setStyle(s);
      layer.setRadius(s.radius);
    }
  };

  gm.workers = {
    /** Every workers' canvas, bottom first (the pointer asks them top first). */
    canvases: function () { return canvases; },
    /** The workers' canvases: the pane's own renderer first, then one per extra shard. */
    makeCanvases: function (shards) {
      canvases = [S.renderers.workers];
      for (var i = 1; i < (shards || 1); i++) {
        canvases.push(L.canvas({ pane: S.cfg.panes.workers, padding: 0.3 }));
      }
      return canvases;
    },
    rescale: function (zoom) {
      var scale = zoom < 14 ? 0.55 : 1;  // a city of workers would bury the grids when zoomed out
      if (scale === gm.styles.workerScale) { return; }
      gm.styles.workerScale = scale;
      S.reg.workers.forEach(function (layer) { gm.layers.handlers.workers.update(layer, {}); });
    }
  };
})();
