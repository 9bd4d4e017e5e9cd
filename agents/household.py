"""Households: blocks of simulated households that buy cars, install PV, electrify, retrofit, sort waste.

A :class:`HouseholdBlock` is one Mesa agent per county and urban/rural stratum; its
households' state lives in the shared :class:`abm.population.HouseholdTable`. Each year
every household in the block decides, on the state at the start of the year:

1. car: replace it when it reaches its service life, or buy a first car as ownership
   rises; an electric car is chosen with the benefit-cost logit (fuel savings
   against the annualised premium net of tax exemption and subsidy), times the chance of
   being able to charge (home charger, or enough public chargers);
2. rooftop PV: Bass hazard with neighbours' adoption, times the logit on PV's yearly
   bill savings against its annualised cost; the whole-county programme multiplies the
   innovation coefficient and, as it brings third-party owners who lease roofs, values
   the system at firms' median hurdle rate when that is lower than the household's;
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
from abm.decisions import RULES, capital_recovery_factor, neighbourhood_share, service_lives
from abm.energy_system import self_consumed_share
from abm.energy_use import EnergyUse
from abm.population import HouseholdTable

Array = NDArray[np.float64]
_ALL = slice(None)


@dataclass(frozen=True, slots=True)
class HouseholdDemand:
    """Per-household energy needs in a year (kWh and tce per household)."""

    electricity: Array
    fuel: Array
    appliance: Array
    conditioning_factor: Array
    size_factor: Array


def household_demand(h: HouseholdTable, ctx: YearContext, rows: NDArray[np.intp] | slice = _ALL) -> HouseholdDemand:
    """Electricity (kWh) and cooking/heating fuel (tce) each household (of ``rows``) needs this year."""
    v = ctx.values
    size = h.size[rows].astype(np.float64)
    urban = h.urban[rows]
    size_factor = np.sqrt(size / v["household_size_2020"])
    appliance = (
        v["household_electricity_2020"]
        * ctx.income_factor ** v["electricity_income_elasticity"]
        * (1.0 - v["appliance_efficiency_gain"] / 100.0) ** ctx.elapsed
        * size_factor
    )
    conditioning = (1.0 - h.building_saving[rows].astype(np.float64) / 100.0) / (
        1.0 - v["stock_building_saving"] / 100.0
    )
    conditioning = conditioning * np.where(h.retrofitted[rows], 1.0 - v["home_retrofit_saving"], 1.0)
    share = v["conditioning_share"]
    use_factor = (1.0 - share) + share * conditioning
    fuel = np.where(urban, v["household_fuel_urban"], v["household_fuel_rural"]) * size_factor * use_factor
    electricity = appliance * use_factor
    electrified = h.electrified[rows]
    electrified_kwh = fuel * v["kwh_per_tce"] * v["household_fuel_efficiency"] / v["heat_pump_cop"]
    electricity = np.where(electrified, electricity + electrified_kwh, electricity)
    fuel = np.where(electrified, 0.0, fuel)
    return HouseholdDemand(electricity, fuel, appliance, conditioning, size_factor)


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
        self._crf: dict[float, Array] = {}

    def _annuity(self, hurdle: NDArray[np.float32], lifetime: float, idx: NDArray[np.intp]) -> Array:
        """Capital recovery factors of the households ``idx`` at their own hurdle rates (cached)."""
        if lifetime not in self._crf:
            self._crf[lifetime] = capital_recovery_factor(hurdle.astype(np.float64), lifetime)
        return self._crf[lifetime][idx]

    def decide(self, ctx: YearContext) -> None:
        """Take this year's decisions for every household of the block (synchronous update).

        Where a choice has two stages (the choice comes up, then it is taken), the second
        stage is evaluated only for the households the first stage drew: the same
        probability, at a fraction of the work.
        """
        h = self.table.rows(self.rows)
        v, inst, rng = ctx.values, ctx.instruments, self.model.rng
        n = len(h)
        logit = RULES["benefit_cost_logit"]
        bass = RULES["bass_hazard"]
        beta = v["cost_sensitivity"]
        mult = inst.subsidy_multiplier
        tariff = ctx.tariff(v["residential_tariff"])
        fuel_price = v["household_fuel_price"]

        def drawn(candidates: NDArray[np.bool_], probability: Array | float) -> NDArray[np.intp]:
            """Indices of candidates whose uniform draw falls below their probability."""
            idx = np.flatnonzero(candidates)
            p = probability[idx] if isinstance(probability, np.ndarray) else probability
            return idx[rng.random(idx.shape[0]) < p]

        def peers(adopted: NDArray[np.bool_]) -> Array:
            return neighbourhood_share(h.neighbourhood, adopted, self.neighbourhoods)

        # 1. cars: replacement or a first car, then electric or not
        replacing = h.has_car & (h.car_age + 1.0 >= h.car_life)
        target = np.interp(ctx.year, [2020, 2060], [v["cars_per_household_2020"], v["cars_per_household_2060"]])
        without = ~h.has_car
        pull = np.where(without, h.income.astype(np.float64), 0.0)
        needed = max(target * n - float(np.count_nonzero(h.has_car)), 0.0)
        first_car = without & (rng.random(n) < np.minimum(needed * pull / max(pull.sum(), 1e-9), 1.0))
        buyers = np.flatnonzero(replacing | first_car)
        year = ctx.year
        tax_share = 1.0 if year <= v["nev_tax_full_until"] else 0.5 if year <= v["nev_tax_half_until"] else 0.0
        tax = v["nev_tax_exemption"] * tax_share
        premium = v["ev_price_premium_2020"] * ctx.ev_premium_factor
        fuel_factor = (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed
        ev_benefit = v["car_km"] * fuel_factor * (v["ice_fuel_cost_per_km"] - v["ev_fuel_cost_per_km"])
        ev_cost = (premium - tax - inst.ev_subsidy * mult) * self._annuity(h.hurdle, v["car_lifetime"], buyers)
        charging = np.where(h.home_charging[buyers], 1.0, ctx.public_charging_access)
        p_ev = logit(ev_benefit, ev_cost, v["asc.ev"], beta) * charging
        ev_buyers = buyers[rng.random(buyers.shape[0]) < p_ev]

        # 2. rooftop PV: Bass hazard (neighbours), then the economics
        p_innovate = v["bass_p"] * (v["rooftop_programme_p_multiplier"] if inst.rooftop_pv_programme else 1.0)
        pv_candidates = drawn((h.roof_kw > 0) & (h.pv_kw <= 0), bass(p_innovate, v["bass_q"], peers(h.pv_kw > 0)))
        roof_kw = h.roof_kw[pv_candidates].astype(np.float64)
        roof_gen = roof_kw * v["pv_full_load_hours"]
        demand = household_demand(h, ctx, pv_candidates)
        no_storage = np.zeros(pv_candidates.shape[0], dtype=bool)
        sc = self_consumed_share(ctx.self_consumption["residential"], roof_gen / demand.electricity, no_storage)
        pv_benefit = roof_gen * (sc * tariff + (1.0 - sc) * v["pv_export_price"])
        pv_annuity = self._annuity(h.hurdle, v["pv_lifetime"], pv_candidates)
        if inst.rooftop_pv_programme:  # third-party owners finance the roof at firms' hurdle rate
            pv_annuity = np.minimum(pv_annuity, ctx.enterprise_pv_annuity)
        pv_cost = roof_kw * ((ctx.pv_price - inst.pv_subsidy * mult) * pv_annuity + v["pv_om_cost"])
        p_pv = logit(pv_benefit, pv_cost, v["asc.household_pv"], beta)
        pv_adopters = pv_candidates[rng.random(pv_candidates.shape[0]) < p_pv]

        # 3. electrified heat and cooking, when the appliance is replaced
        hp_candidates = drawn(~h.electrified, 1.0 / v["appliance_lifetime"])
        demand = household_demand(h, ctx, hp_candidates)
        added_kwh = demand.fuel * v["kwh_per_tce"] * v["household_fuel_efficiency"] / v["heat_pump_cop"]
        hp_benefit = demand.fuel * fuel_price - added_kwh * tariff
        hp_annuity = self._annuity(h.hurdle, v["appliance_lifetime"], hp_candidates)
        hp_cost = (v["heat_pump_cost"] - inst.heat_pump_subsidy * mult) * hp_annuity
        p_hp = logit(hp_benefit, hp_cost, v["asc.heat_pump"], beta)
        electrifiers = hp_candidates[rng.random(hp_candidates.shape[0]) < p_hp]

        # 4. home retrofit: Bass hazard, then energy saved against cost
        retrofit_candidates = drawn(~h.retrofitted, bass(v["bass_p"], v["bass_q"], peers(h.retrofitted)))
        demand = household_demand(h, ctx, retrofit_candidates)
        urban = h.urban[retrofit_candidates]
        share = v["conditioning_share"]
        conditioning_kwh = demand.appliance * share * demand.conditioning_factor
        base_fuel = np.where(urban, v["household_fuel_urban"], v["household_fuel_rural"])
        conditioning_fuel = base_fuel * demand.size_factor * share * demand.conditioning_factor
        electrified = h.electrified[retrofit_candidates]
        conditioning_cost = conditioning_kwh * tariff + np.where(electrified, 0.0, conditioning_fuel * fuel_price)
        area = np.where(urban, v["floor_area_urban"], v["floor_area_rural"])
        retrofit_annuity = self._annuity(h.hurdle, v["home_retrofit_lifetime"], retrofit_candidates)
        retrofit_cost = (v["home_retrofit_cost"] - inst.retrofit_subsidy * mult) * area * retrofit_annuity
        p_retrofit = logit(v["home_retrofit_saving"] * conditioning_cost, retrofit_cost, v["asc.home_retrofit"], beta)
        retrofit_draw = rng.random(retrofit_candidates.shape[0]) < p_retrofit
        retrofitters, retrofit_area = retrofit_candidates[retrofit_draw], area[retrofit_draw]

        # 5. waste sorting: Bass hazard, then green points against the effort
        p_sort = float(logit(inst.green_points * mult, v["sorting_effort_cost"], v["asc.waste_sorting"], beta))
        sort_candidates = drawn(~h.sorting, bass(v["bass_p"], v["bass_q"], peers(h.sorting)))
        sorters = sort_candidates[rng.random(sort_candidates.shape[0]) < p_sort]

        # 6. moves into new dwellings
        movers = np.flatnonzero(rng.random(n) < v["dwelling_renewal_rate"] / 100.0)

        # apply all updates
        weight = h.weight
        self.car_purchases = float(weight[buyers].sum())
        self.ev_purchases = float(weight[ev_buyers].sum())
        h.ev[buyers] = False
        h.ev[ev_buyers] = True
        h.has_car[buyers] = True
        h.car_age[h.has_car] += 1.0
        h.car_age[buyers] = 0.0
        h.car_life[buyers] = service_lives(rng, buyers.shape[0], v["car_lifetime"], v["service_life_spread"])
        h.pv_kw[pv_adopters] = h.roof_kw[pv_adopters]
        h.electrified[electrifiers] = True
        h.retrofitted[retrofitters] = True
        h.sorting[sorters] = True
        h.building_saving[movers] = inst.new_building_saving
        h.retrofitted[movers] = False

        ledger = ctx.ledger
        ledger.claim("ev_subsidy", inst.ev_subsidy * mult * self.ev_purchases)
        ledger.claim("pv_subsidy", inst.pv_subsidy * mult * float((h.roof_kw[pv_adopters] * weight[pv_adopters]).sum()))
        ledger.claim("heat_pump_subsidy", inst.heat_pump_subsidy * mult * float(weight[electrifiers].sum()))
        ledger.claim(
            "retrofit_subsidy", inst.retrofit_subsidy * mult * float((retrofit_area * weight[retrofitters]).sum())
        )
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
    recycling_co2_avoided_t: float
    waste_t: float
    persons: float


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
    efficiency = (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed
    ice_energy = v["ice_car_energy"] * efficiency
    ice = h.has_car & ~h.ev
    ev = h.has_car & h.ev
    cars = EnergyUse(
        gasoline=float(w[ice].sum() * km * ice_energy / 1000.0),
        electricity=float(w[ev].sum() * km * v["ev_car_energy"] * efficiency),
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
        recycling_co2_avoided_t=float(w[h.sorting].sum() * v["sorted_recyclables"] * v["recycling_co2_saving"]),
        waste_t=float(persons.sum() * v["msw_per_person"]),
        persons=float(persons.sum()),
    )
