// Sliders for the model's documented parameters (GET /api/scenarios: name, meaning, low,
// high, default, and the scenario's value), each within its documented range. A parameter
// counts as changed once its slider has moved off the scenario's value; only changed ones
// are sent, as parameters.NAME=VALUE overrides (at most MAX_CHANGES a request).
"use strict";

const MAX_CHANGES = 20;

function decimals(step) {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

// A step of 1, 2 or 5 times a power of ten that cuts the range into about 150 and, where
// one that fine does, puts the scenario's value on the slider's grid.
function gridStep(p) {
  const coarse = niceStep((p.high - p.low) / 150);
  for (const step of [coarse, coarse / 2, coarse / 5, coarse / 10]) {
    const steps = (p.value - p.low) / step;
    if (Math.abs(steps - Math.round(steps)) < 1e-6) return step;
  }
  return coarse;
}

function parameterPanel(container, parameters, onChange) {
  const sliders = [];
  container.replaceChildren();
  const panel = document.createElement("details");
  panel.className = "parameters";
  panel.innerHTML = `<summary id="parameters-toggle">Model parameters:
      <span class="count">none changed</span></summary>
    <p class="note">Each slider runs over the range the parameter's documentation gives, and
    starts at this scenario's value. A run takes at most ${MAX_CHANGES} changes.</p>
    <p class="warning" hidden></p>
    <p><button type="button" class="reset secondary" id="parameters-reset">Put every parameter
      back</button></p>
    <div class="param-list"></div>`;
  const list = panel.querySelector(".param-list");
  for (const p of parameters) {
    const step = gridStep(p);
    const places = decimals(step);
    const id = `param-${p.name}`;
    const item = document.createElement("div");
    item.className = "param";
    item.innerHTML = `<label for="${id}"><code>${escapeHtml(p.name)}</code>
        <output for="${id}"></output></label>
      <input type="range" id="${id}" name="${escapeHtml(p.name)}" min="${p.low}" max="${p.high}"
        step="${step}">
      <p class="meaning">${escapeHtml(p.meaning)} <span class="range">From ${p.low} to
        ${p.high}; default ${p.default}.</span></p>`;
    const input = item.querySelector("input"), output = item.querySelector("output");
    const slider = {name: p.name, value: p.value, input, output, item, places, changed: false,
                    moved: false};
    const show = () => {
      const now = Number(input.value);
      slider.changed = slider.moved && Math.abs(now - p.value) > step / 2;
      output.textContent = slider.changed
        ? `${now.toFixed(places)} (this scenario: ${p.value})` : String(p.value);
      item.classList.toggle("changed", slider.changed);
    };
    slider.reset = () => { slider.moved = false; input.value = String(p.value); show(); };
    input.addEventListener("input", () => { slider.moved = true; show(); update(); });
    slider.reset();
    sliders.push(slider);
    list.appendChild(item);
  }
  const count = panel.querySelector(".count"), warning = panel.querySelector(".warning");
  function update() {
    const changed = sliders.filter((s) => s.changed);
    count.textContent = changed.length === 0 ? "none changed"
      : changed.length === 1 ? "1 changed" : `${changed.length} changed`;
    const tooMany = changed.length > MAX_CHANGES;
    warning.hidden = !tooMany;
    warning.textContent = tooMany ? `${changed.length} parameters are changed, and a run takes ` +
      `at most ${MAX_CHANGES} changes: put some back before running.` : "";
    if (onChange) onChange(tooMany);
  }
  panel.querySelector(".reset").addEventListener("click", () => {
    for (const s of sliders) s.reset();
    update();
  });
  container.appendChild(panel);
  update();
  return {
    overrides: () => sliders.filter((s) => s.changed)
      .map((s) => `parameters.${s.name}=${Number(s.input.value).toFixed(s.places)}`),
    words: () => sliders.filter((s) => s.changed)
      .map((s) => `${s.name} ${Number(s.input.value).toFixed(s.places)} (not ${s.value})`),
  };
}
