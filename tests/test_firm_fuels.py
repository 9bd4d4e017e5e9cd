"""Firms' fuels: carbon-market coverage, boiler fuel switching, waste-heat recovery, price-responsive demand.

Rules are tested on small arrays; levers' signs on paired runs with one seed (common
random numbers), each judged over two seeds so that no test rests on one run's outcome.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm.carbon_market import coverage, fuel_carbon_cost, sector_coverage_years
from abm.context import SubsidyLedger
from abm.decisions import RULES
from abm.economy import ENTERPRISE_SECTORS
from abm.model import SuqianModel
from abm.process_heat import (
    BOILER_AS_2020,
    BOILER_BIOMASS,
    BOILER_ELECTRIC,
    BOILER_GAS,
    BOILER_STATES,
    boiler_fuel,
    boiler_share,
    pick,
    price_response,
)
from abm.scenario import load_scenario
from abm.streams import PURPOSES

HOUSEHOLDS = 300
SEEDS = (1, 2)
VALUES = {
    "ets_threshold": 26_000.0,
    "local_scheme_threshold": 10_000.0,
    "coal_boiler_efficiency": 0.75,
    "gas_boiler_efficiency": 0.92,
    "biomass_boiler_efficiency": 0.85,
    "electric_boiler_efficiency": 0.97,
    "kwh_per_tce": 8136.8,
    "boiler_heat_share": 0.6,
    "low_temperature_heat_share": 0.35,
}


# --- coverage ---------------------------------------------------------------------------


def _coverage(year: int, local: bool):
    sector = np.array([0, 0, 0, 1, 1, 2])
    years = np.array([2024, 2027, 2061])
    direct = np.array([30_000.0, 20_000.0, 5_000.0, 30_000.0, 15_000.0, 40_000.0])
    industry = np.array([True, True, True, True, True, False])
    return coverage(year, sector, years, direct, industry, VALUES, local)


def test_national_ets_covers_firms_of_covered_sectors_above_the_threshold():
    cov = _coverage(2025, local=False)
    np.testing.assert_array_equal(cov.national, [True, False, False, False, False, False])
    assert not cov.local.any()


def test_coverage_starts_in_the_sector_coverage_year():
    assert not _coverage(2023, local=False).covered.any()
    assert not _coverage(2026, local=False).covered[3]
    assert _coverage(2027, local=False).covered[3]


def test_local_scheme_covers_industrial_firms_the_national_market_leaves_out():
    cov = _coverage(2025, local=True)
    # firm 0 stays national; firms 1, 3, 4 are industrial above 10,000 t; firm 2 is too small; firm 5 is services
    np.testing.assert_array_equal(cov.local, [False, True, False, True, True, False])
    assert not (cov.local & cov.national).any()


def test_uncovered_firms_bear_no_carbon_cost_on_fuels():
    cost = fuel_carbon_cost(300.0, np.array([True, False]), 1.0)
    np.testing.assert_array_equal(cost, [300.0, 0.0])


def test_every_enterprise_sector_has_a_coverage_year():
    values = load_scenario("plan").values
    years = sector_coverage_years(values, ENTERPRISE_SECTORS)
    assert years.shape == (len(ENTERPRISE_SECTORS),)
    assert years[ENTERPRISE_SECTORS.index("commercial_services")] > values["end_year"]


# --- boilers ------------------------------------------------------------------------------


def test_every_boiler_fuel_delivers_the_same_heat():
    coal, gas = np.array([100.0, 0.0, 30.0]), np.array([50.0, 20.0, 0.0])
    v = VALUES

    def heat(state: int) -> np.ndarray:
        f = boiler_fuel(state, coal, gas, v)
        electric = f.electricity * v["electric_boiler_efficiency"] / v["kwh_per_tce"]
        return (
            f.coal * v["coal_boiler_efficiency"]
            + f.gas * v["gas_boiler_efficiency"]
            + f.biomass * v["biomass_boiler_efficiency"]
            + electric
        )

    for state in range(len(BOILER_STATES)):
        np.testing.assert_allclose(heat(state), heat(BOILER_AS_2020))
    assert not boiler_fuel(BOILER_GAS, coal, gas, v).coal.any()
    assert not boiler_fuel(BOILER_BIOMASS, coal, gas, v).coal.any()
    electric = boiler_fuel(BOILER_ELECTRIC, coal, gas, v)
    assert not electric.coal.any() and not electric.gas.any()


def test_boiler_share_leaves_out_electrified_low_temperature_heat():
    share = boiler_share(VALUES, np.array([False, True]))
    assert share[0] == pytest.approx(0.6)
    # after heat pumps take 35 % of the fuel, boilers burn (0.6 - 0.35) of the original, of the 65 % left
    assert share[1] == pytest.approx(0.25 / 0.65)


def test_choice_among_exclusive_options_reduces_to_the_binary_logit():
    benefit, cost = np.array([[120.0, 10.0]]), np.array([[100.0, 50.0]])
    choice = RULES["benefit_cost_choice"](benefit, cost, np.array([-0.5]), 3.0)
    binary = RULES["benefit_cost_logit"](benefit[0], cost[0], -0.5, 3.0)
    np.testing.assert_allclose(choice[0], binary)


def test_choice_probabilities_sum_below_one_and_a_barred_option_is_never_taken():
    benefit = np.array([[100.0, 100.0], [300.0, 300.0]])
    cost = np.array([[50.0, 50.0], [50.0, 50.0]])
    ascs = np.array([[0.0, 0.0], [0.0, -np.inf]])
    p = RULES["benefit_cost_choice"](benefit, cost, ascs, 3.0)
    assert (p.sum(axis=0) < 1.0).all()
    assert p[1, 1] == 0.0
    assert p[1, 0] > p[0, 0]  # the better option is likelier


def test_pick_maps_each_draw_to_its_bin():
    p = np.array([[0.2, 0.2, 0.2], [0.3, 0.3, 0.3]])
    np.testing.assert_array_equal(pick(np.array([0.1, 0.4, 0.9]), p), [0, 1, -1])


def test_price_response_is_one_at_the_2020_price_and_falls_with_price():
    assert price_response(900.0, 900.0, -0.3) == pytest.approx(1.0)
    factors = price_response(np.array([900.0, 1200.0, 1600.0]), 900.0, -0.3)
    assert (np.diff(factors) < 0).all()
    assert price_response(1800.0, 900.0, 0.0) == pytest.approx(1.0)


def test_new_random_purposes_are_registered():
    assert "firm.boiler" in PURPOSES and "firm.waste_heat_recovery" in PURPOSES


# --- the firms in the model -------------------------------------------------------------------


def _model(settings: dict[str, float], year: int, seed: int = 1):
    """A plan model stepped to the start of ``year``, and that year's context."""
    model = SuqianModel(load_scenario("plan").with_settings(settings), seed=seed, households=HOUSEHOLDS)
    while model.year < year:
        model.step()
    return model, model.context(year, SubsidyLedger())


def test_an_uncovered_sector_ignores_the_carbon_price():
    model, ctx = _model({"carbon_price_2030": 300.0}, 2030)
    firms = model.enterprises
    prices = firms.prices(ctx)
    v = ctx.values
    uncovered = firms.sector == firms.sectors.index("food_liquor")
    assert not prices.coverage.covered[uncovered].any()
    np.testing.assert_array_equal(prices.coal[uncovered], v["coal_price"])
    np.testing.assert_array_equal(prices.gas[uncovered], v["gas_price"])
    covered = prices.coverage.covered
    assert covered.any(), "the plan's large emitters of covered sectors should be in the market by 2030"
    assert (prices.coal[covered] > v["coal_price"]).all()


def test_waste_heat_recovery_cuts_fuels_by_its_saving():
    model, ctx = _model({}, 2021)
    firms = model.enterprises
    before = firms.energy(ctx)
    firms.waste_heat[:] = True
    after = firms.energy(ctx)
    keep = 1.0 - ctx.values["waste_heat_recovery_saving"]
    for carrier in ("coal", "gas", "oil"):
        np.testing.assert_allclose(getattr(after, carrier), getattr(before, carrier) * keep)
    np.testing.assert_allclose(after.electricity, before.electricity)


def test_switching_boilers_to_gas_moves_boiler_coal_to_gas():
    model, ctx = _model({}, 2021)
    firms = model.enterprises
    before = firms.energy(ctx)
    firms.boiler[:] = BOILER_GAS
    after = firms.energy(ctx)
    assert (after.coal <= before.coal + 1e-9).all() and (after.gas >= before.gas - 1e-9).all()
    has_coal = before.boiler_coal > 0
    assert (after.coal[has_coal] < before.coal[has_coal]).all()
    np.testing.assert_allclose(after.electricity, before.electricity)


def _co2_2030(settings: dict[str, float], seed: int) -> float:
    model = SuqianModel(load_scenario("plan").with_settings({"end_year": 2030, **settings}), seed, HOUSEHOLDS)
    model.run_model()
    return model.records[-1].co2_with_electricity_total


@pytest.mark.parametrize(
    "base, moved",
    [
        ({"carbon_price_2030": 0.0}, {"carbon_price_2030": 300.0}),
        (
            {"carbon_price_2030": 300.0, "local_carbon_scheme": 0.0},
            {"carbon_price_2030": 300.0, "local_carbon_scheme": 1.0},
        ),
        ({"efficiency_retrofit_subsidy": 0.0}, {"efficiency_retrofit_subsidy": 0.5}),
        ({"efficiency_benchmark_control": 0.0}, {"efficiency_benchmark_control": 1.0}),
    ],
    ids=["carbon_price_2030", "local_carbon_scheme", "efficiency_retrofit_subsidy", "efficiency_benchmark_control"],
)
def test_lever_lowers_2030_co2_with_common_random_numbers(base, moved):
    differences = [_co2_2030(moved, seed) - _co2_2030(base, seed) for seed in SEEDS]
    assert all(d < 0 for d in differences), differences
