/* Proportional circles (layers/render/symbols.py): each circle gets its radius, its unit's name for screen
 * readers, a place in the tab order, and its unit's own tooltip and highlight on hover and focus; a click or
 * Enter selects the unit as a click on its shape does. Illustrative circles are dashed.
 * The largest circle's radius follows the map's size (FRACTION of its shorter side, between MIN and the server's
 * 26 px), so a phone's county map does not run its circles into one blob; areas stay proportional to values and
 * the nested-circle key beside the map is redrawn on the same scale. */
(function () {
  "use strict";
  var FRACTION = 0.04, MIN = 8;

  function maxRadius(map, full) {  // the largest circle's radius for this map's size, px
    var box = map.getContainer(), w = box.clientWidth, h = box.clientHeight;  // now, not Leaflet's cached size
    return w && h ? Math.max(MIN, Math.min(full, FRACTION * Math.min(w, h))) : full;
  }

  // The key's layout as layers/render/symbols.legend_svg draws it, at the largest radius R.
  function drawKey(svg, R) {
    var top = parseFloat(svg.getAttribute("data-top")), circles = svg.querySelectorAll("circle"),
        lines = svg.querySelectorAll("polyline"), texts = svg.querySelectorAll("text"), rs = [], ys = [], i;
    if (!(top > 0) || !circles.length) return;
    for (i = 0; i < circles.length; i++) rs.push(R * Math.sqrt(parseFloat(circles[i].getAttribute("data-value")) / top));
    var base = 2 * rs[0] + 8, cx = rs[0] + 2, off = 8, gap = 13;
    for (i = 0; i < rs.length; i++) {
      var ty = 2 * rs[0] - 2 * rs[i], ly = i ? Math.max(ty, ys[i - 1] + gap) : ty;
      ys.push(ly);
      circles[i].setAttribute("cx", cx.toFixed(1));
      circles[i].setAttribute("cy", (base - rs[i]).toFixed(1));
      circles[i].setAttribute("r", rs[i].toFixed(1));
      if (lines[i]) lines[i].setAttribute("points", cx.toFixed(1) + "," + (ty + off).toFixed(1) + " " +
        (cx + rs[0] + 4).toFixed(1) + "," + (ly + off).toFixed(1) + " " + (cx + rs[0] + 10).toFixed(1) + "," +
        (ly + off).toFixed(1));
      if (texts[i]) {
        texts[i].setAttribute("x", (cx + rs[0] + 13).toFixed(1));
        texts[i].setAttribute("y", (ly + off + 4).toFixed(1));
      }
    }
    var h = Math.floor(Math.max(2 * rs[0], ys[ys.length - 1] + 6) + 14), w = Math.floor(2 * rs[0] + 96);
    svg.setAttribute("width", w);
    svg.setAttribute("height", h);
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
  }

  (window.ipmapSymbols || []).forEach(function (entry) {
    var layer = entry.layer, shapes = {}, scale = 1, key = null, full = 26, container = entry.map.getContainer();
    var figure = container.closest ? container.closest("figure") : null;
    key = figure ? figure.querySelector("svg.ipmap-symbol-legend") : null;
    if (key && parseFloat(key.getAttribute("data-max-radius")) > 0) full = parseFloat(key.getAttribute("data-max-radius"));
    function rescale() {
      var R = maxRadius(entry.map, full);
      scale = R / full;
      layer.eachLayer(function (l) { l.setRadius(l.feature.properties.radius * scale); });
      if (key) drawKey(key, R);
    }
    (window.ipmapMaps || []).forEach(function (m) {
      if (m.map === entry.map) m.layer.eachLayer(function (s) {
        if (s.feature && s.feature.properties) shapes[s.feature.properties.adcode] = s;
      });
    });
    layer.eachLayer(function (l) {
      var props = l.feature.properties, code = props.adcode, shape = shapes[code];
      function rest() {
        layer.resetStyle(l);
        l.setRadius(props.radius * scale);
        if (props.illustrative) l.setStyle({ dashArray: "3 2", color: "#5c4500" });
      }
      function show() {
        l.setStyle({ weight: 3, color: "#000000" });
        if (shape) shape.fire("mouseover", { latlng: l.getLatLng() }, true);
      }
      function hide() {
        rest();
        if (shape) shape.fire("mouseout", { latlng: l.getLatLng() }, true);
      }
      rest();
      l.on("mouseover", show);
      l.on("mouseout", hide);
      l.on("click", function () {  // a tap (no hover on a phone) shows the tooltip too
        show();
        if (window.ipmapSelect) window.ipmapSelect(code, "map");
      });
      var el = l.getElement && l.getElement();
      if (!el) return;
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "img");
      el.setAttribute("data-adcode", code);
      el.classList.add("ipmap-symbol");
      if (shape) {  // the tooltip's name and value (text the server escaped) as plain text
        var d = document.createElement("div");
        d.innerHTML = (shape.feature.properties.tip_name || "") + " " + (shape.feature.properties.tip_value || "");
        el.setAttribute("aria-label", d.textContent);
      }
      el.addEventListener("focus", show);
      el.addEventListener("blur", hide);
      el.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); l.fire("click"); }
      });
    });
    rescale();
    entry.map.on("resize", rescale);
  });
})();
