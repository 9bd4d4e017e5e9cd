"""Enterprises: all firms as one Mesa agent, with firm state in numpy columns.

One row per firm: the 1,705 above-scale industrial firms of the plan's industries and the
commercial establishments. Each firm has a sector, an output share of its sector, an
energy intensity relative to the sector's 2020 mean, a roof, a hurdle rate and what it
has adopted. A firm's energy use by carrier
is the sector's 2020 use scaled by the firm's output share and intensity, by the sector's
output growth and by autonomous efficiency gains, then changed by what it adopted:

* efficiency retrofit: all carriers fall by ``efficiency_retrofit_saving``;
* waste-heat recovery: coal, gas and oil fall by ``waste_heat_recovery_saving``;
* electrified heat: the low-temperature share of coal and gas becomes electricity at
  ``industrial_heat_pump_cop``;
* boiler fuel switching (:mod:`abm.process_heat`): the coal (and gas) burned in boilers
  moves to gas, biomass or electric boilers;
* rooftop PV and behind-the-meter storage: PV output meets the firm's own load first
  (self-consumption from the hourly model), storage raises that share and earns the
  peak-valley spread and the discharge incentive on what it discharges; it charges from
  the grid at the valley tariff, and its round-trip losses are electricity the firm buys;
* solid-waste recycling: more of its solid waste is used, and firms with process
  emissions avoid part of their process CO2;
* green-power contracts: part of its grid electricity is contracted green power.

Every carrier's use then responds to its price relative to 2020 with a constant own-price
elasticity (``price_elasticity.<carrier>``); fuel prices include the carbon price only for
firms a carbon market covers (:mod:`abm.carbon_market`), electricity carries the
passed-through carbon cost of power for every firm.

Each year a firm takes up each option with the Bass hazard (``firm_bass_p`` plus
``firm_bass_q`` times the output share of its sector that already has it) times the
benefit-cost logit; the boiler fuel is one choice among exclusive alternatives
(``benefit_cost_choice``). Under ``efficiency_benchmark_control`` a firm of an
energy-intensive sector above ``benchmark_control_threshold`` reviews a retrofit every
year instead of waiting for the Bass hazard; so do they in the years of energy dual control
(2016-2020, national context), when such firms were key energy users with energy-saving
targets. The national subsidy on distributed PV output (to 2020) adds to PV's yearly
benefit, annualised over the system's life. Then capacity turns over: in energy-intensive sectors a
share ``backward_exit_rate`` of backward firms (intensity above ``backward_threshold``)
exits, and a share ``firm_renewal_rate`` of all firms is renewed; new capacity enters
with the same output, at benchmark intensity when that control is on, and with rooftop PV
when the new-roof mandate draws it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import mesa
import numpy as np
from numpy.typing import NDArray

from abm.carbon_market import Coverage, coverage, fuel_carbon_cost, sector_coverage_years
from abm.context import YearContext, at_year
from abm.decisions import RULES, agent_hurdle_rates, capital_recovery_factor
from abm.economy import ENTERPRISE_SECTORS, electricity_intensity_factor
from abm.energy_system import self_consumed_share
from abm.energy_use import EnergyUse
from abm.process_heat import (
    ALLOWED_MOVES,
    BOILER_AS_2020,
    BOILER_BIOMASS,
    BOILER_ELECTRIC,
    BOILER_GAS,
    BOILER_STATES,
    boiler_bill,
    boiler_fuel,
    boiler_share,
    pick,
    price_response,
    replaced_tce,
)
from abm.streams import standard_normal, uniform, uniform_streams

Array = NDArray[np.float64]
CARRIERS = ("coal", "gas", "oil", "heat", "electricity")
OPTIONS = (
    "pv",
    "storage",
    "efficiency_retrofit",
    "electrified_heat",
    "solid_waste_recycling",
    "green_power",
    "waste_heat_recovery",
)
FLAGS = {  # the Enterprises column that says whether a firm has each option
    "pv": "has_pv",
    "storage": "has_storage",
    "efficiency_retrofit": "retrofitted",
    "electrified_heat": "electrified",
    "solid_waste_recycling": "recycling",
    "green_power": "green_power",
    "waste_heat_recovery": "waste_heat",
}
SWITCHES = tuple(f"boiler_{state}" for state in BOILER_STATES[1:])  # shares with each switched boiler fuel
_SWITCH_TARGETS = (BOILER_GAS, BOILER_BIOMASS, BOILER_ELECTRIC)
_SWITCH_COST = ("coal_to_gas_cost", "biomass_boiler_cost", "electric_boiler_cost")  # yuan per tce/yr replaced
_SWITCH_ASC = ("asc.coal_to_gas", "asc.biomass_boiler", "asc.electric_boiler")
# _ALLOWED[i, s]: a firm with boiler state s may move to _SWITCH_TARGETS[i]
_ALLOWED = np.array([[k in ALLOWED_MOVES[s] for s in range(len(BOILER_STATES))] for k in _SWITCH_TARGETS])


@dataclass(frozen=True, slots=True)
class FirmEnergy:
    """Per-firm energy use this year (tce for fuels and heat, kWh for electricity)."""

    coal: Array
    gas: Array
    oil: Array
    heat: Array
    electricity: Array
    own_pv: Array
    pv_generation: Array
    storage_losses: Array  # grid electricity lost in storage arbitrage (kWh), part of ``electricity``
    biomass: Array  # pellets burned in biomass boilers (tce); zero CO2
    boiler_coal: Array  # coal the boilers would burn with the 2020 fuel (tce), before the price response
    boiler_gas: Array  # gas the boilers would burn with the 2020 fuel (tce), before the price response


@dataclass(frozen=True, slots=True)
class EnterpriseSummary:
    """A sector's energy and adoption in one year; shares are output-weighted, in [0, 1]."""

    energy: EnergyUse
    pv_kw: float
    pv_exported_kwh: float
    storage_kwh: float
    shares: Mapping[str, float]
    solid_waste_t: float
    solid_waste_used_t: float
    new_roofs_kw: float
    new_roofs_pv_kw: float


@dataclass(frozen=True, slots=True)
class FirmPrices:
    """What each firm pays this year: fuels with its own carbon cost (yuan/tce), grid power (yuan/kWh)."""

    coal: Array
    gas: Array
    oil: Array
    electricity: float
    coverage: Coverage


class Enterprises(mesa.Agent):
    """Every firm of every sector, one row each; decisions run over all firms at once."""

    def __init__(self, model: mesa.Model, firms: Mapping[str, int], output_2020: Mapping[str, float]):
        super().__init__(model)
        v, rng = model.values, model.rng
        self.sectors = tuple(ENTERPRISE_SECTORS)
        counts = np.array([int(firms[s]) for s in self.sectors])
        if (counts < 1).any():
            raise ValueError("every sector needs at least one firm")
        self.sector = np.repeat(np.arange(len(self.sectors)), counts)
        self._sector_starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        n = int(counts.sum())
        per_sector = len(self.sectors)

        def of_sector(values: list[float]) -> Array:
            return np.asarray(values, dtype=np.float64)[self.sector]

        sigma = v["firm_size_sigma"]
        size = np.exp(sigma * rng.standard_normal(n))
        self.output_share = size / np.bincount(self.sector, size, per_sector)[self.sector]
        spread = v["firm_intensity_sigma"]
        self.intensity = np.exp(spread * rng.standard_normal(n) - spread**2 / 2)
        # energy of a firm at intensity 1: sector energy x output share / sector's mean intensity
        mean_intensity = np.bincount(self.sector, self.output_share * self.intensity, per_sector)[self.sector]
        unit = {"coal": 1e4, "gas": 1e4, "oil": 1e4, "heat": 1e4, "electricity": 1e8}
        scale = {c: v["base_year_fuel_scale"] for c in ("coal", "gas", "oil")}
        scale |= {"heat": 1.0, "electricity": v["base_year_electricity_scale"]}
        self.base = {
            c: of_sector([v[f"energy_2020.{s}.{c}"] * unit[c] * scale[c] for s in self.sectors])
            * self.output_share
            / mean_intensity
            for c in CARRIERS
        }
        self.process = of_sector([v[f"process_co2_2020.{s}"] * 1e6 for s in self.sectors]) * self.output_share
        self.output_2020 = of_sector([output_2020[s] for s in self.sectors]) * self.output_share
        self.is_industry = self.sector != self.sectors.index("commercial_services")
        roof_per_output = np.where(self.is_industry, v["roof_m2_per_output"], v["roof_m2_per_output_services"])
        self.roof_kw = self.output_2020 * roof_per_output * v["ci_pv_roof_share"] * v["pv_kw_per_m2"]
        self.energy_intensive = of_sector([v[f"energy_intensive.{s}"] for s in self.sectors]) > 0
        self.hurdle = agent_hurdle_rates(rng, n, v["enterprise_hurdle_rate"], v["hurdle_rate_sigma"])
        self.has_pv = rng.random(n) < at_year(v, "enterprise_pv", int(v["start_year"]))
        self.has_storage = np.zeros(n, dtype=bool)
        self.retrofitted = np.zeros(n, dtype=bool)
        self.electrified = np.zeros(n, dtype=bool)
        self.recycling = np.zeros(n, dtype=bool)
        self.green_power = np.zeros(n, dtype=bool)
        self.waste_heat = np.zeros(n, dtype=bool)
        self.boiler = np.full(n, BOILER_AS_2020, dtype=np.int8)
        self.coverage_years = sector_coverage_years(v, self.sectors)
        self.entered = np.full(n, int(v["start_year"]), dtype=np.int32)
        self.subsidy_claim = np.zeros(n)  # subsidies claimed this year, yuan per firm
        self.subsidy_received = np.zeros(n)  # subsidies paid since the start year, yuan per firm
        self._crf: dict[float, Array] = {}
        self._output_cache: tuple[int, Array] = (-1, np.ones(n))
        # caches of per-run constants, keyed by the values they are computed from
        self._fuel_co2: tuple[tuple[float, ...], Array] | None = None
        self._electricity_factor: tuple[tuple[float, ...], Array] | None = None
        self._shape_rows = (
            ("industry", np.flatnonzero(self.is_industry)),
            ("commerce", np.flatnonzero(~self.is_industry)),
        )

    def _annuity(self, lifetime: float) -> Array:
        """Capital recovery factor of every firm at its own hurdle rate (cached per lifetime)."""
        if lifetime not in self._crf:
            self._crf[lifetime] = capital_recovery_factor(self.hurdle, lifetime)
        return self._crf[lifetime]

    @property
    def firms(self) -> int:
        """Number of firms."""
        return int(self.sector.shape[0])

    def _sector_sum(self, values: Array) -> Array:
        """Sum of a per-firm quantity by sector."""
        return np.bincount(self.sector, values, len(self.sectors))

    def _sector_sums(self, values: Array) -> Array:
        """Sums by sector of each row of a (quantities, firms) array, in one pass: (quantities, sectors).

        Firms are ordered by sector and every sector has a firm, so each sector is one run of columns.
        """
        return np.add.reduceat(values, self._sector_starts, axis=1)

    def _output_factor(self, ctx: YearContext) -> Array:
        """Each firm's sector output relative to 2020 (kept for the year asked last)."""
        year, factor = self._output_cache
        if year != ctx.year:
            factor = np.array([ctx.sector_output_factor[s] for s in self.sectors])[self.sector]
            self._output_cache = (ctx.year, factor)
        return factor

    def _self_consumed(self, ctx: YearContext, ratio: Array, storage: NDArray[np.bool_]) -> Array:
        """Self-consumed share of PV output, on the industrial or the commercial load shape."""
        share = np.empty(self.firms)
        for shape, rows in self._shape_rows:  # row indices, fixed: cheaper to gather by than masks
            share[rows] = self_consumed_share(ctx.self_consumption[shape], ratio[rows], storage[rows])
        return share

    def _lever(self, name: str, ctx: YearContext) -> float:
        """A lever's value in force this year, as the government applies it."""
        return float(self.model.government.lever(name, ctx.year))

    def _activity(self, ctx: YearContext) -> Array:
        """Each firm's energy use relative to its base: intensity x output growth x autonomous gains."""
        v = ctx.values
        aeei = (1.0 - v["autonomous_efficiency_gain"] / 100.0) ** ctx.elapsed
        return self.intensity * self._output_factor(ctx) * aeei

    def direct_co2(self, ctx: YearContext) -> Array:
        """Each firm's direct CO2 before its own choices (tCO2/yr): fuels at its activity plus process CO2.

        Coverage is judged on this, so that a firm's choices this year do not move it in or
        out of a market.
        """
        v = ctx.values
        factors = tuple(v[f"co2_per_tce_{c}"] for c in ("coal", "gas", "oil"))
        if self._fuel_co2 is None or self._fuel_co2[0] != factors:  # the same every year of a run
            fuels = sum(self.base[c] * factor for c, factor in zip(("coal", "gas", "oil"), factors, strict=True))
            self._fuel_co2 = (factors, fuels)
        return self._fuel_co2[1] * self._activity(ctx) + self.process * self._output_factor(ctx)

    def _electricity_intensity(self, ctx: YearContext) -> Array:
        """Each firm's electricity intensity factor this year (:func:`electricity_intensity_factor` of its sector)."""
        v = ctx.values
        key = (
            ctx.year,
            v["electricity_intensity_drift_2021_2022"],
            v["electricity_intensity_drift"],
            v["pv_manufacturing_electricity_intensity_change"],
        )
        if self._electricity_factor is None or self._electricity_factor[0] != key:  # energy() runs twice a year
            by_sector = [
                1.0 if s == "commercial_services" else electricity_intensity_factor(v, ctx.year, s)
                for s in self.sectors
            ]
            self._electricity_factor = (key, np.asarray(by_sector)[self.sector])
        return self._electricity_factor[1]

    def coverage(self, ctx: YearContext) -> Coverage:
        """Which firms a carbon market covers this year."""
        local = self._lever("local_carbon_scheme", ctx) > 0
        return coverage(
            ctx.year, self.sector, self.coverage_years, self.direct_co2(ctx), self.is_industry, ctx.values, local
        )

    def prices(self, ctx: YearContext) -> FirmPrices:
        """Fuel prices with each firm's own carbon cost, and the tariff with the passed-through carbon of power."""
        v = ctx.values
        cov = self.coverage(ctx)
        carbon = fuel_carbon_cost(ctx.instruments.carbon_price, cov.covered, v["carbon_pass_through_fuel"])
        return FirmPrices(
            coal=v["coal_price"] + carbon * v["co2_per_tce_coal"],
            gas=v["gas_price"] + carbon * v["co2_per_tce_gas"],
            oil=v["oil_price"] + carbon * v["co2_per_tce_oil"],
            electricity=ctx.tariff_with_carbon(v["ci_tariff"]),
            coverage=cov,
        )

    def energy(self, ctx: YearContext, prices: FirmPrices | None = None) -> FirmEnergy:
        """Each firm's energy use this year."""
        v = ctx.values
        if prices is None:
            prices = self.prices(ctx)
        scale = self._activity(ctx) * np.where(self.retrofitted, 1.0 - v["efficiency_retrofit_saving"], 1.0)
        fuel_kept = scale * np.where(self.waste_heat, 1.0 - v["waste_heat_recovery_saving"], 1.0)
        coal, gas = self.base["coal"] * fuel_kept, self.base["gas"] * fuel_kept
        oil, heat = self.base["oil"] * fuel_kept, self.base["heat"] * scale
        electricity = self.base["electricity"] * scale * self._electricity_intensity(ctx)
        low = v["low_temperature_heat_share"]
        moved = np.where(self.electrified, (coal + gas) * low, 0.0)
        kept = np.where(self.electrified, 1.0 - low, 1.0)
        coal, gas = coal * kept, gas * kept
        electricity = electricity + moved * v["kwh_per_tce"] * v["chp_heat_efficiency"] / v["industrial_heat_pump_cop"]
        # boilers: the boiler share of what is left burns the firm's boiler fuel
        share = boiler_share(v, self.electrified)
        boiler_coal, boiler_gas = coal * share, gas * share
        coal, gas = coal - boiler_coal, gas - boiler_gas
        coal, gas = (
            coal + boiler_coal * (self.boiler == BOILER_AS_2020),
            gas + boiler_gas * (self.boiler == BOILER_AS_2020),
        )
        biomass = np.zeros(self.firms)
        for state in range(1, len(BOILER_STATES)):  # only the firms that switched
            rows = np.flatnonzero(self.boiler == state)
            if rows.size:
                fuel = boiler_fuel(state, boiler_coal[rows], boiler_gas[rows], v)
                coal[rows] += fuel.coal
                gas[rows] += fuel.gas
                biomass[rows] = fuel.biomass
                electricity[rows] += fuel.electricity
        # demand responds to the prices the firm faces (fuels: only covered firms pay more than in 2020)
        priced = np.flatnonzero(prices.coverage.covered)
        if priced.size:
            coal[priced] *= price_response(prices.coal[priced], v["coal_price"], v["price_elasticity.coal"])
            gas[priced] *= price_response(prices.gas[priced], v["gas_price"], v["price_elasticity.gas"])
        electricity = electricity * price_response(
            prices.electricity, v["ci_tariff"], v["price_elasticity.electricity"]
        )
        pv_generation = np.where(self.has_pv, self.roof_kw * v["pv_full_load_hours"], 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(electricity > 0, pv_generation / electricity, 0.0)
        sc = self._self_consumed(ctx, ratio, self.has_storage)
        # storage sized on the firm's load cycles from the grid; its round-trip losses are bought too
        charged = (
            np.where(self.has_storage, v["storage_hours"] * electricity / 8760.0, 0.0) * v["storage_cycles_per_year"]
        )
        losses = charged * (1.0 - v["storage_round_trip_efficiency"])
        return FirmEnergy(
            coal,
            gas,
            oil,
            heat,
            electricity + losses,
            pv_generation * sc,
            pv_generation,
            losses,
            biomass,
            boiler_coal,
            boiler_gas,
        )

    def decide(self, ctx: YearContext) -> None:
        """Take up investment options, then turn over capacity (synchronous update)."""
        v, inst = ctx.values, ctx.instruments
        n = self.firms
        rows = np.arange(n)

        # every firm's uniform draw for each purpose this year (common random numbers), all in one pass
        purposes = (
            "pv",
            "storage",
            "retrofit",
            "electrified_heat",
            "waste_heat_recovery",
            "boiler",
            "recycling",
            "green_power",
        )
        drawn = uniform_streams(self.model.seed, [f"firm.{p}" for p in purposes], ctx.year, rows)
        by_purpose = dict(zip(purposes, drawn, strict=True))

        def draws(purpose: str) -> Array:
            """Every firm's uniform draw for ``purpose`` this year."""
            return by_purpose[purpose]

        logit = RULES["benefit_cost_logit"]
        bass = RULES["bass_hazard"]
        beta = v["cost_sensitivity"]
        mult = inst.expected_subsidy_multiplier  # what a firm counts on being paid
        rate = inst.subsidy_multiplier  # claims are made at the full rates
        prices = self.prices(ctx)
        e = self.energy(ctx, prices)
        tariff = prices.electricity
        coal_price, gas_price, oil_price = prices.coal, prices.gas, prices.oil
        w = self.output_share

        adopted = {
            "pv": self.has_pv,
            "storage": self.has_storage,
            "retrofit": self.retrofitted,
            "electrified_heat": self.electrified,
            "waste_heat_recovery": self.waste_heat,
            "boiler": self.boiler != BOILER_AS_2020,
            "recycling": self.recycling,
            "green_power": self.green_power,
        }
        peer_shares = dict(zip(adopted, self._sector_sums(w * np.stack(list(adopted.values()))), strict=True))

        def opportunity(option: str) -> Array:
            """Bass hazard from the output share of the firm's sector that has adopted ``option``."""
            return bass(v["firm_bass_p"], v["firm_bass_q"], peer_shares[option][self.sector])

        def adopts(
            purpose: str, eligible: NDArray[np.bool_], chance: Array, benefit: Array, cost: Array, asc: float
        ) -> NDArray[np.bool_]:
            """Eligible firms whose draw falls below ``chance * logit(benefit, cost)``.

            The logit is a probability (at most 1), so only firms whose draw falls below
            ``chance`` can adopt: it is evaluated for those alone, with the same result.
            """
            u = draws(purpose)
            rows = np.flatnonzero(eligible & (u < chance))
            p = chance[rows] * logit(np.broadcast_to(benefit, (n,))[rows], np.broadcast_to(cost, (n,))[rows], asc, beta)
            adopted = np.zeros(n, dtype=bool)
            adopted[rows[u[rows] < p]] = True
            return adopted

        # rooftop PV (per firm, yuan/yr)
        gen = self.roof_kw * v["pv_full_load_hours"]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(e.electricity > 0, gen / e.electricity, 0.0)
        sc = self._self_consumed(ctx, ratio, self.has_storage)
        pv_benefit = gen * (sc * tariff + (1.0 - sc) * v["pv_export_price"])
        if inst.national_pv_subsidy_firm > 0:
            # the national subsidy on all output for its years, annualised over the system's life
            years_ratio = self._annuity(v["pv_lifetime"]) / self._annuity(v["national_pv_subsidy_years"])
            pv_benefit = pv_benefit + gen * inst.national_pv_subsidy_firm * years_ratio
        pv_capex = ctx.pv_price * v["ci_pv_price_factor"] - inst.pv_subsidy * mult
        pv_cost = self.roof_kw * (pv_capex * self._annuity(v["pv_lifetime"]) + v["pv_om_cost"])
        adopts_pv = adopts("pv", ~self.has_pv, opportunity("pv"), pv_benefit, pv_cost, v["asc.enterprise_pv"])

        # behind-the-meter storage: arbitrage (less the valley power lost in the round trip),
        # discharge incentive, more PV used on site
        load = e.electricity - e.storage_losses
        kwh = v["storage_hours"] * load / 8760.0
        charged = kwh * v["storage_cycles_per_year"]
        discharged = charged * v["storage_round_trip_efficiency"]
        valley = ctx.tariff_with_carbon(v["valley_tariff"])
        sc_with = self._self_consumed(ctx, ratio, np.ones(n, dtype=bool))
        extra_pv = np.where(self.has_pv, gen * (sc_with - sc), 0.0)
        spread = v["peak_valley_spread"] + inst.storage_discharge_incentive * mult
        storage_benefit = (
            discharged * spread - (charged - discharged) * valley + extra_pv * (tariff - v["pv_export_price"])
        )
        storage_annuity = self._annuity(v["storage_lifetime"])
        storage_cost = kwh * (ctx.storage_price - inst.storage_subsidy * mult) * storage_annuity
        adopts_storage = adopts(
            "storage", ~self.has_storage, opportunity("storage"), storage_benefit, storage_cost, v["asc.storage"]
        )

        # efficiency retrofit
        heat_price = v["coal_price"] / v["chp_heat_efficiency"]
        bill = (
            e.coal * coal_price + e.gas * gas_price + e.oil * oil_price + e.heat * heat_price + e.electricity * tariff
        )
        saved_tce = v["efficiency_retrofit_saving"] * (
            e.coal + e.gas + e.oil + e.heat + e.electricity / v["kwh_per_tce"]
        )
        retrofit_capex = saved_tce * v["efficiency_retrofit_cost"]
        retrofit_annual = (
            retrofit_capex
            * (1.0 - inst.efficiency_retrofit_subsidy * mult)
            * self._annuity(v["efficiency_retrofit_lifetime"])
        )
        retrofit_chance = opportunity("retrofit")
        if self._lever("efficiency_benchmark_control", ctx) > 0 or inst.dual_control:
            # firms above the efficiency baseline must review a retrofit every year (the plan's
            # benchmark control, or the key energy users' targets under energy dual control)
            above = self.energy_intensive & (self.intensity > v["benchmark_control_threshold"])
            retrofit_chance = np.where(above, 1.0, retrofit_chance)
        adopts_retrofit = adopts(
            "retrofit",
            ~self.retrofitted,
            retrofit_chance,
            v["efficiency_retrofit_saving"] * bill,
            retrofit_annual,
            v["asc.efficiency_retrofit"],
        )

        # electrified low-temperature heat
        low = v["low_temperature_heat_share"]
        fuel_replaced = (e.coal + e.gas) * low
        added_kwh = fuel_replaced * v["kwh_per_tce"] * v["chp_heat_efficiency"] / v["industrial_heat_pump_cop"]
        heat_benefit = low * (e.coal * coal_price + e.gas * gas_price) - added_kwh * tariff
        heat_annuity = self._annuity(v["electrified_heat_lifetime"])
        heat_cost = fuel_replaced * v["electrified_heat_cost"] * heat_annuity
        adopts_heat = adopts(
            "electrified_heat",
            ~self.electrified & (fuel_replaced > 0),
            opportunity("electrified_heat"),
            heat_benefit,
            heat_cost,
            v["asc.electrified_heat"],
        )

        # waste-heat recovery (industry): saves part of the fuel burned
        fuel_bill = e.coal * coal_price + e.gas * gas_price + e.oil * oil_price
        fuel_tce = e.coal + e.gas + e.oil
        saving = v["waste_heat_recovery_saving"]
        recovery_cost = (
            saving * fuel_tce * v["waste_heat_recovery_cost"] * self._annuity(v["waste_heat_recovery_lifetime"])
        )
        adopts_recovery = adopts(
            "waste_heat_recovery",
            ~self.waste_heat & self.is_industry & (fuel_tce > 0),
            opportunity("waste_heat_recovery"),
            saving * fuel_bill,
            recovery_cost,
            v["asc.waste_heat_recovery"],
        )

        # boiler fuel: one choice among gas, biomass and electric boilers (exclusive)
        new_boiler = self._choose_boiler(ctx, e, prices, opportunity("boiler"), draws("boiler"))

        # solid-waste recycling (industry)
        waste_t = self.output_2020 * self._output_factor(ctx) * v["solid_waste_per_output"]
        recycle_benefit = waste_t * (inst.recycling_incentive * mult + v["solid_waste_disposal_fee"])
        recycle_cost = waste_t * v["solid_waste_recycling_cost"]
        adopts_recycling = adopts(
            "recycling",
            ~self.recycling & self.is_industry,
            opportunity("recycling"),
            recycle_benefit,
            recycle_cost,
            v["asc.solid_waste_recycling"],
        )

        # green-power contracts
        contracted = v["green_power_share"] * (e.electricity - e.own_pv)
        green_benefit = contracted * ctx.grid_ef / 1000.0 * inst.carbon_price * v["carbon_pass_through_electricity"]
        green_cost = contracted * v["green_power_premium"]
        adopts_green = adopts(
            "green_power",
            ~self.green_power,
            opportunity("green_power"),
            green_benefit,
            green_cost,
            v["asc.green_power"],
        )

        ledger = ctx.ledger
        ledger.claim("pv_subsidy", inst.pv_subsidy * rate * float(self.roof_kw[adopts_pv].sum()))
        ledger.claim("storage_subsidy", inst.storage_subsidy * rate * float(kwh[adopts_storage].sum()))
        ledger.claim(
            "efficiency_retrofit_subsidy",
            inst.efficiency_retrofit_subsidy * rate * float(retrofit_capex[adopts_retrofit].sum()),
        )

        self.has_pv |= adopts_pv
        self.has_storage |= adopts_storage
        self.retrofitted |= adopts_retrofit
        self.electrified |= adopts_heat
        self.recycling |= adopts_recycling
        self.green_power |= adopts_green
        self.waste_heat |= adopts_recovery
        self.boiler = new_boiler

        # recurring incentives are paid on everything operating at the end of the year
        ledger.claim("recycling_incentive", inst.recycling_incentive * rate * float(waste_t[self.recycling].sum()))
        discharged_kwh = float(discharged[self.has_storage].sum())
        ledger.claim("storage_discharge_incentive", inst.storage_discharge_incentive * rate * discharged_kwh)
        # what each firm claimed this year, yuan (who is paid: abm.distribution)
        self.subsidy_claim = rate * (
            inst.pv_subsidy * np.where(adopts_pv, self.roof_kw, 0.0)
            + inst.storage_subsidy * np.where(adopts_storage, kwh, 0.0)
            + inst.efficiency_retrofit_subsidy * np.where(adopts_retrofit, retrofit_capex, 0.0)
            + inst.recycling_incentive * np.where(self.recycling, waste_t, 0.0)
            + inst.storage_discharge_incentive * np.where(self.has_storage, discharged, 0.0)
        )
        self._turn_over(ctx)

    def _turn_over(self, ctx: YearContext) -> None:
        """Backward capacity exits and capacity is renewed; entrants replace them in place."""
        v, inst = ctx.values, ctx.instruments
        seed, year, n = self.model.seed, ctx.year, self.firms
        rows = np.arange(n)
        exits = np.zeros(n, dtype=bool)
        if inst.backward_exit_rate > 0:
            # both draws in one pass (row 0: renewal, row 1: exit of backward capacity)
            renewal_draw, exit_draw = uniform_streams(seed, ["firm.renewal", "firm.backward_exit"], year, rows)
            backward = self.energy_intensive & (self.intensity >= v["backward_threshold"])
            exits = backward & (exit_draw < inst.backward_exit_rate)
        else:
            renewal_draw = uniform(seed, "firm.renewal", year, rows)
        renewed = exits | (renewal_draw < v["firm_renewal_rate"] / 100.0)
        entrants = np.flatnonzero(renewed)  # an entrant takes the row of the firm it replaces
        count = entrants.shape[0]
        if count == 0:
            return
        if inst.new_capacity_at_benchmark:
            new_intensity = np.full(count, v["new_capacity_efficiency"])
        else:
            spread = v["firm_intensity_sigma"]
            z = standard_normal(seed, "firm.entrant_intensity", year, entrants)
            new_intensity = np.exp(spread * z - spread**2 / 2)
        self.intensity[renewed] = new_intensity
        self.entered[renewed] = ctx.year
        self.has_pv[renewed] = uniform(seed, "firm.entrant_pv", year, entrants) < inst.new_roof_pv_mandate
        for option, column in FLAGS.items():
            if option != "pv":  # an entrant's PV was drawn above
                getattr(self, column)[renewed] = False
        self.boiler[renewed] = BOILER_AS_2020

    def _choose_boiler(
        self, ctx: YearContext, e: FirmEnergy, prices: FirmPrices, chance: Array, draws: Array
    ) -> NDArray[np.int8]:
        """Each firm's boiler fuel after this year's choice (states of :mod:`abm.process_heat`).

        A firm whose choice comes up (``chance``) weighs each allowed move: the boiler fuel
        bill it saves (yuan/yr, at its own prices with carbon) against the annualised cost of
        the new boilers per tce/yr of fuel they replace. A firm picks move ``k`` when its draw
        falls in the k-th bin of the cumulative probabilities, all below ``chance``; so only
        firms with a draw below ``chance`` are weighed, with the same result.
        """
        v = ctx.values
        boiler = self.boiler.copy()
        rows = np.flatnonzero(draws < chance)
        if rows.size == 0:
            return boiler
        coal, gas, state = e.boiler_coal[rows], e.boiler_gas[rows], boiler[rows]
        coal_price, gas_price = prices.coal[rows], prices.gas[rows]
        bills = np.stack(
            [
                boiler_bill(boiler_fuel(s, coal, gas, v), coal_price, gas_price, v["biomass_price"], prices.electricity)
                for s in range(len(BOILER_STATES))
            ]
        )
        now = bills[state, np.arange(rows.size)]
        benefits = np.stack([now - bills[k] for k in _SWITCH_TARGETS])
        replaced = np.stack([replaced_tce(k, coal, gas) for k in _SWITCH_TARGETS])
        capex = np.array([v[name] for name in _SWITCH_COST])[:, None]
        costs = replaced * capex * self._annuity(v["boiler_lifetime"])[rows]
        ascs = np.array([v[name] for name in _SWITCH_ASC])[:, None]
        ascs = np.where(_ALLOWED[:, state] & (replaced > 0), ascs, -np.inf)
        probabilities = chance[rows] * RULES["benefit_cost_choice"](benefits, costs, ascs, v["cost_sensitivity"])
        chosen = pick(draws[rows], probabilities)
        moved = chosen >= 0
        boiler[rows[moved]] = np.asarray(_SWITCH_TARGETS, dtype=np.int8)[chosen[moved]]
        return boiler

    def sector_rows(self, sector: str) -> slice:
        """The rows of ``sector``'s firms (firms are ordered by sector)."""
        i = self.sectors.index(sector)
        rows = np.flatnonzero(self.sector == i)
        if rows.size == 0 or rows[-1] - rows[0] + 1 != rows.size:
            raise ValueError(f"the firms of sector '{sector}' are not one contiguous block of rows")
        return slice(int(rows[0]), int(rows[-1]) + 1)

    def bills(self, ctx: YearContext) -> Array:
        """Each firm's energy spending this year at the prices it decides on (yuan): fuels with its carbon cost,
        biomass, heat and grid power."""
        v = ctx.values
        prices = self.prices(ctx)
        e = self.energy(ctx, prices)
        fuels = (
            e.coal * prices.coal
            + e.gas * prices.gas
            + e.oil * prices.oil
            + e.biomass * v["biomass_price"]
            + e.heat * v["coal_price"] / v["chp_heat_efficiency"]
        )
        return fuels + (e.electricity - e.own_pv) * prices.electricity

    def output(self, ctx: YearContext) -> Array:
        """Each firm's value added this year (100 million yuan, 2020 prices)."""
        return self.output_2020 * self._output_factor(ctx)

    def summary(self, ctx: YearContext) -> dict[str, EnterpriseSummary]:
        """Energy use and adoption of each sector this year."""
        v = ctx.values
        prices = self.prices(ctx)
        e = self.energy(ctx, prices)
        w = self.output_share
        factor = self._output_factor(ctx)
        process_kept = np.where(self.recycling, 1.0 - v["solid_waste_process_saving"], 1.0)
        grid = e.electricity - e.own_pv
        waste_t = np.where(self.is_industry, self.output_2020 * factor * v["solid_waste_per_output"], 0.0)
        used = np.where(self.recycling, v["solid_waste_use_adopter"], v["solid_waste_use_2020"])
        new = self.entered > int(v["start_year"])
        storage_kwh = np.where(self.has_storage, v["storage_hours"] * (e.electricity - e.storage_losses) / 8760.0, 0.0)
        quantities = {
            "coal": e.coal,
            "gas": e.gas,
            "oil": e.oil,
            "heat": e.heat,
            "electricity": e.electricity,
            "own_pv": e.own_pv,
            "green_power": np.where(self.green_power, v["green_power_share"], 0.0) * grid,
            "process_co2": self.process * factor * process_kept,
            "pv_kw": np.where(self.has_pv, self.roof_kw, 0.0),
            "pv_exported_kwh": e.pv_generation - e.own_pv,
            "storage_kwh": storage_kwh,
            "solid_waste_t": waste_t,
            "solid_waste_used_t": waste_t * used,
            "new_roofs_kw": np.where(new, self.roof_kw, 0.0),
            "new_roofs_pv_kw": np.where(new & self.has_pv, self.roof_kw, 0.0),
            "biomass": e.biomass,
        }
        sums = dict(zip(quantities, self._sector_sums(np.stack(list(quantities.values()))), strict=True))
        flags = tuple(getattr(self, FLAGS[option]) for option in OPTIONS)
        flags += tuple(self.boiler == state for state in range(1, len(BOILER_STATES)))
        flags += (prices.coverage.national, prices.coverage.local)
        kinds = (*OPTIONS, *SWITCHES, "ets_covered", "local_scheme_covered")
        shares = dict(zip(kinds, self._sector_sums(w * np.stack(flags)), strict=True))
        result = {}
        for i, sector in enumerate(self.sectors):
            result[sector] = EnterpriseSummary(
                energy=EnergyUse(
                    coal=float(sums["coal"][i]),
                    gas=float(sums["gas"][i]),
                    oil=float(sums["oil"][i]),
                    heat=float(sums["heat"][i]),
                    biomass=float(sums["biomass"][i]),
                    electricity=float(sums["electricity"][i]),
                    own_pv=float(sums["own_pv"][i]),
                    green_power=float(sums["green_power"][i]),
                    process_co2=float(sums["process_co2"][i]),
                ),
                pv_kw=float(sums["pv_kw"][i]),
                pv_exported_kwh=float(sums["pv_exported_kwh"][i]),
                storage_kwh=float(sums["storage_kwh"][i]),
                shares={kind: float(shares[kind][i]) for kind in kinds},
                solid_waste_t=float(sums["solid_waste_t"][i]),
                solid_waste_used_t=float(sums["solid_waste_used_t"][i]),
                new_roofs_kw=float(sums["new_roofs_kw"][i]),
                new_roofs_pv_kw=float(sums["new_roofs_pv_kw"][i]),
            )
        return result


class EnterpriseSector(mesa.Agent):
    """One sector's firms as a Mesa agent: a view on its rows of the :class:`Enterprises` columns.

    The coordinator decides for all firms at once; a sector agent reports what its firms
    have (output-weighted adoption shares in [0, 1], subsidies received) and the sector's
    energy in the last accounted year.
    """

    def __init__(self, model: mesa.Model, firms: Enterprises, sector: str):
        super().__init__(model)
        self.firms = firms
        self.sector = sector
        self.rows = firms.sector_rows(sector)
        self._weight = firms.output_share[self.rows]  # fixed: an entrant takes the output of the firm it replaces

    @property
    def firm_count(self) -> int:
        """Number of firms in the sector."""
        return self.rows.stop - self.rows.start

    def adoption(self, option: str) -> float:
        """Output-weighted share of the sector's firms that have ``option`` (one of ``OPTIONS``), in [0, 1]."""
        return float(self._weight.dot(getattr(self.firms, FLAGS[option])[self.rows]))

    @property
    def subsidies_received(self) -> float:
        """Subsidies paid to the sector's firms since the start year (yuan)."""
        return float(self.firms.subsidy_received[self.rows].sum())

    @property
    def energy(self) -> EnergyUse | None:
        """The sector's energy use in the last accounted year (None before the first)."""
        records = getattr(self.model, "records", None)
        return records[-1].enterprises[self.sector].energy if records else None
