// The scenario page's own script (a file, so that the CSP allows no inline script).
"use strict";
async function load() {
  await loadScenarios(document.getElementById("scenario"));
}
async function run(event) {
  event.preventDefault();
  const form = new FormData(event.target), button = document.getElementById("go");
  const status = document.getElementById("status");
  button.disabled = true; status.textContent = "running...";
  try {
    const result = await api("/api/compare", {scenario: form.get("scenario"),
      runs: Number(form.get("runs")), seed: Number(form.get("seed"))});
    const summary = result.summary, record = result.scores.record;
    drawRelation(document.getElementById("chart"), relationSeries(summary, "relation index R"));
    const clash = summary.first_clash;
    document.getElementById("clash").textContent = `First armed clash in ` +
      `${Math.round(100 * clash.probability)}% of runs` +
      (clash.most_likely_year ? `, most likely in ${clash.most_likely_year}.` : ".");
    table(document.getElementById("agreements"), agreementRows(summary),
          ["issue", "settled", "most likely"]);
    table(document.getElementById("scores"), scoreRows(record),
          ["years", "model", "persistence", "trend", "mean", "placebo -5", "placebo +5"]);
    table(document.getElementById("outcomes"), outcomeRows(record),
          ["outcome", "record", "by the end", "most likely", "Brier"]);
    status.textContent = `${summary.runs} runs, seed ${summary.seed}`;
  } catch (error) {
    status.innerHTML = `<span class="error">${escapeHtml(error.message)}</span>`;
  } finally { button.disabled = false; }
}
document.getElementById("run").addEventListener("submit", run);
load();
