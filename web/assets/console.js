// The console's one script, embedded in the binary (web/console_assets.cpp).
// Every page works without it; with it the overview stays live (one fetch of
// /api/overview every 3 s, which the server answers from its own single poll
// of the database), "select all" ticks every job, and payloads copy.
(function () {
  "use strict";
  const statuses = ["pending", "retry_wait", "done", "failed", "dead", "cancelled"];

  function liveOverview(table) {
    async function refresh() {
      try {
        const response = await fetch("/api/overview", { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const overview = await response.json();
        for (const queue of overview.queues) {
          const row = table.querySelector(`tr[data-queue="${CSS.escape(queue.queue)}"]`);
          if (!row) { location.reload(); return; }
          row.querySelector(".workers").textContent =
            `${queue.running} / ${queue.max_workers === null ? "?" : queue.max_workers}`;
          const cells = row.querySelectorAll("td.num");
          statuses.forEach((status, i) => {
            const cell = cells[i + 1];
            const count = queue.counts[status] || 0;
            const link = cell && cell.querySelector("a");
            if (link) link.textContent = count.toLocaleString("en-US");
            else if (cell && count > 0) { location.reload(); return; }
          });
        }
        const readAt = document.querySelector(".read-at");
        if (readAt) readAt.textContent = `Read at ${overview.read_at}.`;
      } catch (e) { /* the next round tries again */ }
    }
    setInterval(refresh, 3000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const overview = document.querySelector('table[data-live="overview"]');
    if (overview) liveOverview(overview);
    const all = document.querySelector("[data-select-all]");
    if (all) {
      all.addEventListener("change", () => {
        for (const box of document.querySelectorAll('input[name="id"]')) box.checked = all.checked;
      });
    }
    for (const pre of document.querySelectorAll("pre[data-copy]")) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "copy";
      button.addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(pre.textContent));
      pre.before(button);
    }
  });
})();
