// The record page's own script (a file, so that the CSP allows no inline script).
"use strict";

// Each event at its Goldstein value: a dot, or a bar over its range of dates, and a ring
// where the sources dispute its account; its date in words and headline on hover.
function drawEvents(svg, events) {
  redraws.set(svg, () => drawEvents(svg, events));
  svg.replaceChildren();
  const [width, height] = chartSize(svg, 0.32, 200, 300);
  const left = 44, right = 14, top = 12, bottom = 48;
  if (!events.length) {
    element("text", {x: width / 2, y: height / 2, "text-anchor": "middle", "font-size": 14}, svg)
      .textContent = "No event matches.";
    svg.dataset.state = "ready";
    return;
  }
  const time = (text) => new Date(text).getTime();
  const starts = events.map((e) => time(e.start)), ends = events.map((e) => time(e.end));
  const first = new Date(Math.min(...starts)).getUTCFullYear();
  const last = new Date(Math.max(...ends)).getUTCFullYear();
  const lo = Date.UTC(first, 0, 1), hi = Date.UTC(last + 1, 0, 1);
  const x = (t) => left + ((t - lo) / (hi - lo)) * (width - left - right);
  const y = (value) => top + ((10 - value) / 20) * (height - top - bottom);
  for (const tick of [-10, -5, 0, 5, 10]) {
    element("line", {x1: left, x2: width - right, y1: y(tick), y2: y(tick),
                     stroke: tick === 0 ? "#777" : "#ececec"}, svg);
    element("text", {x: left - 6, y: y(tick) + 4, "text-anchor": "end", "font-size": 12,
                     class: "tick"}, svg).textContent = signed(tick);
  }
  const step = Math.max(1, niceStep((last + 1 - first) / Math.max(2, (width - left - right) / 60)));
  for (let year = Math.ceil(first / step) * step; year <= last + 1; year += step) {
    const at = x(Date.UTC(year, 0, 1));
    element("line", {x1: at, x2: at, y1: height - bottom, y2: height - bottom + 4,
                     stroke: "#777"}, svg);
    element("text", {x: at, y: height - bottom + 21, "text-anchor": "middle", "font-size": 12,
                     class: "tick"}, svg).textContent = year;
  }
  element("text", {x: left + (width - left - right) / 2, y: height - 5, "text-anchor": "middle",
                   "font-size": 12, class: "axis-label"}, svg).textContent = "year";
  element("text", {x: 0, y: 0, "text-anchor": "middle", "font-size": 12, class: "axis-label",
                   transform: `translate(12 ${top + (height - top - bottom) / 2}) rotate(-90)`},
          svg).textContent = "Goldstein value";
  events.forEach((e, n) => {
    const value = e.goldstein ?? 0, colour = value >= 0 ? COLOURS[0] : COLOURS[1];
    const title = `${e.when}: ${e.headline}. ${e.summary}`;
    const mark = ends[n] - starts[n] > 40 * 86400000
      ? element("line", {x1: x(starts[n]), x2: x(ends[n] + 86400000), y1: y(value),
                         y2: y(value), stroke: colour, "stroke-width": 4, "stroke-opacity": 0.5,
                         class: "event"}, svg)
      : element("circle", {cx: x((starts[n] + ends[n]) / 2), cy: y(value), r: 4, fill: colour,
                           class: "event"}, svg);
    element("title", {}, mark).textContent = title;
    if (e.claim) {
      element("circle", {cx: x((starts[n] + ends[n]) / 2), cy: y(value), r: 8, fill: "none",
                         stroke: "#000", class: "contested"}, svg);
    }
  });
  svg.dataset.state = "ready";
}

function eventRows(events) {
  return events.map((e) => ({
    when: escapeHtml(e.when),
    "what happened": `<strong>${escapeHtml(e.headline)}</strong>. ${escapeHtml(e.summary)}` +
      (e.claim_question ? ` <span class="contested">Contested: ${escapeHtml(e.claim_question)}` +
        "</span>" : ""),
    who: escapeHtml(who(e)),
    Goldstein: escapeHtml(goldsteinWords(e.goldstein)),
    sources: citationsHtml(e.citations),
  }));
}

// A date as the query has it, in words: "1960s" and "196X" as "the 1960s".
function dateWords(text) {
  const decade = /^(\d{3})(?:0s|X)$/.exec(text || "");
  return decade ? `the ${decade[1]}0s` : text;
}

function described(query, choices, count) {
  const words = [`${count} ${count === 1 ? "event" : "events"}`];
  const from = dateWords(query.get("from")), to = dateWords(query.get("to"));
  if (from && to) words.push(from === to ? `in ${from}` : `from ${from} to ${to}`);
  else if (from) words.push(`from ${from} on`);
  else if (to) words.push(`up to ${to}`);
  const actor = choices.actors.find((a) => a.id === query.get("actor"));
  if (actor) words.push(`involving ${actor.name}`);
  const issue = choices.issues.find((i) => i.id === query.get("issue"));
  if (issue) words.push(`on ${issue.name[0].toLowerCase() + issue.name.slice(1)}`);
  return words.join(" ") + ".";
}

let choices = null;

async function showEvents(event) {
  if (event) event.preventDefault();
  const form = document.getElementById("filters");
  const query = filterQuery(form);
  const status = document.getElementById("status");
  status.textContent = "Looking...";
  try {
    const events = await api(`/api/record/events?${query}`);
    status.textContent = described(query, choices, events.length);
    drawEvents(document.getElementById("timeline"), events);
    table(document.getElementById("events"), eventRows(events),
          ["when", "what happened", "who", "Goldstein", "sources"].map((name) =>
            ({name, html: true})));
  } catch (error) {
    showError(status, error);  // and nothing of an earlier query beside it
    redraws.delete(document.getElementById("timeline"));
    document.getElementById("timeline").replaceChildren();
    document.getElementById("events").replaceChildren();
  }
}

async function showClaims() {
  const claims = await api("/api/record/claims");
  document.getElementById("claims").innerHTML = claims.map((c) =>
    `<section class="claim"><h3 class="contested">${escapeHtml(c.question)}</h3><ul>` +
    c.alternatives.map((a) => `<li><p>${escapeHtml(a.statement)} <em>Held by ` +
      `${escapeHtml(a.held_by)}.</em></p>${citationsHtml(a.citations)}</li>`).join("") +
    "</ul></section>").join("");
}

async function load() {
  choices = await fillChoices();
  document.getElementById("title").textContent = choices.title;
  legend(document.getElementById("timeline-legend"), [
    {label: "cooperation (an event, or a bar over its range of dates)", colour: COLOURS[0],
     mark: "dot"},
    {label: "conflict", colour: COLOURS[1], mark: "dot"},
    {label: "contested: the sources disagree", colour: "#000", mark: "ring"}]);
  const form = document.getElementById("filters");
  form.addEventListener("submit", showEvents);
  linkPeriod(form, () => showEvents());
  document.getElementById("clear").addEventListener("click", () => {
    form.reset();
    showEvents();
  });
  await Promise.all([showEvents(), showClaims()]);
}
load();
