// parley's own small chart and page helpers: no library, no network beyond this server.
"use strict";

const COLOURS = ["#1f5f8b", "#b8452f", "#3d7a3d", "#8a5a9e", "#b0892a"];
const SVG = "http://www.w3.org/2000/svg";

function element(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

// series: [{label, rows: [{year, median, p05, p95}]}]; draws bands and medians of R.
function drawRelation(svg, series) {
  svg.replaceChildren();
  const width = 900, height = 320, left = 48, right = 12, top = 14, bottom = 34;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const years = series.flatMap((s) => s.rows.map((r) => r.year));
  const lo = Math.min(...years), hi = Math.max(...years);
  const x = (year) => left + ((year - lo) / Math.max(1, hi - lo)) * (width - left - right);
  const y = (value) => top + ((10 - value) / 20) * (height - top - bottom);
  for (const tick of [-10, -5, 0, 5, 10]) {
    element("line", {x1: left, x2: width - right, y1: y(tick), y2: y(tick),
                     stroke: tick === 0 ? "#999" : "#eee"}, svg);
    element("text", {x: left - 6, y: y(tick) + 4, "text-anchor": "end", "font-size": 11}, svg)
      .textContent = tick;
  }
  const step = Math.max(1, Math.round((hi - lo) / 10));
  for (let year = lo; year <= hi; year += step) {
    element("text", {x: x(year), y: height - 12, "text-anchor": "middle", "font-size": 11}, svg)
      .textContent = year;
  }
  series.forEach((s, n) => {
    const colour = COLOURS[n % COLOURS.length];
    const upper = s.rows.map((r) => `${x(r.year)},${y(r.p95)}`);
    const lower = s.rows.slice().reverse().map((r) => `${x(r.year)},${y(r.p05)}`);
    element("polygon", {points: upper.concat(lower).join(" "), fill: colour, "fill-opacity": 0.18,
                        class: "band"}, svg);
    element("polyline", {points: s.rows.map((r) => `${x(r.year)},${y(r.median)}`).join(" "),
                         fill: "none", stroke: colour, "stroke-width": 2, class: "median",
                         "data-label": s.label}, svg);
    element("text", {x: left + 8, y: top + 14 + 15 * n, fill: colour, "font-size": 12}, svg)
      .textContent = `${s.label} (median, 5-95%)`;
  });
  svg.dataset.series = String(series.length);
  svg.dataset.state = "ready";
}

// A summary's relation rows, one series per counterpart.
function relationSeries(summary, label) {
  const byCounterpart = new Map();
  for (const row of summary.relation) {
    if (!byCounterpart.has(row.counterpart)) byCounterpart.set(row.counterpart, []);
    byCounterpart.get(row.counterpart).push(row);
  }
  const many = byCounterpart.size > 1;
  return [...byCounterpart].map(([who, rows]) => ({label: many ? `${label}: ${who}` : label, rows}));
}

function table(container, rows, columns) {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((row) => "<tr>" + columns.map((c) =>
    `<td>${escapeHtml(row[c] === null || row[c] === undefined ? "" : String(row[c]))}</td>`)
    .join("") + "</tr>").join("");
  container.innerHTML = `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
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

// Fills a <select> with the server's scenarios, sino-soviet chosen; returns them.
async function loadScenarios(select) {
  const scenarios = await api("/api/scenarios");
  select.innerHTML = scenarios.map((s) =>
    `<option value="${escapeHtml(s.name)}">${escapeHtml(s.title)}</option>`).join("");
  if (scenarios.some((s) => s.name === "sino-soviet")) select.value = "sino-soviet";
  return scenarios;
}

function agreementRows(summary) {
  return summary.agreements.map((a) => ({issue: a.issue,
    "settled": `${Math.round(100 * a.probability)}%`, "most likely": a.most_likely_year ?? ""}));
}

// events: the API's events; each at its Goldstein value, a bar over its range of dates,
// a ring where the sources dispute its account.
function drawTimeline(svg, events) {
  svg.replaceChildren();
  const width = 900, height = 260, left = 48, right = 12, top = 12, bottom = 30;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const time = (text) => new Date(text).getTime();
  const starts = events.map((e) => time(e.start)), ends = events.map((e) => time(e.end));
  const lo = Math.min(...starts), hi = Math.max(...ends, lo + 1);
  const x = (t) => left + ((t - lo) / (hi - lo)) * (width - left - right);
  const y = (value) => top + ((10 - value) / 20) * (height - top - bottom);
  element("line", {x1: left, x2: width - right, y1: y(0), y2: y(0), stroke: "#999"}, svg);
  for (let year = new Date(lo).getFullYear(); year <= new Date(hi).getFullYear(); year += 5) {
    const at = x(Date.UTC(year, 0, 1));
    if (at >= left) {
      element("text", {x: at, y: height - 10, "text-anchor": "middle", "font-size": 11}, svg)
        .textContent = year;
    }
  }
  for (const tick of [-10, 0, 10]) {
    element("text", {x: left - 6, y: y(tick) + 4, "text-anchor": "end", "font-size": 11}, svg)
      .textContent = tick;
  }
  events.forEach((e, n) => {
    const value = e.goldstein ?? 0, colour = value >= 0 ? COLOURS[0] : COLOURS[1];
    const title = `${e.date}: ${e.summary}`;
    const mark = ends[n] - starts[n] > 2 * 86400000
      ? element("line", {x1: x(starts[n]), x2: x(ends[n]), y1: y(value), y2: y(value),
                         stroke: colour, "stroke-width": 4, "stroke-opacity": 0.55, class: "event"}, svg)
      : element("circle", {cx: x(starts[n]), cy: y(value), r: 3.5, fill: colour, class: "event"}, svg);
    element("title", {}, mark).textContent = title;
    if (e.claim) {
      element("circle", {cx: x((starts[n] + ends[n]) / 2), cy: y(value), r: 8, fill: "none",
                         stroke: "#000", class: "contested"}, svg);
    }
  });
  svg.dataset.state = "ready";
}

function rounded(value) {
  return value === null || value === undefined ? "n/a" : value.toFixed(2);
}

function scoreRows(record) {
  // One row per era: the model's Spearman beside each baseline's and each placebo's.
  const eras = [record].concat(record.eras || []);
  const same = (series, era) => (series.eras || []).concat([series])
    .find(e => e.from === era.from && e.to === era.to) || {};
  return eras.filter(era => era.years > 0).map(era => {
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

function outcomeRows(record) {
  return (record.outcomes || []).map(o => ({
    outcome: o.name, record: String(o.observed),
    "by the end": o.probability_by_end === null ? "n/a" :
      `${Math.round(100 * o.probability_by_end)}%`,
    "most likely": o.mode_year === null ? "" : String(o.mode_year), Brier: rounded(o.brier),
  }));
}
