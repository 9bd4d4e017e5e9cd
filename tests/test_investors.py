"""Utility-scale PV developers (agents/investors.py) and the curtailment they expect."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from helpers import HOUSEHOLDS, SEED

from abm.context import SubsidyLedger
from abm.energy_system import load_profiles, marginal_curtailment
from abm.model import SuqianModel
from abm.scenario import load_scenario

SMALL = 400
LOADS = {"industry": 2.0e6, "commerce": 0.5e6, "residential": 1.0e6}  # MWh/yr


def model(settings: dict[str, object] | None = None, households: int = SMALL, seed: int = SEED) -> SuqianModel:
    scenario = load_scenario("plan")
    if settings:
        scenario = scenario.with_settings(settings)
    return SuqianModel(scenario, seed=seed, households=households)


def run(settings: dict[str, object] | None = None, end_year: int = 2030, seed: int = SEED) -> SuqianModel:
    m = model({"end_year": end_year, **(settings or {})}, seed=seed)
    m.run_model()
    return m


def year_context(m: SuqianModel, year: int = 2025, **instruments: float):
    ctx = m.context(year, SubsidyLedger())
    return replace(ctx, instruments=replace(ctx.instruments, **instruments)) if instruments else ctx


# --- the expected curtailment of new PV ---------------------------------------------------------


def test_no_curtailment_while_pv_stays_below_the_load():
    profiles = load_profiles()
    share = marginal_curtailment(profiles, 100.0, LOADS, 0.0, 0.0, 0.85, 1064.0, 100.0)
    assert share == 0.0


def test_curtailment_rises_with_pv_and_falls_with_storage_and_export():
    profiles = load_profiles()

    def share(pv: float, storage: float = 0.0, export: float = 0.0) -> float:
        return marginal_curtailment(profiles, pv, LOADS, storage, export, 0.85, 1064.0, 200.0)

    assert 0.0 < share(3000.0) < share(6000.0) <= 1.0
    assert share(6000.0, storage=4000.0) < share(6000.0)
    assert share(6000.0, export=1000.0) < share(6000.0)


def test_a_block_of_zero_megawatts_expects_no_curtailment():
    assert marginal_curtailment(load_profiles(), 9000.0, LOADS, 0.0, 0.0, 0.85, 1064.0, 0.0) == 0.0


# --- the developers' economics --------------------------------------------------------------------


def test_storage_subsidy_lowers_and_discharge_incentive_raises_what_a_plant_pays_back():
    m = model()
    investors = m.investors
    revenue, cost = investors.economics(year_context(m))
    _, subsidised = investors.economics(year_context(m, storage_subsidy=300.0))
    paid, _ = investors.economics(year_context(m, storage_discharge_incentive=0.5))
    assert (subsidised < cost).all()
    assert (paid > revenue).all()


def test_expected_curtailment_lowers_revenue_and_carbon_price_raises_it():
    m = model()
    investors = m.investors
    revenue, _ = investors.economics(year_context(m, carbon_price=0.0))
    priced, _ = investors.economics(year_context(m, carbon_price=200.0))
    investors.curtailment_outlook = 0.3
    curtailed, _ = investors.economics(year_context(m, carbon_price=0.0))
    assert (priced > revenue).all()
    assert (curtailed < revenue).all()


def test_pairing_no_storage_removes_its_cost():
    paired = model({"pv_storage_pairing_ratio": 0.2})
    alone = model({"pv_storage_pairing_ratio": 0.0})
    _, cost_paired = paired.investors.economics(year_context(paired))
    _, cost_alone = alone.investors.economics(year_context(alone))
    assert (cost_alone < cost_paired).all()


# --- builds, the forced path and the subsidy claims -------------------------------------------------


def utility_mw(m: SuqianModel) -> np.ndarray:
    return np.array([r.pv_mw["utility"] for r in m.records])


def test_without_developers_utility_pv_follows_the_forced_path_exactly():
    m = run({"utility_pv_investment": 0, "utility_pv_additions": 250, "policy_start_year": 2021})
    first = m.records[0]
    expected = [first.pv_mw["utility"] + 250.0 * (r.year - first.year) for r in m.records]
    assert utility_mw(m) == pytest.approx(expected)
    assert all(r.storage_mwh["paired_with_pv"] == 0.0 for r in m.records)


def test_developers_build_only_on_open_sites_and_never_demolish():
    m = run(end_year=2060)
    built = utility_mw(m)
    assert (np.diff(built) >= 0).all()
    v = m.values
    procured = v["utility_pv_2020"] + v["utility_pv_additions"] * (m.end_year - int(v["start_year"]))
    assert built[-1] <= procured + v["utility_pv_site_potential"] + v["pv_plus_potential"] + 1e-6
    closed = run({"pv_plus_programme": 0}, end_year=2060)
    assert closed.investors.mw <= v["utility_pv_site_potential"] * (1 + 1e-9) + closed.investors.site_mw


def test_paired_storage_is_claimed_and_joins_the_city_pool():
    m = run({"storage_subsidy": 300, "subsidy_budget": 0}, end_year=2025)
    claims = m.records[-1].subsidies["storage_subsidy"]
    assert m.investors.mw > 0
    assert claims > 0
    last = m.records[-1]
    assert last.storage_mwh["paired_with_pv"] == pytest.approx(
        m.investors.mw * m.values["pv_storage_pairing_ratio"] * m.values["pv_storage_pairing_hours"]
    )


# --- each instrument moves the developers the expected way (common random numbers) --------------


@pytest.mark.parametrize(
    ("lever", "low", "high"),
    [
        ("pv_plus_programme", 0, 1),
        ("storage_subsidy", 0, 600),
        ("storage_discharge_incentive", 0, 0.8),
        ("grid_storage_additions", 0, 500),
    ],
)
def test_instrument_raises_utility_pv_built_by_developers(lever, low, high):
    for seed in (1, 2):
        less = run({lever: low, "subsidy_budget": 0}, end_year=2040, seed=seed)
        more = run({lever: high, "subsidy_budget": 0}, end_year=2040, seed=seed)
        assert more.investors.mw >= less.investors.mw, seed
    assert more.investors.mw > less.investors.mw or lever == "grid_storage_additions"


def test_pv_plus_programme_lowers_emissions_with_common_random_numbers():
    for seed in (1, 2, 3):
        closed = run({"pv_plus_programme": 0}, end_year=2035, seed=seed)
        opened = run({"pv_plus_programme": 1}, end_year=2035, seed=seed)
        assert opened.records[-1].co2_with_electricity_total < closed.records[-1].co2_with_electricity_total


def test_more_households_do_not_change_the_developers_draws():
    small = model(households=SMALL).investors
    large = model(households=HOUSEHOLDS).investors
    assert np.array_equal(small.cost_factor, large.cost_factor)
    assert np.array_equal(small.hurdle, large.hurdle)
