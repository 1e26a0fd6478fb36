"""The dynamic model's parameters as one typed, frozen object.

Every number the model uses is a field of :class:`Params`. Each one's scenario name,
default, range, meaning and source are data, in :data:`parley.scenario.parameters.SPECS`;
a scenario's ``parameters`` block sets only the values it changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parley.scenario.parameters import SPECS, ParamSpec

__all__ = ["PARAMETERS", "SPECS", "ParamSpec", "Params"]


PARAMETERS = tuple(SPECS)


def _field(name: str) -> str:
    return name.replace("-", "_")


@dataclass(frozen=True)
class Params:
    """The model's numbers. Build it with :meth:`from_values` or :meth:`from_scenario`."""

    behaviour_inertia: float
    reciprocity: float
    behaviour_base: float
    strain_scale: float
    third_party: float
    behaviour_noise: float
    grievance_rate: float
    grievance_decay: float
    grievance_fade: float
    domestic_pull: float
    leader_pull: float
    political_inertia: float
    party_break: float
    gate_cap: float
    normalize_level: float
    treaty_lapse: float
    treaty_steps: float
    functional_rate: float
    functional_spillover: float
    talks_open: float
    talks_urge: float
    talks_need: float
    talks_suspend: float
    war_scare: float
    war_scare_steps: float
    concession_rate: float
    reservation_reach: float
    belief_error: float
    belief_learning: float
    miscalculation_cost: float
    breakdown_probability: float
    breakdown_cooldown: float
    agreement_gain: float
    tactic_pressure: float
    ratification_share: float
    ratification_radius: float
    incident_hazard: float
    clash_slope: float
    force_weight: float
    excitation: float
    memory_decay: float
    deadly_share: float
    crisis_share: float
    clash_drop: float
    clash_salience: float
    event_rate: float

    @classmethod
    def from_values(cls, values: Mapping[str, float]) -> Params:
        """Defaults, with ``values`` (by scenario name) in their place; unknown names fail."""
        unknown = sorted(set(values) - set(SPECS))
        if unknown:
            raise ValueError(f"unknown parameter {unknown[0]!r}")
        chosen = {name: float(values.get(name, spec.default)) for name, spec in SPECS.items()}
        return cls(**{_field(name): value for name, value in chosen.items()})

    @classmethod
    def from_scenario(cls, scenario: Any) -> Params:
        """The parameters a scenario sets, with defaults for the rest."""
        return cls.from_values(scenario.parameters)

    def values(self) -> dict[str, float]:
        """Every value, by scenario name."""
        return {name: getattr(self, _field(name)) for name in SPECS}


assert [f.name for f in dataclasses.fields(Params)] == [_field(n) for n in SPECS]
