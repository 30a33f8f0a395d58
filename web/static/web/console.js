// Progressive improvements; every page works without this file.
(function () {
  "use strict";
  // Move focus to an error summary, so that screen readers read it first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  // A running match run's status region refreshes itself until the run finishes.
  var region = document.querySelector("[data-poll]");
  if (!region || !window.fetch || !window.DOMParser) return;
  var period = parseInt(region.getAttribute("data-poll"), 10) || 3000;
  function poll() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("run-status");
        if (!fresh) return;
        region.innerHTML = fresh.innerHTML;
        if (fresh.hasAttribute("data-poll")) window.setTimeout(poll, period);
        else region.removeAttribute("data-poll");
      });
  }
  window.setTimeout(poll, period);
})();
