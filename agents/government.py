"""The government: applies the scenario's instruments on schedule and pays for them.

Before ``policy_start_year`` every lever keeps its 2020 setting (the registry default);
from then on the scenario's values apply. Some instruments are paths rather than levels:

* carbon price (national ETS, context): the path through ``carbon_price_2021`` (2021),
  ``carbon_price_2030`` and ``carbon_price_2060``, linear between them; zero before 2021
  and whenever the 2030 price is zero;
* coal capacity: the 2020 capacity until the year before the policy start, then linear
  to ``(1 - coal_retired_2030)`` of it in 2030 (in the start year itself when the policy
  starts in 2030 or later), then linear to zero in ``coal_exit_year`` (never, if that is
  after the end year);
* biomass and waste-to-energy capacity: linear to their 2025 levels, flat after;
* freight shift and shore power: linear from the policy start to their 2030 levels;
* utility PV, grid storage, public chargers and wind: cumulative yearly additions after
  2020; before 2020 utility PV, public chargers, biomass and waste power follow their
  recorded path (linear from the ``*_2015`` to the ``*_2020`` value) and wind its yearly
  additions backwards;
* carbon sinks grow at ``carbon_sink_growth`` from the policy start (at the 2020 setting
  before it).

National and provincial context (registry kind ``context``, :mod:`abm.national`) is in
force whatever the policy start: the carbon price of the national ETS, the national
purchase subsidy and tax exemption of new-energy vehicles, the national subsidy on
distributed PV output and energy dual control.

Subsidies are paid on claims, within the year's budget (``subsidy_budget`` > 0; 0 means
no limit). When a year's claims exceed its budget they are paid pro rata: every claim
gets the same share, budget / claims, so the payments never exceed the budget; the rest
is recorded as unpaid. Agents value a subsidy at the share they expect to be paid: the
share that last year's claims, at this year's rates, would get under this year's budget
(1 without a budget, or when last year's claims fit). The optional adaptive rule raises
every subsidy rate by ``adaptive_step`` (up to ``adaptive_cap`` times its level) in each
year from ``adaptive_from_year`` in which emissions rose; the raised rates are claimed
and paid through the same budget, so under a binding budget they lower the payout share.
"""

from __future__ import annotations

from collections.abc import Mapping

import mesa
import numpy as np

from abm import national
from abm.context import BASE_YEAR, Instruments, SubsidyLedger, at_year
from abm.energy_system import anchored_path
from abm.parameters import registry


class Government(mesa.Agent):
    """Sets the instruments each year and keeps the fiscal record."""

    def __init__(self, model: mesa.Model, values: Mapping[str, float]):
        super().__init__(model)
        self.values = values
        self.frozen = registry().defaults()
        self.adaptive_multiplier = 1.0
        self.base_claims = 0.0  # last year's claims at the base rates (multiplier 1), yuan
        self.spending: dict[int, dict[str, float]] = {}  # payments by year and instrument, yuan

    def lever(self, name: str, year: int) -> float:
        """A lever's value in force in ``year``."""
        if year < self.values["policy_start_year"]:
            return self.frozen[name]
        return self.values[name]

    def _ramp(self, name: str, year: int, end_year: int, start_value: float) -> float:
        """Linear from ``start_value`` at the policy start to the lever's value at ``end_year``."""
        start = int(self.values["policy_start_year"]) - 1
        target = self.lever(name, year)
        if year <= start:
            return start_value
        return anchored_path(year, {start: start_value, max(end_year, start + 1): target})

    def _cumulative(self, name: str, year: int) -> float:
        """Sum of a yearly-addition lever over the years after the base year (and the start) up to ``year``."""
        first = max(int(self.values["start_year"]), BASE_YEAR) + 1
        return float(sum(self.lever(name, y) for y in range(first, year + 1)))

    def carbon_price(self, year: int) -> float:
        """Carbon price of the national ETS faced by firms in ``year`` (yuan/tCO2); context, not a local lever."""
        p2030 = self.values["carbon_price_2030"]
        if year < 2021 or p2030 <= 0:
            return 0.0
        p2060 = self.values["carbon_price_2060"]
        return anchored_path(year, {2021: self.values["carbon_price_2021"], 2030: p2030, 2060: p2060})

    def coal_capacity(self, year: int) -> float:
        """Local coal capacity in ``year`` (MW)."""
        v = self.values
        base = v["local_coal_capacity_2020"]
        before = max(int(v["policy_start_year"]) - 1, int(v["start_year"]))
        retired_by = max(2030, before + 1)
        kept = base * (1.0 - self.lever("coal_retired_2030", year))
        anchors = {before: base, retired_by: kept}
        exit_year = int(self.lever("coal_exit_year", year))
        if exit_year <= v["end_year"]:
            anchors[max(exit_year, retired_by + 1)] = 0.0
        return max(anchored_path(year, anchors), 0.0)

    def carbon_sink(self, year: int) -> float:
        """Carbon sinks in ``year`` (MtCO2/yr), growing at the rate in force each year."""
        first = max(int(self.values["start_year"]), BASE_YEAR)
        growth = np.array([self.lever("carbon_sink_growth", y) for y in range(first + 1, year + 1)]) / 100.0
        return float(self.values["carbon_sink_2020"] * np.prod(1.0 + growth))

    def recorded(self, stem: str, year: int) -> float:
        """A capacity the government provides, on its recorded path to 2020 (``<stem>_2015`` to ``<stem>_2020``)."""
        return at_year(self.values, stem, year)

    def instruments(self, year: int) -> Instruments:
        """Everything the government has in force in ``year``."""
        v = self.values
        lever = self.lever
        elapsed = year - BASE_YEAR
        return Instruments(
            pv_subsidy=lever("pv_subsidy", year),
            storage_subsidy=lever("storage_subsidy", year),
            storage_discharge_incentive=lever("storage_discharge_incentive", year),
            ev_subsidy=lever("ev_subsidy", year),
            fleet_ev_subsidy=lever("fleet_ev_subsidy", year),
            heat_pump_subsidy=lever("heat_pump_subsidy", year),
            retrofit_subsidy=lever("retrofit_subsidy", year),
            efficiency_retrofit_subsidy=lever("efficiency_retrofit_subsidy", year),
            recycling_incentive=lever("recycling_incentive", year),
            green_points=lever("green_points", year),
            subsidy_multiplier=self.adaptive_multiplier,
            expected_payout_share=self.expected_payout_share(year),
            rooftop_pv_programme=bool(lever("rooftop_pv_programme", year)),
            pv_plus_programme=lever("pv_plus_programme", year),
            utility_pv_mw=self.recorded("utility_pv", year) + self._cumulative("utility_pv_additions", year),
            grid_storage_mwh=v["grid_storage_hours"] * self._cumulative("grid_storage_additions", year),
            biomass_mw=self._ramp("biomass_power_2025", year, 2025, self.recorded("biomass_power", year)),
            waste_power_mw=self._ramp("waste_power_2025", year, 2025, self.recorded("waste_power", year)),
            wind_mw=v["wind_capacity_2020"] + v["wind_additions"] * elapsed,
            coal_mw=self.coal_capacity(year),
            carbon_price=self.carbon_price(year),
            backward_exit_rate=lever("backward_exit_rate", year),
            new_capacity_at_benchmark=bool(lever("new_capacity_at_benchmark", year)),
            new_building_saving=lever("new_building_saving", year),
            new_roof_pv_mandate=lever("new_roof_pv_mandate", year),
            bus_electric_share_new=lever("bus_electric_share_new", year),
            taxi_electric_share_new=lever("taxi_electric_share_new", year),
            truck_electric_share_new=lever("truck_electric_share_new", year),
            public_chargers=self.recorded("public_chargers", year) + self._cumulative("public_charger_additions", year),
            freight_shift=self._ramp("freight_shift_2030", year, 2030, 0.0),
            shore_power=self._ramp("shore_power_2030", year, 2030, 0.0),
            carbon_sink=self.carbon_sink(year),
            national_ev_subsidy=national.ev_subsidy(v, year),
            national_bus_subsidy=national.bus_subsidy(v, year),
            nev_tax_exemption=national.nev_tax_exemption(v, year),
            national_pv_subsidy_household=national.pv_subsidy(v, "household", year),
            national_pv_subsidy_firm=national.pv_subsidy(v, "firm", year),
            dual_control=national.dual_control(v, year),
        )

    def budget(self, year: int) -> float:
        """The subsidy budget of ``year`` (yuan; 0 = no limit)."""
        return self.lever("subsidy_budget", year) * 1e8

    def expected_payout_share(self, year: int) -> float:
        """Share of its claims an agent expects to be paid in ``year``, in [0, 1].

        Last year's claims, at this year's subsidy rates, against this year's budget.
        """
        budget = self.budget(year)
        expected_claims = self.base_claims * self.adaptive_multiplier
        if budget <= 0 or expected_claims <= budget:
            return 1.0
        return budget / expected_claims

    def pay(self, year: int, ledger: SubsidyLedger) -> float:
        """Pay this year's claims within its budget (pro rata); returns the share paid."""
        share = ledger.pay(self.budget(year))
        self.spending[year] = dict(ledger.paid)
        return share

    def settle(self, year: int, ledger: SubsidyLedger, emissions: list[float]) -> None:
        """After the year's payments: remember its claims and set next year's subsidy rates."""
        self.base_claims = ledger.total / self.adaptive_multiplier
        v = self.values
        rising = len(emissions) >= 2 and emissions[-1] > emissions[-2]
        if self.lever("adaptive_incentives", year) and year >= v["adaptive_from_year"] and rising:
            self.adaptive_multiplier = min(self.adaptive_multiplier * (1.0 + v["adaptive_step"]), v["adaptive_cap"])
