// Workspace: drop a file on the upload area to choose it (the form still posts as a plain form without script).
(function () {
  "use strict";
  document.querySelectorAll("form.ws-upload").forEach(function (form) {
    var zone = form.querySelector("[data-drop]");
    var input = form.querySelector("input[type=file]");
    var shown = form.querySelector("[data-file-name]");
    if (!zone || !input) return;
    function show() {
      if (shown) shown.textContent = input.files && input.files.length ? input.files[0].name : "";
    }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      input.files = e.dataTransfer.files;
      show();
    });
  });
}());
