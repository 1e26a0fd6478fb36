"""Run a scenario many times, in chunks, and gather tidy tables.

Seeds come from ``numpy.random.SeedSequence(seed).spawn(runs)``; run ``k`` always gets
the ``k``-th child, so the results do not depend on how the runs are split into chunks.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from parley.errors import InputError, Location
from parley.model.simulate import ROOTS, Inputs, Outputs, Params, compile_inputs, simulate
from parley.scenario.schema import Scenario

__all__ = ["Ensemble", "apply_overrides", "run_ensemble"]


@dataclass(frozen=True)
class Ensemble:
    """Runs of one scenario: its compiled inputs and the outputs of every run."""

    scenario: Scenario
    inputs: Inputs
    outputs: Outputs
    seed: int

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tidy tables, one row per run and step (or per run and issue for agreements)."""
        out, inputs = self.outputs, self.inputs
        dates = np.array([d.isoformat() for d in inputs.steps])
        r_r, t_r, d_r = np.nonzero(np.broadcast_to(inputs.active[None], out.relation.shape))
        counterparts = np.array(inputs.states, dtype=object)[inputs.counterparts]
        relation = pd.DataFrame(
            {"run": r_r, "step": t_r, "date": dates[t_r], "counterpart": counterparts[d_r],
             "relation": out.relation[r_r, t_r, d_r], "clash": out.clash[r_r, t_r, d_r]}
        )  # fmt: skip
        r_i, i_i = np.nonzero(out.settled_at >= 0)
        agreements = pd.DataFrame(
            {"run": r_i, "issue": np.array(inputs.issues, dtype=object)[i_i],
             "step": out.settled_at[r_i, i_i], "date": dates[out.settled_at[r_i, i_i]]}
        )  # fmt: skip
        r_t, t_t, k_t = np.nonzero(out.running | out.breakdown)
        talks = pd.DataFrame(
            {"run": r_t, "step": t_t, "date": dates[t_t],
             "talks": np.array(inputs.talks, dtype=object)[k_t],
             "status": np.where(out.breakdown[r_t, t_t, k_t], "breakdown", "held")}
        )  # fmt: skip
        r_e, t_e, c_e = np.nonzero(out.events)
        events = pd.DataFrame(
            {"run": r_e, "step": t_e, "date": dates[t_e],
             "cameo_root": np.array(ROOTS, dtype=object)[c_e], "count": out.events[r_e, t_e, c_e]}
        )  # fmt: skip
        median = np.median(out.positions, axis=0)  # (T, S, I), NaN where a state is not
        t_p, s_p, i_p = np.nonzero(~np.isnan(median))
        positions = pd.DataFrame(
            {"step": t_p, "date": dates[t_p],
             "state": np.array(inputs.states, dtype=object)[s_p],
             "issue": np.array(inputs.issues, dtype=object)[i_p],
             "median_position": median[t_p, s_p, i_p]}
        )  # fmt: skip
        return {
            "relation": relation,
            "agreements": agreements,
            "talks": talks,
            "events": events,
            "positions": positions,
        }


def run_ensemble(scenario: Scenario, runs: int, seed: int, chunk: int | None = None) -> Ensemble:
    """Run ``runs`` runs from ``seed``, ``chunk`` runs at a time (all at once by default)."""
    if runs < 1:
        raise InputError("runs must be 1 or more", Location("--runs"), "N >= 1")
    try:
        params = Params.from_scenario(scenario)
    except ValueError as exc:
        raise InputError(str(exc), Location(scenario.name, field="parameters")) from None
    inputs = compile_inputs(scenario)
    seeds = np.random.SeedSequence(seed).spawn(runs)
    size = chunk or runs
    parts = [
        simulate(inputs, params, seeds[start : start + size]) for start in range(0, runs, size)
    ]
    merged = Outputs(
        *(
            np.concatenate([getattr(p, name) for p in parts])
            for name in Outputs.__dataclass_fields__
        )
    )
    return Ensemble(scenario, inputs, merged, seed)


def apply_overrides(scenario: Scenario, overrides: Sequence[str]) -> Scenario:
    """The scenario with ``PATH=VALUE`` overrides applied, validated again.

    A path walks the scenario's fields with dots; entries of a list are named by their
    id: ``parameters.clash-hazard.value=0.02``, ``shocks.mao-remarks-1964.value=70``,
    ``actors.prc-government.stances.ideology.position=50``.
    """
    data: dict[str, Any] = copy.deepcopy(scenario.model_dump(mode="json"))
    for override in overrides:
        path, sep, raw = override.partition("=")
        where = Location("--set", field=override)
        if not sep or not path:
            raise InputError(
                "an override needs PATH=VALUE", where, "e.g. parameters.clash-hazard.value=0.02"
            )
        node: Any = data
        steps = path.split(".")
        for step in steps[:-1]:
            node = _child(node, step, where)
        last = steps[-1]
        if isinstance(node, dict) and last in node:
            node[last] = _value(raw)
        else:
            raise InputError(f"no field {last!r} here", where, "a path to an existing field")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(
            str(first["msg"]).removeprefix("Value error, "),
            Location("--set", field=".".join(map(str, first["loc"]))),
        ) from None


def _child(node: Any, step: str, where: Location) -> Any:
    if isinstance(node, dict) and step in node:
        return node[step]
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and item.get("id") == step:
                return item
    raise InputError(f"no entry {step!r} here", where, "field names, or ids for list entries")


def _value(raw: str) -> Any:
    for convert in (int, float):
        try:
            return convert(raw)
        except ValueError:
            pass
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "none"):
        return None
    return raw
