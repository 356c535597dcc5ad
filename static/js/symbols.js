/* Proportional circles (layers/render/symbols.py): each circle gets its radius, its unit's name for screen
 * readers, a place in the tab order, and its unit's own tooltip and highlight on hover and focus; a click or
 * Enter selects the unit as a click on its shape does. Illustrative circles are dashed. */
(function () {
  "use strict";
  (window.ipmapSymbols || []).forEach(function (entry) {
    var layer = entry.layer, shapes = {};
    (window.ipmapMaps || []).forEach(function (m) {
      if (m.map === entry.map) m.layer.eachLayer(function (s) {
        if (s.feature && s.feature.properties) shapes[s.feature.properties.adcode] = s;
      });
    });
    layer.eachLayer(function (l) {
      var props = l.feature.properties, code = props.adcode, shape = shapes[code];
      function rest() {
        layer.resetStyle(l);
        l.setRadius(props.radius);
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
  });
})();
