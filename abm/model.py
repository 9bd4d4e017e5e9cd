"""The Suqian model: a Mesa model whose step is one year, from a start year (2015 to 2020) to 2060.

Every ``*_2020`` input means the base year 2020 (:data:`abm.context.BASE_YEAR`); a run that
starts earlier begins from the start year's states (``*_2015`` values, back-cast linearly
to a later start year) and scales the 2020 intensities by the observed drivers (output,
population) relative to 2020. Technology prices before 2020 follow their recorded path
(PV systems, the electric-car premium) or the learning curve run backwards (storage). Utility-scale PV follows its recorded path to 2020; the
developers' market (grid parity, no feed-in premium) opens in 2021.

Order of a year (``SuqianModel.step``):

1. the government sets the instruments in force (levers, prices, capacities, budget);
2. prices and exogenous paths for the year are fixed (economy, grid factor, learning);
3. utility-scale PV developers decide which sites to build, expecting last year's
   curtailment of new PV;
4. enterprises decide (rooftop PV, storage, retrofit, electrified heat, recycling, green
   power), then capacity turns over;
5. households decide (car and electric car, rooftop PV, electrification, retrofit, waste
   sorting), then dwellings renew;
6. fleets retire, replace and grow their vehicles;
7. the energy system balances the year: PV absorbed by the city with storage (firms',
   grid-side and paired with utility PV), local power and heat, net imports;
8. the government pays the year's subsidy claims within the year's budget (pro rata
   when they exceed it); each household and firm is paid its claim times the payout share;
9. accounting turns end-of-year stocks into energy and CO2 by sector; the data collector
   records adoption by county and by sector (and, in their years, the distribution table
   and the agent panel); the government sets next year's subsidy rates.

All agents of a kind decide on the state at the start of the year, at once (synchronous
update), which is what lets every decision run vectorised over numpy columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import mesa
import numpy as np

from abm import national
from abm.accounting import (
    EmissionFactors,
    co2_with_electricity,
    consumer_co2,
    power_heat_balance,
    primary_energy,
    supply_factors,
    territorial_co2,
)
from abm.context import BASE_YEAR, HISTORY_YEAR, SubsidyLedger, YearContext, at_year
from abm.demography import population_path, population_year, synthesis_values
from abm.distribution import DistributionRecorder, Payments, selected_years
from abm.economy import ENTERPRISE_SECTORS, INDUSTRY_SECTORS, economy_path
from abm.energy_system import (
    CityBalance,
    city_pv_balance,
    grid_emission_factor,
    grid_nonfossil_share,
    learned_price,
    load_profiles,
    marginal_curtailment,
    self_consumption_tables,
)
from abm.energy_use import FUELS, EnergyUse
from abm.panel import PANEL_HOUSEHOLDS, PanelRecorder
from abm.population import COUNTIES, HouseholdTable, check_households, synthesize_households
from abm.records import YearRecord
from abm.scenario import Scenario
from agents import (
    Enterprises,
    EnterpriseSector,
    Government,
    HouseholdBlock,
    HouseholdRules,
    InlandShipping,
    RoadFleet,
    household_energy,
)
from agents.investors import UtilityPVInvestors

DEFAULT_HOUSEHOLDS = 20_000


def technology_price(values: Mapping[str, float], stem: str, decline: str, floor: str, year: int) -> float:
    """The price ``<stem>_2020`` in ``year``: on its learning curve from the base year on
    (:func:`learned_price`); before it on its recorded path from ``<stem>_2015`` where the
    registry has one, else the same learning curve run backwards. Units of ``<stem>_2020``."""
    if year >= BASE_YEAR:
        return learned_price(values[f"{stem}_{BASE_YEAR}"], values[decline], values[floor] if floor else 0.0, year)
    if f"{stem}_{HISTORY_YEAR}" in values:
        return at_year(values, stem, year)
    return values[f"{stem}_{BASE_YEAR}"] * (1.0 - values[decline] / 100.0) ** (year - BASE_YEAR)


def _split_firms(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Split ``total`` firms among sectors by share (largest remainder, at least one each)."""
    raw = {s: total * w / sum(shares.values()) for s, w in shares.items()}
    counts = {s: max(int(np.floor(x)), 1) for s, x in raw.items()}
    order = sorted(raw, key=lambda s: raw[s] - np.floor(raw[s]), reverse=True)
    for s in order[: max(total - sum(counts.values()), 0)]:
        counts[s] += 1
    return counts


def county_blocks(
    model: mesa.Model, table: HouseholdTable, strata: list[tuple[int, bool, slice]]
) -> list[HouseholdBlock]:
    """One :class:`HouseholdBlock` per county that has households, over the county's strata (contiguous rows)."""
    blocks = []
    for c, county in enumerate(COUNTIES):
        rows = [s for county_index, _, s in strata if county_index == c]
        if rows:
            blocks.append(HouseholdBlock(model, table, slice(rows[0].start, rows[-1].stop), county))
    return blocks


HOUSEHOLD_BLOCK_REPORTERS = {
    "ev_share": "ev_share",
    "pv_share": "pv_share",
    "electrified_share": "electrified_share",
    "retrofitted_share": "retrofitted_share",
    "sorting_share": "sorting_share",
    "subsidies_received": "subsidies_received",
}
# a sector agent's output-weighted adoption share of each option (names as the trajectory's), and its subsidies
SECTOR_REPORTERS = {
    f"{name}_share": partial(EnterpriseSector.adoption, option=option)
    for option, name in (
        ("pv", "pv"),
        ("storage", "storage"),
        ("efficiency_retrofit", "retrofit"),
        ("electrified_heat", "electrified_heat"),
        ("solid_waste_recycling", "recycling"),
        ("green_power", "green_power"),
        ("waste_heat_recovery", "waste_heat"),
    )
} | {"subsidies_received": "subsidies_received"}


class SuqianModel(mesa.Model):
    """Agents of Suqian responding to a scenario's instruments, one step per year.

    Agents: one :class:`HouseholdBlock` per county, one :class:`EnterpriseSector` per sector
    and the :class:`Enterprises` that decide for all firms, the fleets, the utility PV
    developers and the government; ``datacollector`` holds each year's adoption by county
    and by sector. With ``distribution`` the run gathers the distribution table
    (:mod:`abm.distribution`) and with ``panel`` the agent panel (:mod:`abm.panel`).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 1,
        households: int = DEFAULT_HOUSEHOLDS,
        distribution: bool = False,
        panel: bool = False,
        panel_households: int = PANEL_HOUSEHOLDS,
    ):
        households = check_households(households)  # before any memory is taken
        super().__init__(rng=np.random.default_rng(np.random.SeedSequence(seed)))
        self.scenario = scenario
        self.values = dict(scenario.values)
        v = self.values
        self.seed = seed
        self.year = int(v["start_year"])
        self.end_year = int(v["end_year"])
        self.economy = economy_path(v)
        self.population = population_path(v)
        self.factors = EmissionFactors.from_values(v)
        self.profiles = load_profiles()
        self.self_consumption = self_consumption_tables(v["storage_hours"], v["storage_round_trip_efficiency"])

        self.government = Government(self, v)
        firms = _split_firms(int(v["above_scale_firms"]), {s: v[f"industry_share_2020.{s}"] for s in INDUSTRY_SECTORS})
        firms["commercial_services"] = int(v["commercial_firms"])
        first = self.economy.index(BASE_YEAR)  # firms' output is the 2020 output the intensities belong to
        self.enterprises = Enterprises(
            self, firms, {s: float(self.economy.industry[s][first]) for s in ENTERPRISE_SECTORS}
        )
        self.enterprise_sectors = [EnterpriseSector(self, self.enterprises, s) for s in self.enterprises.sectors]
        self.households, strata = synthesize_households(synthesis_values(v, self.population), households, self.rng)
        self.household_blocks = county_blocks(self, self.households, strata)
        # the rules run once over every block's rows together: one call a year, not one per county
        self.household_rules = HouseholdRules(self, self.households, slice(0, households))
        self.fleets = [RoadFleet(self, f) for f in ("city_bus", "taxi", "logistics_truck")] + [InlandShipping(self)]
        self.investors = UtilityPVInvestors(self)
        # last year's PV (MW), loads (MWh), storage (MWh) and PV balance, for the developers' outlook
        self._city_state: tuple[float, dict[str, float], float, CityBalance] | None = None
        self.records: list[YearRecord] = []
        self._evs_without_home = 0.0
        self._co2_history: list[float] = []
        years = selected_years(self.year, self.end_year)
        self.distribution = DistributionRecorder(years) if distribution else None
        self.panel = PanelRecorder(seed, households, years, panel_households) if panel else None
        self.datacollector = mesa.DataCollector(
            model_reporters={"year": "year"},
            agenttype_reporters={HouseholdBlock: HOUSEHOLD_BLOCK_REPORTERS, EnterpriseSector: SECTOR_REPORTERS},
        )

    def context(self, year: int, ledger: SubsidyLedger) -> YearContext:
        """Prices, paths and instruments for ``year``."""
        v = self.values
        i = self.economy.index(year)
        first = self.economy.index(BASE_YEAR)
        gdp_factor = float(self.economy.gdp[i] / self.economy.gdp[first])
        return YearContext(
            year=year,
            values=v,
            instruments=self.government.instruments(year),
            grid_ef=grid_emission_factor(v, year),
            pv_price=technology_price(v, "pv_price", "pv_cost_decline", "pv_price_floor", year),
            storage_price=technology_price(v, "storage_price", "storage_cost_decline", "storage_price_floor", year),
            ev_premium_factor=self.ev_premium_factor(year),
            income_factor=gdp_factor,
            sector_output_factor={
                s: float(self.economy.industry[s][i] / self.economy.industry[s][first]) for s in ENTERPRISE_SECTORS
            },
            gdp_factor=gdp_factor,
            ev_needing_public_chargers=self._evs_without_home,
            self_consumption=self.self_consumption,
            ledger=ledger,
        )

    def ev_premium_factor(self, year: int) -> float:
        """An electric vehicle's price premium before purchase support in ``year``, relative to 2020.

        From 2020 the learning curve; before, the recorded path from ``ev_price_premium_2015``
        (before support) to the 2020 premium before the central subsidy (:mod:`abm.national`).
        """
        v = self.values
        if year >= BASE_YEAR:
            return learned_price(1.0, v["ev_cost_decline"], 0.0, year)
        sticker = national.ev_sticker_premium_2020(v)
        early = v[f"ev_price_premium_{HISTORY_YEAR}"]
        share = (max(year, HISTORY_YEAR) - HISTORY_YEAR) / (BASE_YEAR - HISTORY_YEAR)
        return (early + (sticker - early) * share) / sticker

    def step(self) -> None:
        """Simulate one year (see the module docstring for the order)."""
        year = self.year
        population_year(self.households, self.population, self.values, self.seed, year)
        ledger = SubsidyLedger()
        ctx = self.context(year, ledger)
        if year > int(self.values["start_year"]):
            if year > BASE_YEAR:  # before, utility PV follows its recorded path (Government.utility_pv)
                self.investors.curtailment_outlook = self.curtailment_outlook()
                self.investors.decide(ctx)
            developer_claims = ledger.total  # the developers claim first
            self.enterprises.decide(ctx)
            self.household_rules.decide(ctx)
            for fleet in self.fleets:
                fleet.decide(ctx)
        else:
            developer_claims = 0.0
        share = self.government.pay(year, ledger)
        self.households.subsidy_received += self.households.subsidy_claim * share
        self.enterprises.subsidy_received += self.enterprises.subsidy_claim * share
        record = self.account(ctx)
        self.records.append(record)
        self.datacollector.collect(self)
        payments = Payments(share, ledger.paid_total, ledger.paid["fleet_ev_subsidy"], developer_claims * share)
        self.record_outputs(ctx, payments)
        self._co2_history.append(record.co2_with_electricity_total)
        self.government.settle(year, ledger, self._co2_history)
        self._evs_without_home = record.households.evs_without_home_charging
        self.year += 1
        if self.year > self.end_year:
            self.running = False

    def record_outputs(self, ctx: YearContext, payments: Payments) -> None:
        """Add the year's rows to the distribution table and the panel, in their years, when they are kept."""
        if self.distribution is not None and ctx.year in self.distribution.years:
            self.distribution.record(self.households, self.enterprises, ctx, payments)
        if self.panel is not None and ctx.year in self.panel.years:
            self.panel.record(self.households, self.enterprises, ctx, payments.share)

    def curtailment_outlook(self) -> float:
        """Share of a new utility PV block's output that last year's city would curtail, in [0, 1]."""
        if self._city_state is None:
            return 0.0
        v = self.values
        pv_mw, loads, storage_mwh, balance = self._city_state
        return marginal_curtailment(
            self.profiles,
            pv_mw,
            loads,
            storage_mwh,
            v["grid_export_limit"],
            v["storage_round_trip_efficiency"],
            v["pv_full_load_hours"],
            v["utility_pv_outlook_block"],
            balance,
        )

    def account(self, ctx: YearContext) -> YearRecord:
        """Energy, emissions and indicators at the end of the year."""
        v, inst = self.values, ctx.instruments
        i = self.economy.index(ctx.year)
        first = self.economy.index(BASE_YEAR)
        hh = household_energy(self.households, ctx)
        sectors = self.enterprises.summary(ctx)
        fleets = {f.fleet: f.summary(ctx) for f in self.fleets}

        primary_factor = float(self.economy.primary[i] / self.economy.primary[first])
        aeei = (1.0 - v["autonomous_efficiency_gain"] / 100.0) ** ctx.elapsed
        agriculture = EnergyUse(
            oil=v["agriculture_oil_2020"] * 1e4 * primary_factor * aeei,
            electricity=v["agriculture_electricity_2020"] * 1e8 * primary_factor * aeei,
        )
        waste_mwh = inst.waste_power_mw * v["biomass_full_load_hours"]
        diverted = v["sorting_fossil_diversion"] * hh.sorting / max(hh.households, 1.0)
        waste = EnergyUse(process_co2=waste_mwh * v["waste_fossil_co2_per_mwh"] * (1.0 - diverted))

        transport = hh.cars
        for summary in fleets.values():
            transport = transport + summary.energy
        uses = {s: sectors[s].energy for s in INDUSTRY_SECTORS}
        uses["buildings_residential"] = hh.residential
        uses["buildings_commercial"] = sectors["commercial_services"].energy
        uses["transport"] = transport
        uses["agriculture"] = agriculture
        uses["waste"] = waste

        firm_pv_kw = sum(s.pv_kw for s in sectors.values())
        firm_storage_kwh = sum(s.storage_kwh for s in sectors.values())
        rooftop_kw = hh.pv_kw + firm_pv_kw
        utility_mw = inst.utility_pv_mw + self.investors.mw
        paired_mwh = self.investors.paired_storage_mwh
        pv_mw = utility_mw + rooftop_kw / 1000.0
        storage_mwh = inst.grid_storage_mwh + paired_mwh + firm_storage_kwh / 1000.0
        loads = {
            "industry": sum(uses[s].electricity for s in INDUSTRY_SECTORS) + agriculture.electricity,
            "commerce": uses["buildings_commercial"].electricity,
            "residential": hh.residential.electricity + transport.electricity,
        }
        loads_mwh = {k: x / 1000.0 for k, x in loads.items()}
        city = city_pv_balance(
            self.profiles,
            pv_mw,
            loads_mwh,
            storage_mwh,
            v["grid_export_limit"],
            v["storage_round_trip_efficiency"],
            v["pv_full_load_hours"],
        )
        self._city_state = (pv_mw, loads_mwh, storage_mwh, city)
        own_pv = sum(u.own_pv for u in uses.values())
        pv_to_grid = max(city.pv_used * 1000.0 - own_pv, 0.0)
        other_kwh = (
            inst.wind_mw * v["wind_full_load_hours"] + (inst.biomass_mw * v["biomass_full_load_hours"]) + waste_mwh
        ) * 1000.0
        balance = power_heat_balance(
            uses, inst.coal_mw, v["local_coal_capacity_2020"], pv_to_grid + other_kwh, ctx.grid_ef, v
        )
        territorial = territorial_co2(uses, balance, self.factors)
        with_electricity = co2_with_electricity(uses, balance, self.factors)
        grid_nonfossil = grid_nonfossil_share(v, ctx.year)
        primary, nonfossil = primary_energy(uses, balance, v, grid_nonfossil, ctx.year)
        electricity_ef, heat_ef = supply_factors(uses, balance, self.factors)
        operating_co2 = sum(consumer_co2(f.energy, electricity_ef, heat_ef, self.factors) for f in fleets.values())
        buildings = (uses["buildings_residential"], uses["buildings_commercial"])
        building_pv_kwh = (
            sum(u.own_pv for u in buildings) + hh.pv_exported_kwh + sectors["commercial_services"].pv_exported_kwh
        )
        building_energy = sum(
            sum(u.fuel(f) for f in FUELS) + u.biomass + u.heat + u.electricity / v["kwh_per_tce"] for u in buildings
        )

        return YearRecord(
            year=ctx.year,
            residents=float(self.population.residents[self.population.index(ctx.year)]),
            gdp=float(self.economy.gdp[i]),
            value_added={
                "agriculture": float(self.economy.primary[i]),
                "construction": float(self.economy.construction[i]),
                **{s: float(self.economy.industry[s][i]) for s in ENTERPRISE_SECTORS},
            },
            uses=uses,
            final_energy_tce={
                s: sum(u.fuel(f) for f in FUELS) + u.biomass + u.heat + u.electricity / v["kwh_per_tce"]
                for s, u in uses.items()
            },
            territorial=territorial,
            with_electricity=with_electricity,
            carbon_sink=inst.carbon_sink * 1e6,
            primary_energy=primary,
            nonfossil_primary=nonfossil,
            balance=balance,
            city=city,
            instruments=inst,
            grid_ef=ctx.grid_ef,
            households=hh,
            enterprises=sectors,
            fleets=fleets,
            pv_mw={
                "utility": utility_mw,
                "households": hh.pv_kw / 1000.0,
                "enterprises": firm_pv_kw / 1000.0,
            },
            storage_mwh={
                "grid": inst.grid_storage_mwh,
                "paired_with_pv": paired_mwh,
                "enterprises": firm_storage_kwh / 1000.0,
            },
            subsidies=dict(ctx.ledger.paid),
            subsidies_unpaid=ctx.ledger.unpaid,
            subsidy_budget=self.government.budget(ctx.year),
            subsidy_payout_share=ctx.ledger.payout_share,
            household_car_purchases=self.household_rules.car_purchases,
            household_ev_purchases=self.household_rules.ev_purchases,
            building_renewable_tce=building_pv_kwh / v["kwh_per_tce"],
            building_energy_tce=building_energy,
            operating_transport_co2=operating_co2,
        )

    def run_model(self) -> None:
        """Step every year to the end year."""
        while self.running:
            self.step()
