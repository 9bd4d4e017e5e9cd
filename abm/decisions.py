"""Decision rules: named, registered functions kept apart from agent state.

Every rule works on numpy columns over all agents of a kind at once; none loops over
agents. Agents call rules by name from :data:`RULES`, so alternative rules can be
compared by registering another function under a new name.

Equations (all money in yuan, all rates as fractions per year):

* Capital recovery factor: ``CRF(r, n) = r / (1 - (1 + r)^-n)``.
* Benefit-cost logit: the probability that an agent facing an option takes it,
  ``P = 1 / (1 + exp(-(ASC + beta * (B - C) / (|B| + |C|))))``, where ``B`` is the
  option's yearly benefit (energy bills avoided, incentives, carbon cost avoided),
  ``C`` its annualised cost ``(capex - subsidy) * CRF(hurdle, lifetime) + O&M`` at
  the agent's own hurdle rate, ``ASC`` the option's alternative-specific constant
  (non-monetary barriers) and ``beta`` the weight of economics.
* Bass hazard with peer effects: ``h = p + q * s``, where ``s`` is the adopted share
  among the agent's peers: for a household the other members of its neighbourhood, for
  a firm the output share of its sector that has adopted.
* Adoption in a year: an agent adopts when a uniform draw falls below
  ``opportunity * P * constraint``; ``opportunity`` is the chance the choice comes up
  (a replacement, a review, or the Bass hazard) and ``constraint`` a factor in [0, 1]
  (a roof, chargers within reach). The subsidy budget does not enter here: agents value
  each subsidy at the share of it they expect the budget to pay, and so the costs.

All agents of a kind decide on the state at the start of the year (synchronous update).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.floating[Any]]
BoolArray = NDArray[np.bool_]

RULES: dict[str, Callable[..., Any]] = {}


def rule(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a decision rule under ``name``."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if name in RULES:
            raise ValueError(f"decision rule '{name}' registered twice")
        RULES[name] = func
        return func

    return register


def capital_recovery_factor(rate: FloatArray | float, lifetime: float) -> FloatArray:
    """Annuity factor CRF(r, n) = r / (1 - (1 + r)^-n); r in fraction/yr, n in years."""
    rate = np.asarray(rate, dtype=np.float64)
    safe = np.maximum(rate, 1e-9)
    return safe / (1.0 - (1.0 + safe) ** (-float(lifetime)))


@rule("benefit_cost_logit")
def benefit_cost_logit(
    benefit: FloatArray | float,
    annual_cost: FloatArray | float,
    asc: float,
    sensitivity: float,
) -> FloatArray:
    """Probability of taking an option, from its yearly benefit and annualised cost (yuan/yr).

    ``P = 1 / (1 + exp(-(asc + sensitivity * x)))`` with the relative net benefit
    ``x = (B - C) / (|B| + |C|)`` in [-1, 1]: 0 when benefit equals cost, 1 when the option
    pays with no cost (or a subsidy above its cost), -1 when it brings no benefit.
    """
    benefit = np.asarray(benefit, dtype=np.float64)
    cost = np.asarray(annual_cost, dtype=np.float64)
    scale = np.abs(benefit) + np.abs(cost)
    x = np.divide(benefit - cost, scale, out=np.zeros(np.broadcast(benefit, cost).shape), where=scale > 0)
    x *= -sensitivity
    x -= asc
    np.exp(x, out=x)
    x += 1.0
    return np.reciprocal(x, out=x)


@rule("bass_hazard")
def bass_hazard(p: FloatArray | float, q: float, peer_share: FloatArray) -> FloatArray:
    """Bass adoption hazard per year, ``p + q * peer_share``, clipped to [0, 1]."""
    return np.clip(np.asarray(p) + q * np.asarray(peer_share), 0.0, 1.0)


def neighbourhood_shares(
    groups: NDArray[np.integer[Any]],
    adopted: BoolArray,
    n_groups: int,
    members: NDArray[np.integer[Any]] | None = None,
) -> FloatArray:
    """Per neighbourhood: the adopted share of the *other* members that a non-adopter sees.

    ``adopters / (members - 1)``; 0 in a neighbourhood of one. ``members`` (agents per
    neighbourhood) may be passed when known.
    """
    if members is None:
        members = np.bincount(groups, minlength=n_groups)
    adopters = np.bincount(groups[adopted], minlength=n_groups)
    others = members - 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(others > 0, adopters / others, 0.0)


def neighbourhood_share(groups: NDArray[np.integer[Any]], adopted: BoolArray, n_groups: int) -> FloatArray:
    """Share of each agent's neighbourhood (excluding the agent) that has adopted.

    ``groups`` gives each agent's neighbourhood index in ``[0, n_groups)``; an agent
    alone in its neighbourhood sees a share of 0.
    """
    members = np.bincount(groups, minlength=n_groups)
    others = members[groups] - 1.0
    seen = neighbourhood_shares(groups, adopted, n_groups, members)[groups]
    # an adopter does not count itself: remove it from the numerator
    with np.errstate(invalid="ignore", divide="ignore"):
        correction = np.where(others > 0, adopted / others, 0.0)
    return seen - correction


def service_lives(uniforms: FloatArray, mean_life: float, spread: float) -> FloatArray:
    """Service lives (years) of new items, uniform within ``mean_life * (1 +/- spread)``.

    ``uniforms`` holds one uniform draw in [0, 1) per item.
    """
    return mean_life * (1.0 + spread * (2.0 * np.asarray(uniforms, dtype=np.float64) - 1.0))


def draw_adoption(uniforms: FloatArray, eligible: BoolArray, probability: FloatArray | float) -> BoolArray:
    """Which eligible agents adopt this year, given each one's probability and uniform draw."""
    return eligible & (uniforms < probability)


def agent_hurdle_rates(
    rng: np.random.Generator,
    n: int,
    median_percent: float,
    sigma: float,
    income_rank: FloatArray | None = None,
    income_correlation: float = 0.0,
) -> FloatArray:
    """Hurdle rates (fraction/yr), lognormal around ``median_percent`` with log spread ``sigma``.

    With ``income_rank`` (in [0, 1]) the log rate has correlation ``income_correlation``
    with the standardised rank, so a negative correlation gives richer agents lower rates;
    the spread stays ``sigma`` either way.
    """
    z = rng.standard_normal(n)
    if income_rank is not None:
        rank = (np.asarray(income_rank, dtype=np.float64) - 0.5) * np.sqrt(12.0)
        z = income_correlation * rank + np.sqrt(1.0 - income_correlation**2) * z
    return (median_percent / 100.0) * np.exp(sigma * z)
