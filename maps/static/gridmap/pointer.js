/* gridmap/pointer.js: the mouse, for every item on every canvas.
 *
 * Each layer draws on its own canvas, one pane above the other, and a Leaflet canvas
 * hit-tests only its own features: a canvas that took the pointer would hide every
 * canvas below it from the mouse. So no canvas takes the pointer (gridmap.css): the
 * map gets it and asks the canvases, alerts over workers over grids, what is under it.
 * An item that does not answer an event lets it through (a double-click on an alert
 * drills into the grid beneath it).
 */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;
  var hovered = null, pendingMove = null;

  /** Right-click: Qt pops the item's actions at this point of the view (CSS pixels). */
  function menu(kind, id, e) {
    gm.bridge.call('open_menu', JSON.stringify({ layer: kind, id: String(id),
      x: Math.round(e.containerPoint.x), y: Math.round(e.containerPoint.y) }));
  }

  function itemAt(point, type) {
    var stack = [S.renderers.alerts].concat(gm.workers.canvases().slice().reverse(), [S.renderers.grids]);
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
  function hoverNow() {
    var e = pendingMove;
    pendingMove = null;
    if (!e || S.map.dragging.moving() || S.map._animatingZoom) { return; }
    var layer = itemAt(e.layerPoint, null);
    if (layer !== hovered) {
      if (hovered) { hovered.fire('mouseout', pointed(e), true); }
      hovered = layer;
      S.map.getContainer().classList.toggle('gc-pointer', !!layer);
      if (layer) { layer.fire('mouseover', pointed(e), true); }
    }
    if (layer) { layer.fire('mousemove', pointed(e), true); }
  }
  function onMove(e) {  // at most once a frame, with the newest position
    if (!pendingMove) { requestAnimationFrame(hoverNow); }
    pendingMove = e;
  }
  function onLeave() {
    pendingMove = null;
    if (hovered) { hovered.fire('mouseout', {}, true); hovered = null; }
    S.map.getContainer().classList.remove('gc-pointer');
  }

  gm.pointer = {
    menu: menu,
    attach: function (map) {
      map.on('click dblclick contextmenu', onPress);
      map.on('mousemove', onMove);
      map.on('mouseout', onLeave);
      map.on('movestart zoomstart', onLeave);  // the item slides away from the pointer
    }
  };
})();
