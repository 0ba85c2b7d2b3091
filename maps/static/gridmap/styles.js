/* gridmap/styles.js: how grids, alerts and workers look; colours come from the config. */
(function () {
  'use strict';

  var gm = window.gridmap;
  var FILL_OPACITY = { normal: 0.35, alerts: 0.3, overdue: 0.35, overloaded: 0.45 };

  function colours() { return gm.state.palette; }

  gm.styles = {
    grid: function (p) {
      var c = colours();
      var state = Object.prototype.hasOwnProperty.call(FILL_OPACITY, p.state) ? p.state : 'normal';
      return { color: c.grid_edge, weight: 1, opacity: 0.7, fillColor: c.grid_fill[state],
        fillOpacity: FILL_OPACITY[state] };
    },

    alert: function (p) {
      var c = colours();
      if (p.emergency) {
        // Always a large red point with a white ring, whatever its deadline light (which
        // its card and its queue row still show): the legend's 紧急, read at a glance.
        return { radius: 15, fillColor: c.emergency, fillOpacity: 1, color: c.emergency_edge,
          weight: 4, opacity: 1 };
      }
      return {
        radius: p.emergency ? 14 : 9,
        fillColor: c.alert_time[p.time] || c.alert_time.red, fillOpacity: 1,
        color: p.emergency ? c.emergency_edge : c.alert_edge, weight: p.emergency ? 4 : 2, opacity: 1
      };
    },

    worker: function (p) {
      var c = colours();
      var r = p.role === 'full_time' ? 8 : (p.role === 'part_time' ? 6 : 5);
      var base = { radius: r, weight: 2 };  // dots only close in (workers.js, DOTS_FROM)
      var fill = c.worker_role[p.role] || c.worker_role.volunteer;
      if (p.status === 'online') {
        return L.extend(base, { fillColor: fill, fillOpacity: 1, color: c.worker_edge, opacity: 1, dashArray: null });
      }
      if (p.status === 'stale') {
        return L.extend(base, { fillColor: fill, fillOpacity: 0.35, color: c.worker_edge, opacity: 0.9, dashArray: '3 3' });
      }
      return L.extend(base, { fillColor: c.worker_offline, fillOpacity: 0.5, color: c.worker_offline_edge,
        opacity: 0.6, dashArray: null });
    }
  };
})();
