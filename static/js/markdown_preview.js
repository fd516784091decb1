// Live preview for Markdown fields in the admin. The server renders and sanitizes the HTML.
(function () {
  "use strict";
  var url = "/admin-tools/markdown-preview/";
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function attach(textarea) {
    if (textarea.dataset.previewReady) { return; }
    textarea.dataset.previewReady = "1";
    var box = document.createElement("div");
    box.className = "markdown-preview prose";
    box.setAttribute("aria-live", "polite");
    box.setAttribute("aria-label", window.gettext ? window.gettext("Preview") : "Preview");
    textarea.insertAdjacentElement("afterend", box);
    var timer = null;
    function render() {
      var body = new URLSearchParams();
      body.set("text", textarea.value);
      fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
        body: body.toString(),
        credentials: "same-origin"
      }).then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { box.innerHTML = html; });
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 400);
    });
    render();
  }
  function scan() {
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(function (t) {
      if (!t.name || t.name.indexOf("__prefix__") === -1) { attach(t); }
    });
  }
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("formset:added", scan);
})();
