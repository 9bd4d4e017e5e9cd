"""Population paths reproduce the statistics; households form and move to town as the paths say."""

from __future__ import annotations

import numpy as np
import pytest

from abm.demography import (
    form_households,
    population_path,
    population_year,
    synthesis_values,
    urbanise,
)
from abm.population import synthesize_households
from abm.scenario import load_scenario

VALUES = dict(load_scenario("baseline").values)


@pytest.fixture(scope="module")
def path():
    return population_path(VALUES)


def at(path, series, year):
    return float(series[path.index(year)])


@pytest.mark.parametrize("year", [2017, 2018, 2020, 2021, 2022])
def test_residents_and_urbanisation_are_the_observed_values(path, year):
    assert at(path, path.residents, year) == VALUES[f"residents_{year}"]
    key = "urbanisation_2020" if year == 2020 else f"urbanisation_{year}"
    assert at(path, path.urbanisation, year) == VALUES[key]


def test_2015_urbanisation_is_urban_residents_over_residents(path):
    assert at(path, path.urbanisation, 2015) == pytest.approx(
        100 * VALUES["urban_residents_2015"] / at(path, path.residents, 2015)
    )
    assert 50 < at(path, path.urbanisation, 2015) < at(path, path.urbanisation, 2017)


def test_households_equal_the_census_in_2020_and_size_follows_the_censuses(path):
    assert at(path, path.households, 2020) == pytest.approx(VALUES["households_2020"])
    assert at(path, path.household_size, 2020) == pytest.approx(VALUES["household_size_2020"])
    assert path.household_size[path.index(2015)] == pytest.approx(np.sqrt(3.51 * 2.92))
    assert np.all(np.diff(path.households[: path.index(2022) + 1]) > 0)  # households formed 2015-2022


@pytest.mark.parametrize("corner", ["low", "high"])
def test_projection_stays_inside_its_ranges(corner):
    bounds = {"urbanisation_2035": (68, 76), "urbanisation_2060": (72, 85)}
    bounds |= {"residents_trend": (-0.8, 0.3), "household_size_decline": (0.0, 1.8)}
    values = VALUES | {k: b[0] if corner == "low" else b[1] for k, b in bounds.items()}
    p = population_path(values)
    after = p.years > 2022
    assert np.all(np.diff(p.urbanisation[p.index(2022) :]) >= 0)
    assert np.all(p.urbanisation[after] <= bounds["urbanisation_2060"][1] + 1e-9)
    assert at(p, p.urbanisation, 2035) == pytest.approx(values["urbanisation_2035"])
    growth = np.diff(np.log(p.residents[p.index(2022) :]))
    np.testing.assert_allclose(growth, np.log1p(values["residents_trend"] / 100))
    assert np.all(p.household_size[after] >= VALUES["household_size_floor"] - 1e-12)
    assert np.all(np.diff(p.household_size) <= 0)


def households(n=4000, seed=3):
    table, _ = synthesize_households(VALUES, n, np.random.default_rng(seed))
    return table


def urban_share(table):
    size = table.size * table.weight
    return 100 * size[table.urban].sum() / size.sum()


def test_formation_sets_total_weight_to_the_household_count():
    table = households()
    form_households(table, 1.7e6)
    assert table.weight.sum() == pytest.approx(1.7e6, rel=1e-12)
    assert np.all(table.weight == table.weight[0])


def test_moves_reach_the_rate_never_go_back_and_repeat_with_the_seed():
    table, twin = households(), households()
    before = table.urban.copy()
    rate = urban_share(table) + 3.0
    movers = urbanise(table, rate, VALUES, seed=5, year=2021)
    urbanise(twin, rate, VALUES, seed=5, year=2021)
    assert movers.size > 0 and not before[movers].any()
    assert np.all(table.urban[before])  # nobody moves urban -> rural
    largest = table.size.max() * table.weight[0] / (table.size * table.weight).sum() * 100
    assert rate - largest <= urban_share(table) <= rate + 1e-9
    np.testing.assert_array_equal(table.urban, twin.urban)
    np.testing.assert_array_equal(table.roof_kw, twin.roof_kw)
    other = households()
    urbanise(other, rate, VALUES, seed=6, year=2021)
    assert not np.array_equal(other.urban, table.urban)
    # a lower rate moves nobody
    again = table.urban.copy()
    assert urbanise(table, rate - 5.0, VALUES, seed=5, year=2022).size == 0
    np.testing.assert_array_equal(table.urban, again)


def test_movers_take_urban_roofs_unless_they_own_pv():
    table = households(20_000)
    had_pv = table.pv_kw > 0
    pv_roof = table.roof_kw.copy()
    movers = urbanise(table, urban_share(table) + 10.0, VALUES, seed=1, year=2025)
    without = movers[~had_pv[movers]]
    urban_kw = VALUES["household_roof_area_urban"] * VALUES["pv_kw_per_m2"]
    roofs = table.roof_kw[without].astype(np.float64)
    assert np.all(np.isclose(roofs, 0.0) | np.isclose(roofs, urban_kw, rtol=1e-6))
    share = np.mean(table.roof_kw[without] > 0)
    assert share == pytest.approx(VALUES["urban_roof_access"], abs=4 * np.sqrt(0.1 * 0.9 / without.size) + 1e-9)
    with_pv = movers[had_pv[movers]]
    np.testing.assert_array_equal(table.roof_kw[with_pv], pv_roof[with_pv])
    assert np.mean(table.home_charging[movers]) == pytest.approx(VALUES["home_charging_urban"], abs=0.05)


def test_population_year_follows_the_path_over_the_history(path):
    table = households(20_000)
    for year in range(2020, 2023):
        population_year(table, path, VALUES, seed=2, year=year)
        assert table.weight.sum() == pytest.approx(at(path, path.households, year))
    assert urban_share(table) == pytest.approx(at(path, path.urbanisation, 2022), abs=0.05)


def test_an_early_start_draws_its_start_years_urban_share(path):
    values = VALUES | {"start_year": 2015}
    early = synthesis_values(values, population_path(values))
    assert early["urbanisation_2020"] == pytest.approx(at(path, path.urbanisation, 2015))
    assert synthesis_values(VALUES, path)["urbanisation_2020"] == VALUES["urbanisation_2020"]
