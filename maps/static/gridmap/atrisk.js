/* gridmap/atrisk.js: dashed orange rings round the alerts the overdue forecast marks
 * at risk of going red within the hour (超期预警). Python sends the ids; the rings sit
 * on the halos' canvas and take no clicks, so the alert under them answers as before. */
(function () {
  'use strict';

  var gm = window.gridmap;
  var S = gm.state;
  var layer = null;
  var ids = [];

  function draw() {
    if (!layer) { layer = L.layerGroup().addTo(S.map); }
    layer.clearLayers();
    ids.forEach(function (id) {
      var alert = S.reg.alerts.get(id);
      if (!alert) { return; }
      L.circleMarker(alert.getLatLng(), { renderer: S.renderers.halos, interactive: false,
        radius: 19, fill: false, color: S.palette.at_risk, weight: 4, dashArray: '6 4' }).addTo(layer);
    });
  }

  gm.atRisk = {
    /** The alerts at risk now (ids), replacing the previous ones. */
    set: function (list) { ids = list.slice(0, 400); draw(); },
    count: function () { return layer ? layer.getLayers().length : 0; }
  };
})();
