"""The synthetic population reproduces its inputs at any size."""

from __future__ import annotations

import numpy as np
import pytest

from abm.population import COUNTIES, MIN_HOUSEHOLDS, synthesize_households
from abm.scenario import load_scenario

VALUES = dict(load_scenario("baseline").values)


@pytest.fixture(scope="module", params=[5_000, 200_000])
def population(request):
    table, blocks = synthesize_households(VALUES, request.param, np.random.default_rng(11))
    return request.param, table, blocks


def test_weights_add_up_to_the_census_households(population):
    _, table, _ = population
    assert table.weight.sum() == pytest.approx(VALUES["households_2020"], rel=1e-12)


def test_county_shares_match_the_inputs(population):
    n, table, _ = population
    tolerance = 4.0 / np.sqrt(n)
    for i, county in enumerate(COUNTIES):
        share = np.average(table.county == i, weights=table.weight)
        assert share == pytest.approx(VALUES[f"county_share.{county}"], abs=tolerance)


def test_urban_share_matches_urbanisation(population):
    n, table, _ = population
    share = np.average(table.urban, weights=table.weight)
    assert share == pytest.approx(VALUES["urbanisation_2020"] / 100.0, abs=4.0 / np.sqrt(n))


def test_household_size_mean_matches_the_census(population):
    n, table, _ = population
    assert table.size.min() >= 1 and table.size.max() <= 8
    mean = np.average(table.size.astype(float), weights=table.weight)
    assert mean == pytest.approx(VALUES["household_size_2020"], abs=8.0 / np.sqrt(n) + 0.01)


def test_income_means_match_urban_and_rural_inputs(population):
    n, table, _ = population
    for urban, key in ((True, "urban_income_2020"), (False, "rural_income_2020")):
        mean = table.income[table.urban == urban].astype(float).mean()
        assert mean == pytest.approx(VALUES[key], rel=20.0 / np.sqrt(n))


def test_car_ownership_matches_the_vehicle_stock(population):
    n, table, _ = population
    cars = np.average(table.has_car, weights=table.weight)
    assert cars == pytest.approx(VALUES["cars_per_household_2020"], abs=4.0 / np.sqrt(n))
    assert not (table.ev & ~table.has_car).any()


def test_roofs_every_rural_house_and_some_urban_homes(population):
    n, table, _ = population
    assert (table.roof_kw[~table.urban] > 0).all()
    urban_roofs = (table.roof_kw[table.urban] > 0).mean()
    assert urban_roofs == pytest.approx(VALUES["urban_roof_access"], abs=4.0 / np.sqrt(n))


def test_strata_cover_every_row_once_and_neighbourhoods_stay_in_their_stratum(population):
    n, table, strata = population
    covered = np.zeros(n, dtype=int)
    seen: set[int] = set()
    for county, urban, rows in strata:
        covered[rows] += 1
        assert (table.county[rows] == county).all() and (table.urban[rows] == urban).all()
        groups = set(np.unique(table.neighbourhood[rows]).tolist())
        assert not groups & seen, "a neighbourhood spans two strata"
        seen |= groups
    assert (covered == 1).all()
    assert seen == set(range(len(seen))), "neighbourhoods are numbered 0..k-1 across the city"


def test_too_few_households_are_refused():
    with pytest.raises(ValueError, match=f"at least {MIN_HOUSEHOLDS}"):
        synthesize_households(VALUES, MIN_HOUSEHOLDS - 1, np.random.default_rng(0))
