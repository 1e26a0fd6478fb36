"""Hypothesis strategies for parley's tests, gathered in one module."""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from parley.model.bargaining import EUOptions
from parley.record.coding import cameo_table

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=10), children, max_size=3),
    ),
    max_leaves=10,
)

ACTORS = ["prc", "ussr", "mao", "gorbachev", "nobody"]
ISSUES = ["border", "border-eastern", "party-ties", "no-such-issue"]
EDTF_DATES = ["1969", "1969-03", "1982/1985", "196X", "1969~", "1991-05-16", "1969-13", "soon"]


@st.composite
def passages(draw: st.DrawFn) -> dict[str, object]:
    start = draw(st.integers(min_value=-5, max_value=9000))
    return {
        "source": draw(st.sampled_from(["lcs-china-1987", "tagirova-2017", "unknown-source"])),
        "start": start,
        "end": start + draw(st.integers(min_value=-3, max_value=400)),
        "sha256": draw(st.sampled_from(["0" * 64, "not-a-hash"])),
    }


@st.composite
def event_entries(draw: st.DrawFn) -> dict[str, object]:
    """Event entries that are sometimes valid and sometimes wrong in one field."""
    entry: dict[str, object] = {
        "id": draw(st.from_regex(r"ev-[a-z0-9]{1,8}", fullmatch=True)),
        "date": draw(st.sampled_from(EDTF_DATES)),
        "summary": draw(st.text(min_size=0, max_size=30)),
        "source_actor": draw(st.sampled_from(ACTORS)),
        "passages": draw(st.lists(passages(), min_size=0, max_size=2)),
    }
    if draw(st.booleans()):
        entry["target_actor"] = draw(st.sampled_from(ACTORS))
        entry["cameo"] = draw(st.sampled_from([*sorted(cameo_table())[:5], "999"]))
    if draw(st.booleans()):
        entry["issues"] = draw(st.lists(st.sampled_from(ISSUES), max_size=2))
    return entry


@st.composite
def spatial_inputs(
    draw: st.DrawFn, distinct: bool = False
) -> tuple[list[float], list[float], list[float]]:
    """Positions in [0, 1], capabilities and saliences for 2 to 8 actors.

    Half the time positions come from a coarse grid, so that actors share positions.
    """
    n = draw(st.integers(2, 8))
    unit = st.floats(0, 1, allow_nan=False, allow_subnormal=False)
    grid = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])
    position = unit if distinct or draw(st.booleans()) else grid
    x = draw(st.lists(position, min_size=n, max_size=n, unique=distinct))
    # Positions closer than 1e-6 of the scale, yet not equal, make the win probabilities
    # ill-conditioned (see docs/reference/bargaining.md); they are set aside.
    gaps = [abs(a - b) for a in x for b in x if a != b]
    assume(not gaps or min(gaps) >= 1e-6)
    c = draw(st.lists(st.floats(0.01, 1), min_size=n, max_size=n))
    s = draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n))
    return x, c, s


@st.composite
def eu_options(draw: st.DrawFn) -> EUOptions:
    """Every combination of the EU model's documented choices (saliences stay fixed)."""
    return EUOptions(
        probability=draw(st.sampled_from(["net", "share", "share-without-challenger"])),
        mu=draw(st.sampled_from(["mean", "median"])),
        last_term=draw(st.sampled_from(["minus", "plus"])),
        offer_order=draw(st.sampled_from(["utility-first", "move-first"])),
        resolution=draw(st.sampled_from(["deterministic", "stochastic"])),
        q=draw(st.sampled_from([1.0, 0.5, 0.0])),
        t=draw(st.sampled_from([1.0, 0.5])),
    )


# Forecasts to score: an ensemble's values, and a distribution over the years of an outcome.
ensemble_values = st.lists(
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False), min_size=1, max_size=40
)


@st.composite
def year_distributions(draw: st.DrawFn) -> dict[int, float]:
    """Shares of runs per year, 1950-1991, summing to at most 1 (the rest: never)."""
    years = draw(st.lists(st.integers(1950, 1991), unique=True, max_size=8))
    counts = draw(st.lists(st.integers(1, 20), min_size=len(years), max_size=len(years)))
    never = draw(st.integers(0, 20))
    total = sum(counts) + never or 1
    return {year: count / total for year, count in zip(years, counts, strict=True)}
