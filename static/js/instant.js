/* Instant controls on the map page: a change in the picker redraws the map, the words around it, the ranking and
 * the URL in place, without loading the page again. The page's state for the new view comes from /map.json (the
 * HTML of the panel and the figure, drawn server-side by the same templates as the full page, so every
 * illustrative mark stays as the full page shows it); the map itself from /map.js, the same script the full page
 * carries inline, loaded as a file of this origin (the CSP's 'self': no inline script, no eval). Back and forward
 * redraw the view of their URL. Anything that fails (an error answer, the network, a script) falls back to loading
 * the page as a link would, and without JavaScript the form submits as before. */
(function () {
  "use strict";
  var panel = document.getElementById("map-panel-parts"), col = document.getElementById("map-region");
  if (!panel || !col || !window.fetch || !window.Promise || !window.URLSearchParams || !window.history.pushState) {
    return;
  }
  // A draft preview's form does not carry the draft: a change leaves the preview by loading the public page, as
  // it does without JavaScript, rather than keep the preview's banner over public figures.
  if (document.querySelector(".draft-banner")) return;
  // Scripts that bind the page to its map and its ranking: run again, in page order, after each new map.
  var BINDERS = ["/static/js/ipmap.js", "/static/js/mapui.js", "/static/js/symbols.js"];
  var suffix = document.title.indexOf(" · ") >= 0 ? document.title.slice(document.title.lastIndexOf(" · ")) : "";
  var shown = window.location.search, seq = 0, busy = null;
  // One redraw at a time: a map script or binder still loading for one view must not run over the next view's
  // map (quick changes, or Back twice), so each redraw starts after the one before it has finished.
  var drawing = Promise.resolve();
  // Said to screen readers once the new map is in place (the map and its words change out of the focus's way).
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = function () { s.remove(); resolve(); };
      s.onerror = function () { s.remove(); reject(new Error("script " + src)); };
      document.body.appendChild(s);
    });
  }

  function queryOf(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) { params.append(name, value); });
    return params.toString();
  }

  function swap(state, push) {
    var active = document.activeElement;
    var focusName = active && active.form && panel.contains(active) ? active.name : null;
    // An old map's deferred work (a tooltip following the pointer, a debounced moveend, an animation's end) must
    // find no listener once it is gone: Leaflet's remove() keeps map and layer listeners, and they then read the
    // removed panes ("Cannot read properties of undefined (reading '_leaflet_pos')").
    // A map removed mid zoom animation still runs the animation's end 250 ms later on its deleted panes
    // (Leaflet 1.9: "Cannot read properties of undefined (reading '_leaflet_pos')" from _onZoomTransitionEnd);
    // ending the animation first, as its own end would, leaves that timer nothing to do.
    (window.ipmapMaps || []).forEach(function (entry) {
      var m = entry.map;
      m.stop();
      if (m._animatingZoom) m._animatingZoom = false;
      m.remove();
    });
    window.ipmapMaps = [];
    window.ipmapSymbols = [];
    panel.innerHTML = state.panel;
    col.innerHTML = state.figure;
    if (window.ipmapPicker) panel.querySelectorAll("form.picker").forEach(window.ipmapPicker);
    if (focusName) {
      var again = panel.querySelector("form.picker [name='" + focusName + "']");
      if (again) again.focus({ preventScroll: true });
    }
    var region = new URL(state.url, window.location.href).searchParams.get("region");
    if (region) document.body.setAttribute("data-region", region); else document.body.removeAttribute("data-region");
    document.title = state.title + suffix;
    col.setAttribute("aria-label", state.title);
    var tagline = document.querySelector(".panel .tagline");  // the home page's welcome line: now a map page
    if (tagline) tagline.remove();
    var header = document.querySelector("header.site");
    if (header) {
      var other = header.querySelector("a[hreflang]");
      if (other) other.setAttribute("href", "/map?" + state.other_lang_query);
      var nav = header.querySelector("nav a[href^='/map']");
      if (nav) nav.setAttribute("href", state.url);
    }
    if (push) window.history.pushState({ ipmap: true }, "", state.url);  // Back and Forward keep their own URL
    shown = window.location.search;
    return BINDERS.reduce(function (done, src) {
      return done.then(function () { return load(src); });
    }, load(state.script));
  }

  function update(query, push) {
    var mine = ++seq;
    if (busy) busy.abort();
    busy = window.AbortController ? new AbortController() : null;
    col.setAttribute("aria-busy", "true");
    col.classList.add("is-updating");
    var done = function () {
      if (mine !== seq) return;
      col.removeAttribute("aria-busy");
      col.classList.remove("is-updating");
    };
    var fallback = function (url) { window.location.assign(url); };
    return fetch("/map.json?" + query, { credentials: "same-origin", signal: busy ? busy.signal : undefined,
                                         headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.json();
      })
      .then(function (state) {
        if (mine !== seq) return null;
        var run = drawing.then(function () { return mine === seq ? swap(state, push).then(function () {
          return true; }) : false; });
        drawing = run.catch(function () { return false; });
        return run.then(function (drawn) { if (drawn) { status.textContent = state.title; done(); } },
                        function () { fallback(state.url); });
      })
      .catch(function (e) {
        if (e && e.name === "AbortError") return;
        done();
        fallback("/map?" + query);
      });
  }

  // The picker submits itself on every change (static/js/picker.js); its own submit handlers have run by the time
  // the event reaches the document, so the form's data is what a plain submission would have sent.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form.picker") || !panel.contains(form)) return;
    if ((form.getAttribute("action") || "") !== "/map") return;
    e.preventDefault();
    update(queryOf(form), true);
  });

  window.addEventListener("popstate", function () {
    var path = window.location.pathname;
    if ((path !== "/map" && path !== "/") || window.location.search === shown) return;
    update(window.location.search.replace(/^\?/, ""), false);
  });
})();
