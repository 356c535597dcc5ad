// Suggestions for the header search box from /api/search; the plain form works without this script.
(function () {
  var input = document.getElementById("site-q");
  var list = document.getElementById("site-q-suggest");
  if (!input || !list || !window.fetch) return;
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var timer = null, last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (!q || q === last) return;
      last = q;
      fetch("/api/search?limit=8&lang=" + lang + "&q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (hits) {
          list.textContent = "";
          hits.forEach(function (h) {
            var opt = document.createElement("option");
            opt.value = lang === "en" ? h.name_en : h.name_zh;
            opt.label = lang === "en" ? h.name_zh : h.name_en;
            list.appendChild(opt);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
