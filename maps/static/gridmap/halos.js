/* gridmap/halos.js: pulsing halos round new alerts, only for what is on screen,
 * animated on one timer. */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;
  var halos = [];
  var lastFrame = 0;

  function set(points) {
    S.haloLayer.clearLayers();
    halos = points.slice(0, 400).map(function (pt) {
      var h = L.circleMarker(pt[0], { renderer: S.renderers.halos, interactive: false, radius: pt[1],
        fill: false, color: S.palette.halo, weight: 4, opacity: 1 });
      h.gcBase = pt[1];
      S.haloLayer.addLayer(h);
      return h;
    });
  }

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
    requestAnimationFrame(gm.halos.animate);
  }

  gm.halos = {
    set: set,
    count: function () { return halos.length; },
    animate: animate  // called through gm.halos, so a probe may time it
  };
})();
