/* gridmap/layers.js: the registry of drawn features, keyed by id and fed by JSON diffs.
 *
 * Each layer has a handler that creates a feature from its properties and updates one
 * in place (and may hear when one is added or removed); upsert merges, so a style-only
 * update carries no geometry. Workers have their own file and registry (workers.js).
 */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;
  // The whole district is fitted as its grids arrive (the first load comes in slices),
  // until the operator moves the map themselves.
  var fittedGrids = 0;
  var operatorMoved = false;
  ['mousedown', 'wheel', 'touchstart', 'keydown'].forEach(function (kind) {
    document.addEventListener(kind, function () { operatorMoved = true; }, { capture: true, passive: true });
  });

  function call(name, arg) { gm.bridge.call(name, arg); }

  var handlers = {
    grids: {
      create: function (p) {
        if (!p.rings) { return null; }
        var layer = L.polygon(p.rings, L.extend({ renderer: S.renderers.grids }, gm.styles.grid(p)));
        layer.bindTooltip(function () { return gm.cards.grid(layer.gcProps); }, { sticky: true, className: 'gc-tip' });
        layer.on('click', function () { call('click_grid', layer.gcProps.id); });
        layer.on('dblclick', function (e) { L.DomEvent.stop(e); gm.commands.drill(layer.gcProps.id); });
        layer.on('contextmenu', function (e) { gm.pointer.menu('grids', layer.gcProps.id, e); });
        return layer;
      },
      update: function (layer, p) {
        if (p.rings) { layer.setLatLngs(p.rings); }
        if (p.state !== undefined) { layer.setStyle(gm.styles.grid(layer.gcProps)); }  // not for label spots
      }
    },
    outlines: {
      create: function (p) {
        var street = p.level !== 'community';  // a district's edge is its streets' edge
        return L.polyline(p.lines, { renderer: S.renderers.outlines, interactive: false,
          color: street ? S.palette.street_line : S.palette.community_line,
          weight: street ? 4 : 2.5, opacity: street ? 0.85 : 0.8 });
      },
      update: function (layer, p) { if (p.lines) { layer.setLatLngs(p.lines); } }
    },
    alerts: {
      create: function (p) {
        if (p.lat === undefined) { return null; }
        var layer = L.circleMarker([p.lat, p.lng], L.extend({ renderer: S.renderers.alerts }, gm.styles.alert(p)));
        layer.bindTooltip(function () { return gm.cards.alert(layer.gcProps); }, { className: 'gc-tip' });
        layer.on('click', function () { call('click_alert', layer.gcProps.id); });
        layer.on('contextmenu', function (e) { gm.pointer.menu('alerts', layer.gcProps.id, e); });
        return layer;
      },
      update: function (layer, p, old) {
        if (p.lat !== undefined) { layer.setLatLng([p.lat, p.lng]); }
        var q = layer.gcProps;
        if (old && old.time === q.time && old.emergency === q.emergency) { return; }
        var s = gm.styles.alert(q);
        layer.setStyle(s);
        layer.setRadius(s.radius);
      }
    },
    track: {
      create: function (p) {
        return L.polyline(p.path || [], { renderer: S.renderers.track, interactive: false,
          color: S.palette.track, weight: 5, opacity: 0.9, dashArray: '10 6' });
      },
      update: function (layer, p) { if (p.path) { layer.setLatLngs(p.path); } }
    }
  };

  function apply(diff, added) {
    var h = handlers[diff.layer];
    var registry = S.reg[diff.layer];
    var group = S.layers[diff.layer];
    if (!h) { return; }
    if (h.apply) { h.apply(diff); return; }  // a layer that keeps its own registry (workers.js)
    (diff.remove || []).forEach(function (id) {
      var layer = registry.get(id);
      if (layer) { group.removeLayer(layer); registry.delete(id); if (h.removed) { h.removed(layer); } }
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
      if (h.added) { h.added(layer); }
      if (diff.layer === 'alerts') { added.push(p.id); }
    });
  }

  gm.layers = {
    handlers: handlers,

    /** One batch of diffs (a JSON array) from the bridge, applied in order. */
    receive: function (json) {
      var batch = JSON.parse(json);
      var touched = {};
      var added = [];
      batch.forEach(function (d) { apply(d, added); touched[d.layer] = true; });
      if (touched.grids && !operatorMoved && S.reg.grids.size > fittedGrids) {
        fittedGrids = S.reg.grids.size;
        gm.commands.fitAll();
      }
      if (touched.alerts || touched.grids || touched.outlines) { gm.aggregation.schedule(); }
      if (added.length) { gm.emit('alerts_added', added); }
    }
  };
})();
