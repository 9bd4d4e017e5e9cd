"""Households: blocks of simulated households that buy cars, install PV, electrify, retrofit, sort waste.

A :class:`HouseholdBlock` is one Mesa agent standing for many households (by default all
of them); their state lives in the shared :class:`abm.population.HouseholdTable`. Each
year every household in the block decides, on the state at the start of the year:

1. car: replace it when it reaches its service life, or buy a first car as ownership
   rises towards its target in the household's county and urban/rural stratum (the
   first cars go to car-less households with probability proportional to income); an electric car is chosen with the benefit-cost logit (fuel savings
   against the annualised premium net of the national purchase-tax exemption and purchase
   subsidy and the city's subsidy), times the chance of
   being able to charge (home charger, or enough public chargers); the savings are the
   running costs of one mid-size car, petrol or electric, from the same energy use per km
   that the accounts count (:func:`car_running_costs`);
2. rooftop PV: Bass hazard with neighbours' adoption, times the logit on PV's yearly
   bill savings (plus the national subsidy on output, to 2021) against its annualised cost. The whole-county (整县) programme runs in the
   plan's pilot counties (:data:`PILOT_COUNTIES`): there the developers' roll-out
   multiplies the innovation coefficient, and a household may lease its roof to a
   developer who finances the system at firms' median hurdle rate; it takes the better of
   owning and leasing, so the programme never lowers any household's chance to adopt;
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

from abm import national
from abm.context import YearContext
from abm.decisions import RULES, capital_recovery_factor, neighbourhood_shares, service_lives
from abm.energy_system import self_consumed_share
from abm.energy_use import EnergyUse
from abm.population import COUNTIES, HouseholdTable
from abm.streams import uniform

Array = NDArray[np.float64]

# counties where the plan runs whole-county rooftop PV pilots: (一)1 names 宿城区, (三)4 names
# 沭阳县, 泗阳县 and 泗洪县; 宿豫区 is not named
PILOT_COUNTIES = ("sucheng", "shuyang", "siyang", "sihong")


def car_running_costs(ctx: YearContext) -> tuple[float, float]:
    """Energy cost per km of a mid-size petrol car and of the same car electric (yuan/km, before efficiency gains).

    Both come from the energy use per km the accounts count: petrol at the pump price, and
    the electricity the charger draws (``ev_car_energy / charging_efficiency``) at the
    charging price, which follows electricity tariffs.
    """
    v = ctx.values
    petrol = v["ice_car_energy"] / v["gasoline_kgce_per_litre"] * v["gasoline_price"]
    electric = v["ev_car_energy"] / v["charging_efficiency"] * ctx.tariff(v["car_charging_price"])
    return petrol, electric


@dataclass(frozen=True, slots=True)
class HouseholdDemand:
    """Per-household energy needs in a year (kWh and tce per household)."""

    electricity: Array
    fuel: Array
    appliance: Array
    conditioning_factor: Array
    size_factor: Array


def household_demand(h: HouseholdTable, ctx: YearContext, rows: NDArray[np.intp]) -> HouseholdDemand:
    """Electricity (kWh) and cooking/heating fuel (tce) the households ``rows`` each need this year."""
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


class HouseholdRules:
    """The decision rules run over contiguous rows of the household table, whole strata at a time.

    The rows may hold one county's households or the whole city's: the counter-based draws
    are indexed by household row and no neighbourhood or stratum crosses a county, so the
    same households take the same decisions either way. The model runs them once over the
    whole city (a call costs about 1 ms before any household is counted); a
    :class:`HouseholdBlock` runs them over its own rows when it is asked to decide alone.
    """

    def __init__(self, model: mesa.Model, table: HouseholdTable, rows: slice):
        self.model = model
        self.table = table
        self.rows = rows
        ids = table.neighbourhood[rows]
        self._first_group = int(ids.min()) if ids.size else 0
        self.neighbourhood = (ids - self._first_group).astype(np.int32)  # numbered within the block
        self.neighbourhoods = int(self.neighbourhood.max()) + 1 if ids.size else 0
        self._members = np.bincount(self.neighbourhood, minlength=self.neighbourhoods)
        pilot_ids = [COUNTIES.index(c) for c in PILOT_COUNTIES]
        self.pilot = np.isin(table.county[rows], pilot_ids)  # households in a whole-county pilot
        pilot_members = np.bincount(self.neighbourhood, weights=self.pilot, minlength=self.neighbourhoods)
        self._pilot_neighbourhood = pilot_members > 0  # a neighbourhood lies within one county
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
        v, inst = ctx.values, ctx.instruments
        seed, year, first_row = self.model.seed, ctx.year, self.rows.start or 0
        n = len(h)
        logit = RULES["benefit_cost_logit"]
        bass = RULES["bass_hazard"]
        beta = v["cost_sensitivity"]
        mult = inst.expected_subsidy_multiplier  # what a household counts on being paid
        tariff = ctx.tariff(v["residential_tariff"])
        fuel_price = v["household_fuel_price"]

        def draw(purpose: str, idx: NDArray[np.intp], dtype: type = np.float64) -> Array:
            """This year's uniform draws for ``purpose`` of the households ``idx`` (rows of the block).

            Each household's draw is its own (common random numbers, :mod:`abm.streams`).
            """
            return uniform(seed, f"household.{purpose}", year, idx + first_row if first_row else idx, dtype)

        def drawn(purpose: str, candidates: NDArray[np.bool_], probability: Array | float) -> NDArray[np.intp]:
            """Indices of candidates whose uniform draw falls below their probability."""
            idx = np.flatnonzero(candidates)
            p = probability[idx] if isinstance(probability, np.ndarray) else probability
            return idx[draw(purpose, idx, np.float32) < p]

        def diffusing(
            purpose: str, candidates: NDArray[np.bool_], adopted: NDArray[np.bool_], p: float | Array
        ) -> NDArray[np.intp]:
            """Candidates (non-adopters) drawn by the Bass hazard ``p + q * (neighbours' adopted share)``.

            A non-adopter's share depends only on its neighbourhood, so the hazard is
            computed once per neighbourhood; ``p`` is one number or one per neighbourhood.
            """
            idx = np.flatnonzero(candidates)
            share = neighbourhood_shares(self.neighbourhood, adopted, self.neighbourhoods, self._members)
            hazard = bass(p, v["bass_q"], share)[self.neighbourhood[idx]]
            return idx[draw(purpose, idx, np.float32) < hazard]

        # 1. cars: replacement or a first car, then electric or not
        replacing = h.has_car & (h.car_age + 1.0 >= h.car_life)
        target = np.interp(
            ctx.year,
            [2015, 2020, 2060],
            [v["cars_per_household_2015"], v["cars_per_household_2020"], v["cars_per_household_2060"]],
        )
        carless = np.flatnonzero(~h.has_car)
        pull = h.income[carless].astype(np.float64)
        # strata are read every year: households that moved to town count in their urban stratum
        strata = 2 * len(COUNTIES)
        all_strata = h.stratum
        households = np.bincount(all_strata, minlength=strata)
        owners = households - np.bincount(all_strata[carless], minlength=strata)
        needed = np.maximum(target * households - owners, 0.0)  # first cars wanted in each stratum
        pull_total = np.bincount(all_strata[carless], weights=pull, minlength=strata)
        stratum = all_strata[carless]
        chance = np.minimum(needed[stratum] * pull / np.maximum(pull_total[stratum], 1e-9), 1.0)
        first_car = carless[draw("first_car", carless, np.float32) < chance]
        buyers = np.concatenate([np.flatnonzero(replacing), first_car])  # disjoint: owners and car-less
        tax = inst.nev_tax_exemption  # national context, as the central purchase subsidy
        premium = national.ev_sticker_premium_2020(v) * ctx.ev_premium_factor  # before the central subsidy
        fuel_factor = (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed
        petrol_running, ev_running = car_running_costs(ctx)
        ev_benefit = v["car_km"] * fuel_factor * (petrol_running - ev_running)
        net_premium = premium - tax - inst.national_ev_subsidy - inst.ev_subsidy * mult
        ev_cost = net_premium * self._annuity(h.hurdle, v["car_lifetime"], buyers)
        charging = np.where(h.home_charging[buyers], 1.0, ctx.public_charging_access)
        p_ev = logit(ev_benefit, ev_cost, v["asc.ev"], beta) * charging
        ev_buyers = buyers[draw("ev_choice", buyers) < p_ev]

        # 2. rooftop PV: Bass hazard (neighbours), then the economics; the whole-county programme
        # raises the innovation coefficient of its pilot counties' neighbourhoods
        programme = inst.rooftop_pv_programme
        p_innovate: float | Array = v["bass_p"]
        if programme:
            boost = max(v["rooftop_programme_p_multiplier"], 1.0)
            p_innovate = np.where(self._pilot_neighbourhood, v["bass_p"] * boost, v["bass_p"])
        pv_candidates = diffusing("pv_opportunity", (h.roof_kw > 0) & (h.pv_kw <= 0), h.pv_kw > 0, p_innovate)
        roof_kw = h.roof_kw[pv_candidates].astype(np.float64)
        roof_gen = roof_kw * v["pv_full_load_hours"]
        demand = household_demand(h, ctx, pv_candidates)
        no_storage = np.zeros(pv_candidates.shape[0], dtype=bool)
        sc = self_consumed_share(ctx.self_consumption["residential"], roof_gen / demand.electricity, no_storage)
        pv_benefit = roof_gen * (sc * tariff + (1.0 - sc) * v["pv_export_price"])
        pv_annuity = self._annuity(h.hurdle, v["pv_lifetime"], pv_candidates)
        if inst.national_pv_subsidy_household > 0:
            # the national subsidy on all output for its years, annualised over the system's life
            years = self._annuity(h.hurdle, v["national_pv_subsidy_years"], pv_candidates)
            pv_benefit = pv_benefit + roof_gen * inst.national_pv_subsidy_household * pv_annuity / years
        if programme:
            # a pilot household may lease its roof: a developer finances the system at firms'
            # median hurdle rate and charges its annuity; the household takes the cheaper of
            # owning and leasing (same savings), so its chance to adopt never falls
            leased = np.minimum(pv_annuity, ctx.enterprise_pv_annuity)
            pv_annuity = np.where(self.pilot[pv_candidates], leased, pv_annuity)
        pv_cost = roof_kw * ((ctx.pv_price - inst.pv_subsidy * mult) * pv_annuity + v["pv_om_cost"])
        p_pv = logit(pv_benefit, pv_cost, v["asc.household_pv"], beta)
        pv_adopters = pv_candidates[draw("pv_choice", pv_candidates) < p_pv]

        # 3. electrified heat and cooking, when the appliance is replaced
        hp_candidates = drawn("heat_opportunity", ~h.electrified, 1.0 / v["appliance_lifetime"])
        demand = household_demand(h, ctx, hp_candidates)
        added_kwh = demand.fuel * v["kwh_per_tce"] * v["household_fuel_efficiency"] / v["heat_pump_cop"]
        hp_benefit = demand.fuel * fuel_price - added_kwh * tariff
        hp_annuity = self._annuity(h.hurdle, v["appliance_lifetime"], hp_candidates)
        hp_cost = (v["heat_pump_cost"] - inst.heat_pump_subsidy * mult) * hp_annuity
        p_hp = logit(hp_benefit, hp_cost, v["asc.heat_pump"], beta)
        electrifiers = hp_candidates[draw("heat_choice", hp_candidates) < p_hp]

        # 4. home retrofit: Bass hazard, then energy saved against cost
        retrofit_candidates = diffusing("retrofit_opportunity", ~h.retrofitted, h.retrofitted, v["bass_p"])
        demand = household_demand(h, ctx, retrofit_candidates)
        urban = h.urban[retrofit_candidates]
        share = v["conditioning_share"]
        conditioning_kwh = demand.appliance * share * demand.conditioning_factor
        base_fuel = np.where(urban, v["household_fuel_urban"], v["household_fuel_rural"])
        conditioning_fuel = base_fuel * demand.size_factor * share * demand.conditioning_factor
        electrified = h.electrified[retrofit_candidates]
        heat_pump_kwh = conditioning_fuel * v["kwh_per_tce"] * v["household_fuel_efficiency"] / v["heat_pump_cop"]
        conditioning_cost = conditioning_kwh * tariff + np.where(
            electrified, heat_pump_kwh * tariff, conditioning_fuel * fuel_price
        )
        area = np.where(urban, v["floor_area_urban"], v["floor_area_rural"])
        retrofit_annuity = self._annuity(h.hurdle, v["home_retrofit_lifetime"], retrofit_candidates)
        retrofit_cost = (v["home_retrofit_cost"] - inst.retrofit_subsidy * mult) * area * retrofit_annuity
        p_retrofit = logit(v["home_retrofit_saving"] * conditioning_cost, retrofit_cost, v["asc.home_retrofit"], beta)
        retrofit_draw = draw("retrofit_choice", retrofit_candidates) < p_retrofit
        retrofitters, retrofit_area = retrofit_candidates[retrofit_draw], area[retrofit_draw]

        # 5. waste sorting: Bass hazard, then green points against the effort
        p_sort = float(logit(inst.green_points * mult, v["sorting_effort_cost"], v["asc.waste_sorting"], beta))
        sort_candidates = diffusing("sorting_opportunity", ~h.sorting, h.sorting, v["bass_p"])
        sorters = sort_candidates[draw("sorting_choice", sort_candidates) < p_sort]

        # 6. moves into new dwellings
        movers = drawn("move", np.ones(n, dtype=bool), v["dwelling_renewal_rate"] / 100.0)

        # apply all updates
        weight = h.weight
        self.car_purchases = float(weight[buyers].sum())
        self.ev_purchases = float(weight[ev_buyers].sum())
        h.ev[buyers] = False
        h.ev[ev_buyers] = True
        h.has_car[buyers] = True
        h.car_age[h.has_car] += 1.0
        h.car_age[buyers] = 0.0
        h.car_life[buyers] = service_lives(draw("car_life", buyers), v["car_lifetime"], v["service_life_spread"])
        h.pv_kw[pv_adopters] = h.roof_kw[pv_adopters]
        h.electrified[electrifiers] = True
        h.retrofitted[retrofitters] = True
        h.sorting[sorters] = True
        h.building_saving[movers] = inst.new_building_saving
        h.retrofitted[movers] = False

        ledger, rate = ctx.ledger, inst.subsidy_multiplier  # claims are made at the full rates
        ledger.claim("ev_subsidy", inst.ev_subsidy * rate * self.ev_purchases)
        ledger.claim("pv_subsidy", inst.pv_subsidy * rate * float((h.roof_kw[pv_adopters] * weight[pv_adopters]).sum()))
        ledger.claim("heat_pump_subsidy", inst.heat_pump_subsidy * rate * float(weight[electrifiers].sum()))
        ledger.claim(
            "retrofit_subsidy", inst.retrofit_subsidy * rate * float((retrofit_area * weight[retrofitters]).sum())
        )
        ledger.claim("green_points", inst.green_points * rate * float(weight[h.sorting].sum()))

        # what each household claimed this year, yuan per real household (who is paid: abm.distribution)
        claim = h.subsidy_claim
        np.multiply(h.sorting, inst.green_points * rate, out=claim)
        claim[ev_buyers] += inst.ev_subsidy * rate
        claim[pv_adopters] += inst.pv_subsidy * rate * h.roof_kw[pv_adopters].astype(np.float64)
        claim[electrifiers] += inst.heat_pump_subsidy * rate
        claim[retrofitters] += inst.retrofit_subsidy * rate * retrofit_area


class HouseholdBlock(mesa.Agent):
    """One county's households as a Mesa agent: contiguous rows of the household table.

    The model makes one block per county (``model.household_blocks``); each holds whole
    strata, so no neighbourhood or stratum is split between blocks. The block's properties
    read its rows of the shared table (shares of its households, in [0, 1]). The model runs
    the decision rules once over every block's rows together (:class:`HouseholdRules`);
    ``decide`` runs them over this block alone and gives its households the same decisions.
    """

    def __init__(self, model: mesa.Model, table: HouseholdTable, rows: slice, county: str = "city"):
        super().__init__(model)
        self.table = table
        self.rows = rows
        self.county = county
        self._rules: HouseholdRules | None = None
        weight = table.weight[rows]
        # household formation rescales every weight by one factor a year, so equal weights stay equal
        self._uniform = bool(weight.size) and bool(np.all(weight == weight[0]))

    def decide(self, ctx: YearContext) -> None:
        """Take this year's decisions for the block's households alone (see :class:`HouseholdRules`)."""
        if self._rules is None:
            self._rules = HouseholdRules(self.model, self.table, self.rows)
        self._rules.decide(ctx)

    @property
    def car_purchases(self) -> float:
        """Cars bought by the block's households the last time it decided alone (real households)."""
        return self._rules.car_purchases if self._rules is not None else 0.0

    @property
    def ev_purchases(self) -> float:
        """Electric cars bought the last time the block decided alone (real households)."""
        return self._rules.ev_purchases if self._rules is not None else 0.0

    @property
    def households(self) -> float:
        """Real households the block stands for this year."""
        weight = self.table.weight[self.rows]
        if self._uniform:
            return float(weight[0]) * weight.shape[0]
        return float(weight.sum())

    def _share(self, flag: NDArray[np.bool_]) -> float:
        """Weighted share of the block's households for which ``flag`` (one entry per block row) holds, in [0, 1]."""
        households = self.households
        if households <= 0:
            return 0.0
        if self._uniform:  # every row stands for as many households: a count does
            return float(np.count_nonzero(flag)) / flag.shape[0]
        return float(self.table.weight[self.rows][flag].sum()) / households

    @property
    def ev_share(self) -> float:
        """Share of the block's households with an electric car, in [0, 1]."""
        t, r = self.table, self.rows
        return self._share(t.has_car[r] & t.ev[r])

    @property
    def pv_share(self) -> float:
        """Share of the block's households with rooftop PV, in [0, 1]."""
        return self._share(self.table.pv_kw[self.rows] > 0)

    @property
    def electrified_share(self) -> float:
        """Share of the block's households with electrified heat and cooking, in [0, 1]."""
        return self._share(self.table.electrified[self.rows])

    @property
    def retrofitted_share(self) -> float:
        """Share of the block's households living in a retrofitted home, in [0, 1]."""
        return self._share(self.table.retrofitted[self.rows])

    @property
    def sorting_share(self) -> float:
        """Share of the block's households sorting their waste, in [0, 1]."""
        return self._share(self.table.sorting[self.rows])

    @property
    def subsidies_received(self) -> float:
        """Subsidies paid to the block's households since the start year (yuan)."""
        received = self.table.subsidy_received[self.rows]
        if self._uniform:  # a sum, not a dot product: BLAS is slow on long vectors on small machines
            return float(received.sum()) * float(self.table.weight[self.rows.start])
        return float((received * self.table.weight[self.rows]).sum())


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
    urban_persons: float


def household_energy(h: HouseholdTable, ctx: YearContext) -> HouseholdSummary:
    """Energy use and adoption of all households this year (weighted to real households).

    Totals are built from per-category sums (urban or rural, electrified or not) so that
    the 1:1 population costs a few passes over its columns a year.
    """
    v = ctx.values
    w = h.weight
    n = len(h)
    uniform = float(w[0]) if n and bool(np.all(w == w[0])) else None

    def total(mask: NDArray[np.bool_]) -> float:
        """Real households among those in ``mask``."""
        if uniform is not None:
            return uniform * float(np.count_nonzero(mask))
        return float(w[mask].sum())

    # electricity and fuel scale per household as size_factor x use_factor (see household_demand)
    share = v["conditioning_share"]
    size_factor = np.sqrt(h.size.astype(np.float32) / np.float32(v["household_size_2020"]))
    conditioning = (1.0 - h.building_saving / np.float32(100.0)) / np.float32(1.0 - v["stock_building_saving"] / 100.0)
    conditioning[h.retrofitted] *= np.float32(1.0 - v["home_retrofit_saving"])
    scale = size_factor * (np.float32(1.0 - share) + np.float32(share) * conditioning)
    category = (
        h.urban.astype(np.int8) * 2 + h.electrified
    )  # 0 rural fuel, 1 rural electrified, 2 urban fuel, 3 urban el.
    weights = scale.astype(np.float64) * (uniform if uniform is not None else w)
    by_category = np.bincount(category, weights=weights, minlength=4)
    appliance = (
        v["household_electricity_2020"]
        * ctx.income_factor ** v["electricity_income_elasticity"]
        * (1.0 - v["appliance_efficiency_gain"] / 100.0) ** ctx.elapsed
    )
    fuel_rural, fuel_urban = v["household_fuel_rural"], v["household_fuel_urban"]
    heat_pump_kwh_per_tce = v["kwh_per_tce"] * v["household_fuel_efficiency"] / v["heat_pump_cop"]
    electricity = appliance * by_category.sum() + heat_pump_kwh_per_tce * (
        fuel_rural * by_category[1] + fuel_urban * by_category[3]
    )
    rural_fuel = fuel_rural * by_category[0]

    owners = np.flatnonzero(h.pv_kw > 0)
    demand = household_demand(h, ctx, owners)
    gen = h.pv_kw[owners].astype(np.float64) * v["pv_full_load_hours"]
    ratio = gen / np.maximum(demand.electricity, 1e-9)
    own = gen * self_consumed_share(ctx.self_consumption["residential"], ratio, np.zeros(owners.shape[0], dtype=bool))
    owner_weight = w[owners]
    coal_share = v["rural_coal_share"]
    residential = EnergyUse(
        gas=fuel_urban * by_category[2],
        coal=rural_fuel * coal_share,
        lpg=rural_fuel * (1.0 - coal_share),
        electricity=electricity,
        own_pv=float(np.dot(own, owner_weight)),
    )
    km = v["car_km"]
    efficiency = (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed
    ev = h.has_car & h.ev
    evs = total(ev)
    cars_total = total(h.has_car)
    cars = EnergyUse(
        gasoline=(cars_total - evs) * km * v["ice_car_energy"] * efficiency / 1000.0,
        electricity=evs * km * v["ev_car_energy"] / v["charging_efficiency"] * efficiency,
    )
    sorting = total(h.sorting)
    size = h.size.astype(np.float64)
    persons = uniform * float(size.sum()) if uniform is not None else float(np.dot(size, w))
    urban_size = np.where(h.urban, size, 0.0)
    urban_persons = uniform * float(urban_size.sum()) if uniform is not None else float(np.dot(urban_size, w))
    return HouseholdSummary(
        residential=residential,
        cars=cars,
        pv_kw=float(np.dot(h.pv_kw[owners].astype(np.float64), owner_weight)),
        pv_exported_kwh=float(np.dot(gen - own, owner_weight)),
        households=float(w.sum()),
        roof_households=total(h.roof_kw > 0),
        pv_households=float(owner_weight.sum()),
        cars_total=cars_total,
        evs=evs,
        evs_without_home_charging=total(ev & ~h.home_charging),
        electrified=total(h.electrified),
        retrofitted=total(h.retrofitted),
        sorting=sorting,
        recyclables_t=sorting * v["sorted_recyclables"],
        recycling_co2_avoided_t=sorting * v["sorted_recyclables"] * v["recycling_co2_saving"],
        waste_t=persons * v["msw_per_person"],
        persons=persons,
        urban_persons=urban_persons,
    )
