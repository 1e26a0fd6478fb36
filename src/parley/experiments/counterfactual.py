"""Counterfactuals: the same runs with and without an intervention, compared run by run.

Both ensembles use the same seeds, so run ``k`` of the baseline and run ``k`` of the
intervention share every random number; the difference of a metric is taken per run and
reported with its mean and a normal 95% confidence interval. When no metric moves in any
run, :func:`no_change` says so in a sentence, and why, as far as the scenario and the runs
show it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from parley.errors import ParleyError
from parley.experiments.ensemble import Ensemble, apply_overrides
from parley.experiments.summary import counterpart_name, first_clash_years, settlement_years
from parley.record import dates
from parley.scenario.parameters import SPECS
from parley.scenario.schema import Scenario, TalksShock

__all__ = ["no_change", "paired_differences"]


def _per_run(ensemble: Ensemble) -> dict[str, np.ndarray[Any, Any]]:
    years = np.array([day.year for day in ensemble.inputs.steps])
    metrics: dict[str, np.ndarray[Any, Any]] = {}
    for d in range(len(ensemble.inputs.counterparts)):
        exists = ensemble.inputs.active[:, d]
        if not exists.any():  # a counterpart that splits at the first step
            continue
        relation = ensemble.outputs.relation[:, :, d]
        with_whom = f"mean relation with {counterpart_name(ensemble, d)}"
        metrics[f"{with_whom}, whole period"] = relation[:, exists].mean(axis=1)
        for decade in range(int(years.min()) // 10 * 10, int(years.max()) + 1, 10):
            chosen = (years >= decade) & (years < decade + 10) & exists
            if chosen.any():
                metrics[f"{with_whom}, {decade}s"] = relation[:, chosen].mean(axis=1)
    metrics["armed clash by the end"] = (first_clash_years(ensemble) > 0).astype(float)
    for n, issue in enumerate(ensemble.inputs.issues):
        if ensemble.inputs.agenda[:, n].any():
            metrics[f"{issue} settled by the end"] = (settlement_years(ensemble, issue) > 0).astype(
                float
            )
    return metrics


def paired_differences(baseline: Ensemble, intervention: Ensemble) -> list[dict[str, Any]]:
    """Per metric: the baseline and intervention means, their paired difference and its CI."""
    before, after = _per_run(baseline), _per_run(intervention)
    rows = []
    for name, base in before.items():
        diff = after[name] - base
        half = 1.96 * diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else float("nan")
        rows.append(
            {
                "metric": name,
                "baseline": round(float(base.mean()), 4),
                "intervention": round(float(after[name].mean()), 4),
                "difference": round(float(diff.mean()), 4),
                "ci95": [round(float(diff.mean() - half), 4), round(float(diff.mean() + half), 4)],
            }
        )
    return rows


def no_change(baseline: Ensemble, intervention: Ensemble, overrides: Sequence[str]) -> str | None:
    """None when the intervention moved a metric of :func:`paired_differences` in some run;
    otherwise a sentence saying that nothing changed, and why: an override that cannot act
    (a parameter of a mechanism the scenario lacks, a shock switched off, a value the
    scenario already has), or what the runs show (every run the same step by step, talks
    that never met after the change, a tactic held that never had to be)."""
    before, after = _per_run(baseline), _per_run(intervention)
    if any(not np.array_equal(before[k], after[k], equal_nan=True) for k in before):
        return None
    runs = baseline.outputs.relation.shape[0]
    lead = f"Nothing changed: in each of the {runs} paired runs every measure is the same"
    scenario = baseline.scenario
    inert = [why for override in overrides if (why := _inert(scenario, override))]
    if len(inert) == len(overrides):
        return f"{lead}, because {_and(inert)}."
    if not _same_outputs(baseline, intervention):
        return (
            f"{lead}. The runs differ in detail from step to step, but not in any measure "
            "of the table."
        )
    shown = [why for override in overrides if (why := _unused(baseline, override))]
    if shown:
        return f"{lead}, step by step, because {_and(shown)}."
    return (
        f"{lead}, step by step: what the change alters never moved a decision of the model "
        "in these runs."
    )


_NEEDS = {
    **dict.fromkeys(
        ["treaty-lapse", "treaty-steps"],
        ("treaty", "the dyad starts bound by no alliance treaty (treaty: false)"),
    ),
    **dict.fromkeys(
        [
            "incident-hazard",
            "clash-slope",
            "force-weight",
            "excitation",
            "memory-decay",
            "deadly-share",
            "crisis-share",
            "clash-drop",
            "clash-salience",
        ],
        ("border", "the scenario has no border section (no issue with border: true)"),
    ),
    **dict.fromkeys(
        [
            "talks-open",
            "talks-urge",
            "talks-need",
            "talks-suspend",
            "war-scare",
            "war-scare-steps",
            "concession-rate",
            "reservation-reach",
            "belief-error",
            "belief-learning",
            "miscalculation-cost",
            "breakdown-probability",
            "breakdown-cooldown",
            "agreement-gain",
            "tactic-pressure",
            "ratification-share",
            "ratification-radius",
        ],
        ("talks", "the scenario has no talks format"),
    ),
}
"""Parameters that act only through a part of a scenario: the part, and what its absence
looks like."""


def _inert(scenario: Scenario, override: str) -> str | None:
    """Why an override cannot act on the scenario at all, or None: a parameter of a
    mechanism the scenario lacks, a shock that is switched off, a value it already has."""
    path = override.partition("=")[0]
    steps = path.split(".")
    if steps[0] == "parameters" and len(steps) == 2 and steps[1] in _NEEDS:
        part, absent = _NEEDS[steps[1]]
        present = {
            "treaty": scenario.treaty,
            "border": any(issue.border for issue in scenario.issues),
            "talks": bool(scenario.talks),
        }
        if not present[part]:
            return f"{absent}, so {steps[1]} is never used"
    if steps[0] == "shocks" and len(steps) >= 3:
        shock = next((k for k in scenario.shocks if k.id == steps[1]), None)
        if shock is not None and not shock.enabled and steps[2] != "enabled":
            return f"the shock {shock.id} is switched off, so nothing of it applies"
    try:
        changed = apply_overrides(scenario, [override])
    except ParleyError:
        return None
    if steps[0] == "parameters" and len(steps) == 2 and steps[1] in SPECS:
        value = scenario.parameters.get(steps[1], SPECS[steps[1]].default)
        same = changed.parameters[steps[1]] == value
    else:
        same = changed == scenario
    raw = override.partition("=")[2]
    return f"{path} is already {raw} in the scenario" if same else None


def _same_outputs(baseline: Ensemble, intervention: Ensemble) -> bool:
    return all(
        np.array_equal(getattr(baseline.outputs, f.name), getattr(intervention.outputs, f.name),
                       equal_nan=True)
        for f in dataclasses.fields(baseline.outputs)
    )  # fmt: skip


def _unused(ensemble: Ensemble, override: str) -> str | None:
    """What the runs show of an override of a talks shock that changed no run: the talks
    never met from its date on, or (a lock) pressure at home never switched the tactic."""
    steps = override.partition("=")[0].split(".")
    if steps[0] != "shocks" or len(steps) < 3:
        return None
    shock = next((k for k in ensemble.scenario.shocks if k.id == steps[1]), None)
    if not isinstance(shock, TalksShock):
        return None
    inputs = ensemble.inputs
    first = dates.bounds(shock.date)[0].toordinal()
    after = inputs.starts >= first
    talks = inputs.talks.index(shock.talks)
    name = next(t.name for t in ensemble.scenario.talks if t.id == shock.talks)
    name = name.removeprefix("The ").removeprefix("the ")
    name = name[:1].lower() + name[1:] if not name[:2].isupper() else name
    when = dates.describe(shock.date)
    if not ensemble.outputs.running[:, after, talks].any():
        return f"the {name} never met from {when} on in these runs"
    if steps[2] == "lock":
        return (
            f"a lock holds a tactic against pressure at home, and in these runs holding it "
            f"never changed a step of the {name} after {when}"
        )
    return None


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + "; and " + parts[-1]
