"""Accounting: energy and CO2 by sector, in two frames, as pure functions of a year's energy use.

Frames:

* **territorial** (``co2_territorial``): direct CO2 from fuels burnt and industrial
  processes inside the city, local power and heat plants included; comparable with the
  CEADs city inventory.
* **with electricity** (``co2_with_electricity``): China's provincial accounting method:
  fuels burnt in the city plus net imported electricity at the grid's average emission
  factor; industrial process CO2 and fossil CO2 from waste burnt are included too, so the
  frame covers the territorial total plus net imports. It is allocated to consumers: each end-use sector
  carries its direct CO2, its purchased heat at the heat plants' emission factor, and its
  grid electricity at the city's supply factor, so ``power_heat`` has no row in this
  frame. Green-power contracts are accounted market-based: contracted power carries no
  CO2 and the other grid users carry the residual, so contracts move CO2 between users
  but do not change the total.

Carbon sinks are reported apart; ``co2_net`` is the with-electricity total less sinks.
Sector rows add up to the ``total`` row by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from abm.economy import INDUSTRY_SECTORS
from abm.energy_system import coal_equivalent
from abm.energy_use import FUELS, EnergyUse

END_USE_SECTORS = (
    *INDUSTRY_SECTORS,
    "buildings_residential",
    "buildings_commercial",
    "transport",
    "agriculture",
    "waste",
)
TERRITORIAL_SECTORS = (
    *INDUSTRY_SECTORS,
    "buildings_residential",
    "buildings_commercial",
    "transport",
    "power_heat",
    "agriculture",
    "waste",
)


@dataclass(frozen=True, slots=True)
class EmissionFactors:
    """CO2 per tce of each fuel (tCO2/tce)."""

    coal: float
    gas: float
    oil: float
    gasoline: float
    lpg: float

    @classmethod
    def from_values(cls, values: Mapping[str, float]) -> EmissionFactors:
        """Factors from the registry values."""
        return cls(
            values["co2_per_tce_coal"],
            values["co2_per_tce_gas"],
            values["co2_per_tce_oil"],
            values["co2_per_tce_gasoline"],
            values["co2_per_tce_lpg"],
        )


def direct_co2(use: EnergyUse, factors: EmissionFactors) -> float:
    """Direct CO2 of a sector: fuels burnt plus process CO2 (tCO2)."""
    return sum(use.fuel(f) * getattr(factors, f) for f in FUELS) + use.process_co2


@dataclass(frozen=True, slots=True)
class PowerHeatBalance:
    """Local power and heat supply in one year (kWh, tce, tCO2)."""

    heat_delivered_tce: float
    heat_coal_tce: float
    heat_gas_tce: float
    coal_power_kwh: float
    coal_power_tce: float
    nonfossil_local_kwh: float
    grid_demand_kwh: float
    net_import_kwh: float
    grid_ef: float  # kgCO2/kWh

    def heat_co2(self, factors: EmissionFactors) -> float:
        """CO2 of heat plants (tCO2)."""
        return self.heat_coal_tce * factors.coal + self.heat_gas_tce * factors.gas

    def coal_power_co2(self, factors: EmissionFactors) -> float:
        """CO2 of local coal power (tCO2)."""
        return self.coal_power_tce * factors.coal

    def electricity_co2(self, factors: EmissionFactors) -> float:
        """CO2 of the grid electricity the city uses: local coal power plus net imports (tCO2), never negative."""
        return max(self.coal_power_co2(factors) + self.net_import_kwh * self.grid_ef / 1000.0, 0.0)


def power_heat_balance(
    uses: Mapping[str, EnergyUse],
    coal_mw: float,
    coal_mw_2020: float,
    nonfossil_local_kwh: float,
    grid_ef: float,
    values: Mapping[str, float],
) -> PowerHeatBalance:
    """Local power and heat supply for the given end uses.

    Heat comes from combined heat and power plants; the coal share of heat falls with the
    coal capacity retired (gas boilers take its place). ``nonfossil_local_kwh`` is local
    PV (absorbed), wind, biomass and waste power fed to the grid or used on site by others.
    """
    heat = sum(u.heat for u in uses.values())
    fuel = heat / values["chp_heat_efficiency"]
    coal_share = coal_mw / coal_mw_2020 if coal_mw_2020 > 0 else 0.0
    coal_kwh = coal_mw * 1000.0 * values["coal_full_load_hours"]
    grid_demand = sum(u.grid_electricity for u in uses.values())
    net_import = grid_demand - coal_kwh - nonfossil_local_kwh
    return PowerHeatBalance(
        heat_delivered_tce=heat,
        heat_coal_tce=fuel * coal_share,
        heat_gas_tce=fuel * (1.0 - coal_share),
        coal_power_kwh=coal_kwh,
        coal_power_tce=coal_kwh * values["power_supply_coal_rate"] / 1e6,
        nonfossil_local_kwh=nonfossil_local_kwh,
        grid_demand_kwh=grid_demand,
        net_import_kwh=net_import,
        grid_ef=grid_ef,
    )


def territorial_co2(
    uses: Mapping[str, EnergyUse], balance: PowerHeatBalance, factors: EmissionFactors
) -> dict[str, float]:
    """Territorial CO2 by sector (tCO2), ``power_heat`` included."""
    result = {sector: direct_co2(uses[sector], factors) for sector in END_USE_SECTORS}
    result["power_heat"] = balance.coal_power_co2(factors) + balance.heat_co2(factors)
    return {sector: result[sector] for sector in TERRITORIAL_SECTORS}


def supply_factors(
    uses: Mapping[str, EnergyUse], balance: PowerHeatBalance, factors: EmissionFactors
) -> tuple[float, float]:
    """CO2 per kWh of (non-contracted) grid electricity and per tce of heat delivered."""
    residual_kwh = balance.grid_demand_kwh - sum(u.green_power for u in uses.values())
    electricity_ef = balance.electricity_co2(factors) / residual_kwh if residual_kwh > 0 else 0.0
    heat_ef = balance.heat_co2(factors) / balance.heat_delivered_tce if balance.heat_delivered_tce > 0 else 0.0
    return electricity_ef, heat_ef


def consumer_co2(use: EnergyUse, electricity_ef: float, heat_ef: float, factors: EmissionFactors) -> float:
    """CO2 of one consumer with its electricity and heat (tCO2)."""
    return direct_co2(use, factors) + (use.grid_electricity - use.green_power) * electricity_ef + use.heat * heat_ef


def co2_with_electricity(
    uses: Mapping[str, EnergyUse], balance: PowerHeatBalance, factors: EmissionFactors
) -> dict[str, float]:
    """CO2 including net imported electricity, allocated to end-use sectors (tCO2)."""
    electricity_ef, heat_ef = supply_factors(uses, balance, factors)
    return {sector: consumer_co2(uses[sector], electricity_ef, heat_ef, factors) for sector in END_USE_SECTORS}


def primary_energy(
    uses: Mapping[str, EnergyUse],
    balance: PowerHeatBalance,
    values: Mapping[str, float],
    grid_nonfossil: float,
    year: int,
) -> tuple[float, float]:
    """Primary energy and its non-fossil part (tce), by China's statistical method.

    Fossil fuels and biomass burnt in the city (heat and power plants included) count as
    burnt, biomass as non-fossil. Electricity that burns no fuel in the city (local PV,
    wind, biomass and waste power fed to the grid, PV used on site, and net imports) counts
    at the coal-equivalent of the year (:func:`abm.energy_system.coal_equivalent`,
    发电煤耗法): local non-fossil power as non-fossil, imports split into fossil and non-fossil
    by the supplying grid's non-fossil share ``grid_nonfossil``; net exports leave in
    proportion to local generation (non-fossil and coal); ``year`` sets the coal-equivalent.
    """
    factor = coal_equivalent(values, year) / 1000.0
    fossil = sum(u.fuel(f) for u in uses.values() for f in FUELS)
    fossil += balance.heat_coal_tce + balance.heat_gas_tce + balance.coal_power_tce
    own_pv = sum(u.own_pv for u in uses.values())
    local_kwh = balance.nonfossil_local_kwh + balance.coal_power_kwh
    if balance.net_import_kwh >= 0:
        traded_nonfossil = balance.net_import_kwh * grid_nonfossil
    else:  # exports leave in proportion to local generation
        local_share = balance.nonfossil_local_kwh / local_kwh if local_kwh > 0 else 0.0
        traded_nonfossil = balance.net_import_kwh * local_share
    nonfossil_kwh = balance.nonfossil_local_kwh + own_pv + traded_nonfossil
    biomass = sum(u.biomass for u in uses.values())
    total = fossil + biomass + (balance.nonfossil_local_kwh + own_pv + balance.net_import_kwh) * factor
    return total, biomass + nonfossil_kwh * factor


def energy_co2(with_electricity: Mapping[str, float], uses: Mapping[str, EnergyUse]) -> float:
    """Energy-related CO2 (tCO2): the with-electricity total less industrial process CO2 and the
    fossil CO2 of waste burnt, which China's CO2-intensity targets leave out."""
    return float(sum(with_electricity.values()) - sum(u.process_co2 for u in uses.values()))
