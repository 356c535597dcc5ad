// Changing level or indicator drops the chosen year, so the map opens at the latest year that has data.
(function () {
  var form = document.querySelector("form.picker");
  if (!form) return;
  ["level", "indicator"].forEach(function (name) {
    form.elements[name].addEventListener("change", function () {
      form.elements.year.disabled = true;
    });
  });
})();
// Zone options left at their defaults (shown, every year) stay out of the URL, so links stay short.
(function () {
  var form = document.querySelector("form.picker");
  if (!form || !form.elements.zones) return;
  form.addEventListener("submit", function () {
    if (form.elements.zones.value === "true") form.elements.zones.disabled = true;
    if (form.elements.zones_year.value === "") form.elements.zones_year.disabled = true;
  });
})();
