"""The household decision step written as a typical Mesa model would: one Agent per household.

This is the baseline the project's vectorised step is measured against
(``benchmarks/vs_naive_mesa.py``). Every household is a ``mesa.Agent`` holding its state
in Python attributes; each year the model counts adopters per neighbourhood and
car-less income per block, then ``agents.shuffle_do("step")`` lets every household
decide with scalar arithmetic, and ``agents.do("advance")`` applies the decisions. The
two phases keep the update synchronous, as in the project, so both implement the same
rules (``agents/household.py``) and give statistically the same adoption curves. Both
draw the same way: each household's draw for a decision in a year comes from
:mod:`abm.streams` keyed by its row (here one scalar at a time), so with the same seed
the two would draw the same numbers; the comparison uses different seeds.
"""

from __future__ import annotations

import math
from collections import defaultdict

import mesa
import numpy as np

from abm.context import YearContext
from abm.energy_system import PV_RATIO_GRID
from abm.national import ev_sticker_premium_2020
from abm.population import COUNTIES, HouseholdTable
from abm.streams import PURPOSES, stream_key, uniform_from_key
from agents.household import PILOT_COUNTIES


def _logit(benefit: float, cost: float, asc: float, beta: float) -> float:
    scale = abs(benefit) + abs(cost)
    x = (benefit - cost) / scale if scale > 0 else 0.0
    return 1.0 / (1.0 + math.exp(-(asc + beta * x)))


def _crf(rate: float, lifetime: float) -> float:
    rate = max(rate, 1e-9)
    return rate / (1.0 - (1.0 + rate) ** (-lifetime))


def _interp(x: float, xs: list[float], ys: list[float]) -> float:
    if x <= xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    lo, hi = 0, len(xs) - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if xs[mid] <= x:
            lo = mid
        else:
            hi = mid
    t = (x - xs[lo]) / (xs[hi] - xs[lo])
    return ys[lo] + t * (ys[hi] - ys[lo])


class NaiveHousehold(mesa.Agent):
    """One household, its state in attributes."""

    def __init__(
        self, model: NaiveHouseholdModel, row: dict[str, float], block: tuple[int, bool], group: int, index: int
    ):
        super().__init__(model)
        self.index = index  # row in the household table: keys this household's draws
        self.__dict__.update(row)
        self.block = block
        self.group = group
        self.next: dict[str, object] = {}

    def demand(self, ctx: YearContext) -> tuple[float, float, float, float, float]:
        """Electricity (kWh), fuel (tce), appliance electricity, conditioning and size factors."""
        v = ctx.values
        size_factor = math.sqrt(self.size / v["household_size_2020"])
        appliance = (
            v["household_electricity_2020"]
            * ctx.income_factor ** v["electricity_income_elasticity"]
            * (1.0 - v["appliance_efficiency_gain"] / 100.0) ** ctx.elapsed
            * size_factor
        )
        conditioning = (1.0 - self.building_saving / 100.0) / (1.0 - v["stock_building_saving"] / 100.0)
        if self.retrofitted:
            conditioning *= 1.0 - v["home_retrofit_saving"]
        share = v["conditioning_share"]
        use = (1.0 - share) + share * conditioning
        fuel = (v["household_fuel_urban"] if self.urban else v["household_fuel_rural"]) * size_factor * use
        electricity = appliance * use
        if self.electrified:
            electricity += fuel * v["kwh_per_tce"] * v["household_fuel_efficiency"] / v["heat_pump_cop"]
            fuel = 0.0
        return electricity, fuel, appliance, conditioning, size_factor

    def step(self) -> None:
        """Decide this year's choices on the state at the start of the year."""
        m = self.model
        ctx: YearContext = m.ctx
        v, inst = ctx.values, ctx.instruments
        keys, index = m.keys, self.index

        def draw(purpose: str) -> float:
            return uniform_from_key(keys[purpose], index)

        beta = v["cost_sensitivity"]
        mult = inst.expected_subsidy_multiplier
        tariff = ctx.tariff(v["residential_tariff"])
        fuel_price = v["household_fuel_price"]
        decisions: dict[str, object] = {}

        # 1. cars
        buys = False
        if self.has_car:
            buys = self.car_age + 1.0 >= self.car_life
        else:
            needed, pull = m.first_car_need[self.block]
            buys = draw("first_car") < min(needed * self.income / max(pull, 1e-9), 1.0)
        if buys:
            premium = ev_sticker_premium_2020(v) * ctx.ev_premium_factor
            fuel_factor = (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed
            petrol = v["ice_car_energy"] / v["gasoline_kgce_per_litre"] * v["gasoline_price"]
            electric = v["ev_car_energy"] / v["charging_efficiency"] * ctx.tariff(v["car_charging_price"])
            benefit = v["car_km"] * fuel_factor * (petrol - electric)
            net = premium - inst.nev_tax_exemption - inst.national_ev_subsidy - inst.ev_subsidy * mult
            cost = net * _crf(self.hurdle, v["car_lifetime"])
            charging = 1.0 if self.home_charging else ctx.public_charging_access
            decisions["buys"] = True
            decisions["ev"] = draw("ev_choice") < _logit(benefit, cost, v["asc.ev"], beta) * charging

        # 2. rooftop PV
        if self.roof_kw > 0 and self.pv_kw <= 0:
            pilot = inst.rooftop_pv_programme and COUNTIES[self.block[0]] in PILOT_COUNTIES
            p = v["bass_p"] * (max(v["rooftop_programme_p_multiplier"], 1.0) if pilot else 1.0)
            if draw("pv_opportunity") < min(max(p + v["bass_q"] * m.peer_share("pv", self.group), 0.0), 1.0):
                electricity = self.demand(ctx)[0]
                gen = self.roof_kw * v["pv_full_load_hours"]
                sc = _interp(gen / electricity, m.ratio_grid, m.self_use)
                benefit = gen * (sc * tariff + (1.0 - sc) * v["pv_export_price"])
                annuity = _crf(self.hurdle, v["pv_lifetime"])
                years = _crf(self.hurdle, v["national_pv_subsidy_years"])
                benefit += gen * inst.national_pv_subsidy_household * annuity / years
                if pilot:
                    annuity = min(annuity, ctx.enterprise_pv_annuity)
                cost = self.roof_kw * ((ctx.pv_price - inst.pv_subsidy * mult) * annuity + v["pv_om_cost"])
                if draw("pv_choice") < _logit(benefit, cost, v["asc.household_pv"], beta):
                    decisions["pv"] = True

        # 3. electrified heat and cooking at appliance replacement
        if not self.electrified and draw("heat_opportunity") < 1.0 / v["appliance_lifetime"]:
            fuel = self.demand(ctx)[1]
            added = fuel * v["kwh_per_tce"] * v["household_fuel_efficiency"] / v["heat_pump_cop"]
            benefit = fuel * fuel_price - added * tariff
            cost = (v["heat_pump_cost"] - inst.heat_pump_subsidy * mult) * _crf(self.hurdle, v["appliance_lifetime"])
            if draw("heat_choice") < _logit(benefit, cost, v["asc.heat_pump"], beta):
                decisions["electrified"] = True

        # 4. home retrofit
        if not self.retrofitted and draw("retrofit_opportunity") < min(
            v["bass_p"] + v["bass_q"] * m.peer_share("retrofit", self.group), 1.0
        ):
            _, _, appliance, conditioning, size_factor = self.demand(ctx)
            share = v["conditioning_share"]
            kwh = appliance * share * conditioning
            fuel = (
                (v["household_fuel_urban"] if self.urban else v["household_fuel_rural"])
                * size_factor
                * share
                * conditioning
            )
            if self.electrified:
                running = (kwh + fuel * v["kwh_per_tce"] * v["household_fuel_efficiency"] / v["heat_pump_cop"]) * tariff
            else:
                running = kwh * tariff + fuel * fuel_price
            area = v["floor_area_urban"] if self.urban else v["floor_area_rural"]
            cost = (
                (v["home_retrofit_cost"] - inst.retrofit_subsidy * mult)
                * area
                * _crf(self.hurdle, v["home_retrofit_lifetime"])
            )
            if draw("retrofit_choice") < _logit(
                v["home_retrofit_saving"] * running, cost, v["asc.home_retrofit"], beta
            ):
                decisions["retrofitted"] = True

        # 5. waste sorting
        if not self.sorting:
            hazard = min(v["bass_p"] + v["bass_q"] * m.peer_share("sorting", self.group), 1.0)
            chooses = _logit(inst.green_points * mult, v["sorting_effort_cost"], v["asc.waste_sorting"], beta)
            if draw("sorting_opportunity") < hazard and draw("sorting_choice") < chooses:
                decisions["sorting"] = True

        # 6. moves into a new dwelling
        if draw("move") < v["dwelling_renewal_rate"] / 100.0:
            decisions["moves"] = True
        self.next = decisions

    def advance(self) -> None:
        """Apply this year's decisions."""
        d, v = self.next, self.model.ctx.values
        if d.get("buys"):
            self.has_car, self.ev, self.car_age = True, bool(d["ev"]), 0.0
            spread = v["service_life_spread"]
            self.car_life = v["car_lifetime"] * (
                1.0 + spread * (2.0 * uniform_from_key(self.model.keys["car_life"], self.index) - 1.0)
            )
        elif self.has_car:
            self.car_age += 1.0
        if d.get("pv"):
            self.pv_kw = self.roof_kw
        if d.get("electrified"):
            self.electrified = True
        if d.get("retrofitted"):
            self.retrofitted = True
        if d.get("sorting"):
            self.sorting = True
        if d.get("moves"):
            self.building_saving = self.model.ctx.instruments.new_building_saving
            self.retrofitted = False


class NaiveHouseholdModel(mesa.Model):
    """Households as one Mesa agent each, built from a copy of a synthetic population."""

    def __init__(self, table: HouseholdTable, seed: int):
        super().__init__(rng=seed)
        self.seed = seed
        columns = ("urban", "size", "income", "weight", "roof_kw", "hurdle", "has_car", "ev", "home_charging",
                   "car_age", "car_life", "pv_kw", "electrified", "retrofitted", "sorting", "building_saving")  # fmt: skip
        arrays = {c: getattr(table, c).tolist() for c in columns}
        counties, groups = table.county.tolist(), table.neighbourhood.tolist()
        for i in range(len(table)):
            row = {c: arrays[c][i] for c in columns}
            NaiveHousehold(self, row, (counties[i], row["urban"]), groups[i], i)
        self.ctx: YearContext | None = None
        self.keys: dict[str, int] = {}
        self.counts: dict[str, dict[int, int]] = {}
        self.members: dict[int, int] = defaultdict(int)
        for agent in self.agents:
            self.members[agent.group] += 1
        self.first_car_need: dict[tuple[int, bool], tuple[float, float]] = {}
        self.ratio_grid: list[float] = PV_RATIO_GRID.tolist()
        self.self_use: list[float] = []

    def peer_share(self, option: str, group: int) -> float:
        """Adopted share of the other members of a neighbourhood (the asker has not adopted)."""
        others = self.members[group] - 1
        return self.counts[option].get(group, 0) / others if others > 0 else 0.0

    def step_households(self, ctx: YearContext) -> None:
        """One year of household decisions under ``ctx``."""
        self.ctx = ctx
        self.keys = {
            p.removeprefix("household."): stream_key(self.seed, p, ctx.year)
            for p in PURPOSES
            if p.startswith("household.")
        }
        self.self_use = ctx.self_consumption["residential"][:, 0].tolist()
        counts = {"pv": defaultdict(int), "retrofit": defaultdict(int), "sorting": defaultdict(int)}
        households: dict[tuple[int, bool], int] = defaultdict(int)
        owners: dict[tuple[int, bool], int] = defaultdict(int)
        pull: dict[tuple[int, bool], float] = defaultdict(float)
        for a in self.agents:
            counts["pv"][a.group] += a.pv_kw > 0
            counts["retrofit"][a.group] += a.retrofitted
            counts["sorting"][a.group] += a.sorting
            households[a.block] += 1
            if a.has_car:
                owners[a.block] += 1
            else:
                pull[a.block] += a.income
        self.counts = counts
        v = ctx.values
        target = float(np.interp(ctx.year, [2020, 2060], [v["cars_per_household_2020"], v["cars_per_household_2060"]]))
        self.first_car_need = {b: (max(target * n - owners[b], 0.0), pull[b]) for b, n in households.items()}
        self.agents.shuffle_do("step")
        self.agents.do("advance")

    def shares(self) -> dict[str, float]:
        """Adoption shares (fractions) of all households (and of roof owners for PV)."""
        agents = list(self.agents)
        n = len(agents)
        roofs = sum(a.roof_kw > 0 for a in agents)
        cars = sum(a.has_car for a in agents)
        return {
            "ev_share_of_cars": sum(a.has_car and a.ev for a in agents) / max(cars, 1),
            "pv_share_of_roofs": sum(a.pv_kw > 0 for a in agents) / max(roofs, 1),
            "heat_pump": sum(a.electrified for a in agents) / n,
            "retrofit": sum(a.retrofitted for a in agents) / n,
            "sorting": sum(a.sorting for a in agents) / n,
            "cars_per_household": cars / n,
        }


def vectorised_shares(table: HouseholdTable) -> dict[str, float]:
    """The same shares from the project's household table."""
    n = len(table)
    roofs = max(int(np.count_nonzero(table.roof_kw > 0)), 1)
    cars = max(int(np.count_nonzero(table.has_car)), 1)
    return {
        "ev_share_of_cars": float(np.count_nonzero(table.has_car & table.ev)) / cars,
        "pv_share_of_roofs": float(np.count_nonzero(table.pv_kw > 0)) / roofs,
        "heat_pump": float(np.count_nonzero(table.electrified)) / n,
        "retrofit": float(np.count_nonzero(table.retrofitted)) / n,
        "sorting": float(np.count_nonzero(table.sorting)) / n,
        "cars_per_household": float(np.count_nonzero(table.has_car)) / n,
    }
