"""Run a scenario many times, in chunks, and gather tidy tables.

Seeds come from ``numpy.random.SeedSequence(seed).spawn(runs)``; run ``k`` always gets
the ``k``-th child, so the results do not depend on how the runs are split into chunks,
nor on where the chunks run.
"""

from __future__ import annotations

import copy
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from parley.budget import Cost, require
from parley.errors import InputError, Location
from parley.experiments.executors import Executor, InProcess, Task
from parley.experiments.store import RunMeta, RunStore
from parley.model.events import CODES
from parley.model.simulate import Inputs, Outputs, Params, compile_inputs, simulate
from parley.scenario.load import check
from parley.scenario.schema import Scenario

__all__ = ["Ensemble", "apply_overrides", "ensemble_cost", "run_ensemble", "scenario_sha256"]

# Measured on the built-in scenario with one worker: about 300 MB before the first run,
# about twice the outputs' bytes per run (the chunks, then their concatenation and the
# tables), and about 50 ns per step and actor-issue pair (0.8 ms a run of 169 steps);
# the estimates take the base and the time per unit at about twice those.
_BASE_MEMORY = 600 * 2**20
_SECONDS_PER_UNIT = 100e-9


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
             "relation": out.relation[r_r, t_r, d_r],
             "behaviour_out": out.behaviour[r_r, t_r, d_r, 0],
             "behaviour_in": out.behaviour[r_r, t_r, d_r, 1],
             "goldstein": out.goldstein[r_r, t_r, d_r], "rung": out.rung[r_r, t_r, d_r],
             "clash": out.clash[r_r, t_r, d_r], "political": out.political[r_r, t_r, d_r],
             "functional": out.functional[r_r, t_r, d_r]}
        )  # fmt: skip
        r_i, i_i = np.nonzero(out.settled_at >= 0)
        agreements = pd.DataFrame(
            {"run": r_i, "issue": np.array(inputs.issues, dtype=object)[i_i],
             "step": out.settled_at[r_i, i_i], "date": dates[out.settled_at[r_i, i_i]]}
        )  # fmt: skip
        r_t, t_t, k_t = np.nonzero(out.running | out.breakdown | out.suspended)
        status = np.where(
            out.breakdown[r_t, t_t, k_t],
            "breakdown",
            np.where(out.suspended[r_t, t_t, k_t], "suspended", "held"),
        )
        talks = pd.DataFrame(
            {"run": r_t, "step": t_t, "date": dates[t_t],
             "talks": np.array(inputs.talks, dtype=object)[k_t], "status": status,
             "miscalculations": out.miscalculation[r_t, t_t, k_t]}
        )  # fmt: skip
        r_e, t_e, c_e = np.nonzero(out.events)
        events = pd.DataFrame(
            {"run": r_e, "step": t_e, "date": dates[t_e],
             "cameo": np.array(CODES, dtype=object)[c_e], "count": out.events[r_e, t_e, c_e]}
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


def _chunk_outputs(scenario: Scenario, seed: int, first_run: int, runs: int) -> Outputs:
    """Runs ``first_run`` to ``first_run + runs - 1`` of the ensemble from ``seed``.

    Run ``k``'s seed is the ``k``-th child of ``SeedSequence(seed)``, built directly, so a
    chunk needs neither the other runs' seeds nor anything from the process that made it.
    """
    seeds = [
        np.random.SeedSequence(seed, spawn_key=(k,)) for k in range(first_run, first_run + runs)
    ]
    return simulate(compile_inputs(scenario), Params.from_scenario(scenario), seeds)


def _timed_chunk(scenario: Scenario, seed: int, first_run: int, runs: int) -> tuple[Outputs, float]:
    started = time.perf_counter()
    outputs = _chunk_outputs(scenario, seed, first_run, runs)
    return outputs, time.perf_counter() - started


def scenario_sha256(scenario: Scenario) -> str:
    """The sha256 of a scenario's canonical JSON (overrides included)."""
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()


def ensemble_cost(inputs: Inputs, runs: int) -> Cost:
    """The estimated memory and time of ``runs`` runs of a compiled scenario."""
    steps, sides, talks = len(inputs.steps), len(inputs.counterparts), len(inputs.talks)
    states, issues = len(inputs.states), len(inputs.issues)
    per_step = sides * (8 * 5 + 2) + talks * 11 + states * issues * 8 + len(CODES) * 8
    per_run = steps * per_step + (issues + 4) * 8
    units = steps * (len(inputs.actors) * issues + sides + talks + 1)
    return Cost(_BASE_MEMORY + 2.5 * per_run * runs, _SECONDS_PER_UNIT * units * runs)


def run_ensemble(
    scenario: Scenario,
    runs: int,
    seed: int,
    chunk: int | None = None,
    executor: Executor | None = None,
    store: RunStore | None = None,
    overrides: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> Ensemble:
    """Run ``runs`` runs from ``seed``, ``chunk`` runs at a time (all at once by default).

    ``executor`` says where chunks run (here by default); ``store`` keeps each finished
    chunk and the catalog, and skips the chunks a resumed run already has; ``progress``
    is called with (runs done, runs in all) as chunks finish. None of them changes a
    result.
    """
    if runs < 1:
        raise InputError("runs must be 1 or more", Location("--runs"), "N >= 1")
    if chunk is not None and chunk < 1:
        raise InputError("a chunk must hold 1 run or more", Location("--chunk"), "N >= 1")
    try:
        Params.from_scenario(scenario)
    except ValueError as exc:
        raise InputError(str(exc), Location(scenario.name, field="parameters")) from None
    inputs = compile_inputs(scenario)
    require(f"--runs {runs}", ensemble_cost(inputs, runs))
    size = chunk or runs
    starts = list(range(0, runs, size))
    sizes = {n: min(size, runs - start) for n, start in enumerate(starts)}
    executor = executor or InProcess()
    done: dict[int, Outputs] = {}
    if store is not None:
        meta = RunMeta(scenario.name, scenario_sha256(scenario), tuple(overrides), seed, runs, size)
        store.start(meta, executor.name)
        done = store.finished(sizes)
    todo = [n for n in range(len(starts)) if n not in done]
    tasks = [Task(_timed_chunk, (scenario, seed, starts[n], sizes[n])) for n in todo]
    finished = sum(sizes[n] for n in done)
    if progress:
        progress(finished, runs)
    for position, (outputs, seconds) in executor.run(tasks):
        n = todo[position]
        done[n] = outputs
        finished += sizes[n]
        if store is not None:
            store.save(n, starts[n], outputs, seconds)
        if progress:
            progress(finished, runs)
    merged = Outputs(
        *(
            np.concatenate([getattr(done[n], name) for n in range(len(starts))])
            for name in Outputs.__dataclass_fields__
        )
    )
    ensemble = Ensemble(scenario, inputs, merged, seed)
    if store is not None:
        store.finish(ensemble.tables())
    return ensemble


def apply_overrides(scenario: Scenario, overrides: Sequence[str]) -> Scenario:
    """The scenario with ``PATH=VALUE`` overrides applied, validated again.

    A path walks the scenario's fields with dots; entries of a list are named by their
    id: ``parameters.incident-hazard=0.02``, ``shocks.south-new-line.value=70``,
    ``actors.north-government.stances.trade.position=50``. The result is checked as a
    scenario file is, cross-references included.
    """
    if isinstance(overrides, str):
        raise InputError(
            "overrides must be a list of PATH=VALUE strings, not one string",
            Location("overrides", field=overrides),
            f"[{overrides!r}]",
        )
    data: dict[str, Any] = copy.deepcopy(scenario.model_dump(mode="json"))
    for override in overrides:
        path, sep, raw = override.partition("=")
        where = Location("--set", field=override)
        if not sep or not path:
            raise InputError(
                "an override needs PATH=VALUE", where, "e.g. parameters.incident-hazard=0.02"
            )
        node: Any = data
        steps = path.split(".")
        for step in steps[:-1]:
            node = _child(node, step, where)
        last = steps[-1]
        if isinstance(node, dict) and (last in node or steps[:-1] == ["parameters"]):
            node[last] = _value(raw)
        else:
            raise InputError(f"no field {last!r} here", where, "a path to an existing field")
    try:
        changed = Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(
            str(first["msg"]).removeprefix("Value error, "),
            Location("--set", field=".".join(map(str, first["loc"]))),
        ) from None
    problems = check(changed)
    if problems:
        where_, message = problems[0]
        raise InputError(message, Location("--set", field=".".join(map(str, where_))))
    return changed


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
