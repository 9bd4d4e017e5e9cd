"""Firms' boiler fuel: what each boiler fuel burns and costs, and demand's response to prices.

A firm burns ``boiler_heat_share`` of its coal and gas in boilers (steam and hot water);
the rest fires kilns and furnaces and stays as it is. When the firm has electrified its
low-temperature heat (``low_temperature_heat_share``, heat pumps), the boilers keep the
rest of the boiler share. The boiler fuel is one of:

* ``BOILER_AS_2020`` (0): coal and gas as in 2020;
* ``BOILER_GAS`` (1): the boiler coal replaced by gas, at the heat the coal delivered,
  ``gas = coal x coal_boiler_efficiency / gas_boiler_efficiency`` (tce);
* ``BOILER_BIOMASS`` (2): the boiler coal replaced by biomass pellets, the same way with
  ``biomass_boiler_efficiency``; biomass CO2 counts as zero;
* ``BOILER_ELECTRIC`` (3): boiler coal and gas replaced by electric boilers,
  ``kWh = (coal x coal_eff + gas x gas_eff) x kwh_per_tce / electric_boiler_efficiency``.

Allowed moves: 2020 fuel to any other, gas to electric. Demand responds to prices with
constant own-price elasticities: a carrier's use is scaled by ``(p_t / p_2020)^e``,
where ``p_t`` includes the carbon cost the firm faces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from abm.decisions import rule

Array = NDArray[np.float64]

BOILER_AS_2020, BOILER_GAS, BOILER_BIOMASS, BOILER_ELECTRIC = 0, 1, 2, 3
BOILER_STATES = ("as_2020", "gas", "biomass", "electric")
# which states a firm may move to from each state
ALLOWED_MOVES: dict[int, tuple[int, ...]] = {
    BOILER_AS_2020: (BOILER_GAS, BOILER_BIOMASS, BOILER_ELECTRIC),
    BOILER_GAS: (BOILER_ELECTRIC,),
    BOILER_BIOMASS: (),
    BOILER_ELECTRIC: (),
}


@dataclass(frozen=True, slots=True)
class BoilerFuel:
    """A firm's boiler fuel use in one state (tce for fuels, kWh for electricity)."""

    coal: Array
    gas: Array
    biomass: Array
    electricity: Array


def boiler_share(values: Mapping[str, float], electrified: NDArray[np.bool_]) -> Array:
    """Share of a firm's remaining coal and gas (after electrified low-temperature heat) burned in boilers."""
    low = values["low_temperature_heat_share"] * electrified
    return np.clip((values["boiler_heat_share"] - low) / (1.0 - low), 0.0, 1.0)


def boiler_fuel(state: int, coal: Array, gas: Array, values: Mapping[str, float]) -> BoilerFuel:
    """Fuel the boilers burn in ``state`` when they burned ``coal`` and ``gas`` (tce/yr) as in 2020."""
    eff_coal, eff_gas = values["coal_boiler_efficiency"], values["gas_boiler_efficiency"]
    zero = np.zeros_like(coal)
    if state == BOILER_AS_2020:
        return BoilerFuel(coal, gas, zero, zero)
    if state == BOILER_GAS:
        return BoilerFuel(zero, gas + coal * eff_coal / eff_gas, zero, zero)
    if state == BOILER_BIOMASS:
        return BoilerFuel(zero, gas, coal * eff_coal / values["biomass_boiler_efficiency"], zero)
    if state == BOILER_ELECTRIC:
        heat = coal * eff_coal + gas * eff_gas
        return BoilerFuel(zero, zero, zero, heat * values["kwh_per_tce"] / values["electric_boiler_efficiency"])
    raise ValueError(f"unknown boiler state {state}")


def boiler_bill(fuel: BoilerFuel, coal_price: Array, gas_price: Array, biomass_price: float, tariff: float) -> Array:
    """Yearly cost of a boiler fuel (yuan/yr) at per-firm fuel prices (yuan/tce) and the tariff (yuan/kWh)."""
    return fuel.coal * coal_price + fuel.gas * gas_price + fuel.biomass * biomass_price + fuel.electricity * tariff


def replaced_tce(state: int, coal: Array, gas: Array) -> Array:
    """Fuel (tce/yr) whose boilers a move to ``state`` replaces: coal, or coal and gas for electric boilers."""
    return coal + gas if state == BOILER_ELECTRIC else coal


def price_response(price: Array | float, price_2020: float, elasticity: float) -> Array:
    """Demand factor ``(price / price_2020)^elasticity`` (1 at the 2020 price); prices in any one unit."""
    ratio = np.maximum(np.asarray(price, dtype=np.float64) / price_2020, 1e-9)
    return ratio**elasticity


@rule("benefit_cost_choice")
def benefit_cost_choice(benefits: Array, annual_costs: Array, ascs: Array, sensitivity: float) -> Array:
    """Probabilities of each of K exclusive options against keeping things as they are.

    ``benefits`` and ``annual_costs`` are (K, n) arrays in yuan/yr, ``ascs`` (K,) or (K, n).
    ``V_k = asc_k + sensitivity * (B_k - C_k) / (|B_k| + |C_k|)``, the status quo has
    ``V = 0``, and ``P_k = exp(V_k) / (1 + sum_j exp(V_j))``. With one option this is the
    ``benefit_cost_logit``. An option with ``ascs = -inf`` is never taken.
    """
    benefits = np.asarray(benefits, dtype=np.float64)
    costs = np.asarray(annual_costs, dtype=np.float64)
    scale = np.abs(benefits) + np.abs(costs)
    x = np.divide(benefits - costs, scale, out=np.zeros(benefits.shape), where=scale > 0)
    asc = np.asarray(ascs, dtype=np.float64)
    if asc.ndim == 1:
        asc = asc[:, None]
    utility = np.exp(asc + sensitivity * x)
    return utility / (1.0 + utility.sum(axis=0))


def pick(uniforms: Array, probabilities: Array) -> NDArray[np.int64]:
    """Which option each agent takes: the index k of the bin of cumulative probabilities its draw falls in, or -1."""
    edges = np.cumsum(probabilities, axis=0)
    chosen = (uniforms[None, :] >= edges).sum(axis=0)
    return np.where(chosen < probabilities.shape[0], chosen, -1)
