// Import progress: polls the job's status and updates the page; reloads for the result.
// A module of its own because the content security policy forbids inline scripts.
(function () {
  "use strict";
  const box = document.getElementById("import-job");
  if (!box || box.dataset.finished === "yes") return;
  const url = box.dataset.statusUrl;
  const bar = box.querySelector("progress");
  const fmt = new Intl.NumberFormat();
  const labels = JSON.parse(box.dataset.statusLabels || "{}"); // words for the job's status (labels.py)

  function show(status) {
    for (const el of box.querySelectorAll("[data-field]")) {
      const value = status[el.dataset.field];
      if (value === undefined) continue;
      if (el.dataset.field === "status") el.textContent = labels[value] || value;
      else el.textContent = typeof value === "number" && el.dataset.field !== "percent" ? fmt.format(value) : value;
    }
    if (bar) bar.value = status.percent;
  }

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const status = await response.json();
        show(status);
        if (status.finished) {
          window.location.reload();
          return;
        }
      }
    } catch (err) {
      // A blip in the connection: try again on the next tick.
    }
    window.setTimeout(poll, 1000);
  }

  window.setTimeout(poll, 500);
})();
