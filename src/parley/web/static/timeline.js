// The timeline: the record's events one at a time, as TimelineJS shows them, drawn by this
// page alone. Previous and next (buttons, or the arrow keys), a line of years below on which
// each event is a mark (click to go), and the event's address in the URL (#its-id), so that
// a teacher can point a class at it.
"use strict";

let choices = null, events = [], at = 0;

function periodOf(event) {
  const middle = (new Date(event.start).getUTCFullYear() + new Date(event.end).getUTCFullYear()) / 2;
  const period = choices.periods.find((p) => Number(p.from) <= middle && middle < Number(p.to) + 1);
  return period ? period.name : null;
}

function show(n) {
  const count = events.length;
  const previous = document.getElementById("previous"), next = document.getElementById("next");
  if (!count) {
    document.getElementById("place").textContent = "No event matches.";
    for (const id of ["date", "headline", "summary", "facts", "sources"]) {
      document.getElementById(id).replaceChildren();
    }
    previous.disabled = next.disabled = true;
    drawStrip();
    return;
  }
  at = Math.max(0, Math.min(count - 1, n));
  const e = events[at];
  const period = periodOf(e);
  document.getElementById("place").textContent =
    `Event ${at + 1} of ${count}` + (period ? ` \u00b7 ${period}` : "");
  document.getElementById("date").textContent = e.when;
  document.getElementById("headline").textContent = e.headline;
  document.getElementById("summary").textContent = e.summary;
  const facts = [["Who", who(e)], ["Issues", e.issue_names.join("; ")],
                 ["Goldstein value", goldsteinWords(e.goldstein)]];
  if (e.claim_question) facts.push(["Contested", e.claim_question]);
  document.getElementById("facts").innerHTML = facts.map(([term, text]) =>
    `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(text)}</dd></div>`).join("");
  document.getElementById("sources").innerHTML =
    `<h3>${e.citations.length === 1 ? "Source" : "Sources"}</h3>` + citationsHtml(e.citations);
  previous.disabled = at === 0;
  next.disabled = at === count - 1;
  history.replaceState(null, "", `#${e.id}`);
  drawStrip();
}

// The line of years: the record's periods as shaded stretches, each event a mark, the one
// shown larger and red. A click goes to the event nearest to it.
function drawStrip() {
  const svg = document.getElementById("strip");
  redraws.set(svg, drawStrip);
  svg.replaceChildren();
  if (!events.length) return;
  const width = Math.max(280, Math.round(svg.getBoundingClientRect().width || 600));
  const height = 76, left = 14, right = 14, line = 30;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("height", height);
  const time = (text) => new Date(text).getTime();
  const first = new Date(Math.min(...events.map((e) => time(e.start)))).getUTCFullYear();
  const last = new Date(Math.max(...events.map((e) => time(e.end)))).getUTCFullYear();
  const lo = Date.UTC(first, 0, 1), hi = Date.UTC(last + 1, 0, 1);
  const x = (t) => left + ((t - lo) / (hi - lo)) * (width - left - right);
  choices.periods.forEach((p, n) => {
    const a = Math.max(left, x(Date.UTC(Number(p.from), 0, 1)));
    const b = Math.min(width - right, x(Date.UTC(Number(p.to) + 1, 0, 1)));
    if (b > a) {
      element("rect", {x: a, y: 8, width: b - a, height: 44, fill: n % 2 ? "#ece8df" : "#f6f3ec"},
              svg).appendChild(document.createElementNS(SVG, "title")).textContent = p.name;
    }
  });
  element("line", {x1: left, x2: width - right, y1: line, y2: line, stroke: "#888"}, svg);
  const step = Math.max(1, niceStep((last + 1 - first) / Math.max(2, (width - left - right) / 60)));
  for (let year = Math.ceil(first / step) * step; year <= last + 1; year += step) {
    const where = x(Date.UTC(year, 0, 1));
    element("line", {x1: where, x2: where, y1: line, y2: 56, stroke: "#aaa"}, svg);
    element("text", {x: where, y: 70, "text-anchor": "middle", "font-size": 12, class: "tick"},
            svg).textContent = year;
  }
  const middle = (e) => (time(e.start) + time(e.end)) / 2;
  events.forEach((e, n) => {
    if (n === at) return;
    element("circle", {cx: x(middle(e)), cy: line, r: 3.5, fill: COLOURS[0], "fill-opacity": 0.7,
                       class: "mark"}, svg);
  });
  const current = events[at];
  element("circle", {cx: x(middle(current)), cy: line, r: 7, fill: COLOURS[1], stroke: "#fff",
                     "stroke-width": 2, class: "mark current"}, svg);
  svg.dataset.state = "ready";
  svg.dataset.at = String(at);
  svg.positions = events.map((e) => x(middle(e)));
}

function nearest(svg, clientX) {
  const box = svg.getBoundingClientRect();
  const scale = Number(svg.getAttribute("viewBox").split(" ")[2]) / box.width;
  const where = (clientX - box.left) * scale;
  let best = 0;
  svg.positions.forEach((p, n) => {
    if (Math.abs(p - where) < Math.abs(svg.positions[best] - where)) best = n;
  });
  return best;
}

async function loadEvents() {
  const query = filterQuery(document.getElementById("filters"));
  try {
    events = await api(`/api/record/events?${query}`);
  } catch (error) {
    events = [];
    showError(document.getElementById("place"), error);
    return;
  }
  const wanted = decodeURIComponent(location.hash.slice(1));
  const found = events.findIndex((e) => e.id === wanted);
  show(found >= 0 ? found : 0);
}

document.addEventListener("keydown", (event) => {
  if (event.target.closest("select, input, textarea") || event.altKey || event.ctrlKey ||
      event.metaKey) return;
  const moves = {ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: events.length - 1};
  if (event.key in moves && events.length) {
    event.preventDefault();
    show(moves[event.key]);
  }
});

async function load() {
  choices = await fillChoices();
  document.getElementById("title").textContent = `Timeline: ${choices.title}`;
  document.getElementById("previous").addEventListener("click", () => show(at - 1));
  document.getElementById("next").addEventListener("click", () => show(at + 1));
  const strip = document.getElementById("strip");
  strip.addEventListener("click", (event) => {
    if (events.length) show(nearest(strip, event.clientX));
  });
  const form = document.getElementById("filters");
  form.addEventListener("submit", (event) => event.preventDefault());
  linkPeriod(form, () => { history.replaceState(null, "", location.pathname); loadEvents(); });
  await loadEvents();
}
load();
