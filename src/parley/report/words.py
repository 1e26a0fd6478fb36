"""The scores of a model against a yearly index, with a verdict in plain words.

A score is a number; a reader wants to know what it means. Each verdict here follows
from the numbers by a stated rule:

- A Spearman correlation is judged against chance: over ``n`` years, a model with no
  skill at all gets a Spearman within about ``±1.96/sqrt(n - 1)`` in 95 cases of 100.
  Inside that band the model "does not order the years as the record does" (or, from
  0.2, does so somewhat, but no better than chance could); above it, it does so weakly
  (below 0.5), much (below 0.75) or closely; below it, it orders them against the record.
- A CRPS is judged against the forecasts that need no model, computed in the same call:
  which of them does better.
- A Brier score of a dated outcome runs from 0 (certain of the right year) to 2 (certain
  of a wrong year, or that it never comes); a forecast spread evenly over the years gets
  about 1, so the mean Brier is judged against 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from parley.report.names import listing, outcome_name
from parley.scenario.schema import Scenario

__all__ = ["BASELINE_WORDS", "chance_band", "ordering", "outcomes_in_words", "overall"]

BASELINE_WORDS = {"persistence": "persistence", "trend": "the trend", "mean": "the mean"}


def chance_band(years: int) -> float:
    """The Spearman a model with no skill stays within, in 95 cases of 100, over ``years``."""
    return 1.96 / math.sqrt(years - 1) if years > 1 else 1.0


def ordering(spearman: float | None, years: int, against: str = "the record") -> str:
    """What a Spearman correlation with an index (the record's, by default) says, in words."""
    if spearman is None:
        return "the model's median index does not change from year to year, so it orders no years"
    band = chance_band(years)
    if spearman <= -band:
        return (
            f"the model orders the years against {against}: where {against} sees the relation "
            "improve, the model's tends to worsen"
        )
    if spearman < band and spearman >= 0.2:
        return (
            f"the model orders the years somewhat as {against} does, but over so few years "
            "that chance alone could do as well"
        )
    if spearman < band:
        return f"the model does not order the years as {against} does: no better than chance"
    if spearman < 0.5:
        return f"the model orders the years as {against} does, but weakly"
    if spearman < 0.75:
        return f"the model orders the years much as {against} does"
    return f"the model orders the years closely as {against} does"


def _number(value: float | None, digits: int = 2) -> str:
    return "undefined" if value is None else f"{value:.{digits}f}"


def _baselines(scores: Mapping[str, Any], index: str, cut: int, unit: str) -> str:
    """The CRPS sentence: the model's, the forecasts that need no model, and which win."""
    naive = scores["baselines"]
    rivals = {n: naive[n]["crps"] for n in naive if naive[n]["crps"] is not None}
    if scores["crps"] is None or not rivals:
        return ""
    shown = listing([f"{BASELINE_WORDS.get(n, n)} {v:.2f}" for n, v in rivals.items()])
    better = [BASELINE_WORDS.get(n, n) for n, v in rivals.items() if v < scores["crps"]]
    if not better:
        verdict = "the model's error is the lowest"
    elif len(better) == len(rivals):
        verdict = "all of them do better than the model, which adds nothing to them year by year"
    else:
        verdict = f"{listing(better)} {'does' if len(better) == 1 else 'do'} better than the model"
    return (
        f"The runs' typical error (CRPS) is {scores['crps']:.2f} {unit}; "
        f"forecasts that need no model, made from {index} as it stood at the end of "
        f"{cut}, score {shown}: {verdict}."
    )


def overall(
    scores: Mapping[str, Any],
    cut: int,
    index: str = "the record's index",
    against: str = "the record",
) -> str:
    """The whole period's scores against ``index`` (which ``against`` names in a verdict),
    the out-of-sample years' and the placebos', as paragraphs with a verdict in words."""
    from parley.scoring.record import beats

    if not scores["years"]:
        return (
            f"<p>No year of {index} falls in this scenario's period, so only its "
            "dated outcomes are scored.</p>"
        )
    years = scores["years"]
    band = chance_band(years)
    unit = "Goldstein points a year" if against == "the record" else f"points of {index} a year"
    paragraphs = [
        f"Over {scores['from']}-{scores['to']} ({years} years), the model's yearly index "
        "(the net Goldstein value of the events its runs draw, the record's own measure) has "
        f"a Spearman correlation of {_number(scores['spearman'])} with {index}: "
        f"{ordering(scores['spearman'], years, against)}. Over {years} years, a model with no "
        f"skill gets a Spearman between &minus;{band:.2f} and {band:.2f} in 95 cases of 100. "
        + _baselines(scores, index, cut, unit)
        + (
            ""
            if scores["sign_agreement"] is None
            else f" The model's median year is on the same side of 0 as {index} in "
            f"{scores['sign_agreement']:.0%} of the years."
        )
    ]
    later = scores["out_of_sample"]
    if later["years"]:
        paragraphs.append(
            f"Out of sample, over {later['from']}-{later['to']} ({later['years']} years that "
            f"calibration never saw), the Spearman is {_number(later['spearman'])} "
            f"({ordering(later['spearman'], later['years'], against)}) and the CRPS "
            f"{_number(later['crps'])}."
        )
    placebo = {k: v for k, v in scores["placebo"].items() if not v.get("skipped")}
    if placebo:
        shifted = "; ".join(
            f"{int(label):+d} years: Spearman {_number(other['spearman'])}, CRPS "
            f"{_number(other['crps'])}"
            for label, other in placebo.items()
        )
        held = all(beats(scores, other)["spearman"] for other in placebo.values())
        paragraphs.append(
            f"With every shock moved (the placebo): {shifted}. "
            + (
                "Every placebo orders the years worse than the model: the shocks' timing "
                "carries part of its score."
                if held
                else "A placebo orders the years at least as well as the model: its Spearman "
                "does not rest on when its shocks happen."
            )
        )
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def outcomes_in_words(outcomes: Sequence[Mapping[str, Any]], scenario: Scenario) -> str:
    """The dated outcomes' Brier scores, their mean judged against 1, in a paragraph."""
    scored = [(o, scenario.scoring.outcomes[n]) for n, o in enumerate(outcomes)]
    scored = [(o, spec) for o, spec in scored if o["brier"] is not None]
    if not scored:
        return ""
    mean = sum(o["brier"] for o, _ in scored) / len(scored)
    if mean < 0.5:
        verdict = "the model dates them well"
    elif mean < 0.9:
        verdict = "the model dates them with some skill"
    elif mean <= 1.1:
        verdict = "no better than a forecast spread evenly over the years, which scores about 1"
    else:
        verdict = (
            "worse than a forecast spread evenly over the years, which scores about 1: the "
            "runs are sure of wrong years, or that the outcome never comes"
        )
    best = min(scored, key=lambda item: item[0]["brier"])
    worst = max(scored, key=lambda item: item[0]["brier"])
    text = (
        f"The {len(scored)} dated outcomes have a mean Brier score of {mean:.2f} (0 is certain "
        f"and right, 2 certain and wrong): {verdict}."
    )
    if len(scored) > 1:
        text += (
            f" It comes closest on &ldquo;{escape(outcome_name(scenario, best[1]))}&rdquo; "
            f"({best[0]['brier']:.2f}) and furthest on "
            f"&ldquo;{escape(outcome_name(scenario, worst[1]))}&rdquo; "
            f"({worst[0]['brier']:.2f})."
        )
    return f"<p>{text}</p>"
