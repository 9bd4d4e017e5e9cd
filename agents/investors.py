"""Utility-scale PV investors: developers who decide each year whether to build a plant on a site.

One row per candidate site of ground-mounted and "PV+" plants (fishery, farm and
wind-PV hybrid sites). The sites open to developers are the base potential
``utility_pv_site_potential`` plus, under the plan's PV+ programme, a share
``pv_plus_programme`` of the designated PV+ land ``pv_plus_potential``; each site holds
an equal part of that capacity, has its own cost factor (land, grading, connection) and
its owner's hurdle rate. Each year a share ``investor_review_rate`` of the open, unbuilt
sites comes up for a decision (the development pipeline), and the developer builds with
the benefit-cost logit on the plant's yearly revenue against its annualised cost:

* revenue: output (``pv_full_load_hours``) less the share the developer expects to be
  curtailed, paid ``pv_export_price`` plus the carbon cost that the carbon price passes
  into wholesale power (``carbon_pass_through_electricity``); plus the earnings of the
  paired storage (``paired_storage_value`` and the storage discharge incentive per kWh
  discharged);
* cost: capital (the year's PV price times ``utility_pv_price_factor`` and the site's
  cost factor) at the developer's hurdle rate, operation, land rent, and the storage
  Jiangsu requires new PV to pair with (``pv_storage_pairing_ratio`` of the plant's power
  for ``pv_storage_pairing_hours``), net of the storage subsidy.

The expected curtailment is the share of a new block's output that last year's city
could not absorb (hourly model in :mod:`abm.energy_system`), so storage, grid storage
and demand growth enable PV, and PV that crowds the grid slows further building. The
paired storage joins the city's storage pool. A scenario may still force a path with
``utility_pv_additions`` (plants the government procures on top) and can switch the
developers off with ``utility_pv_investment = 0``.
"""

from __future__ import annotations

import mesa
import numpy as np
from numpy.typing import NDArray

from abm.context import BASE_YEAR, YearContext
from abm.decisions import RULES, capital_recovery_factor, draw_adoption
from abm.streams import standard_normal, uniform

Array = NDArray[np.float64]
SITES = 400


class UtilityPVInvestors(mesa.Agent):
    """Developers of utility-scale PV: one row per candidate site (MW, yuan)."""

    def __init__(self, model: mesa.Model):
        super().__init__(model)
        v = model.values
        rows = np.arange(SITES)
        start = BASE_YEAR  # the sites are the same whatever the start year: developers build from 2021
        spread = v["utility_pv_site_cost_sigma"]
        z = standard_normal(model.seed, "investor.site_cost", start, rows)
        self.cost_factor = np.exp(spread * z - spread**2 / 2)
        z = standard_normal(model.seed, "investor.hurdle", start, rows)
        sigma = v["hurdle_rate_sigma"]
        self.hurdle = v["investor_hurdle_rate"] / 100.0 * np.exp(sigma * z - sigma**2 / 2)
        # the base sites come first, then the PV+ land in the order it is designated
        base, extra = v["utility_pv_site_potential"], v["pv_plus_potential"]
        self.site_mw = (base + extra) / SITES
        self.base_sites = round(SITES * base / max(base + extra, 1e-9))
        self.built = np.zeros(SITES, dtype=bool)
        self.built_year = np.zeros(SITES, dtype=np.int32)
        self.pv_crf = capital_recovery_factor(self.hurdle, v["pv_lifetime"])
        self.storage_crf = capital_recovery_factor(self.hurdle, v["storage_lifetime"])
        self.curtailment_outlook = 0.0
        self.last_build_mw = 0.0

    @property
    def mw(self) -> float:
        """PV capacity the developers have built (MW)."""
        return float(np.count_nonzero(self.built)) * self.site_mw

    @property
    def paired_storage_mwh(self) -> float:
        """Storage paired with the developers' plants (MWh)."""
        v = self.model.values
        return self.mw * v["pv_storage_pairing_ratio"] * v["pv_storage_pairing_hours"]

    def open_sites(self, ctx: YearContext) -> NDArray[np.bool_]:
        """Sites open to developers this year: the base potential and the designated PV+ land."""
        opened = self.base_sites + round((SITES - self.base_sites) * ctx.instruments.pv_plus_programme)
        return np.arange(SITES) < opened

    def economics(self, ctx: YearContext) -> tuple[Array, Array]:
        """Yearly revenue and annualised cost of a plant on each site (yuan per kW per year)."""
        v, inst = ctx.values, ctx.instruments
        mult = inst.expected_subsidy_multiplier
        carbon = ctx.grid_ef / 1000.0 * inst.carbon_price * v["carbon_pass_through_electricity"]
        sold = v["pv_full_load_hours"] * (1.0 - self.curtailment_outlook)
        storage_kwh = v["pv_storage_pairing_ratio"] * v["pv_storage_pairing_hours"]  # per kW of PV
        discharged = storage_kwh * v["storage_cycles_per_year"] * v["storage_round_trip_efficiency"]
        storage_earnings = discharged * (v["paired_storage_value"] + inst.storage_discharge_incentive * mult)
        revenue = sold * (v["pv_export_price"] + carbon) + storage_earnings
        capex = ctx.pv_price * v["utility_pv_price_factor"] * self.cost_factor
        storage_capex = storage_kwh * max(ctx.storage_price - inst.storage_subsidy * mult, 0.0)
        cost = capex * self.pv_crf + v["pv_om_cost"] + v["utility_pv_land_rent"] + storage_capex * self.storage_crf
        return np.broadcast_to(revenue, cost.shape), cost

    def decide(self, ctx: YearContext) -> None:
        """Sites that come up this year are built when the developer takes the logit's draw."""
        v, inst = ctx.values, ctx.instruments
        self.last_build_mw = 0.0
        if not v["utility_pv_investment"]:
            return
        rows = np.arange(SITES)
        revenue, cost = self.economics(ctx)
        p = RULES["benefit_cost_logit"](revenue, cost, v["asc.utility_pv"], v["cost_sensitivity"])
        eligible = self.open_sites(ctx) & ~self.built
        draws = uniform(self.model.seed, "investor.pv_build", ctx.year, rows)
        builds = draw_adoption(draws, eligible, v["investor_review_rate"] * p)
        count = int(np.count_nonzero(builds))
        if count == 0:
            return
        self.built |= builds
        self.built_year[builds] = ctx.year
        self.last_build_mw = count * self.site_mw
        storage_kwh = self.last_build_mw * 1000.0 * v["pv_storage_pairing_ratio"] * v["pv_storage_pairing_hours"]
        rate = inst.subsidy_multiplier
        ctx.ledger.claim("storage_subsidy", inst.storage_subsidy * rate * storage_kwh)
        # recurring: the discharge incentive on what all paired storage discharges this year
        discharged_kwh = (
            self.paired_storage_mwh * 1000.0 * v["storage_cycles_per_year"] * v["storage_round_trip_efficiency"]
        )
        ctx.ledger.claim("storage_discharge_incentive", inst.storage_discharge_incentive * rate * discharged_kwh)
