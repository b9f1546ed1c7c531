// The console's one script, embedded in the binary (web/console_assets.cpp).
// Every page works without it. With it, pages stay live while their tab is
// visible: every second they read /api/overview, which the server answers
// from its own single poll of the database (so a thousand open tabs cost the
// database nothing more); the overview redraws its counts from it, and a
// jobs list re-reads its own page only when those counts changed, keeping
// what was ticked. It also ticks every job at once and copies payloads.
(function () {
  "use strict";
  const statuses = ["pending", "retry_wait", "done", "failed", "dead", "cancelled"];
  let lastSignature = null;

  function drawOverview(table, overview) {
    for (const queue of overview.queues) {
      const row = table.querySelector(`tr[data-queue="${CSS.escape(queue.queue)}"]`);
      if (!row) { location.reload(); return; }
      row.querySelector(".workers").textContent =
        `${queue.running} / ${queue.max_workers === null ? "?" : queue.max_workers}`;
      const button = row.querySelector("button");
      if (button && (button.textContent === "resume") !== queue.paused) { location.reload(); return; }
      const cells = row.querySelectorAll("td.num");
      statuses.forEach((status, i) => {
        const cell = cells[i + 1];
        const count = queue.counts[status] || 0;
        const link = cell && cell.querySelector("a");
        if (link) link.textContent = count.toLocaleString("en-US");
        else if (cell && count > 0) location.reload();
      });
    }
    const readAt = document.querySelector(".read-at");
    if (readAt) readAt.textContent = `Read at ${overview.read_at}.`;
  }

  async function redrawList(list) {
    const response = await fetch(location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("form.job-list");
    const tabs = page.querySelector("nav.tabs");
    if (!fresh) return;
    const ticked = new Set([...list.querySelectorAll('input[name="id"]:checked')].map((box) => box.value));
    for (const box of fresh.querySelectorAll('input[name="id"]')) box.checked = ticked.has(box.value);
    list.replaceWith(fresh);
    const oldTabs = document.querySelector("nav.tabs");
    if (tabs && oldTabs) oldTabs.replaceWith(tabs);
    wireSelectAll();
  }

  async function tick() {
    if (document.hidden) return;  // a hidden tab asks nothing
    try {
      const response = await fetch("/api/overview", { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const overview = await response.json();
      const signature = JSON.stringify(overview.queues.map((q) => [q.queue, q.counts, q.running, q.paused]));
      const table = document.querySelector('table[data-live="overview"]');
      if (table) drawOverview(table, overview);
      const list = document.querySelector("form.job-list");
      if (list && lastSignature !== null && signature !== lastSignature) await redrawList(list);
      lastSignature = signature;
    } catch (e) { /* the next tick tries again */ }
  }

  function wireSelectAll() {
    const all = document.querySelector("[data-select-all]");
    if (!all) return;
    all.addEventListener("change", () => {
      for (const box of document.querySelectorAll('input[name="id"]')) box.checked = all.checked;
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (document.querySelector('table[data-live="overview"], form.job-list')) {
      tick();
      setInterval(tick, 1000);
      document.addEventListener("visibilitychange", () => { if (!document.hidden) tick(); });
    }
    wireSelectAll();
    for (const pre of document.querySelectorAll("pre[data-copy]")) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "copy";
      button.addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(pre.textContent));
      pre.before(button);
    }
  });
})();
