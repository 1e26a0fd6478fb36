// The record page's own script (a file, so that the CSP allows no inline script).
"use strict";
async function showEvents(event) {
  if (event) event.preventDefault();
  const form = new FormData(document.getElementById("filters"));
  const query = new URLSearchParams([...form].filter(([, v]) => v));
  const status = document.getElementById("status");
  try {
    const events = await api(`/api/record/events?${query}`);
    status.textContent = `${events.length} events`;
    drawTimeline(document.getElementById("timeline"), events);
    const rows = events.map((e) => ({
      when: e.when, what: e.summary, CAMEO: e.cameo, Goldstein: e.goldstein,
      contested: e.claim || "",
      source: (e.quotes || e.passages).join(" | "),
    }));
    table(document.getElementById("events"), rows,
          ["when", "what", "CAMEO", "Goldstein", "contested", "source"]);
  } catch (error) {
    status.innerHTML = `<span class="error">${escapeHtml(error.message)}</span>`;
  }
}
async function showClaims() {
  const claims = await api("/api/record/claims");
  document.getElementById("claims").innerHTML = claims.map((c) =>
    `<h3 class="contested">${escapeHtml(c.question)}</h3><ul>` + c.alternatives.map((a) =>
      `<li>${escapeHtml(a.statement)} <em>Held by ${escapeHtml(a.held_by)}.</em>
       ${escapeHtml(a.passages.map((p) => `${p.source}, characters ${p.start}-${p.end}`)
         .join("; "))}</li>`).join("") + "</ul>").join("");
}
document.getElementById("filters").addEventListener("submit", showEvents);
showEvents(); showClaims();
