/* Gansu IP Map page behaviour: ranking <-> map selection, sortable ranking, synced compare maps,
 * the year slider, the embed snippet and embeds that refit to their frame. No libraries but Leaflet
 * (and the vendored Leaflet.Sync on the compare page). Maps register themselves in window.ipmapMaps. */
(function () {
  "use strict";
  var maps = window.ipmapMaps || [];
  var selected = null;
  var SELECT_STYLE = { weight: 3.5, color: "#d7191c" };

  // adcode -> leaflet layer, per registered map
  // Each unit's style is its original one, with the slider's fill for the year shown and the selection
  // outline on top; Folium's hover reset (resetStyle) then keeps both.
  maps.forEach(function (entry) {
    var original = entry.layer.options.style;
    entry.fill = {};
    entry.layer.options.style = function (f) {
      var s = L.extend({}, original(f)), code = f.properties && f.properties.adcode;
      if (entry.fill[code]) s.fillColor = entry.fill[code];
      if (code && code === selected) L.extend(s, SELECT_STYLE);
      return s;
    };
    entry.byCode = {};
    entry.layer.eachLayer(function (l) {
      var code = l.feature && l.feature.properties && l.feature.properties.adcode;
      if (code) {
        entry.byCode[code] = l;
        l.on("click", function () { select(code, "map"); });
      }
    });
  });
  window.ipmapLayerFor = function (adcode, role) {
    for (var i = 0; i < maps.length; i++) {
      if (!role || maps[i].role === role) { var l = maps[i].byCode[adcode]; if (l) return l; }
    }
    return null;
  };

  function rows() { return document.querySelectorAll("table.ranking tbody tr[data-adcode]"); }

  function setUrlRegion(adcode) {
    if (!window.history || !window.URL) return;
    var url = new URL(window.location.href);
    if (adcode) url.searchParams.set("region", adcode); else url.searchParams.delete("region");
    window.history.replaceState(null, "", url.toString());
    document.querySelectorAll("input[type=hidden][name=region]").forEach(function (inp) {
      inp.value = adcode || ""; inp.disabled = !adcode;
    });
    document.querySelectorAll("a[data-keeps-view]").forEach(function (a) {
      var u = new URL(a.href, window.location.href);
      if (adcode) u.searchParams.set("region", adcode); else u.searchParams.delete("region");
      a.href = u.pathname + u.search;
    });
  }

  function select(adcode, from) {
    var prev = selected;
    selected = adcode;
    maps.forEach(function (entry) {
      if (prev && entry.byCode[prev]) entry.layer.resetStyle(entry.byCode[prev]);
      var l = entry.byCode[adcode];
      if (l) { entry.layer.resetStyle(l); l.bringToFront(); }
    });
    rows().forEach(function (tr) {
      var on = tr.getAttribute("data-adcode") === adcode;
      tr.classList.toggle("selected", on);
      tr.setAttribute("aria-selected", on ? "true" : "false");
      if (on && from === "map") reveal(tr);
    });
    if (from === "table") {
      var l = window.ipmapLayerFor(adcode);
      if (l && maps[0] && !maps[0].map.getBounds().contains(l.getBounds())) maps[0].map.fitBounds(l.getBounds(), { maxZoom: 8 });
    }
    if (from) setUrlRegion(adcode);
  }
  window.ipmapSelect = select;

  // A row chosen on the map is scrolled into view inside its own scrolling box (the panel beside the map on a
  // wide screen), never by scrolling the page: on a phone the table is below the map, and scrolling there would
  // take the map and the tapped unit's tooltip off the screen.
  function reveal(tr) {
    for (var box = tr.parentElement; box && box !== document.body; box = box.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(box).overflowY) && box.scrollHeight > box.clientHeight) {
        var r = tr.getBoundingClientRect(), b = box.getBoundingClientRect();
        if (r.top < b.top) box.scrollTop -= b.top - r.top;
        else if (r.bottom > b.bottom) box.scrollTop += r.bottom - b.bottom;
        return;
      }
    }
  }

  rows().forEach(function (tr) {
    tr.tabIndex = 0;
    tr.addEventListener("click", function (e) {
      if (e.target.closest("a")) return;
      select(tr.getAttribute("data-adcode"), "table");
    });
    tr.addEventListener("keydown", function (e) {
      if (e.target !== tr) return;  // Enter on the region link inside the row follows the link
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(tr.getAttribute("data-adcode"), "table"); }
    });
  });

  // Sortable ranking: buttons in the header, numeric data-* values on each row (missing sorts last).
  document.querySelectorAll("table.ranking th button[data-sort]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var table = btn.closest("table"), key = btn.getAttribute("data-sort"), th = btn.closest("th");
      var desc = th.getAttribute("aria-sort") !== "descending";
      if (btn.hasAttribute("data-asc-first")) desc = th.getAttribute("aria-sort") === "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", desc ? "descending" : "ascending");
      sortRows(table, key, desc);
    });
  });
  function sortRows(table, key, desc) {
    var body = table.tBodies[0];
    var list = Array.prototype.slice.call(body.rows);
    list.sort(function (a, b) {
      var x = parseFloat(a.getAttribute("data-" + key)), y = parseFloat(b.getAttribute("data-" + key));
      var xn = isNaN(x), yn = isNaN(y);
      if (xn || yn) return xn === yn ? 0 : xn ? 1 : -1;
      return desc ? y - x : x - y;
    });
    list.forEach(function (r) { body.appendChild(r); });
  }

  // Compare page: every map follows the others' pan and zoom.
  if (maps.length > 1 && L.Map.prototype.sync) {
    maps.forEach(function (a) { maps.forEach(function (b) { if (a !== b) a.map.sync(b.map); }); });
  }

  // Keep the whole province in view whenever the frame changes size (an iframe, a phone turned), until the
  // user moves the map. Nothing covers the map but Leaflet's controls, placed where Gansu leaves room (zoom and
  // layers top right, scale bottom left). Synced maps move together, so only the first one fits.
  var fitting = false, moved = false;
  function fit(entry) {
    fitting = true;
    entry.map.fitBounds(entry.layer.getBounds(), { animate: false, padding: [6, 6] });
    fitting = false;
  }
  maps.forEach(function (entry) {
    entry.map.on("dragstart zoomstart", function () { if (!fitting) moved = true; });
  });
  if (maps.length) {
    var fitAll = function () {
      maps.forEach(function (entry) { entry.map.invalidateSize(); });
      if (!moved) fit(maps[0]);
      if (!moved && !L.Map.prototype.sync) maps.slice(1).forEach(fit);
    };
    fitAll();
    var lastSize = maps[0].map.getSize();
    if (window.ResizeObserver) {
      var watcher = new ResizeObserver(function () {
        var box = maps[0].map.getContainer();
        if (!box.isConnected) { watcher.disconnect(); return; }  // a map the page has redrawn (instant.js)
        var size = L.point(box.clientWidth, box.clientHeight);
        if (!size.equals(lastSize)) { lastSize = size; fitAll(); }
      });
      watcher.observe(maps[0].map.getContainer());
    }
  }

  // Year slider: restyle the units from the preloaded per-year fills; classes are fixed across years.
  var tl = document.getElementById("ipmap-timeline-data");
  if (tl) {
    var data = JSON.parse(tl.textContent);
    var slider = document.getElementById("ipmap-year");
    var label = document.getElementById("ipmap-year-label");
    var play = document.getElementById("ipmap-play");
    var timer = null;
    var show = function (i) {
      var year = data.years[i];
      maps.forEach(function (entry) {
        Object.keys(entry.byCode).forEach(function (code) {
          var l = entry.byCode[code], f = data.fills[code], v = data.values[code], r = data.ranks[code];
          if (!f) return;
          entry.fill[code] = f[i];
          entry.layer.resetStyle(l);
          var p = l.feature.properties;
          p.tip_value = v[i] === null ? data.no_data : v[i].toLocaleString(data.locale) + " " + data.unit + " (" + year + ")";
          p.tip_rank = r[i] === null ? "—" : data.rank_fmt.replace("{rank}", r[i]).replace("{n}", data.counts[i]);
        });
      });
      rankYear(data.rankings && data.rankings[i]);
      label.textContent = String(year);
      slider.value = String(i);
      slider.setAttribute("aria-valuetext", String(year));
      var url = new URL(window.location.href);
      url.searchParams.set("year", String(year));
      window.history.replaceState(null, "", url.toString());
    };
    // The ranking follows the slider: each row's numbers (to sort by) and cell texts for the year shown, in
    // the order the table is sorted (rank unless the reader chose another column).
    var table = document.querySelector("table.ranking");
    var KEYS = ["rank", "value", "change", "change-pct", "rank-change", "per10k", "share"];
    var rankYear = function (year) {
      if (!table || !year) return;
      var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
        var b = th.querySelector("button[data-sort]");
        return b ? b.getAttribute("data-sort") : null;
      });
      Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
        var row = year.rows[tr.getAttribute("data-adcode")];
        KEYS.forEach(function (key, k) {
          var n = row ? row[k] : null;
          tr.setAttribute("data-" + key, n === null ? "" : String(n));
          var c = heads.indexOf(key), cell = c < 0 ? null : tr.cells[c];
          if (!cell) return;
          var text = row ? row[KEYS.length + k] : "—";
          if (key === "rank-change" && /^[▲▼]/.test(text)) {
            var mark = document.createElement("span");
            mark.className = text.charAt(0) === "▲" ? "up" : "down";
            mark.setAttribute("aria-label", mark.className);
            mark.textContent = text;
            cell.textContent = "";
            cell.appendChild(mark);
          } else {
            cell.textContent = text;
          }
        });
      });
      var help = document.querySelector("#ranking-title + .ranking-help");
      if (help) help.textContent = year.help;
      var flag = document.querySelector("#ranking-title .flag-illustrative");
      if (flag) flag.hidden = !year.illustrative;  // the year shown decides, not the year the page opened on
      var th = table.querySelector("th[aria-sort]"), b = th && th.querySelector("button[data-sort]");
      sortRows(table, b ? b.getAttribute("data-sort") : "rank", th ? th.getAttribute("aria-sort") === "descending" : false);
    };
    slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
    play.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; play.textContent = play.getAttribute("data-play"); return; }
      play.textContent = play.getAttribute("data-pause");
      var i = parseInt(slider.value, 10);
      if (i >= data.years.length - 1) { i = -1; }
      timer = setInterval(function () {
        i += 1;
        if (i >= data.years.length) { clearInterval(timer); timer = null; play.textContent = play.getAttribute("data-play"); return; }
        show(i);
      }, 900);
    });
    show(data.years.indexOf(data.year));
  }

  // Embed button: show the iframe snippet, copy it, and say so where it is seen and where it is heard
  // (aria-live). A snippet whose src is root-relative (no IPMAP_PUBLIC_URL configured) gets this page's own
  // origin: the server never takes it from the Host header.
  var code = document.getElementById("ipmap-embed-code");
  function withOrigin() {
    if (code && code.value.indexOf('src="/') !== -1) {
      code.value = code.value.replace('src="/', 'src="' + window.location.origin + "/");
    }
  }
  withOrigin();
  var copy = document.getElementById("ipmap-copy-embed");
  if (copy) {
    var status = document.getElementById("ipmap-copy-status");
    var say = function (key) {
      if (!status) return;
      status.textContent = "";
      status.className = "copy-status " + key;
      window.setTimeout(function () { status.textContent = status.getAttribute("data-" + key); }, 30);
    };
    copy.addEventListener("click", function () {
      var area = document.getElementById("ipmap-embed-code");
      withOrigin();
      area.focus();
      area.select();
      var fallback = function () {
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        say(ok ? "copied" : "failed");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(area.value).then(function () { say("copied"); }, fallback);
      } else {
        fallback();
      }
    });
  }

  // Zone hatching on demand: the key's switch shows the hatch patterns on that map's zone outlines.
  document.querySelectorAll("input[data-zone-hatch]").forEach(function (box) {
    var fig = box.closest(".ipmap-figure, .mapbox");
    var apply = function () { if (fig) fig.classList.toggle("ipmap-hatch-on", box.checked); };
    box.addEventListener("change", apply);
    apply();
  });

  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });

  var initial = document.body.getAttribute("data-region");
  if (initial) select(initial, null);
})();
