// Time zones: remember the browser's zone, and add a filter box to the zone picker.
// Every page works without this file (the picker is then a plain <select> with groups).
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace("%s", values[0]);
  };

  // The server reads this cookie (accounts.middleware.BROWSER_ZONE_COOKIE): people without an
  // account see times in their zone, and a first login takes it as the profile's zone.
  function rememberBrowserZone() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone) { return; }
    var current = document.cookie.split("; ").filter(function (c) {
      return c.indexOf("readiness_tz=") === 0;
    })[0];
    // Zone names ("Europe/Warsaw", "America/Port-au-Prince") are valid cookie values as they are.
    var value = zone.replace(/[^A-Za-z0-9_\/+\-]/g, "");
    if (current === "readiness_tz=" + value) { return; }
    document.cookie = "readiness_tz=" + value + "; path=/; max-age=31536000; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  }

  // "Łódź", "lodz" and "LODZ" all match: case, accents and "ł" (which has no accent to strip).
  function fold(text) {
    return text.toLowerCase().replace(/ł/g, "l").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").replace(/_/g, " ");
  }

  function enhance(select) {
    var groups = Array.prototype.map.call(select.querySelectorAll("optgroup"), function (group) {
      return { element: group, options: Array.prototype.slice.call(group.children) };
    });
    var id = (select.id || "zone") + "-filter";
    var wrapper = document.createElement("div");
    wrapper.className = "zone-filter";
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = gettext("Find a time zone");
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    input.setAttribute("aria-describedby", id + "-status");
    var status = document.createElement("p");
    status.id = id + "-status";
    status.className = "help";
    status.setAttribute("role", "status");
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    select.parentNode.insertBefore(wrapper, select);

    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // choose, don't submit the form
        event.preventDefault();
        select.focus();
      }
    });
    input.addEventListener("input", function () {
      var query = fold(input.value.trim());
      var selected = select.value;
      var shown = 0;
      var firstMatch = null;
      groups.forEach(function (group) {
        var matches = group.options.filter(function (option) {
          var hit = !query || fold(option.textContent + " " + option.value + " " +
            group.element.label).indexOf(query) !== -1;
          if (hit && !firstMatch) { firstMatch = option; }
          if (hit) { shown += 1; }
          return hit || option.selected;  // never drop the current choice
        });
        while (group.element.firstChild) { group.element.removeChild(group.element.firstChild); }
        matches.forEach(function (option) { group.element.appendChild(option); });
        group.element.hidden = matches.length === 0;
      });
      select.value = selected;
      status.textContent = query
        ? interpolate(ngettext("%s time zone matches", "%s time zones match", shown), [shown])
        : "";
    });
  }

  rememberBrowserZone();
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-zone-picker]").forEach(function (select) {
      enhance(select);
    });
  });
})();
