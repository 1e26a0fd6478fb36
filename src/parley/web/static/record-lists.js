// What the record page and the timeline share: the lists a query chooses from (GET
// /api/record/choices), and an event's people, citations and Goldstein value in words.
"use strict";

const KINDS = {state: "States", leader: "Leaders", party: "Parties", faction: "Factions",
               organization: "Organizations"};

// Fills the period, actor and issue selects (and the dates' datalist, if there is one) from
// the record; returns the choices.
async function fillChoices() {
  const choices = await api("/api/record/choices");
  const period = document.getElementById("period");
  period.innerHTML = `<option value="">any time</option>` +
    `<optgroup label="Periods of the relationship">` + choices.periods.map((p) =>
      `<option value="${p.from}|${p.to}">${escapeHtml(p.name)}, ${p.from}-${p.to}</option>`)
      .join("") + `</optgroup><optgroup label="Decades">` + choices.decades.map((d) =>
      `<option value="${d}|${d}">the ${d}</option>`).join("") + "</optgroup>";
  const actor = document.getElementById("actor");
  actor.innerHTML = `<option value="">any actor</option>` + Object.entries(KINDS).map(
    ([kind, label]) => {
      const some = choices.actors.filter((a) => a.kind === kind);
      return some.length ? `<optgroup label="${label}">` + some.map((a) =>
        `<option value="${escapeHtml(a.id)}">${escapeHtml(a.name)}</option>`).join("") +
        "</optgroup>" : "";
    }).join("");
  const issue = document.getElementById("issue");
  issue.innerHTML = `<option value="">any issue</option>` + choices.issues.map((i) =>
    `<option value="${escapeHtml(i.id)}">${i.part_of ? "\u2014 " : ""}${escapeHtml(i.name)}` +
    "</option>").join("");
  const dates = document.getElementById("dates");
  if (dates) {
    const years = [];
    for (let year = choices.from; year <= choices.to; year++) years.push(String(year));
    dates.innerHTML = choices.decades.concat(years).map((d) => `<option value="${d}">`).join("");
  }
  return choices;
}

// Who acted: "A and B" for a mutual act, "A toward B", or "A" alone.
function who(event) {
  if (!event.target_name) return event.source_name;
  return event.mutual ? `${event.source_name} and ${event.target_name}`
    : `${event.source_name} toward ${event.target_name}`;
}

function goldsteinWords(value) {
  if (value === null || value === undefined) return "not coded";
  const words = value >= 6 ? "strong cooperation" : value > 0 ? "cooperation"
    : value === 0 ? "neither" : value > -6 ? "conflict" : "strong conflict";
  return `${signed(value)} (${words})`;
}

// Each citation as its source's name and title, with the quoted words when the server has
// them, else the span of characters it cites.
function citationsHtml(citations) {
  return citations.map((c) => {
    const title = c.title ? `, <cite>${escapeHtml(c.title)}</cite>` : "";
    const source = `<span class="source">${escapeHtml(c.name)}${title}</span>`;
    if (c.quote) {
      return `<figure class="citation"><blockquote>${escapeHtml(c.quote)}</blockquote>` +
        `<figcaption>${source}</figcaption></figure>`;
    }
    return `<p class="citation">${source}, characters ${c.start}-${c.end}</p>`;
  }).join("");
}

// The query of the filters form, as the API takes it.
// (A form with no date fields takes its dates from the period chosen.)
function filterQuery(form) {
  const query = new URLSearchParams();
  const [from, to] = form.elements.from
    ? [form.elements.from.value, form.elements.to.value]
    : (form.elements.period.value || "|").split("|");
  const values = {from, to, actor: form.elements.actor.value, issue: form.elements.issue.value};
  for (const [name, value] of Object.entries(values)) {
    if (value.trim()) query.set(name, value.trim());
  }
  return query;
}

// The period select fills the dates; typing a date leaves "any time" chosen.
function linkPeriod(form, submit) {
  form.elements.period.addEventListener("change", () => {
    const [from, to] = (form.elements.period.value || "|").split("|");
    if (form.elements.from) { form.elements.from.value = from; form.elements.to.value = to; }
    submit();
  });
  for (const name of ["from", "to"]) {
    form.elements[name]?.addEventListener("input", () => { form.elements.period.value = ""; });
  }
  for (const name of ["actor", "issue"]) {
    form.elements[name].addEventListener("change", submit);
  }
}
