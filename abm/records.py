"""What the model records at the end of each year, before it becomes the tidy trajectory table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from abm.accounting import PowerHeatBalance
from abm.context import Instruments
from abm.energy_system import CityBalance
from abm.energy_use import EnergyUse
from agents.enterprise import EnterpriseSummary
from agents.household import HouseholdSummary
from agents.transport import FleetSummary


@dataclass(frozen=True, slots=True)
class YearRecord:
    """End-of-year state of the city (base units: yuan 1e8, tce, kWh, tCO2, MW, MWh)."""

    year: int
    residents: float
    gdp: float
    value_added: Mapping[str, float]
    uses: Mapping[str, EnergyUse]
    final_energy_tce: Mapping[str, float]
    territorial: Mapping[str, float]
    with_electricity: Mapping[str, float]
    carbon_sink: float
    primary_energy: float
    nonfossil_primary: float
    balance: PowerHeatBalance
    city: CityBalance
    instruments: Instruments
    grid_ef: float
    households: HouseholdSummary
    enterprises: Mapping[str, EnterpriseSummary]
    fleets: Mapping[str, FleetSummary]
    pv_mw: Mapping[str, float]
    storage_mwh: Mapping[str, float]
    subsidies: Mapping[str, float]  # paid in the year, by instrument (yuan)
    subsidies_unpaid: Mapping[str, float]  # claims the budget left unpaid, by instrument (yuan)
    subsidy_budget: float  # yuan; 0 = no limit
    subsidy_payout_share: float  # share of the year's claims paid
    household_car_purchases: float
    household_ev_purchases: float
    building_renewable_tce: float
    building_energy_tce: float
    operating_transport_co2: float

    @property
    def co2_with_electricity_total(self) -> float:
        """Total CO2 including net imported electricity (tCO2)."""
        return float(sum(self.with_electricity.values()))
