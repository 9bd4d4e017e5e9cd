"""Invariants that hold for every scenario: shares in [0, 100], no negative energy, capacity
or CO2, sector rows adding up to totals, complete sector rows, household weights adding up
to Suqian's households (the 2020 census count in 2020). Levers and uncertainties are drawn
within their registry ranges."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import HOUSEHOLDS_2020
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from abm.accounting import END_USE_SECTORS, TERRITORIAL_SECTORS
from abm.model import SuqianModel
from abm.parameters import registry
from abm.run import run
from abm.scenario import load_scenario
from abm.trajectory import COLUMNS, trajectory_frame

REG = registry()
LEVERS = (
    "pv_subsidy",
    "storage_subsidy",
    "storage_discharge_incentive",
    "ev_subsidy",
    "fleet_ev_subsidy",
    "heat_pump_subsidy",
    "subsidy_budget",
    "rooftop_pv_programme",
    "utility_pv_additions",
    "grid_storage_additions",
    "coal_retired_2030",
    "coal_exit_year",
    "carbon_price_2030",
    "carbon_price_2060",
    "backward_exit_rate",
    "new_roof_pv_mandate",
    "truck_electric_share_new",
    "freight_shift_2030",
    "adaptive_incentives",
)
UNCERTAINTIES = tuple(p.name for p in REG.of_kind("uncertainty"))
NON_NEGATIVE = ("co2_territorial", "co2_with_electricity", "pv_capacity", "storage_capacity", "primary_energy")


def setting(name: str) -> st.SearchStrategy[float]:
    """Values of one registry parameter within its range (0/1 for switches, whole years)."""
    p = REG[name]
    if p.unit == "switch":
        return st.sampled_from([0.0, 1.0])
    if p.unit == "year":
        return st.integers(int(p.low), int(p.high)).map(float)
    return st.floats(min_value=p.low, max_value=p.high)


@st.composite
def scenarios(draw):
    """A scenario with a handful of levers and uncertainties drawn, and a horizon."""
    base = draw(st.sampled_from(["baseline", "plan"]))
    end_year = draw(st.sampled_from([2030, 2042, 2060]))
    chosen = draw(st.lists(st.sampled_from(LEVERS + UNCERTAINTIES), min_size=3, max_size=8, unique=True))
    values = {name: draw(setting(name)) for name in chosen}
    values["end_year"] = float(end_year)
    values["policy_start_year"] = float(draw(st.integers(2021, min(int(REG["policy_start_year"].high), end_year))))
    return load_scenario(base).with_settings(values)


def simulate(scenario, seed: int, households: int) -> pd.DataFrame:
    """The tidy trajectory of a run, built from the model directly."""
    model = SuqianModel(scenario, seed=seed, households=households)
    model.run_model()
    return trajectory_frame(model.records)


def check_invariants(t: pd.DataFrame, end_year: int) -> None:
    """Every invariant of a trajectory."""
    # shape of the table
    assert list(t.columns) == COLUMNS
    assert not t.isna().any().any()
    assert np.isfinite(t["value"].to_numpy()).all()
    assert not t.duplicated(["year", "indicator", "sector"]).any()
    assert sorted(t["year"].unique()) == list(range(2020, end_year + 1))

    # shares and percentages
    percent = t[t["unit"].str.startswith("%")]
    assert {"nonfossil_share", "solid_waste_use", "rooftop_pv_coverage_new", "ev_share_of_private_cars"} <= set(
        percent["indicator"]
    )
    outside = percent[(percent["value"] < -1e-9) | (percent["value"] > 100.0 + 1e-9)]
    assert outside.empty, outside.groupby("indicator")["value"].agg(["min", "max"])

    # no negative energy, capacity or CO2
    energy = t["indicator"].str.startswith("final_energy_")
    capacity = t["indicator"].str.endswith("_capacity")
    rest = t["indicator"].isin([*NON_NEGATIVE, "pv_generation", "pv_curtailed", "ev_stock", "households"])
    negative = t[(energy | capacity | rest) & (t["value"] < 0.0)]
    assert negative.empty, negative

    # sector rows add up to the total row
    with_total = set(t.loc[t["sector"] == "total", "indicator"])
    parts = t[(t["sector"] != "total") & t["indicator"].isin(with_total)]
    summed = parts.groupby(["indicator", "year"])["value"].sum()
    totals = t[t["sector"] == "total"].set_index(["indicator", "year"])["value"].loc[summed.index]
    assert np.allclose(summed.to_numpy(), totals.to_numpy(), rtol=1e-9, atol=1e-12), (summed - totals).abs().max()

    # every CO2 sector present in every year
    for indicator, sectors in (("co2_territorial", TERRITORIAL_SECTORS), ("co2_with_electricity", END_USE_SECTORS)):
        rows = t[t["indicator"] == indicator]
        for year, group in rows.groupby("year"):
            assert set(group["sector"]) == {*sectors, "total"}, (indicator, year)

    # a few cross-checks between indicators
    by = t.set_index(["indicator", "sector", "year"])["value"].sort_index()
    net = by.loc["co2_net", "total"]
    assert np.allclose(net, by.loc["co2_with_electricity", "total"] - by.loc["carbon_sink", "total"], rtol=1e-9)
    assert (by.loc["pv_curtailed", "total"] <= by.loc["pv_generation", "total"] + 1e-9).all()
    households = by.loc["households", "total"]  # the population path's households (abm.demography)
    assert (households > 0).all()
    if 2020 in households.index:
        assert households.loc[2020] == pytest.approx(HOUSEHOLDS_2020, rel=1e-9)

    # subsidies: paid within the year's budget (0 = no limit); claims left unpaid are never negative
    budget, paid = by.loc["subsidy_budget", "total"], by.loc["fiscal_cost", "total"]
    capped = budget > 0
    assert (paid[capped] <= budget[capped] * (1 + 1e-12)).all(), (paid - budget)[capped].max()
    assert (t.loc[t["indicator"].isin(["fiscal_cost", "subsidy_unpaid"]), "value"] >= 0.0).all()
    assert (by.loc["subsidy_unpaid", "total"][~capped] == 0.0).all()


@pytest.mark.parametrize("name", ["plan_run", "baseline_run"])
def test_builtin_runs_satisfy_invariants(name, request):
    """The shared plan and baseline runs keep every invariant over 2020-2060."""
    check_invariants(request.getfixturevalue(name).trajectory, 2060)


# Each example is a model run (about a second): few examples, and no shrinking, so that a
# failure is reported in seconds rather than minutes (the failing example is printed).
@settings(
    max_examples=10,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    scenario=scenarios(),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
    households=st.integers(min_value=300, max_value=1000),
)
def test_random_scenarios_satisfy_invariants(scenario, seed, households):
    """Any levers and uncertainties within their ranges keep every invariant."""
    check_invariants(simulate(scenario, seed, households), int(scenario["end_year"]))


def test_nonfossil_share_stays_within_100_when_the_city_exports_power():
    """Much local PV and storage, no coal, a clean grid and slow growth: the city becomes a net
    exporter of electricity, and the non-fossil share of primary energy must still be <= 100 %."""
    scenario = load_scenario("plan").with_settings(
        {
            "utility_pv_additions": 1500,
            "grid_storage_additions": 500,
            "coal_retired_2030": 1.0,
            "coal_exit_year": 2035,
            "gdp_growth_2030": 3.5,
            "gdp_growth_2060": 1.0,
            "grid_ef_2060": 0.0,
            "grid_export_limit": 3000,
        }
    )
    t = simulate(scenario, 1, 300)
    imports = t[t["indicator"] == "electricity_net_imports"].set_index("year")["value"]
    share = t[t["indicator"] == "nonfossil_share"].set_index("year")["value"]
    assert imports.loc[2060] < 0  # the situation this test is about
    assert share.max() <= 100.0, share[share > 100.0]


def test_extreme_scenario_satisfies_invariants():
    """Every lever and uncertainty at the end of its range that pushes hardest on the system."""
    extreme = {p.name: p.high for p in REG.of_kind("lever")}
    extreme.update({p.name: p.low for p in REG.of_kind("uncertainty")})
    extreme.update({"policy_start_year": 2021, "coal_exit_year": 2035, "carbon_sink_growth": 5.0})
    check_invariants(simulate(load_scenario("baseline").with_settings(extreme), 3, 500), 2060)


@settings(max_examples=15, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(households=st.integers(min_value=10, max_value=5000), seed=st.integers(min_value=0, max_value=10_000))
def test_household_weights_add_up_to_suqian(households, seed):
    """Whatever the number of simulated households, they stand for all 1,631,972."""
    model = SuqianModel(load_scenario("plan"), seed=seed, households=households)
    assert len(model.households) == households
    assert float(model.households.weight.sum()) == pytest.approx(HOUSEHOLDS_2020, rel=1e-12)


def test_too_few_households_or_negative_seed_is_refused():
    with pytest.raises(ValueError, match="at least 10"):
        run("plan", seed=1, households=9)
    with pytest.raises(ValueError, match="non-negative"):
        run("plan", seed=-1, households=100)


@pytest.mark.parametrize("end_year", [2030, 2045])
def test_run_with_a_shorter_horizon_completes(end_year):
    """end_year is adjustable from 2030 in the registry, so run() must work up to any such year:
    the trajectory stops there and the scorecard keeps the targets the horizon covers."""
    result = run(load_scenario("plan").with_settings({"end_year": end_year}), seed=1, households=300)
    assert sorted(result.trajectory["year"].unique()) == list(range(2020, end_year + 1))
    assert "pv_capacity_2025" in set(result.scorecard["target_id"])
    assert "co2_peak" in set(result.scorecard["target_id"])
