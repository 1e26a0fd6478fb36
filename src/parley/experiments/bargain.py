"""Bargaining problems through the static models: forecasts, distributions and traces.

This is what ``parley bargain`` and ``parley.bargain`` do: normalise each dimension,
run the median, compromise and EU models from ``parley.model.bargaining`` (and the Nash
bargaining solution from ``parley.model.nash`` where a reference point is known, and the
exchange model from ``parley.model.exchange`` on dimensions the user links), and gather
tidy DataFrames on the input's scale. ``forecast`` does the same work without pandas (the
command line starts faster without it): plain rows, and the traced positions as arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from parley.budget import Cost, require
from parley.errors import InputError, Location
from parley.model import bargaining
from parley.model.bargaining import EUOptions
from parley.model.exchange import run_exchange
from parley.model.nash import nash
from parley.scenario.spatial import InputFormat, SpatialProblem, read_problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MODELS",
    "BargainResult",
    "Forecast",
    "ModelName",
    "bargain",
    "eu_cost",
    "exchange_cost",
    "find_cycle",
    "forecast",
    "forecast_row",
    "trace_frame",
]

PathLike = Path | str

MODELS = ("median", "compromise", "eu", "nash", "exchange")
ModelName = Literal["median", "compromise", "eu", "nash", "exchange", "all"]

CYCLE_PERIODS = (2, 3, 4)
"""The periods of the EU forecast's cycles that ``forecast`` looks for in the last rounds."""


@dataclass(frozen=True)
class BargainResult:
    """Forecasts per model and dimension, and (on request) the EU model's trace.

    ``forecasts`` has the columns ``model, dimension, forecast, weighted_mean, runs,
    mean, median, p05, p95``: for the EU model, ``forecast`` is the median over runs of
    each run's final Condorcet median, and the last four describe its distribution;
    ``cycle`` is, where the EU forecast cycles over its last rounds, the values it cycles
    through, joined by ``;`` (else None). The
    trace has ``dimension, run, round, actor, position, risk``, one row per actor and
    round (round 0 is the input); ``risk`` is the exponent the actor used in that round.
    Positions are on the input's scale.
    """

    problem: SpatialProblem
    forecasts: pd.DataFrame
    trace: pd.DataFrame | None
    options: EUOptions
    rounds: int
    runs: int
    seed: int


def bargain(
    problem: SpatialProblem | PathLike,
    model: ModelName = "all",
    *,
    rounds: int = 10,
    runs: int = 1,
    seed: int = 0,
    trace: bool = False,
    options: EUOptions | None = None,
    input_format: InputFormat | None = None,
    references: Mapping[str, float] | None = None,
    links: Sequence[Sequence[str]] = (),
) -> BargainResult:
    """Forecast a bargaining problem with the median, compromise and/or EU models.

    ``problem`` is a :class:`SpatialProblem` or a CSV file (KTAB, tidy or BDM). Each
    dimension is bargained on its own. Runs draw their random numbers from
    ``numpy.random.SeedSequence(seed).spawn(runs)``, so a run's result does not depend
    on how many runs there are. ``references`` gives the reference point (the status quo)
    of the dimensions that have one, on the input's scale: the Nash bargaining solution is
    found for those. ``links`` are groups of dimensions that the exchange model trades
    between (every other model bargains each dimension on its own).
    """
    import pandas as pd

    found = forecast(
        problem,
        model,
        rounds=rounds,
        runs=runs,
        seed=seed,
        trace=trace,
        options=options,
        input_format=input_format,
        references=references,
        links=links,
    )
    return BargainResult(
        found.problem,
        pd.DataFrame(list(found.rows)),
        trace_frame(found) if found.paths else None,
        found.options,
        rounds,
        runs,
        seed,
    )


@dataclass(frozen=True)
class Forecast:
    """What ``bargain`` computes, before it becomes DataFrames: ``rows`` are the rows of
    ``BargainResult.forecasts``; ``paths`` hold, for each traced dimension, its name, the
    EU positions on the input's scale shaped ``(runs, rounds + 1, actors)`` and the risk
    exponents shaped ``(runs, rounds, actors)``."""

    problem: SpatialProblem
    rows: tuple[dict[str, Any], ...]
    paths: tuple[tuple[str, np.ndarray[Any, Any], np.ndarray[Any, Any]], ...]
    options: EUOptions
    rounds: int
    runs: int
    seed: int


# Measured (benchmarks/bench_bargaining.py, and run_eu under tracemalloc): one EU round of
# one run takes about 0.07 s at 1,280 actors, 1.3 ms at 160, growing as n^2, plus about
# 0.03 ms per run and round however small the problem; it holds about 25 bytes per actor
# pair of the runs it works on at once (at most bargaining.CHUNK_PAIRS pairs), and some
# 10 MiB of blocks. The estimate takes about twice that.
_BASE_MEMORY = 300 * 2**20
_ROUND_SECONDS_AT_1280 = 0.15


def eu_cost(actors: int, dimensions: int, rounds: int, runs: int) -> Cost:
    """The estimated memory and time of the expected utility model on a problem."""
    pairs = min(runs, max(1, bargaining.CHUNK_PAIRS // actors**2)) * actors**2
    round_memory = 48 * pairs + 20 * 2**20  # runs are taken a chunk at a time
    kept = 8 * runs * dimensions * actors * (3 * rounds + 1)  # draws and trace
    per_run_round = _ROUND_SECONDS_AT_1280 * (actors / 1280) ** 2 + 6e-5
    seconds = per_run_round * runs * rounds * dimensions
    return Cost(_BASE_MEMORY + round_memory + kept, seconds)


def forecast(
    problem: SpatialProblem | PathLike,
    model: ModelName = "all",
    *,
    rounds: int = 10,
    runs: int = 1,
    seed: int = 0,
    trace: bool = False,
    options: EUOptions | None = None,
    input_format: InputFormat | None = None,
    references: Mapping[str, float] | None = None,
    links: Sequence[Sequence[str]] = (),
) -> Forecast:
    """As ``bargain``, without pandas: the forecasts as rows, the trace as arrays."""
    spatial = (
        problem if isinstance(problem, SpatialProblem) else read_problem(problem, input_format)
    )
    if model not in (*MODELS, "all"):
        raise InputError(
            f"unknown model {model!r}",
            Location("--model"),
            "eu, compromise, median, nash, exchange or all",
        )
    if rounds < 1 or runs < 1:
        raise InputError("rounds and runs must be 1 or more", Location("--rounds/--runs"), "N >= 1")
    opts = options or EUOptions()
    references = references or {}
    chosen = MODELS if model == "all" else (model,)
    if model == "nash" and not references:
        raise InputError(
            "the Nash bargaining solution needs a reference point",
            Location("--model"),
            "--outcomes with a reference column (the status quo of each dimension)",
        )
    if model == "exchange" and not links:
        raise InputError(
            "the exchange model trades between dimensions, and none are linked",
            Location("--model"),
            "--link with two or more dimensions, or --link all",
        )
    groups = _groups(spatial, links) if "exchange" in chosen else []
    for group in groups:
        require(
            f"the exchange model on {len(group)} linked dimensions",
            exchange_cost(len(spatial.actors), len(group), rounds),
        )
    traded = _trade(spatial, groups, rounds)
    if "eu" in chosen:
        cost = eu_cost(len(spatial.actors), len(spatial.dimensions), rounds, runs)
        require(f"--rounds {rounds} --runs {runs}, {len(spatial.actors)} actors", cost)
    rows: list[dict[str, Any]] = []
    traces: list[tuple[str, np.ndarray[Any, Any], np.ndarray[Any, Any]]] = []
    c = spatial.capability
    n = len(spatial.actors)
    randomness = _draws(seed, runs, len(spatial.dimensions), rounds, n) if opts.stochastic else None
    for d, dimension in enumerate(spatial.dimensions):
        low, high = spatial.scales[d]
        part = ~np.isnan(spatial.positions[:, d])  # the actors who take part in it
        x0 = (spatial.positions[part, d] - low) / (high - low)
        s = spatial.salience[part, d]
        cd = c[part]
        w = (cd * s)[None, :]

        outer = _to_scale(low, high)
        if "median" in chosen:
            rows.append(forecast_row("median", dimension, outer(bargaining.median(x0[None], w))))
        if "compromise" in chosen:
            rows.append(
                forecast_row("compromise", dimension, outer(bargaining.compromise(x0[None], w)))
            )
        if "nash" in chosen and dimension in references:
            r = np.array([(references[dimension] - low) / (high - low)])
            rows.append(forecast_row("nash", dimension, outer(nash(x0[None], w, r))))
        if dimension in traded:
            rows.append(forecast_row("exchange", dimension, np.array([traded[dimension]])))
        if "eu" in chosen:
            draws = saliences = None
            if randomness is not None:
                draws = randomness[:, d, 0][..., part] if opts.resolution == "stochastic" else None
                saliences = randomness[:, d, 1][..., part] if opts.salience == "redraw" else None
            result = bargaining.run_eu(
                np.repeat(x0[None], runs, axis=0),
                np.repeat(cd[None], runs, axis=0),
                np.repeat(s[None], runs, axis=0),
                rounds,
                opts,
                draws,
                saliences,
            )
            final = result.positions[:, -1, :]
            weights = np.repeat(w, runs, axis=0)
            every = result.positions.reshape(runs * (rounds + 1), -1)
            by_round = bargaining.median(every, np.repeat(w, len(every), axis=0))
            path = np.median(outer(by_round).reshape(runs, rounds + 1), axis=0)
            row = forecast_row(
                "eu",
                dimension,
                outer(bargaining.median(final, weights)),
                outer(bargaining.compromise(final, weights)),
            )
            cycle = find_cycle(path, (high - low) * 1e-9)
            row["cycle"] = None if cycle is None else ";".join(f"{v:.6g}" for v in cycle)
            rows.append(row)
            if trace:  # every actor, NaN for those who take no part
                positions = np.full((runs, rounds + 1, n), np.nan)
                positions[..., part] = outer(result.positions)
                risk = np.full((runs, rounds, n), np.nan)
                risk[..., part] = result.risk
                traces.append((dimension, positions, risk))
    return Forecast(spatial, tuple(rows), tuple(traces), opts, rounds, runs, seed)


# Measured: about 2 s and 45 MiB for one round of 30 actors on 20 linked dimensions, and
# 8 s and 180 MiB on 40, growing with the candidate exchanges (actor pairs x dimension
# pairs); the estimate takes twice that time.
_EXCHANGE_SECONDS_PER_CANDIDATE = 5e-5
_EXCHANGE_BYTES_PER_CANDIDATE = 600


def exchange_cost(actors: int, dimensions: int, rounds: int) -> Cost:
    """The estimated memory and time of the exchange model on linked dimensions."""
    candidates = actors * (actors - 1) * dimensions * (dimensions - 1) / 4
    return Cost(
        _BASE_MEMORY + _EXCHANGE_BYTES_PER_CANDIDATE * candidates,
        _EXCHANGE_SECONDS_PER_CANDIDATE * candidates * rounds,
    )


def _groups(problem: SpatialProblem, links: Sequence[Sequence[str]]) -> list[list[int]]:
    """The linked dimensions as groups of indices; ``["all"]`` links every dimension."""
    groups: list[list[int]] = []
    seen: set[str] = set()
    for link in links:
        names = list(problem.dimensions) if list(link) == ["all"] else list(link)
        unknown = [name for name in names if name not in problem.dimensions]
        if unknown:
            raise InputError(
                f"no dimension {unknown[0]!r} in {problem.name}",
                Location("--link"),
                "dimensions of the file, joined by commas, or all",
            )
        if len(set(names)) < 2:
            raise InputError(
                f"{','.join(names)}: one dimension links to nothing",
                Location("--link"),
                "two or more dimensions",
            )
        twice = seen & set(names)
        if twice:
            raise InputError(
                f"dimension {sorted(twice)[0]!r} is in two links",
                Location("--link"),
                "each dimension in one link at most",
            )
        seen |= set(names)
        groups.append([problem.dimensions.index(name) for name in dict.fromkeys(names)])
    return groups


def _trade(problem: SpatialProblem, groups: list[list[int]], rounds: int) -> dict[str, float]:
    """The exchange model's forecast (the last round's voting outcome) per linked
    dimension, on the input's scale."""
    traded = {}
    for group in groups:
        result = run_exchange(
            problem.capability,
            problem.positions[:, group],
            problem.salience[:, group],
            scales=[problem.scales[d] for d in group],
            rounds=rounds,
        )
        for k, d in enumerate(group):
            traded[problem.dimensions[d]] = float(result.outcome[k])
    return traded


def find_cycle(path: np.ndarray[Any, Any], tolerance: float) -> tuple[float, ...] | None:
    """The values a forecast cycles through over its last rounds, or None.

    ``path`` is the forecast after each round. Over its last ``3p`` rounds (``2p`` at
    least), it cycles with period ``p`` (the smallest of ``CYCLE_PERIODS`` that fits) when
    it swings by more than ``tolerance`` but each value is within a tenth of that swing of
    the value ``p`` rounds before: a cycle that may still drift slowly, as the EU model's
    forecast of the EC case does. The values are the last ``p``, in the order they come.
    """
    for period in CYCLE_PERIODS:
        tail = path[-3 * period :]
        if len(tail) < 2 * period:
            break
        swing = float(np.ptp(tail))
        drift = float(np.max(np.abs(tail[period:] - tail[:-period])))
        if swing > tolerance and drift <= swing / 10:
            return tuple(float(v) for v in tail[-period:])
    return None


def trace_frame(found: Forecast) -> pd.DataFrame:
    """The EU trace of a ``forecast`` made with ``trace=True``, as ``BargainResult.trace``."""
    import pandas as pd

    frames = [_trace_frame(found.problem, *path) for path in found.paths]
    return pd.concat(frames, ignore_index=True)


def _to_scale(low: float, high: float) -> Any:
    """Map normalised positions back onto the input's scale."""

    def outer(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.asarray(low + values * (high - low), dtype=float)

    return outer


def _draws(seed: int, runs: int, dims: int, rounds: int, n: int) -> np.ndarray[Any, Any]:
    """Per run: U(0, 1) numbers shaped (dims, 2, rounds, actors), from the run's own seed."""
    children = np.random.SeedSequence(seed).spawn(runs)
    return np.stack(
        [
            np.random.Generator(np.random.PCG64(child)).random((dims, 2, rounds, n))
            for child in children
        ]
    )


def forecast_row(
    model: str,
    dimension: str,
    per_run: np.ndarray[Any, Any],
    weighted_mean: np.ndarray[Any, Any] | None = None,
) -> dict[str, Any]:
    """A row of ``BargainResult.forecasts`` from a model's forecast in each run."""
    middle = float(np.median(per_run))
    return {
        "model": model,
        "dimension": dimension,
        "forecast": middle,
        "weighted_mean": float(np.mean(weighted_mean)) if weighted_mean is not None else None,
        "runs": len(per_run),
        "mean": float(np.mean(per_run)),
        "median": middle,
        "p05": float(np.quantile(per_run, 0.05)),
        "p95": float(np.quantile(per_run, 0.95)),
        "cycle": None,
    }


def _trace_frame(
    problem: SpatialProblem,
    dimension: str,
    positions: np.ndarray[Any, Any],
    risk: np.ndarray[Any, Any],
) -> pd.DataFrame:
    import pandas as pd

    runs, steps, n = positions.shape
    padded = np.concatenate([risk, np.full((runs, 1, n), np.nan)], axis=1)
    run, step, actor = np.meshgrid(np.arange(runs), np.arange(steps), np.arange(n), indexing="ij")
    return pd.DataFrame(
        {
            "dimension": dimension,
            "run": run.ravel(),
            "round": step.ravel(),
            "actor": np.asarray(problem.actors, dtype=object)[actor.ravel()],
            "position": positions.ravel(),
            "risk": padded.ravel(),
        }
    )
