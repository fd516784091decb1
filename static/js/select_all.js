// "Select all" for a list of checkboxes: <fieldset data-select-all="Select everyone">.
// Progressive enhancement: without this script the boxes work one by one. The added box is a
// native checkbox whose `indeterminate` state (some, not all, ticked) is exposed to assistive
// technology as "mixed", so no aria-checked is needed.
(function () {
  "use strict";
  function enhance(group) {
    if (group.dataset.selectAllReady) { return; }
    group.dataset.selectAllReady = "1";
    var boxes = Array.prototype.slice.call(
      group.querySelectorAll("input[type=checkbox]:not([data-select-all-box])")
    );
    if (boxes.length < 2) { return; }
    var id = (group.id || "group") + "-select-all";
    var wrap = document.createElement("div");
    wrap.className = "select-all";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = id;
    box.setAttribute("data-select-all-box", "");
    box.setAttribute("aria-controls", boxes.map(function (b) { return b.id; }).join(" "));
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = group.getAttribute("data-select-all") || "Select all";
    var count = document.createElement("span");
    count.className = "small muted select-all-count";
    count.setAttribute("aria-live", "polite");
    wrap.appendChild(box);
    wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(label);
    wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(count);
    var legend = group.querySelector("legend");
    if (legend) { legend.insertAdjacentElement("afterend", wrap); } else { group.prepend(wrap); }
    var template = group.getAttribute("data-select-all-count") || "__n__ of __total__ selected";
    function sync() {
      var ticked = boxes.filter(function (b) { return b.checked; }).length;
      box.checked = ticked === boxes.length;
      box.indeterminate = ticked > 0 && ticked < boxes.length;
      count.textContent = template.replace("__n__", ticked).replace("__total__", boxes.length);
    }
    box.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = box.checked; });
      sync();
    });
    boxes.forEach(function (b) { b.addEventListener("change", sync); });
    sync();
  }
  function scan() { document.querySelectorAll("fieldset[data-select-all]").forEach(enhance); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
