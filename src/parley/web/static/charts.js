// parley's own small chart and page helpers: no library, no network beyond this server.
"use strict";

const COLOURS = ["#1f5f8b", "#b8452f", "#3d7a3d", "#8a5a9e", "#b0892a", "#2f8b87", "#7a4a2a",
                 "#5a5a5a"];
const SVG = "http://www.w3.org/2000/svg";

function element(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
    '"': "&quot;", "'": "&#39;"}[c]));
}

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function showError(container, error) {
  container.innerHTML = `<span class="error">${escapeHtml(error.message)}</span>`;
}

// A table of rows (objects) by columns; each cell carries its column's name, which narrow
// screens show beside the value (a row becomes a card; short values sit beside their
// column's name). A column may be {name, html}: its cells are HTML the caller has escaped.
function table(container, rows, columns) {
  const specs = columns.map((c) => typeof c === "string" ? {name: c} : c);
  const head = specs.map((c) => `<th scope="col">${escapeHtml(c.name)}</th>`).join("");
  const body = rows.map((row) => "<tr>" + specs.map((c) => {
    const value = row[c.name];
    const text = c.html ? (value ?? "") : escapeHtml(value === null || value === undefined
      ? "" : String(value));
    return `<td data-label="${escapeHtml(c.name)}"><div>${text}</div></td>`;
  }).join("") + "</tr>").join("");
  const kind = specs.some((c) => c.html) ? "long" : "compact";
  container.innerHTML =
    `<table class="${kind}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

// Fills a <select> with the server's scenarios, sino-soviet chosen if served; returns them.
async function loadScenarios(select) {
  const scenarios = await api("/api/scenarios");
  select.innerHTML = scenarios.map((s) =>
    `<option value="${escapeHtml(s.name)}">${escapeHtml(s.title)}</option>`).join("");
  if (scenarios.some((s) => s.name === "sino-soviet")) select.value = "sino-soviet";
  return scenarios;
}

// A legend below a chart, in the page's flow, so that it never covers the data: each item a
// small drawing of its mark (a band, a line, a dashed line, a dot) and its words.
function legend(container, items) {
  container.replaceChildren();
  container.classList.add("legend");
  for (const item of items) {
    const entry = document.createElement("span");
    entry.className = "legend-item";
    const mark = element("svg", {width: 28, height: 12, "aria-hidden": "true"}, entry);
    if (item.mark === "band") {
      element("rect", {x: 0, y: 1, width: 28, height: 10, fill: item.colour, "fill-opacity": 0.2},
              mark);
      element("line", {x1: 0, x2: 28, y1: 6, y2: 6, stroke: item.colour, "stroke-width": 2}, mark);
    } else if (item.mark === "dot") {
      element("circle", {cx: 14, cy: 6, r: 4, fill: item.colour}, mark);
    } else if (item.mark === "ring") {
      element("circle", {cx: 14, cy: 6, r: 5, fill: "none", stroke: item.colour}, mark);
    } else {
      element("line", {x1: 0, x2: 28, y1: 6, y2: 6, stroke: item.colour, "stroke-width": 2,
                       "stroke-dasharray": item.dash || "none"}, mark);
    }
    entry.append(" " + item.label);
    container.appendChild(entry);
  }
}

// A step of 1, 2 or 5 times a power of ten, near `raw`.
function niceStep(raw) {
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const scaled = raw / power;
  return (scaled < 1.5 ? 1 : scaled < 3.5 ? 2 : scaled < 7.5 ? 5 : 10) * power;
}

// The drawing width of an svg: its width on the page, so that text is drawn at its size.
function chartSize(svg, ratio, low, high) {
  const width = Math.max(280, Math.round(svg.getBoundingClientRect().width || 600));
  const height = Math.round(Math.min(high, Math.max(low, width * ratio)));
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("height", height);
  return [width, height];
}

// Draws again whatever a chart last drew when the window changes width.
const redraws = new Map();
let lastWidth = window.innerWidth;
window.addEventListener("resize", () => {
  if (window.innerWidth === lastWidth) return;
  lastWidth = window.innerWidth;
  for (const draw of redraws.values()) draw();
});

// A chart of yearly series on one axis. series: [{label, colour, kind: "band" | "line" |
// "dashed", rows: [{year, value}] or, for a band, [{year, median, p05, p95}]}]; axes: {x, y}
// say what the axes measure, and mark (a year) where a dotted line stands across the chart.
function drawSeries(svg, series, axes) {
  redraws.set(svg, () => drawSeries(svg, series, axes));
  svg.replaceChildren();
  const [width, height] = chartSize(svg, 0.42, 240, 380);
  const left = 56, right = 14, top = 12, bottom = 48;
  const years = series.flatMap((s) => s.rows.map((r) => r.year));
  const values = series.flatMap((s) => s.rows.flatMap((r) =>
    s.kind === "band" ? [r.p05, r.p95, r.median] : [r.value])).filter((v) => v !== null);
  if (!years.length || !values.length) {
    element("text", {x: width / 2, y: height / 2, "text-anchor": "middle", "font-size": 14},
            svg).textContent = "Nothing to draw.";
    svg.dataset.state = "ready";
    return;
  }
  const lo = Math.min(...years), hi = Math.max(...years);
  let low = Math.min(0, ...values), high = Math.max(0, ...values);
  const yStep = niceStep((high - low) / 5 || 1);
  low = Math.floor(low / yStep) * yStep; high = Math.ceil(high / yStep) * yStep;
  const x = (year) => left + ((year - lo) / Math.max(1, hi - lo)) * (width - left - right);
  const y = (value) => top + ((high - value) / (high - low || 1)) * (height - top - bottom);
  for (let tick = low; tick <= high + yStep / 2; tick += yStep) {
    const at = y(tick), round = Math.round(tick * 1000) / 1000;
    element("line", {x1: left, x2: width - right, y1: at, y2: at,
                     stroke: round === 0 ? "#777" : "#e4e4e4"}, svg);
    element("text", {x: left - 6, y: at + 4, "text-anchor": "end", "font-size": 12,
                     class: "tick"}, svg).textContent = round;
  }
  const xStep = Math.max(1, niceStep((hi - lo) / Math.max(2, (width - left - right) / 60)));
  for (let year = Math.ceil(lo / xStep) * xStep; year <= hi; year += xStep) {
    element("line", {x1: x(year), x2: x(year), y1: height - bottom, y2: height - bottom + 4,
                     stroke: "#777"}, svg);
    element("text", {x: x(year), y: height - bottom + 21, "text-anchor": "middle",
                     "font-size": 12, class: "tick"}, svg).textContent = year;
  }
  element("text", {x: left + (width - left - right) / 2, y: height - 5, "text-anchor": "middle",
                   "font-size": 12, class: "axis-label"}, svg).textContent = axes.x;
  element("text", {x: 0, y: 0, "text-anchor": "middle", "font-size": 12, class: "axis-label",
                   transform: `translate(14 ${top + (height - top - bottom) / 2}) rotate(-90)`},
          svg).textContent = axes.y;
  if (axes.mark !== undefined && axes.mark > lo && axes.mark < hi) {
    element("line", {x1: x(axes.mark), x2: x(axes.mark), y1: top, y2: height - bottom,
                     stroke: "#999", "stroke-dasharray": "2 3", class: "mark"}, svg);
  }
  const path = (rows, key) => {
    // Breaks the line where a year has no value.
    const parts = [];
    let current = [];
    for (const r of rows) {
      if (r[key] === null || r[key] === undefined) { if (current.length) parts.push(current); current = []; }
      else current.push(`${x(r.year)},${y(r[key])}`);
    }
    if (current.length) parts.push(current);
    return parts;
  };
  for (const s of series) {
    if (s.kind === "band") {
      const rows = s.rows.filter((r) => r.p05 !== null && r.p95 !== null);
      if (rows.length) {
        const upper = rows.map((r) => `${x(r.year)},${y(r.p95)}`);
        const lower = rows.slice().reverse().map((r) => `${x(r.year)},${y(r.p05)}`);
        element("polygon", {points: upper.concat(lower).join(" "), fill: s.colour,
                            "fill-opacity": 0.16, class: "band"}, svg);
      }
    }
  }
  for (const s of series) {
    const key = s.kind === "band" ? "median" : "value";
    for (const points of path(s.rows, key)) {
      const attributes = {points: points.join(" "), fill: "none", stroke: s.colour,
                          "stroke-width": s.kind === "band" ? 2.2 : 1.6,
                          class: s.kind === "band" ? "median" : "line", "data-label": s.label};
      if (s.kind === "dashed") attributes["stroke-dasharray"] = "5 4";
      if (points.length === 1) {
        const [px, py] = points[0].split(",");
        element("circle", {cx: px, cy: py, r: 2.5, fill: s.colour, class: "line"}, svg);
      } else {
        element("polyline", attributes, svg);
      }
    }
  }
  svg.dataset.series = String(series.length);
  svg.dataset.state = "ready";
}

// A summary's relation rows as band series, one per counterpart, named.
function relationSeries(summary, label, names, offset) {
  const byCounterpart = new Map();
  for (const row of summary.relation) {
    if (!byCounterpart.has(row.counterpart)) byCounterpart.set(row.counterpart, []);
    byCounterpart.get(row.counterpart).push(row);
  }
  const many = byCounterpart.size > 1;
  return [...byCounterpart].map(([who, rows], n) => ({
    label: many ? `${label}: with ${names[who] || who}` : label, kind: "band",
    colour: COLOURS[(n + (offset || 0)) % COLOURS.length], rows}));
}

function bandLegend(series) {
  return series.map((s) => ({label: `${s.label} (median; band: 5-95% of runs)`,
                             colour: s.colour, mark: s.kind === "band" ? "band" : "line",
                             dash: s.kind === "dashed" ? "5 4" : null}));
}

function percent(share) {
  return `${Math.round(100 * share)}%`;
}

function signed(value) {
  return value > 0 ? `+${value}` : String(value);
}

function rounded(value) {
  return value === null || value === undefined ? "n/a" : value.toFixed(2);
}

// A metric of a counterfactual (as the API names it) with names for its ids.
function metricName(metric, scenario) {
  const issues = Object.fromEntries(scenario.issues.map((i) => [i.id, i.name]));
  return metric
    .replace(/^mean relation with ([a-z0-9-]+)/, (_, id) =>
      `mean relation index R with ${scenario.states[id] || id}`)
    .replace(/^([a-z0-9-]+) settled by the end$/, (_, id) =>
      `${issues[id] || id}: settled by the end`);
}

function agreementRows(summary, scenario) {
  const issues = Object.fromEntries(scenario.issues.map((i) => [i.id, i.name]));
  return summary.agreements.map((a) => ({
    issue: issues[a.issue] || a.issue, "settled in": `${percent(a.probability)} of runs`,
    "most likely in": a.most_likely_year ?? "in no run"}));
}

function scoreRows(record) {
  // One row per span of years: the model's Spearman beside each baseline's and placebo's.
  const eras = [record].concat(record.eras || []);
  const same = (series, era) => (series.eras || []).concat([series])
    .find((e) => e.from === era.from && e.to === era.to) || {};
  return eras.filter((era) => era.years > 0).map((era) => {
    const row = {years: `${era.from}-${era.to}`, model: rounded(era.spearman)};
    for (const name of ["persistence", "trend", "mean"]) {
      row[name] = rounded(same(record.baselines[name], era).spearman);
    }
    for (const shift of ["-5", "+5"]) {
      const placebo = record.placebo[shift];
      row[`placebo ${shift}`] = placebo.skipped ? "not run" : rounded(same(placebo, era).spearman);
    }
    return row;
  });
}

function outcomeRows(record, scenario) {
  const names = Object.fromEntries(scenario.outcomes.map((o) => [o.id, o.headline]));
  return (record.outcomes || []).map((o) => ({
    outcome: names[o.name] || o.name, "in the record": String(o.observed),
    "by the end": o.probability_by_end === null ? "n/a" : `${percent(o.probability_by_end)} of runs`,
    "most likely in": o.mode_year === null ? "" : String(o.mode_year), Brier: rounded(o.brier),
  }));
}
