// 报表中心: while a report is queued or being generated, ask its status endpoint every two
// seconds, move its progress bar, and reload the page when it has finished (done or failed).
(function () {
  "use strict";
  var INTERVAL = 2000;
  function poll(box) {
    var url = box.getAttribute("data-poll");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        if (state.finished) { window.location.reload(); return; }
        var bar = box.querySelector(".progress-bar");
        var label = box.querySelector(".report-progress");
        var badge = box.querySelector(".badge");
        if (bar) { bar.style.width = state.progress + "%"; bar.parentNode.setAttribute("aria-valuenow", state.progress); }
        if (label) { label.textContent = state.progress + "%"; }
        if (badge && state.status === "running") { badge.className = "badge text-bg-info"; badge.textContent = state.status_display; }
        window.setTimeout(function () { poll(box); }, INTERVAL);
      })
      .catch(function () { window.setTimeout(function () { poll(box); }, INTERVAL * 3); });
  }
  document.querySelectorAll("[data-poll]").forEach(function (box) {
    window.setTimeout(function () { poll(box); }, INTERVAL);
  });
})();
