// The scenario page's own script (a file, so that the CSP allows no inline script).
"use strict";
let scenarios = [], panel = null;

function chosen() {
  return scenarios.find((s) => s.name === document.getElementById("scenario").value);
}

// The page follows the scenario chosen: its period, the interventions it invites, and its
// parameters. Results of another scenario are cleared.
function showScenario() {
  const scenario = chosen();
  document.getElementById("about").textContent =
    `${scenario.description} From ${scenario.period}.`;
  const withSelect = document.getElementById("with");
  withSelect.innerHTML = `<option value="">as written</option>` + scenario.interventions.map(
    (i) => `<option value="${escapeHtml(i.id)}">${escapeHtml(i.name)}</option>`).join("");
  document.getElementById("with-label").hidden = scenario.interventions.length === 0;
  panel = parameterPanel(document.getElementById("parameters"), scenario.parameters,
    (tooMany) => { document.getElementById("go").disabled = tooMany; });
  for (const id of ["index-chart", "chart"]) {
    document.getElementById(id).replaceChildren();
    document.getElementById(id).dataset.state = "empty";
  }
  for (const id of ["index-legend", "index-who", "chart-legend", "clash", "agreements", "scores", "outcomes",
                    "status"]) {
    document.getElementById(id).replaceChildren();
  }
}

async function load() {
  const select = document.getElementById("scenario");
  scenarios = await loadScenarios(select);
  select.addEventListener("change", showScenario);
  showScenario();
}

function indexChart(lines, scenario) {
  const rows = lines.rows;
  const series = [{label: "the model", kind: "band", colour: COLOURS[0],
                   rows: rows.map((r) => ({year: r.year, median: r.median, p05: r.p05,
                                           p95: r.p95}))}];
  const legendItems = [{label: "the model: median of the runs; band: 5-95% of runs",
                        colour: COLOURS[0], mark: "band"}];
  if (scenario.record) {
    series.push({label: "the record", kind: "line", colour: "#222",
                 rows: rows.map((r) => ({year: r.year, value: r.record}))});
    series.push({label: "persistence", kind: "dashed", colour: COLOURS[1],
                 rows: rows.map((r) => ({year: r.year, value: r.persistence}))});
    series.push({label: "trend", kind: "dashed", colour: COLOURS[2],
                 rows: rows.map((r) => ({year: r.year, value: r.trend}))});
    legendItems.push({label: "the record", colour: "#222", mark: "line"},
      {label: `persistence (made at the end of ${lines.cut})`, colour: COLOURS[1],
       mark: "line", dash: "5 4"},
      {label: `straight trend (fitted up to ${lines.cut})`, colour: COLOURS[2], mark: "line",
       dash: "5 4"},
      {label: `the end of ${lines.cut}, when the baselines are made`, colour: "#999",
       mark: "line", dash: "2 3"});
  }
  drawSeries(document.getElementById("index-chart"), series,
             {x: "year", y: "net Goldstein score of the year", mark: lines.cut + 0.5});
  legend(document.getElementById("index-legend"), legendItems);
  const drawn = rows.filter((r) => r.median !== null).length;
  const withWhom = scenario.states[lines.counterpart] || lines.counterpart;
  document.getElementById("index-who").textContent = drawn
    ? `The model's index counts the events it draws with its counterpart, ${withWhom}.`
    : `The model draws no events with ${withWhom} in these years.`;
}

async function run(event) {
  event.preventDefault();
  const form = new FormData(event.target), button = document.getElementById("go");
  const status = document.getElementById("status");
  const scenario = chosen();
  const intervention = scenario.interventions.find((i) => i.id === form.get("with"));
  const set = (intervention ? intervention.set : []).concat(panel.overrides());
  if (set.length > MAX_CHANGES) {
    status.innerHTML = `<span class="error">A run takes at most ${MAX_CHANGES} changes; ` +
      `this one has ${set.length}.</span>`;
    return;
  }
  button.disabled = true; status.textContent = "Running...";
  for (const id of ["index-chart", "chart"]) document.getElementById(id).dataset.state = "running";
  try {
    const result = await api("/api/compare", {scenario: scenario.name,
      runs: Number(form.get("runs")), seed: Number(form.get("seed")), set});
    const summary = result.summary, record = result.scores.record;
    indexChart(result.lines, scenario);
    const relation = relationSeries(summary, "R", scenario.states);
    drawSeries(document.getElementById("chart"), relation,
               {x: "year", y: "relation index R"});
    legend(document.getElementById("chart-legend"), bandLegend(relation));
    const clash = summary.first_clash;
    document.getElementById("clash").textContent = `A first armed clash in ` +
      `${percent(clash.probability)} of runs` +
      (clash.most_likely_year ? `, most likely in ${clash.most_likely_year}.` : ".");
    table(document.getElementById("agreements"), agreementRows(summary, scenario),
          ["issue", "settled in", "most likely in"]);
    const scored = record ? scoreRows(record) : [];
    if (scored.length) {
      table(document.getElementById("scores"), scored,
            ["years", "model", "persistence", "trend", "mean", "placebo -5", "placebo +5"]);
    } else {
      document.getElementById("scores").textContent = record
        ? "The model's index has no year in common with the record's here: there is no " +
          "correlation to score."
        : "This scenario has no record to score against.";
    }
    if (record) {
      table(document.getElementById("outcomes"), outcomeRows(record, scenario),
            ["outcome", "in the record", "by the end", "most likely in", "Brier"]);
    }
    const changes = (intervention ? [intervention.name] : []).concat(panel.words());
    status.textContent = `${summary.runs} runs of ${scenario.title}, seed ${summary.seed}` +
      (changes.length ? `, with: ${changes.join("; ")}.` : ", as written.");
  } catch (error) {
    showError(status, error);
  } finally { button.disabled = false; }
}
document.getElementById("run").addEventListener("submit", run);
load();
