// Map boxes that are open on a wide screen and folded on a phone, so the map stays visible there.
(function () {
  var wide = window.matchMedia("(min-width: 761px)").matches;
  document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = wide; });
  // A zone's locator map repeats the member list beside it: its shapes stay out of the tab order,
  // so the keyboard goes from the map to the list in one step rather than through every county.
  document.querySelectorAll(".mapbox path.leaflet-interactive").forEach(function (p) {
    p.setAttribute("tabindex", "-1");
  });
})();
