"""The dynamic model's parameters as data: each one's default, range, meaning and source.

A scenario writes only the parameters it changes (``parameters: {NAME: VALUE}``); every
other takes its default here. ``docs/reference/parameters.md`` is checked against
:data:`SPECS` by a test, and :class:`parley.model.params.Params` is built from it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SPECS", "ParamSpec"]


@dataclass(frozen=True)
class ParamSpec:
    """A parameter's default, range, meaning and where its value comes from."""

    default: float
    low: float
    high: float
    meaning: str
    source: str


_GF = "Goldstein and Freeman (1990), Goldstein (1991): reciprocity models of event data"
_WR = "Ward and Rajmaira (1992): reciprocity in superpower relations"
_HAWKES = "self-exciting (Hawkes) models of conflict events, e.g. Mohler et al. (2011)"
_CAL = "judgement, checked on the record up to 1979"

SPECS: dict[str, ParamSpec] = {
    # Behaviour: each government's cooperation or conflict toward the other (M2, M4).
    "behaviour-inertia": ParamSpec(
        0.6, 0.0, 0.95, "Weight of a government's own last behaviour toward the other.", _GF
    ),
    "reciprocity": ParamSpec(
        0.25, 0.0, 0.6, "Weight of the other side's last behaviour (reciprocity).", _WR
    ),
    "behaviour-base": ParamSpec(
        12.0, 0.0, 15.0, "Behaviour toward the other with no strain and no grievance.", _CAL
    ),
    "strain-scale": ParamSpec(
        14.0,
        0.0,
        30.0,
        "Behaviour lost per unit of strain (joint salience x distance on 0-1, summed over "
        "unsettled issues that gate nothing).",
        _CAL,
    ),
    "third-party": ParamSpec(
        3.0,
        0.0,
        10.0,
        "Behaviour gained when both sides stand far from the third party, and lost when the "
        "other stands nearer to it than oneself (the triangle).",
        "Richardson's action-reaction model; judgement",
    ),
    "behaviour-noise": ParamSpec(
        0.8, 0.0, 3.0, "Standard deviation of the random part of behaviour per step.", _GF
    ),
    "grievance-rate": ParamSpec(
        0.01, 0.0, 0.1, "Grievance accrued per step per point of hostility received.", _CAL
    ),
    "grievance-decay": ParamSpec(
        0.03, 0.0, 0.3, "Share of a grievance that fades each step.", "judgement"
    ),
    "grievance-fade": ParamSpec(
        0.6, 0.0, 1.0, "Share of the grievances that go when either side's leader goes.", _CAL
    ),
    # Domestic politics and leaders (M3, M9, M10).
    "domestic-pull": ParamSpec(
        0.1, 0.0, 0.5, "Share of the way a faction moves toward its state's compromise.", _CAL
    ),
    "leader-pull": ParamSpec(
        0.2,
        0.0,
        1.0,
        "Share of the way a government moves each step toward its leader's stance on the "
        "issues tied to leaders.",
        "judgement",
    ),
    # The two tracks (M1, M8).
    "political-inertia": ParamSpec(
        0.9, 0.5, 0.99, "Share of the political track's level kept each step.", "judgement"
    ),
    "party-break": ParamSpec(
        0.15, 0.0, 0.5, "Political level below which party-to-party ties break.", _CAL
    ),
    "gate-cap": ParamSpec(
        0.4,
        0.0,
        1.0,
        "Highest political level while a precondition is open (the gate, counted once).",
        "judgement",
    ),
    "normalize-level": ParamSpec(
        0.5,
        0.0,
        1.0,
        "Political level at which relations count as normalized again after ties broke.",
        "judgement",
    ),
    "treaty-lapse": ParamSpec(
        0.2, 0.0, 0.5, "Political level below which an alliance treaty counts as dormant.", _CAL
    ),
    "treaty-steps": ParamSpec(
        40.0, 1.0, 120.0, "Steps of dormancy after which a side ends the treaty.", _CAL
    ),
    "functional-rate": ParamSpec(
        0.08, 0.0, 0.5, "Share of the way the functional track moves each step.", "judgement"
    ),
    "functional-spillover": ParamSpec(
        3.0, 0.0, 8.0, "Behaviour gained at full functional cooperation.", "judgement"
    ),
    # Talks (M5, M6, M7).
    "talks-open": ParamSpec(
        -4.0,
        -10.0,
        5.0,
        "Behaviour toward the other above which a side takes part in talks.",
        _CAL,
    ),
    "talks-urge": ParamSpec(
        8.0,
        0.0,
        20.0,
        "Readiness to talk about an item gained per unit of one's own salience x gap (0-1) "
        "on it: what is at stake draws a side to the table, whatever the relation.",
        "judgement",
    ),
    "talks-need": ParamSpec(
        0.1,
        0.0,
        1.0,
        "An item is worth talks, and a precondition is open, when one side's salience x "
        "gap (0-1) reaches this.",
        "judgement",
    ),
    "talks-suspend": ParamSpec(
        -7.0, -10.0, 0.0, "Behaviour below which a side suspends talks under way.", _CAL
    ),
    "war-scare": ParamSpec(
        6.0,
        0.0,
        10.0,
        "Willingness to talk added by a crisis, fading over war-scare-steps.",
        "judgement",
    ),
    "war-scare-steps": ParamSpec(
        6.0, 1.0, 20.0, "Steps over which a war scare fades.", "judgement"
    ),
    "concession-rate": ParamSpec(
        0.05,
        0.0,
        0.3,
        "Share of the gap a fully consolidated leader concedes per step of talks.",
        _CAL,
    ),
    "reservation-reach": ParamSpec(
        0.8,
        0.0,
        1.0,
        "How far a side can concede: this share of the opening gap, times one minus its salience.",
        "judgement",
    ),
    "belief-error": ParamSpec(
        20.0,
        0.0,
        60.0,
        "Standard deviation of a side's error about the other's reservation point when a "
        "format first meets.",
        "judgement",
    ),
    "belief-learning": ParamSpec(
        0.1, 0.0, 0.5, "Share of the belief error removed by each step of talks.", "judgement"
    ),
    "miscalculation-cost": ParamSpec(
        2.0, 0.0, 6.0, "Behaviour lost by the side whose demand is refused.", "judgement"
    ),
    "breakdown-probability": ParamSpec(
        0.3, 0.0, 1.0, "Chance that a refused demand breaks the talks down.", "judgement"
    ),
    "breakdown-cooldown": ParamSpec(
        8.0, 0.0, 40.0, "Steps before a broken-down format can meet again.", "judgement"
    ),
    "agreement-gain": ParamSpec(
        2.0, 0.0, 5.0, "Behaviour gained by both sides on a step with an agreement.", "judgement"
    ),
    "tactic-pressure": ParamSpec(
        0.05,
        0.0,
        0.5,
        "Domestic pressure, times the leader's weakness, above which a government insists "
        "on a comprehensive deal.",
        _CAL,
    ),
    # Ratification (M9).
    "ratification-share": ParamSpec(
        0.5,
        0.3,
        0.9,
        "Share of a state's capability x salience on the items that must accept a deal.",
        "judgement",
    ),
    "ratification-radius": ParamSpec(
        30.0, 5.0, 60.0, "A faction accepts a deal within this distance of its position.", _CAL
    ),
    # Clashes (M4, M7).
    "incident-hazard": ParamSpec(
        0.01,
        0.0,
        0.2,
        "Chance of a border incident per step at neutral behaviour, per unit of salience-"
        "weighted gap on the border sections.",
        _CAL,
    ),
    "clash-slope": ParamSpec(
        0.25, 0.0, 1.0, "How fast the incident hazard grows per point of hostility.", _CAL
    ),
    "force-weight": ParamSpec(
        1.0,
        0.0,
        3.0,
        "How much forces massed on the border multiply the incident hazard.",
        "judgement",
    ),
    "excitation": ParamSpec(
        1.5, 0.0, 5.0, "How much the memory of recent incidents multiplies the hazard.", _HAWKES
    ),
    "memory-decay": ParamSpec(
        0.7, 0.0, 0.99, "Share of the incident memory kept each step.", _HAWKES
    ),
    "deadly-share": ParamSpec(
        0.25, 0.0, 1.0, "Chance that an incident becomes a deadly clash, at no memory.", _CAL
    ),
    "crisis-share": ParamSpec(
        0.4, 0.0, 1.0, "Chance that a deadly clash becomes a crisis (a war scare).", "judgement"
    ),
    "clash-drop": ParamSpec(
        3.0, 0.0, 8.0, "Behaviour lost by both sides in a step with a deadly clash.", "judgement"
    ),
    "clash-salience": ParamSpec(
        0.05,
        0.0,
        0.5,
        "Salience the border gains for both governments after a deadly clash.",
        "judgement",
    ),
    # Events (the measure).
    "event-rate": ParamSpec(
        0.25,
        0.0,
        3.0,
        "Expected events per step of one kind at full intensity, scaled to the density of "
        "the record.",
        _CAL,
    ),
}
"""Every parameter, by its name in scenario files."""
