"""Enterprises: all firms of one sector as one Mesa agent, with firm state in numpy columns.

Each firm has an output share of its sector, an energy intensity relative to the sector's
2020 mean, a roof, a hurdle rate and what it has adopted. A firm's energy use by carrier
is the sector's 2020 use scaled by the firm's output share and intensity, by the sector's
output growth and by autonomous efficiency gains, then changed by what it adopted:

* efficiency retrofit: all carriers fall by ``efficiency_retrofit_saving``;
* electrified heat: the low-temperature share of coal and gas becomes electricity at
  ``industrial_heat_pump_cop``;
* rooftop PV and behind-the-meter storage: PV output meets the firm's own load first
  (self-consumption from the hourly model), storage raises that share and earns the
  peak-valley spread and the discharge incentive;
* solid-waste recycling: more of its solid waste is used, and firms with process
  emissions avoid part of their process CO2;
* green-power contracts: part of its grid electricity is contracted green power.

Each year a firm takes up each option with the Bass hazard (``firm_bass_p`` plus
``firm_bass_q`` times the output share of its sector that already has it) times the
benefit-cost logit. Then capacity turns over: in energy-intensive sectors a
share ``backward_exit_rate`` of backward firms (intensity above ``backward_threshold``)
exits, and a share ``firm_renewal_rate`` of all firms is renewed; new capacity enters
with the same output, at benchmark intensity when that control is on, and with rooftop PV
when the new-roof mandate draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np
from numpy.typing import NDArray

from abm.context import YearContext
from abm.decisions import RULES, agent_hurdle_rates, capital_recovery_factor, draw_adoption
from abm.energy_system import self_consumed_share
from abm.energy_use import EnergyUse

Array = NDArray[np.float64]


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


class EnterpriseSector(mesa.Agent):
    """The firms of one sector (an industry of the plan, or commercial services)."""

    def __init__(
        self, model: mesa.Model, sector: str, firms: int, output_2020: float, values: dict[str, float] | None = None
    ):
        super().__init__(model)
        v = values if values is not None else model.values
        rng = model.rng
        self.sector = sector
        self.is_industry = sector != "commercial_services"
        self.load_shape = "industry" if self.is_industry else "commerce"
        self.energy_intensive = bool(v[f"energy_intensive.{sector}"])
        self.output_2020 = output_2020
        sigma = v["firm_size_sigma"]
        size = np.exp(sigma * rng.standard_normal(firms))
        self.output_share = size / size.sum()
        spread = v["firm_intensity_sigma"]
        self.intensity = np.exp(spread * rng.standard_normal(firms) - spread**2 / 2)
        self._normaliser = float((self.output_share * self.intensity).sum())
        self.base = {c: v[f"energy_2020.{sector}.{c}"] * 1e4 for c in ("coal", "gas", "oil", "heat")}
        self.base_electricity = v[f"energy_2020.{sector}.electricity"] * 1e8
        self.base_process = v[f"process_co2_2020.{sector}"] * 1e6
        roof_per_output = v["roof_m2_per_output"] if self.is_industry else v["roof_m2_per_output_services"]
        self.roof_kw = self.output_share * output_2020 * roof_per_output * v["ci_pv_roof_share"] * v["pv_kw_per_m2"]
        self.hurdle = agent_hurdle_rates(rng, firms, v["enterprise_hurdle_rate"], v["hurdle_rate_sigma"])
        self.has_pv = rng.random(firms) < v["enterprise_pv_2020"]
        self.has_storage = np.zeros(firms, dtype=bool)
        self.retrofitted = np.zeros(firms, dtype=bool)
        self.electrified = np.zeros(firms, dtype=bool)
        self.recycling = np.zeros(firms, dtype=bool)
        self.green_power = np.zeros(firms, dtype=bool)
        self.entered = np.full(firms, int(v["start_year"]), dtype=np.int32)
        self.discharged_kwh = 0.0

    @property
    def firms(self) -> int:
        """Number of firms."""
        return int(self.output_share.shape[0])

    def energy(self, ctx: YearContext) -> FirmEnergy:
        """Each firm's energy use this year."""
        v = ctx.values
        scale = (
            self.output_share
            * self.intensity
            / self._normaliser
            * ctx.sector_output_factor[self.sector]
            * (1.0 - v["autonomous_efficiency_gain"] / 100.0) ** ctx.elapsed
        )
        scale = scale * np.where(self.retrofitted, 1.0 - v["efficiency_retrofit_saving"], 1.0)
        coal, gas = self.base["coal"] * scale, self.base["gas"] * scale
        oil, heat = self.base["oil"] * scale, self.base["heat"] * scale
        electricity = self.base_electricity * scale
        low = v["low_temperature_heat_share"]
        moved = np.where(self.electrified, (coal + gas) * low, 0.0)
        coal = np.where(self.electrified, coal * (1.0 - low), coal)
        gas = np.where(self.electrified, gas * (1.0 - low), gas)
        electricity = electricity + moved * v["kwh_per_tce"] * v["chp_heat_efficiency"] / v["industrial_heat_pump_cop"]
        pv_generation = np.where(self.has_pv, self.roof_kw * v["pv_full_load_hours"], 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(electricity > 0, pv_generation / electricity, 0.0)
        sc = self_consumed_share(ctx.self_consumption[self.load_shape], ratio, self.has_storage)
        return FirmEnergy(coal, gas, oil, heat, electricity, pv_generation * sc, pv_generation)

    def decide(self, ctx: YearContext) -> None:
        """Review investment options, then turn over capacity (synchronous update)."""
        v, inst, rng = ctx.values, ctx.instruments, self.model.rng
        n = self.firms
        logit = RULES["benefit_cost_logit"]
        beta = v["cost_sensitivity"]
        mult = inst.subsidy_multiplier
        e = self.energy(ctx)
        carbon = inst.carbon_price * v["carbon_pass_through_fuel"]
        tariff = ctx.tariff_with_carbon(v["ci_tariff"])
        price = {
            "coal": v["coal_price"] + carbon * v["co2_per_tce_coal"],
            "gas": v["gas_price"] + carbon * v["co2_per_tce_gas"],
            "oil": v["oil_price"] + carbon * v["co2_per_tce_oil"],
        }

        bass = RULES["bass_hazard"]
        w = self.output_share

        def opportunity(adopted: NDArray[np.bool_]) -> NDArray[np.float64]:
            """Bass hazard from the output share of the sector that has adopted."""
            return bass(v["firm_bass_p"], v["firm_bass_q"], np.full(n, float(w[adopted].sum())))

        # rooftop PV (per firm, yuan/yr)
        gen = self.roof_kw * v["pv_full_load_hours"]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(e.electricity > 0, gen / e.electricity, 0.0)
        sc = self_consumed_share(ctx.self_consumption[self.load_shape], ratio, self.has_storage)
        pv_benefit = gen * (sc * tariff + (1.0 - sc) * v["pv_export_price"])
        pv_capex = ctx.pv_price * v["ci_pv_price_factor"] - inst.pv_subsidy * mult
        pv_cost = self.roof_kw * (pv_capex * capital_recovery_factor(self.hurdle, v["pv_lifetime"]) + v["pv_om_cost"])
        adopts_pv = draw_adoption(
            rng, ~self.has_pv, opportunity(self.has_pv) * logit(pv_benefit, pv_cost, v["asc.enterprise_pv"], beta)
        )

        # behind-the-meter storage: arbitrage, discharge incentive, more PV used on site
        kwh = v["storage_hours"] * e.electricity / 8760.0
        discharged = kwh * v["storage_cycles_per_year"] * v["storage_round_trip_efficiency"]
        sc_with = self_consumed_share(ctx.self_consumption[self.load_shape], ratio, np.ones(n, dtype=bool))
        extra_pv = np.where(self.has_pv, gen * (sc_with - sc), 0.0)
        storage_benefit = discharged * (
            v["peak_valley_spread"] + inst.storage_discharge_incentive * mult
        ) + extra_pv * (tariff - v["pv_export_price"])
        storage_cost = (
            kwh
            * (ctx.storage_price - inst.storage_subsidy * mult)
            * capital_recovery_factor(self.hurdle, v["storage_lifetime"])
        )
        adopts_storage = draw_adoption(
            rng,
            ~self.has_storage,
            opportunity(self.has_storage) * logit(storage_benefit, storage_cost, v["asc.storage"], beta),
        )

        # efficiency retrofit
        bill = (
            e.coal * price["coal"]
            + e.gas * price["gas"]
            + e.oil * price["oil"]
            + e.heat * v["coal_price"] / v["chp_heat_efficiency"]
            + e.electricity * tariff
        )
        saved_tce = v["efficiency_retrofit_saving"] * (
            e.coal + e.gas + e.oil + e.heat + e.electricity / v["kwh_per_tce"]
        )
        retrofit_cost = saved_tce * v["efficiency_retrofit_cost"] * (1.0 - inst.efficiency_retrofit_subsidy * mult)
        retrofit_annual = retrofit_cost * capital_recovery_factor(self.hurdle, v["efficiency_retrofit_lifetime"])
        adopts_retrofit = draw_adoption(
            rng,
            ~self.retrofitted,
            opportunity(self.retrofitted)
            * logit(v["efficiency_retrofit_saving"] * bill, retrofit_annual, v["asc.efficiency_retrofit"], beta),
        )

        # electrified low-temperature heat
        low = v["low_temperature_heat_share"]
        fuel_replaced = (e.coal + e.gas) * low
        added_kwh = fuel_replaced * v["kwh_per_tce"] * v["chp_heat_efficiency"] / v["industrial_heat_pump_cop"]
        heat_benefit = low * (e.coal * price["coal"] + e.gas * price["gas"]) - added_kwh * tariff
        heat_cost = (
            fuel_replaced
            * v["electrified_heat_cost"]
            * capital_recovery_factor(self.hurdle, v["electrified_heat_lifetime"])
        )
        adopts_heat = draw_adoption(
            rng,
            ~self.electrified & (fuel_replaced > 0),
            opportunity(self.electrified) * logit(heat_benefit, heat_cost, v["asc.electrified_heat"], beta),
        )

        # solid-waste recycling (industry)
        output = self.output_share * self.output_2020 * ctx.sector_output_factor[self.sector]
        waste_t = output * v["solid_waste_per_output"]
        recycle_benefit = waste_t * (inst.recycling_incentive * mult + v["solid_waste_disposal_fee"])
        recycle_cost = waste_t * v["solid_waste_recycling_cost"]
        adopts_recycling = draw_adoption(
            rng,
            ~self.recycling & self.is_industry,
            opportunity(self.recycling) * logit(recycle_benefit, recycle_cost, v["asc.solid_waste_recycling"], beta),
        )

        # green-power contracts
        contracted = v["green_power_share"] * (e.electricity - e.own_pv)
        green_benefit = contracted * ctx.grid_ef / 1000.0 * inst.carbon_price * v["carbon_pass_through_electricity"]
        adopts_green = draw_adoption(
            rng,
            ~self.green_power,
            opportunity(self.green_power)
            * logit(green_benefit, contracted * v["green_power_premium"], v["asc.green_power"], beta),
        )

        ledger = ctx.ledger
        ledger.claim("pv_subsidy", inst.pv_subsidy * mult * float(self.roof_kw[adopts_pv].sum()))
        ledger.claim("storage_subsidy", inst.storage_subsidy * mult * float(kwh[adopts_storage].sum()))
        ledger.claim(
            "efficiency_retrofit_subsidy",
            inst.efficiency_retrofit_subsidy
            * mult
            * float((saved_tce * v["efficiency_retrofit_cost"])[adopts_retrofit].sum()),
        )

        self.has_pv |= adopts_pv
        self.has_storage |= adopts_storage
        self.retrofitted |= adopts_retrofit
        self.electrified |= adopts_heat
        self.recycling |= adopts_recycling
        self.green_power |= adopts_green

        # recurring incentives are paid on everything operating at the end of the year
        ledger.claim("recycling_incentive", inst.recycling_incentive * mult * float(waste_t[self.recycling].sum()))
        self.discharged_kwh = float(discharged[self.has_storage].sum())
        ledger.claim("storage_discharge_incentive", inst.storage_discharge_incentive * mult * self.discharged_kwh)
        self._turn_over(ctx)

    def _turn_over(self, ctx: YearContext) -> None:
        """Backward capacity exits and capacity is renewed; entrants replace them in place."""
        v, inst, rng = ctx.values, ctx.instruments, self.model.rng
        n = self.firms
        exits = np.zeros(n, dtype=bool)
        if self.energy_intensive and inst.backward_exit_rate > 0:
            backward = self.intensity >= v["backward_threshold"]
            exits = backward & (rng.random(n) < inst.backward_exit_rate)
        renewed = exits | (rng.random(n) < v["firm_renewal_rate"] / 100.0)
        count = int(np.count_nonzero(renewed))
        if count == 0:
            return
        if inst.new_capacity_at_benchmark:
            new_intensity = np.full(count, v["new_capacity_efficiency"])
        else:
            spread = v["firm_intensity_sigma"]
            new_intensity = np.exp(spread * rng.standard_normal(count) - spread**2 / 2)
        self.intensity[renewed] = new_intensity
        self.entered[renewed] = ctx.year
        self.has_pv[renewed] = rng.random(count) < inst.new_roof_pv_mandate
        for flag in (self.has_storage, self.retrofitted, self.electrified, self.recycling, self.green_power):
            flag[renewed] = False

    def summary(self, ctx: YearContext) -> EnterpriseSummary:
        """Energy use and adoption of the sector this year."""
        v = ctx.values
        e = self.energy(ctx)
        w = self.output_share
        output = w * self.output_2020 * ctx.sector_output_factor[self.sector]
        process = (
            self.base_process
            * ctx.sector_output_factor[self.sector]
            * float((w * np.where(self.recycling, 1.0 - v["solid_waste_process_saving"], 1.0)).sum())
        )
        grid = e.electricity - e.own_pv
        green = float((np.where(self.green_power, v["green_power_share"], 0.0) * grid).sum())
        waste_t = output * v["solid_waste_per_output"] if self.is_industry else np.zeros(self.firms)
        used = np.where(self.recycling, v["solid_waste_use_adopter"], v["solid_waste_use_2020"])
        new = self.entered > int(v["start_year"])
        return EnterpriseSummary(
            energy=EnergyUse(
                coal=float(e.coal.sum()),
                gas=float(e.gas.sum()),
                oil=float(e.oil.sum()),
                heat=float(e.heat.sum()),
                electricity=float(e.electricity.sum()),
                own_pv=float(e.own_pv.sum()),
                green_power=green,
                process_co2=process,
            ),
            pv_kw=float(self.roof_kw[self.has_pv].sum()),
            pv_exported_kwh=float((e.pv_generation - e.own_pv).sum()),
            storage_kwh=float((v["storage_hours"] * e.electricity / 8760.0)[self.has_storage].sum()),
            shares={
                "pv": float(w[self.has_pv].sum()),
                "storage": float(w[self.has_storage].sum()),
                "efficiency_retrofit": float(w[self.retrofitted].sum()),
                "electrified_heat": float(w[self.electrified].sum()),
                "solid_waste_recycling": float(w[self.recycling].sum()) if self.is_industry else 0.0,
                "green_power": float(w[self.green_power].sum()),
            },
            solid_waste_t=float(waste_t.sum()),
            solid_waste_used_t=float((waste_t * used).sum()),
            new_roofs_kw=float(self.roof_kw[new].sum()),
            new_roofs_pv_kw=float(self.roof_kw[new & self.has_pv].sum()),
        )


@dataclass(frozen=True, slots=True)
class EnterpriseSummary:
    """A sector's energy and adoption in one year; shares are output-weighted, in [0, 1]."""

    energy: EnergyUse
    pv_kw: float
    pv_exported_kwh: float
    storage_kwh: float
    shares: dict[str, float]
    solid_waste_t: float
    solid_waste_used_t: float
    new_roofs_kw: float
    new_roofs_pv_kw: float
