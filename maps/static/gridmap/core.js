/* gridmap/core.js: the page's one namespace, its shared state and safe text.
 *
 * The page script is plain browser files loaded in order (see maps/page.py, SCRIPTS),
 * each adding one concern to window.gridmap; main.js starts them on DOMContentLoaded.
 * Python never writes JavaScript: it emits JSON strings on the bridge's signals and
 * these files apply them. Text from the database only ever reaches the DOM through
 * textContent, so a description full of markup is shown, never run.
 */
(function () {
  'use strict';

  var gm = window.gridmap = { ready: false };

  //: What every file shares, filled by main.js from the page's config.
  gm.state = {
    map: null,
    cfg: null,
    palette: {},                 // colours, from resources/palette.py through the config
    layers: {},                  // layer name -> folium's FeatureGroup
    renderers: {},               // pane name -> canvas renderer
    reg: { grids: new Map(), outlines: new Map(), alerts: new Map(), workers: new Map(), track: new Map() },
    aggregateLayer: null, labelLayer: null, haloLayer: null, highlightLayer: null
  };

  // Named moments other files may listen to (the test and bench probes do).
  var listeners = {};
  gm.on = function (name, fn) { (listeners[name] || (listeners[name] = [])).push(fn); };
  gm.emit = function (name, arg) {
    var fns = listeners[name];
    if (fns) { fns.forEach(function (fn) { fn(arg); }); }
  };

  // -- safe text ------------------------------------------------------------------
  gm.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  };
  gm.escapeHtml = function (s) { var d = document.createElement('div'); d.textContent = s || ''; return d.innerHTML; };
})();
