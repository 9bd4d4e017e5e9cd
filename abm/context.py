"""What agents see in a year: the instruments in force, prices and shared quantities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from abm.decisions import capital_recovery_factor

BASE_YEAR = 2020  # the calibration anchor: every ``*_2020`` value of the registry means this year
HISTORY_YEAR = 2015  # the earliest start year; ``*_2015`` values are the states a run from it starts with


def at_year(values: Mapping[str, float], stem: str, year: int) -> float:
    """A state ``<stem>_2020`` back-cast to ``year``: linear from ``<stem>_2015`` to ``<stem>_2020``.

    From the base year on it is the ``_2020`` value itself (same units as the registry rows).
    """
    base = values[f"{stem}_{BASE_YEAR}"]
    if year >= BASE_YEAR:
        return base
    early = values[f"{stem}_{HISTORY_YEAR}"]
    share = (max(year, HISTORY_YEAR) - HISTORY_YEAR) / (BASE_YEAR - HISTORY_YEAR)
    return float(early + (base - early) * share)


@dataclass(frozen=True, slots=True)
class Instruments:
    """The government's instruments in force in one year (units as in the registry)."""

    pv_subsidy: float
    storage_subsidy: float
    storage_discharge_incentive: float
    ev_subsidy: float
    fleet_ev_subsidy: float
    heat_pump_subsidy: float
    retrofit_subsidy: float
    efficiency_retrofit_subsidy: float
    recycling_incentive: float
    green_points: float
    subsidy_multiplier: float  # on every subsidy rate: what is claimed per unit (the adaptive rule's)
    expected_payout_share: float  # share of claims agents expect the budget to pay this year, in [0, 1]
    rooftop_pv_programme: bool
    pv_plus_programme: float  # share of the designated PV+ land opened to developers, in [0, 1]
    utility_pv_mw: float  # utility PV the government procures (the 2020 plants and any forced path)
    grid_storage_mwh: float
    biomass_mw: float
    waste_power_mw: float
    wind_mw: float
    coal_mw: float
    carbon_price: float
    backward_exit_rate: float
    new_capacity_at_benchmark: bool
    new_building_saving: float
    new_roof_pv_mandate: float
    bus_electric_share_new: float
    taxi_electric_share_new: float
    truck_electric_share_new: float
    public_chargers: float
    freight_shift: float
    shore_power: float
    carbon_sink: float
    # national and provincial context (registry kind ``context``), in force whatever the policy start
    national_ev_subsidy: float = 0.0  # central purchase subsidy per new-energy car, yuan
    national_bus_subsidy: float = 0.0  # central purchase subsidy per new-energy city bus, yuan
    nev_tax_exemption: float = 0.0  # purchase tax a new-energy car is exempted from this year, yuan
    national_pv_subsidy_household: float = 0.0  # yuan/kWh on a household system's output for 20 years
    national_pv_subsidy_firm: float = 0.0  # yuan/kWh on a firm's distributed system's output for 20 years
    dual_control: bool = False  # energy dual control (total and intensity) assigned to key energy users

    @property
    def expected_subsidy_multiplier(self) -> float:
        """What agents count on per unit of subsidy rate: the rate multiplier times the expected payout share."""
        return self.subsidy_multiplier * self.expected_payout_share


SUBSIDIES = (
    "pv_subsidy",
    "storage_subsidy",
    "storage_discharge_incentive",
    "ev_subsidy",
    "fleet_ev_subsidy",
    "heat_pump_subsidy",
    "retrofit_subsidy",
    "efficiency_retrofit_subsidy",
    "recycling_incentive",
    "green_points",
)


@dataclass(slots=True)
class SubsidyLedger:
    """Subsidy claims made in one year and what was paid on them, by instrument (yuan).

    Every instrument has an entry in both. ``paid`` stays at zero until :meth:`pay`.
    """

    claims: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SUBSIDIES, 0.0))
    paid: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SUBSIDIES, 0.0))

    def claim(self, instrument: str, amount_yuan: float) -> None:
        """Record a claim; amounts are never negative."""
        if instrument not in self.claims:
            raise KeyError(f"unknown subsidy instrument '{instrument}'")
        self.claims[instrument] += max(float(amount_yuan), 0.0)

    @property
    def total(self) -> float:
        """All claims this year (yuan)."""
        return float(sum(self.claims.values()))

    @property
    def paid_total(self) -> float:
        """All payments this year (yuan)."""
        return float(sum(self.paid.values()))

    @property
    def unpaid(self) -> dict[str, float]:
        """Claims left unpaid this year, by instrument (yuan)."""
        return {k: self.claims[k] - self.paid[k] for k in self.claims}

    @property
    def payout_share(self) -> float:
        """Share of this year's claims paid (1 when nothing was claimed)."""
        total = self.total
        return self.paid_total / total if total > 0 else 1.0

    def pay(self, budget_yuan: float) -> float:
        """Pay this year's claims within ``budget_yuan`` (0 = no limit); returns the share paid.

        Pro rata: when the claims exceed the budget, every claim is paid the same share,
        budget / claims, so that the payments add up to the budget and never exceed it.
        """
        share = 1.0
        total = self.total
        if budget_yuan > 0 and total > budget_yuan:
            share = budget_yuan / total
            # rounding must not lift the payments (added up as paid_total does) above the budget
            while sum(c * share for c in self.claims.values()) > budget_yuan:
                share = float(np.nextafter(share, 0.0))
        self.paid = {k: c * share for k, c in self.claims.items()}
        return share


@dataclass(frozen=True, slots=True)
class YearContext:
    """Everything an agent needs to decide in ``year``."""

    year: int
    values: Mapping[str, float]
    instruments: Instruments
    grid_ef: float
    pv_price: float
    storage_price: float
    ev_premium_factor: float
    income_factor: float
    sector_output_factor: Mapping[str, float]
    gdp_factor: float
    ev_needing_public_chargers: float
    self_consumption: Mapping[str, NDArray[np.float64]]
    ledger: SubsidyLedger

    @property
    def elapsed(self) -> int:
        """Years since the base year :data:`BASE_YEAR` (negative before it), whatever the start year."""
        return self.year - BASE_YEAR

    def tariff(self, base: float) -> float:
        """An electricity tariff in this year, after real tariff growth (yuan/kWh)."""
        return base * (1.0 + self.values["electricity_price_growth"] / 100.0) ** self.elapsed

    def tariff_with_carbon(self, base: float) -> float:
        """A commercial or industrial tariff this year plus the passed-through carbon cost of grid power (yuan/kWh).

        Residential tariffs are regulated and carry no carbon cost.
        """
        carbon = self.grid_ef / 1000.0 * self.instruments.carbon_price * self.values["carbon_pass_through_electricity"]
        return self.tariff(base) + carbon

    @property
    def enterprise_pv_annuity(self) -> float:
        """Capital recovery factor of PV at firms' median hurdle rate."""
        return float(capital_recovery_factor(self.values["enterprise_hurdle_rate"] / 100.0, self.values["pv_lifetime"]))

    @property
    def public_charging_access(self) -> float:
        """Chance that a car owner without home charging finds enough public chargers, in [0, 1]."""
        capacity = self.instruments.public_chargers * self.values["evs_per_public_charger"]
        return float(min(1.0, capacity / max(self.ev_needing_public_chargers, 1.0)))
