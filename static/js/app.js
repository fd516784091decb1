// Readiness: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Translations come from /jsi18n/ (Django's JavaScriptCatalog), loaded before this file.
  var gettext = window.gettext || function (text) { return text; };

  // htmx: swap error answers too (the server sends a readable message with 4xx/5xx).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status >= 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Put focus on the first field with an error so keyboard and screen-reader users land on it.
    var invalid = document.querySelector("[aria-invalid='true']");
    if (invalid) { invalid.focus(); }
    startTimers();
    countAnswers();
    siteMenu();
    followScales();
  });

  // Phone header: the menu button shows and hides the navigation. Without this script the
  // button stays hidden and the navigation is always shown.
  function siteMenu() {
    var button = document.querySelector(".menu-toggle");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    button.hidden = false;
    button.closest(".site-header").classList.add("has-menu");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    });
  }

  // Buttons with data-copy="#id" copy that element's text (used for one-time secrets, links).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.getAttribute("data-copied") || gettext("Copied");
      });
    }
  });

  // Quiz: "3 of 5 answered", updated as answers change.
  function countAnswers() {
    var counter = document.getElementById("answered-count");
    if (!counter) { return; }
    var total = parseInt(counter.getAttribute("data-total"), 10);
    function update() {
      var answered = 0;
      document.querySelectorAll("fieldset.question").forEach(function (fieldset) {
        var typed = fieldset.querySelector("input[type=text]");
        if (fieldset.querySelector("input:checked") || (typed && typed.value.trim())) {
          answered += 1;
        }
      });
      var template = counter.getAttribute("data-template") || "__n__ of __total__ answered";
      counter.textContent = template.replace("__n__", answered).replace("__total__", total);
    }
    document.addEventListener("change", function (event) {
      if (event.target.closest("fieldset.question")) { update(); }
    });
  }

  // QA categories: the pass mark follows the scale. Choosing another scale puts the new scale's
  // default pass mark where the old scale's default, nothing, or a mark off the new scale stood;
  // a mark the lead typed that fits the new scale stays (qa/reviews/forms.py).
  function followScales() {
    document.addEventListener("change", function (event) {
      var select = event.target;
      if (!select.matches || !select.matches("select[data-pass-marks]")) { return; }
      var row = select.closest("tr");
      var input = row && row.querySelector("input[data-pass-mark]");
      if (!input) { return; }
      var marks = JSON.parse(select.getAttribute("data-pass-marks"));
      var range = JSON.parse(select.getAttribute("data-scale-ranges"))[select.value];
      // the scale before this change: the last one chosen here, else the page's own
      var initial = Array.prototype.find.call(select.options, function (option) {
        return option.defaultSelected;
      });
      var previous = select.getAttribute("data-previous") || (initial && initial.value);
      var value = input.value.trim() === "" ? null : Number(input.value);
      var offScale = value !== null && (isNaN(value) || value <= range[0] || value > range[1]);
      if (value === null || offScale || (previous && value === marks[previous])) {
        input.value = String(marks[select.value]);
      }
      select.setAttribute("data-previous", select.value);
    });
  }

  // Quiz: a countdown to the deadline (the server enforces it; this only shows it).
  function startTimers() {
    document.querySelectorAll(".timer[data-deadline]").forEach(function (timer) {
      var deadline = Date.parse(timer.getAttribute("data-deadline"));
      if (isNaN(deadline)) { return; }
      function tick() {
        var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
        var minutes = Math.floor(left / 60);
        var seconds = left % 60;
        timer.textContent = left > 0
          ? minutes + ":" + (seconds < 10 ? "0" : "") + seconds
          : (timer.getAttribute("data-label-up") || gettext("Time is up"));
        timer.classList.toggle("low", left <= 60);
        announce(left);
        if (left > 0) { setTimeout(tick, 1000); }
      }
      // The visible countdown is silent (aria-live="off"); a status region says, once each,
      // that one minute is left and that the time is up.
      var alertBox = document.querySelector(timer.getAttribute("data-alert") || "#timer-alert");
      var said = { minute: false, up: false };
      function announce(left) {
        if (!alertBox) { return; }
        if (left <= 0 && !said.up) {
          said.up = true;
          alertBox.textContent = alertBox.getAttribute("data-label-up") || gettext("Time is up.");
        } else if (left > 0 && left <= 60 && !said.minute) {
          said.minute = true;
          alertBox.textContent = alertBox.getAttribute("data-label-minute") || gettext("One minute left.");
        }
      }
      tick();
    });
  }
})();
