// The counterfactual page's own script (a file, so that the CSP allows no inline script).
"use strict";
let scenarios = [], panel = null;

function chosen() {
  return scenarios.find((s) => s.name === document.getElementById("scenario").value);
}

// The page follows the scenario chosen: the interventions it invites (none is offered for a
// scenario that names none), its shocks grouped by the record event each stands for, and its
// parameters. Nothing of another scenario stays.
function showScenario() {
  const scenario = chosen();
  const list = document.getElementById("intervention-list");
  list.innerHTML = scenario.interventions.length ? scenario.interventions.map((i) =>
    `<label class="choice"><input type="checkbox" name="intervention"
       value="${escapeHtml(i.id)}"> <span><strong>${escapeHtml(i.name)}</strong>` +
    (i.note ? ` <span class="note">${escapeHtml(i.note)}</span>` : "") + "</span></label>").join("")
    : `<p class="note">${escapeHtml(scenario.title)} names no interventions: switch off what
       happened, or change parameters, below.</p>`;
  const groups = new Map();
  for (const shock of scenario.shocks.filter((k) => k.enabled)) {
    const key = shock.event || shock.id;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(shock);
  }
  document.getElementById("shocks").innerHTML = [...groups.values()].map((shocks) => {
    const first = shocks[0];
    const what = first.headline || first.id;
    const why = first.summary || shocks.map((k) => k.note).filter(Boolean).join(" ");
    return `<label class="choice"><input type="checkbox" name="shock"
      value="${escapeHtml(shocks.map((k) => k.id).join(","))}"> <span><strong>` +
      `${escapeHtml(what)}</strong>, ${escapeHtml(first.when)}. ` +
      `<span class="note">${escapeHtml(why)}</span></span></label>`;
  }).join("");
  panel = parameterPanel(document.getElementById("parameters"), scenario.parameters, showChanges);
  document.getElementById("chart").replaceChildren();
  document.getElementById("chart").dataset.state = "empty";
  for (const id of ["chart-legend", "differences", "status"]) {
    document.getElementById(id).replaceChildren();
  }
  document.getElementById("no-change").hidden = true;
  showChanges();
}

// The overrides the form asks for, and the same in words.
function changes() {
  const scenario = chosen();
  const set = [], words = [];
  for (const box of document.querySelectorAll("#intervention-list input:checked")) {
    const intervention = scenario.interventions.find((i) => i.id === box.value);
    set.push(...intervention.set);
    words.push(intervention.name);
  }
  for (const box of document.querySelectorAll("#shocks input:checked")) {
    const ids = box.value.split(",");
    set.push(...ids.map((id) => `shocks.${id}.enabled=false`));
    const shock = scenario.shocks.find((k) => k.id === ids[0]);
    words.push(`without ${shock.headline || shock.id} (${shock.when})`);
  }
  if (panel) { set.push(...panel.overrides()); words.push(...panel.words()); }
  return {set: [...new Set(set)], words};
}

function showChanges(tooMany) {
  const {set, words} = changes();
  const line = document.getElementById("changes");
  line.textContent = words.length ? `The change: ${words.join("; ")}.`
    : "Choose at least one change.";
  document.getElementById("go").disabled = Boolean(tooMany) || !set.length
    || set.length > MAX_CHANGES;
  if (set.length > MAX_CHANGES) {
    line.textContent += ` That is ${set.length} overrides; a run takes at most ${MAX_CHANGES}.`;
  }
}

async function load() {
  const select = document.getElementById("scenario");
  scenarios = await loadScenarios(select);
  select.addEventListener("change", showScenario);
  document.getElementById("what-if").addEventListener("change", (event) => {
    if (event.target.type === "checkbox") showChanges();
  });
  document.getElementById("clear").addEventListener("click", () => {
    for (const box of document.querySelectorAll("#what-if input[type=checkbox]")) {
      box.checked = false;
    }
    panel = parameterPanel(document.getElementById("parameters"), chosen().parameters,
                           showChanges);
    showChanges();
  });
  showScenario();
}

function share(metric) {
  return / by the end$/.test(metric);
}

function measure(metric, value) {
  return share(metric) ? percent(value) : value.toFixed(2);
}

function difference(metric, value) {
  if (share(metric)) {
    const points = Math.round(100 * value);
    return points === 0 ? "0" : `${signed(points)} points`;
  }
  return value === 0 ? "0" : signed(value.toFixed(2));
}

function verdict(result) {
  const line = document.getElementById("no-change");
  line.hidden = false;
  if (result.no_change) {
    line.textContent = result.no_change;
    line.classList.add("nothing");
    return;
  }
  line.classList.remove("nothing");
  const moved = result.differences.filter((d) => d.difference !== 0).length;
  const clear = result.differences.filter((d) => d.ci95[0] > 0 || d.ci95[1] < 0).length;
  line.textContent = `The change moves ${moved} of the ${result.differences.length} measures ` +
    `below on average; ${clear} of them clearly (the 95% interval of the difference leaves ` +
    `out 0).`;
}

async function run(event) {
  event.preventDefault();
  const form = new FormData(event.target), button = document.getElementById("go");
  const status = document.getElementById("status");
  const scenario = chosen();
  const {set, words} = changes();
  if (!set.length) { status.textContent = "Choose at least one change."; return; }
  button.disabled = true; status.textContent = "Running...";
  document.getElementById("chart").dataset.state = "running";
  try {
    const result = await api("/api/counterfactual", {scenario: scenario.name,
      runs: Number(form.get("runs")), seed: Number(form.get("seed")), set});
    const baseline = relationSeries(result.baseline, "as written", scenario.states, 0);
    const changed = relationSeries(result.intervention, "with the change", scenario.states,
                                   baseline.length);
    const series = baseline.concat(changed);
    drawSeries(document.getElementById("chart"), series, {x: "year", y: "relation index R"});
    legend(document.getElementById("chart-legend"), bandLegend(series));
    if (result.no_change) {
      document.getElementById("chart-legend").insertAdjacentText("beforeend",
        "The two lie on each other.");
    }
    table(document.getElementById("differences"), result.differences.map((d) => ({
      measure: metricName(d.metric, scenario), "as written": measure(d.metric, d.baseline),
      "with the change": measure(d.metric, d.intervention),
      difference: difference(d.metric, d.difference),
      "95% interval": `${difference(d.metric, d.ci95[0])} to ${difference(d.metric, d.ci95[1])}`,
    })), ["measure", "as written", "with the change", "difference", "95% interval"]);
    verdict(result);
    status.textContent = `${result.runs} paired runs of ${scenario.title}, seed ` +
      `${result.seed}: ${words.join("; ")}.`;
  } catch (error) {
    showError(status, error);
  } finally { showChanges(); }
}
document.getElementById("what-if").addEventListener("submit", run);
load();
