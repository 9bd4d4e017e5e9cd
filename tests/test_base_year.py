"""Plausibility of the 2020 base year against observed statistics."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import HOUSEHOLDS_2020, value

from abm.parameters import data_path, registry

PEAK_LOAD_MW = 4088.0  # Suqian dispatch peak load, 3 August 2020 (408.8万千瓦)


@pytest.fixture(scope="module")
def observed() -> pd.DataFrame:
    return pd.read_csv(data_path("source", "suqian_observed.csv"))


def ceads_mean(observed: pd.DataFrame) -> float:
    rows = observed[
        (observed["indicator"] == "co2_emissions_ceads")
        & (observed["region"] == "suqian")
        & observed["year"].isin([2017, 2018, 2019])
    ]
    assert len(rows) == 3
    return float(rows["value"].mean())


def test_ceads_reference_is_what_the_readme_says(observed):
    """The CEADs Suqian series 2017-2019 is 10.2, 8.5 and 11.6 Mt (mean about 10.1 Mt)."""
    assert ceads_mean(observed) == pytest.approx((10.2249 + 8.5328 + 11.6308) / 3, rel=1e-9)


@pytest.mark.parametrize("name", ["plan_run", "baseline_run"])
def test_territorial_co2_2020_near_ceads(name, request, observed):
    """Territorial CO2 in 2020 within 25 % of the CEADs Suqian mean of 2017-2019."""
    modelled = value(request.getfixturevalue(name).trajectory, "co2_territorial", "total", 2020)
    reference = ceads_mean(observed)
    assert 0.75 * reference <= modelled <= 1.25 * reference, (modelled, reference)


def test_electricity_2020_consistent_with_peak_load(plan_run):
    """2020 electricity use (100 million kWh) implies a load factor of 0.45-0.65 at the
    4088 MW dispatch peak."""
    assert registry()["peak_load_2020"].default == PEAK_LOAD_MW
    electricity_kwh = value(plan_run.trajectory, "final_energy_electricity", "total", 2020) * 1e8
    load_factor = electricity_kwh / (PEAK_LOAD_MW * 1000.0 * 8760.0)
    assert 0.45 <= load_factor <= 0.65, load_factor


def test_peak_load_is_the_observed_one(observed):
    rows = observed[(observed["indicator"] == "peak_load_dispatch") & (observed["year"] == 2020)]
    assert float(rows["value"].iloc[0]) * 10 == pytest.approx(PEAK_LOAD_MW)  # 万千瓦 -> MW


def test_gdp_2020(plan_run, observed):
    """GDP 2020 is the official 3262.37 (100 million yuan)."""
    assert value(plan_run.trajectory, "gdp", "total", 2020) == pytest.approx(3262.37, rel=1e-12)
    rows = observed[(observed["indicator"] == "gdp") & (observed["region"] == "suqian") & (observed["year"] == 2020)]
    assert float(rows["value"].iloc[0]) == pytest.approx(3262.37)


def test_households_2020(plan_run):
    assert value(plan_run.trajectory, "households", "total", 2020) == pytest.approx(HOUSEHOLDS_2020, rel=1e-12)


def test_base_year_is_the_same_in_every_scenario(plan_run, baseline_run):
    """Instruments start after 2020, so the base year does not depend on the scenario."""
    for indicator in ("co2_territorial", "co2_with_electricity", "final_energy_electricity", "primary_energy"):
        assert value(plan_run.trajectory, indicator, "total", 2020) == pytest.approx(
            value(baseline_run.trajectory, indicator, "total", 2020), rel=1e-12
        )
