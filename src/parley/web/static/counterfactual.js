// The counterfactual page's own script (a file, so that the CSP allows no inline script).
"use strict";
let scenarios = [], extra = [];
function showShocks() {
  const name = document.getElementById("scenario").value;
  const scenario = scenarios.find((s) => s.name === name);
  document.getElementById("shocks").innerHTML = scenario.shocks.map((k) =>
    `<label><input type="checkbox" value="${escapeHtml(k.id)}"> switch off
     <code>${escapeHtml(k.id)}</code> (${escapeHtml(k.date)})</label>`).join("");
}
async function load() {
  const select = document.getElementById("scenario");
  scenarios = await loadScenarios(select);
  select.addEventListener("change", showShocks);
  showShocks();
}
function sinoSoviet() {
  document.getElementById("scenario").value = "sino-soviet";
  showShocks();
}
for (const button of document.querySelectorAll("[data-preset]")) {
  button.addEventListener("click", () => {
    sinoSoviet();
    const ids = button.dataset.preset.split(",");
    for (const box of document.querySelectorAll("#shocks input")) box.checked = ids.includes(box.value);
    extra = [];
  });
}
for (const button of document.querySelectorAll("[data-set]")) {
  button.addEventListener("click", () => {
    sinoSoviet();
    extra = [button.dataset.set];
  });
}
async function run(event) {
  event.preventDefault();
  const form = new FormData(event.target), button = document.getElementById("go");
  const status = document.getElementById("status");
  const set = [...document.querySelectorAll("#shocks input:checked")]
    .map((box) => `shocks.${box.value}.enabled=false`).concat(extra);
  if (!set.length) { status.textContent = "Choose at least one change."; return; }
  button.disabled = true; status.textContent = "running...";
  try {
    const result = await api("/api/counterfactual", {scenario: form.get("scenario"),
      runs: Number(form.get("runs")), seed: Number(form.get("seed")), set});
    drawRelation(document.getElementById("chart"),
      relationSeries(result.baseline, "baseline").concat(
        relationSeries(result.intervention, "intervention")));
    table(document.getElementById("differences"), result.differences.map((d) => ({
      metric: d.metric, baseline: d.baseline, intervention: d.intervention,
      difference: d.difference, "95% interval": `${d.ci95[0]} to ${d.ci95[1]}`})),
      ["metric", "baseline", "intervention", "difference", "95% interval"]);
    status.textContent = `${result.runs} paired runs: ${set.join("; ")}`;
  } catch (error) {
    status.innerHTML = `<span class="error">${escapeHtml(error.message)}</span>`;
  } finally { button.disabled = false; }
}
document.getElementById("what-if").addEventListener("submit", run);
load();
