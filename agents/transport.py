"""Transport fleets: city buses, taxis and ride-hailing, logistics trucks, inland shipping.

A :class:`RoadFleet` holds one entry per vehicle (electric or not, age, service life);
a fleet of more than 5,000 vehicles (the logistics trucks) is simulated as a sample of
5,000, each standing for an equal share of the real fleet, as households are.
Each year the fleet's size follows its activity (buses and taxis with
``passenger_growth``; trucks with GDP to the power ``freight_gdp_elasticity``, less the
freight shifted to rail and water); vehicles retire when they reach their service life
(the oldest first when the fleet shrinks), and replacements and additions are electric
with probability ``max(mandate, P)``, ``P`` the benefit-cost logit on energy-cost savings
against the annualised premium net of the national purchase support (context; the 2020
premium is quoted after the 2020 support, :mod:`abm.national`) and the city's fleet subsidy.

Each fleet's combustion and electric vehicles are the same vehicle class (a 12 m city bus,
a compact taxi, a heavy truck: the truck fleet counts heavy-truck equivalents), so a
vehicle switched to electricity does the same work. An electric vehicle's use per km is
at the battery; the charger draws ``1 / charging_efficiency`` times as much from the grid,
and that is what the operator pays for and what the accounts count.

:class:`InlandShipping` carries waterway freight, grown with GDP plus the shifted road
freight; shore power replaces the berth share of ships' fuel with electricity. Shifted
freight not going by water goes by electrified rail.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

import mesa
import numpy as np

from abm import national
from abm.context import BASE_YEAR, YearContext, at_year
from abm.decisions import RULES, capital_recovery_factor, service_lives
from abm.energy_use import EnergyUse
from abm.streams import uniform_streams

MAX_SIMULATED_VEHICLES = 5_000  # a larger fleet is simulated as a sample, each vehicle weighted

MANDATES = {
    "city_bus": "bus_electric_share_new",
    "taxi": "taxi_electric_share_new",
    "logistics_truck": "truck_electric_share_new",
}


@dataclass(frozen=True, slots=True)
class FleetSummary:
    """A fleet's energy and activity in one year."""

    energy: EnergyUse
    vehicles: float
    electric: float
    purchases: float
    electric_purchases: float
    converted_tkm: float


class TransportFleet(mesa.Agent, ABC):
    """Base of the transport fleets: a named fleet with yearly energy and activity."""

    fleet: str

    @abstractmethod
    def decide(self, ctx: YearContext) -> None:
        """Take this year's fleet decisions."""

    @abstractmethod
    def summary(self, ctx: YearContext) -> FleetSummary:
        """Energy and activity this year."""


class RoadFleet(TransportFleet):
    """A road fleet (buses, taxis or trucks), one entry per vehicle."""

    def __init__(self, model: mesa.Model, fleet: str):
        super().__init__(model)
        v = model.values
        self.fleet = fleet
        self.vehicles_2020 = v[f"fleet.{fleet}.vehicles_2020"]
        # real vehicles each simulated vehicle stands for (1 for a fleet of at most 5,000)
        self.weight = max(self.vehicles_2020 / MAX_SIMULATED_VEHICLES, 1.0)
        start = int(v["start_year"])
        n = round(self.vehicles_2020 / self.weight * self.start_activity(model, start))
        rng = model.rng
        self.electric = rng.random(n) < at_year(v, f"fleet.{fleet}.electric_share", start)
        self.life = service_lives(rng.random(n), v[f"fleet.{fleet}.lifetime"], v["service_life_spread"])
        self.age = rng.random(n) * self.life
        self.purchases = 0.0  # real vehicles bought this year
        self.electric_purchases = 0.0

    def start_activity(self, model: mesa.Model, start: int) -> float:
        """Fleet activity in the start year relative to 2020 (1 for a 2020 start), as :meth:`activity_factor`."""
        v = model.values
        if self.fleet == "logistics_truck":
            gdp = model.economy.gdp
            return (
                float(gdp[model.economy.index(start)] / gdp[model.economy.index(BASE_YEAR)])
                ** v["freight_gdp_elasticity"]
            )
        return (1.0 + v["passenger_growth"] / 100.0) ** (start - BASE_YEAR)

    def _p(self, ctx: YearContext, name: str) -> float:
        return ctx.values[f"fleet.{self.fleet}.{name}"]

    def fuel_price(self, ctx: YearContext) -> float:
        """Price of the fleet's combustion fuel (yuan/kgce): petrol for taxis, diesel otherwise."""
        v = ctx.values
        if self.fleet == "taxi":
            return v["gasoline_price"] / v["gasoline_kgce_per_litre"]
        return v["fleet_fuel_price"]

    def grid_kwh_per_km(self, ctx: YearContext) -> float:
        """Electricity an electric vehicle of the fleet draws from the grid per km, before efficiency gains (kWh/km)."""
        return self._p(ctx, "electric_energy") / ctx.values["charging_efficiency"]

    def national_support(self, values: Mapping[str, float], year: int) -> float:
        """National purchase subsidy and tax exemption of one electric vehicle of the fleet bought in ``year`` (yuan).

        Buses get the bus subsidy; taxis, compact cars, the car subsidy and the purchase-tax
        exemption; heavy trucks none (assumption: electric heavy trucks were not in the subsidy
        catalogue in practice). The fleet's 2020 premium is quoted after the 2020 support.
        """
        if self.fleet == "city_bus":
            return national.bus_subsidy(values, year)
        if self.fleet == "taxi":
            return national.ev_subsidy(values, year) + national.nev_tax_exemption(values, year)
        return 0.0

    def activity_factor(self, ctx: YearContext) -> float:
        """Fleet activity relative to 2020."""
        v = ctx.values
        if self.fleet == "logistics_truck":
            return ctx.gdp_factor ** v["freight_gdp_elasticity"] * (1.0 - ctx.instruments.freight_shift)
        return (1.0 + v["passenger_growth"] / 100.0) ** ctx.elapsed

    def decide(self, ctx: YearContext) -> None:
        """Retire, replace and add vehicles; choose electric or not for each purchase."""
        v, inst = ctx.values, ctx.instruments
        self.age = self.age + 1.0
        keep = np.flatnonzero(self.age < self.life)
        target = round(self.vehicles_2020 / self.weight * self.activity_factor(ctx))
        if keep.shape[0] > target:  # a shrinking fleet retires its oldest vehicles first
            # the youngest `target` vehicles stay; the index breaks ties between vehicles of one
            # age, so the kept set does not depend on how the partition is computed
            key = self.age[keep] + keep * (1e-9 / max(len(self.age), 1))
            keep = keep[np.argpartition(key, target - 1)[:target]] if target > 0 else keep[:0]
        buys = max(target - keep.shape[0], 0)
        fuel_factor = (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed
        km = self._p(ctx, "km")
        benefit = (
            km
            * fuel_factor
            * (
                self._p(ctx, "fuel_energy") * self.fuel_price(ctx)
                - self.grid_kwh_per_km(ctx) * ctx.tariff(v["fleet_electricity_price"])
            )
        )
        premium = (
            (self._p(ctx, "ev_premium_2020") + self.national_support(ctx.values, BASE_YEAR)) * ctx.ev_premium_factor
            - self.national_support(ctx.values, ctx.year)
            - inst.fleet_ev_subsidy * inst.expected_subsidy_multiplier
        )
        cost = premium * capital_recovery_factor(v["fleet_discount_rate"] / 100.0, self._p(ctx, "lifetime"))
        asc = v["asc.truck_ev"] if self.fleet == "logistics_truck" else v["asc.fleet_ev"]
        p_econ = float(RULES["benefit_cost_logit"](benefit, cost, asc, v["cost_sensitivity"]))
        mandate = getattr(inst, MANDATES[self.fleet])
        # the year's purchases are numbered 0, 1, ...; purchase j draws the same numbers in
        # every run with this seed, however many vehicles were bought before
        purchase = np.arange(buys)
        fleet = f"fleet.{self.fleet}"
        # both draws of each purchase in one pass (row 0: electric or not, row 1: service life)
        electric_draw, life_draw = uniform_streams(
            self.model.seed, [f"{fleet}.electric", f"{fleet}.life"], ctx.year, purchase
        )
        new_electric = electric_draw < max(mandate, p_econ)
        lifetime = self._p(ctx, "lifetime")
        self.electric = np.concatenate([self.electric[keep], new_electric])
        self.age = np.concatenate([self.age[keep], np.zeros(buys)])
        self.life = np.concatenate([self.life[keep], service_lives(life_draw, lifetime, v["service_life_spread"])])
        self.purchases = buys * self.weight
        self.electric_purchases = int(np.count_nonzero(new_electric)) * self.weight
        ctx.ledger.claim("fleet_ev_subsidy", inst.fleet_ev_subsidy * inst.subsidy_multiplier * self.electric_purchases)

    def summary(self, ctx: YearContext) -> FleetSummary:
        """Energy and activity this year."""
        v = ctx.values
        km = self._p(ctx, "km")
        vehicles = float(self.electric.shape[0]) * self.weight
        electric = float(np.count_nonzero(self.electric)) * self.weight
        combustion = vehicles - electric
        efficiency = (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed
        fuel_tce = combustion * km * self._p(ctx, "fuel_energy") * efficiency / 1000.0
        fuel = EnergyUse(gasoline=fuel_tce) if self.fleet == "taxi" else EnergyUse(oil=fuel_tce)
        fuel.electricity = electric * km * self.grid_kwh_per_km(ctx) * efficiency
        load = self._p(ctx, "load")
        vkm = vehicles * km
        converted = vkm * load * (1.0 if self.fleet == "logistics_truck" else v["converted_turnover_passenger_factor"])
        return FleetSummary(
            fuel,
            vehicles,
            electric,
            float(self.purchases),
            float(self.electric_purchases),
            converted,
        )


class InlandShipping(TransportFleet):
    """Inland-waterway freight on the Grand Canal, with shore power; also carries rail freight."""

    def __init__(self, model: mesa.Model):
        super().__init__(model)
        self.fleet = "inland_shipping"

    def decide(self, ctx: YearContext) -> None:
        """Shipping follows activity and the shore-power schedule; no individual choice."""

    def summary(self, ctx: YearContext) -> FleetSummary:
        """Energy and activity this year."""
        v = ctx.values
        shift = ctx.instruments.freight_shift
        truck_tkm = (
            v["fleet.logistics_truck.vehicles_2020"] * v["fleet.logistics_truck.km"] * v["fleet.logistics_truck.load"]
        )
        road_tkm = truck_tkm * ctx.gdp_factor ** v["freight_gdp_elasticity"]
        shifted = road_tkm * shift
        water_tkm = (
            v["shipping_tkm_2020"] * 1e8 * ctx.gdp_factor ** v["freight_gdp_elasticity"]
            + shifted * v["freight_shift_water_share"]
        )
        rail_tkm = shifted * (1.0 - v["freight_shift_water_share"])
        fuel = water_tkm * v["shipping_energy"] * (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed / 1000.0
        shore = fuel * v["berth_energy_share"] * ctx.instruments.shore_power
        energy = EnergyUse(
            oil=fuel - shore,
            electricity=shore * v["kwh_per_tce"] * v["ship_engine_efficiency"] + rail_tkm * v["rail_energy"],
        )
        return FleetSummary(energy, 0.0, 0.0, 0.0, 0.0, water_tkm + rail_tkm)
