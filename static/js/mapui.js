// Map boxes that are open on a wide screen and folded on a phone, so the map stays visible there.
(function () {
  var wide = window.matchMedia("(min-width: 761px)").matches;
  document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = wide; });
})();
