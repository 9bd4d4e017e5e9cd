"""Households: blocks of simulated households that buy cars, install PV, electrify, retrofit, sort waste.

A :class:`HouseholdBlock` is one Mesa agent per county and urban/rural stratum; its
households' state lives in the shared :class:`abm.population.HouseholdTable`. Each year
every household in the block decides, on the state at the start of the year:

1. car: replace at the end of its life (hazard ``1 / car_lifetime``) or buy a first car as
   ownership rises; an electric car is chosen with the benefit-cost logit (fuel savings
   against the annualised premium net of tax exemption and subsidy), times the chance of
   being able to charge (home charger, or enough public chargers);
2. rooftop PV: Bass hazard with neighbours' adoption, times the logit on PV's yearly
   bill savings against its annualised cost; the whole-county programme multiplies the
   innovation coefficient;
3. heat and cooking electrification when the appliance is replaced;
4. home retrofit: Bass hazard times the logit on energy saved against cost;
5. waste sorting: Bass hazard times the logit on green points against the effort;
6. moving into a new dwelling built to the building standard in force.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np
from numpy.typing import NDArray

from abm.context import YearContext
from abm.decisions import RULES, capital_recovery_factor, draw_adoption, neighbourhood_share
from abm.energy_system import self_consumed_share
from abm.energy_use import EnergyUse
from abm.population import HouseholdTable

Array = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class HouseholdDemand:
    """Per-household energy needs in a year (kWh and tce per household)."""

    electricity: Array
    fuel: Array
    appliance: Array
    conditioning_factor: Array


def household_demand(h: HouseholdTable, ctx: YearContext) -> HouseholdDemand:
    """Electricity (kWh) and cooking/heating fuel (tce) each household needs this year."""
    v = ctx.values
    size_factor = np.sqrt(h.size.astype(np.float64) / v["household_size_2020"])
    appliance = (
        v["household_electricity_2020"]
        * ctx.income_factor ** v["electricity_income_elasticity"]
        * (1.0 - v["appliance_efficiency_gain"] / 100.0) ** ctx.elapsed
        * size_factor
    )
    conditioning = (1.0 - h.building_saving.astype(np.float64) / 100.0) / (1.0 - v["stock_building_saving"] / 100.0)
    conditioning = conditioning * np.where(h.retrofitted, 1.0 - v["home_retrofit_saving"], 1.0)
    share = v["conditioning_share"]
    use_factor = (1.0 - share) + share * conditioning
    fuel = np.where(h.urban, v["household_fuel_urban"], v["household_fuel_rural"]) * size_factor * use_factor
    electricity = appliance * use_factor
    electrified_kwh = fuel * v["kwh_per_tce"] * v["household_fuel_efficiency"] / v["heat_pump_cop"]
    electricity = np.where(h.electrified, electricity + electrified_kwh, electricity)
    fuel = np.where(h.electrified, 0.0, fuel)
    return HouseholdDemand(electricity, fuel, appliance, conditioning)


class HouseholdBlock(mesa.Agent):
    """All simulated households of one county and urban/rural stratum."""

    def __init__(
        self, model: mesa.Model, table: HouseholdTable, county: int, urban: bool, rows: slice, neighbourhoods: int
    ):
        super().__init__(model)
        self.table = table
        self.county = county
        self.urban = urban
        self.rows = rows
        self.neighbourhoods = neighbourhoods
        self.car_purchases = 0.0
        self.ev_purchases = 0.0

    def decide(self, ctx: YearContext) -> None:
        """Take this year's decisions for every household of the block (synchronous update)."""
        h = self.table.rows(self.rows)
        v, inst, rng = ctx.values, ctx.instruments, self.model.rng
        n = len(h)
        logit = RULES["benefit_cost_logit"]
        bass = RULES["bass_hazard"]
        beta, cap = v["cost_sensitivity"], v["benefit_cost_cap"]
        mult = inst.subsidy_multiplier
        hurdle = h.hurdle.astype(np.float64)
        demand = household_demand(h, ctx)
        tariff = ctx.tariff_with_carbon(v["residential_tariff"])

        # peers: neighbourhood adoption at the start of the year
        pv_peer = neighbourhood_share(h.neighbourhood, h.pv_kw > 0, self.neighbourhoods)
        retrofit_peer = neighbourhood_share(h.neighbourhood, h.retrofitted, self.neighbourhoods)
        sorting_peer = neighbourhood_share(h.neighbourhood, h.sorting, self.neighbourhoods)

        # 1. cars
        replacing = h.has_car & (rng.random(n) < 1.0 / v["car_lifetime"])
        target = np.interp(ctx.year, [2020, 2060], [v["cars_per_household_2020"], v["cars_per_household_2060"]])
        owners = float(np.count_nonzero(h.has_car))
        without = ~h.has_car
        pull = h.income.astype(np.float64) * without
        needed = max(target * n - owners, 0.0)
        first_car = without & (rng.random(n) < np.minimum(needed * pull / max(pull.sum(), 1e-9), 1.0))
        buying = replacing | first_car
        year = ctx.year
        tax = v["nev_tax_exemption"] * (1.0 if year <= 2025 else 0.5 if year <= 2027 else 0.0)
        premium = v["ev_price_premium_2020"] * ctx.ev_premium_factor
        fuel_factor = (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed
        ev_benefit = v["car_km"] * (v["ice_fuel_cost_per_km"] * fuel_factor - v["ev_fuel_cost_per_km"])
        ev_cost = (premium - tax - inst.ev_subsidy * mult) * capital_recovery_factor(hurdle, v["car_lifetime"])
        charging = np.where(h.home_charging, 1.0, ctx.public_charging_access)
        p_ev = logit(ev_benefit, ev_cost, v["asc.ev"], beta, cap) * charging
        chooses_ev = buying & (rng.random(n) < p_ev)

        # 2. rooftop PV
        roof_gen = h.roof_kw.astype(np.float64) * v["pv_full_load_hours"]
        sc = self_consumed_share(
            ctx.self_consumption["residential"], roof_gen / demand.electricity, np.zeros(n, dtype=bool)
        )
        pv_benefit = roof_gen * (sc * tariff + (1.0 - sc) * v["pv_export_price"])
        pv_cost = h.roof_kw * (
            (ctx.pv_price - inst.pv_subsidy * mult) * capital_recovery_factor(hurdle, v["pv_lifetime"])
            + v["pv_om_cost"]
        )
        p_innovate = v["bass_p"] * (v["rooftop_programme_p_multiplier"] if inst.rooftop_pv_programme else 1.0)
        pv_hazard = bass(p_innovate, v["bass_q"], pv_peer) * logit(
            pv_benefit, pv_cost, v["asc.household_pv"], beta, cap
        )
        adopts_pv = draw_adoption(rng, (h.roof_kw > 0) & (h.pv_kw <= 0), pv_hazard)

        # 3. electrified heat and cooking, at appliance replacement
        fuel_price = v["household_fuel_price"]
        added_kwh = demand.fuel * v["kwh_per_tce"] * v["household_fuel_efficiency"] / v["heat_pump_cop"]
        hp_benefit = demand.fuel * fuel_price - added_kwh * tariff
        hp_cost = (v["heat_pump_cost"] - inst.heat_pump_subsidy * mult) * capital_recovery_factor(
            hurdle, v["appliance_lifetime"]
        )
        replacing_appliance = rng.random(n) < 1.0 / v["appliance_lifetime"]
        p_hp = logit(hp_benefit, hp_cost, v["asc.heat_pump"], beta, cap)
        electrifies = draw_adoption(rng, ~h.electrified & replacing_appliance, p_hp)

        # 4. home retrofit
        area = np.where(h.urban, v["floor_area_urban"], v["floor_area_rural"])
        share = v["conditioning_share"]
        conditioning_kwh = demand.appliance * share * demand.conditioning_factor
        conditioning_fuel = (
            np.where(h.urban, v["household_fuel_urban"], v["household_fuel_rural"]) * share * demand.conditioning_factor
        )
        conditioning_cost = conditioning_kwh * tariff + np.where(h.electrified, 0.0, conditioning_fuel * fuel_price)
        retrofit_benefit = v["home_retrofit_saving"] * conditioning_cost
        retrofit_cost = (
            (v["home_retrofit_cost"] - inst.retrofit_subsidy * mult)
            * area
            * capital_recovery_factor(hurdle, v["home_retrofit_lifetime"])
        )
        retrofit_hazard = bass(v["bass_p"], v["bass_q"], retrofit_peer) * logit(
            retrofit_benefit, retrofit_cost, v["asc.home_retrofit"], beta, cap
        )
        retrofits = draw_adoption(rng, ~h.retrofitted, retrofit_hazard)

        # 5. waste sorting with green points
        sorting_hazard = bass(v["bass_p"], v["bass_q"], sorting_peer) * logit(
            inst.green_points * mult, v["sorting_effort_cost"], v["asc.waste_sorting"], beta, cap
        )
        starts_sorting = draw_adoption(rng, ~h.sorting, sorting_hazard)

        # 6. moves into new dwellings
        moves = rng.random(n) < v["dwelling_renewal_rate"] / 100.0

        # apply all updates
        weight = h.weight
        self.car_purchases = float(weight[buying].sum())
        self.ev_purchases = float(weight[chooses_ev].sum())
        h.ev[buying] = chooses_ev[buying]
        h.has_car[first_car] = True
        h.pv_kw[adopts_pv] = h.roof_kw[adopts_pv]
        h.electrified[electrifies] = True
        h.retrofitted[retrofits] = True
        h.sorting[starts_sorting] = True
        h.building_saving[moves] = inst.new_building_saving
        h.retrofitted[moves] = False

        ledger = ctx.ledger
        ledger.claim("ev_subsidy", inst.ev_subsidy * mult * self.ev_purchases)
        ledger.claim("pv_subsidy", inst.pv_subsidy * mult * float((h.roof_kw * weight)[adopts_pv].sum()))
        ledger.claim("heat_pump_subsidy", inst.heat_pump_subsidy * mult * float(weight[electrifies].sum()))
        ledger.claim("retrofit_subsidy", inst.retrofit_subsidy * mult * float((area * weight)[retrofits].sum()))
        ledger.claim("green_points", inst.green_points * mult * float(weight[h.sorting].sum()))


@dataclass(frozen=True, slots=True)
class HouseholdSummary:
    """City totals of household energy and adoption in one year."""

    residential: EnergyUse
    cars: EnergyUse
    pv_kw: float
    pv_exported_kwh: float
    households: float
    roof_households: float
    pv_households: float
    cars_total: float
    evs: float
    evs_without_home_charging: float
    electrified: float
    retrofitted: float
    sorting: float
    recyclables_t: float
    waste_t: float


def household_energy(h: HouseholdTable, ctx: YearContext) -> HouseholdSummary:
    """Energy use and adoption of all households this year (weighted to real households)."""
    v = ctx.values
    w = h.weight
    demand = household_demand(h, ctx)
    gen = h.pv_kw.astype(np.float64) * v["pv_full_load_hours"]
    has_pv = h.pv_kw > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(demand.electricity > 0, gen / demand.electricity, 0.0)
    sc = np.where(
        has_pv, self_consumed_share(ctx.self_consumption["residential"], ratio, np.zeros(len(h), dtype=bool)), 0.0
    )
    own = gen * sc
    fuel = demand.fuel * w
    urban = h.urban
    coal_share = v["rural_coal_share"]
    residential = EnergyUse(
        gas=float(fuel[urban].sum()),
        coal=float(fuel[~urban].sum() * coal_share),
        lpg=float(fuel[~urban].sum() * (1.0 - coal_share)),
        electricity=float((demand.electricity * w).sum()),
        own_pv=float((own * w).sum()),
    )
    km = v["car_km"]
    ice_energy = v["ice_car_energy"] * (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed
    ice = h.has_car & ~h.ev
    ev = h.has_car & h.ev
    cars = EnergyUse(
        gasoline=float(w[ice].sum() * km * ice_energy / 1000.0),
        electricity=float(w[ev].sum() * km * v["ev_car_energy"]),
    )
    persons = h.size.astype(np.float64) * w
    return HouseholdSummary(
        residential=residential,
        cars=cars,
        pv_kw=float((h.pv_kw * w).sum()),
        pv_exported_kwh=float(((gen - own) * w).sum()),
        households=float(w.sum()),
        roof_households=float(w[h.roof_kw > 0].sum()),
        pv_households=float(w[has_pv].sum()),
        cars_total=float(w[h.has_car].sum()),
        evs=float(w[ev].sum()),
        evs_without_home_charging=float(w[ev & ~h.home_charging].sum()),
        electrified=float(w[h.electrified].sum()),
        retrofitted=float(w[h.retrofitted].sum()),
        sorting=float(w[h.sorting].sum()),
        recyclables_t=float(w[h.sorting].sum() * v["sorted_recyclables"]),
        waste_t=float(persons.sum() * v["msw_per_person"]),
    )
