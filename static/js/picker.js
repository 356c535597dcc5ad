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
