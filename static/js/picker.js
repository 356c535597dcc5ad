// The map pickers. Each behaviour is bound per form by window.ipmapPicker(form), so a form the map page puts in
// place after a change (static/js/instant.js) gets them too.
(function () {
  function bind(form) {
    if (form.ipmapPickerBound) return;
    form.ipmapPickerBound = true;
    // Changing level or indicator drops the chosen year (and base year), so the map opens at the latest year with data.
    ["level", "indicator"].forEach(function (name) {
      if (!form.elements[name]) return;
      form.elements[name].addEventListener("change", function () {
        if (form.elements.year) form.elements.year.disabled = true;
        // and the drawing style, so an indicator is drawn its own way (circles for counts, colours for rates)
        if (name === "indicator" && form.elements.style) form.elements.style.disabled = true;
        if (form.elements.base_year) form.elements.base_year.disabled = true;  // compare: its base year too
      });
    });
    // Zone options left at their defaults (shown, every year) stay out of the URL, so links stay short.
    if (form.elements.zones) {
      form.addEventListener("submit", function () {
        if (form.elements.zones.value === "true") form.elements.zones.disabled = true;
        if (form.elements.zones_year.value === "") form.elements.zones_year.disabled = true;
      });
    }
    // Controls apply as soon as they change: the form submits itself (on the map page instant.js then redraws the
    // page in place) and its Show button gives way to a line saying so (without JavaScript the button stays and
    // the form works as before). A choice made with the keyboard on a closed list applies on Enter or when the
    // focus leaves it, so stepping through options with the arrow keys does not load a map at every step.
    var button = form.querySelector("button[type=submit][data-applies]");
    if (!button || !form.requestSubmit) return;
    var note = document.createElement("p");
    note.className = "small picker-note";
    note.id = "picker-note-" + Math.random().toString(36).slice(2, 8);
    note.textContent = button.getAttribute("data-applies");
    button.hidden = true;
    button.parentNode.insertBefore(note, button);
    form.setAttribute("aria-describedby", note.id);
    var keyed = false, pending = false;
    var apply = function () { pending = false; form.requestSubmit(); };
    form.addEventListener("keydown", function (e) {
      if (e.target.tagName !== "SELECT") return;
      keyed = true;
      if (e.key === "Enter" && pending) { e.preventDefault(); apply(); }
    });
    form.addEventListener("pointerdown", function () { keyed = false; });
    form.addEventListener("change", function (e) {
      if (keyed && e.target.tagName === "SELECT") { pending = true; return; }
      apply();
    });
    form.addEventListener("focusout", function () { if (pending) apply(); });
  }
  window.ipmapPicker = bind;
  document.querySelectorAll("form.picker").forEach(bind);
})();
