"""The economy path reproduces the statistics it is set from, 2015-2022, and projects inside its ranges."""

from __future__ import annotations

import numpy as np
import pytest

from abm.economy import (
    INDUSTRY_SECTORS,
    economy_path,
    electricity_intensity_factor,
    filled_growth_2017_2019,
    pv_real_index,
)
from abm.scenario import load_scenario

VALUES = dict(load_scenario("baseline").values)


@pytest.fixture(scope="module")
def path():
    return economy_path(VALUES)


def at(path, series, year):
    return float(series[path.index(year)])


def growth(path, series, year):
    return 100.0 * (at(path, series, year) / at(path, series, year - 1) - 1.0)


def industry(path):
    return sum(path.industry[s] for s in INDUSTRY_SECTORS)


def test_path_starts_in_2015_and_is_anchored_in_2020(path):
    assert path.years[0] == 2015 and path.years[-1] == VALUES["end_year"]
    assert path.index(2020) == 5
    assert at(path, path.gdp, 2020) == pytest.approx(VALUES["gdp_2020"], rel=1e-12)
    assert at(path, path.primary, 2020) == pytest.approx(VALUES["va_primary_2020"], rel=1e-12)
    assert at(path, path.secondary, 2020) == pytest.approx(VALUES["va_secondary_2020"], rel=1e-12)
    assert at(path, path.services, 2020) == pytest.approx(VALUES["va_tertiary_2020"], rel=1e-12)
    total = industry(path)[path.index(2020)]
    for s in INDUSTRY_SECTORS:
        assert at(path, path.industry[s], 2020) == pytest.approx(VALUES[f"industry_share_2020.{s}"] * total)


def test_an_earlier_start_year_does_not_move_the_path():
    early = economy_path(VALUES | {"start_year": 2015})
    late = economy_path(VALUES)
    np.testing.assert_allclose(early.gdp, late.gdp)


@pytest.mark.parametrize("year", [2016, 2020, 2021, 2022])
def test_gdp_grows_at_the_observed_real_rate(path, year):
    assert growth(path, path.gdp, year) == pytest.approx(VALUES[f"gdp_growth_{year}"], abs=1e-9)


def test_years_without_growth_observations_are_filled_at_one_rate(path):
    rates = [growth(path, path.gdp, y) for y in (2017, 2018, 2019)]
    assert rates == pytest.approx([100.0 * filled_growth_2017_2019(VALUES)] * 3)
    # the 2016 level in 2020 prices is the current-price level moved by the deflator
    deflated = VALUES["gdp_2016_current"] * (1.0 + VALUES["gdp_deflator_growth_2017_2020"] / 100.0) ** 4
    assert at(path, path.gdp, 2016) == pytest.approx(deflated)
    assert 3.0 < rates[0] < 10.0


@pytest.mark.parametrize("sector", ["primary", "secondary"])
@pytest.mark.parametrize("year", [2016, 2020, 2022])
def test_broad_sectors_grow_at_their_observed_real_rates(path, sector, year):
    series = path.primary if sector == "primary" else path.secondary
    assert growth(path, series, year) == pytest.approx(VALUES[f"va_{sector}_growth_{year}"], abs=1e-9)


def test_2016_and_2022_shares_follow_the_statistics(path):
    gdp16, gdp22 = at(path, path.gdp, 2016), at(path, path.gdp, 2022)
    assert 100 * at(path, path.primary, 2016) / gdp16 == pytest.approx(VALUES["va_primary_share_2016"])
    assert 100 * at(path, path.secondary, 2016) / gdp16 == pytest.approx(VALUES["va_secondary_share_2016"])
    observed = VALUES["va_secondary_2022_current"] / VALUES["gdp_2022_current"]
    assert at(path, path.secondary, 2022) / gdp22 == pytest.approx(observed)
    # services are the rest, and their 2022 growth lands near the observed 1.8 %
    assert growth(path, path.services, 2022) == pytest.approx(1.8, abs=0.3)


def test_value_added_adds_up_to_gdp_every_year(path):
    total = path.primary + path.secondary + path.services
    np.testing.assert_allclose(total, path.gdp, rtol=1e-12)
    assert np.all(path.construction > 0) and all(np.all(path.industry[s] > 0) for s in INDUSTRY_SECTORS)


def test_industry_grows_at_the_above_scale_rate_in_2022(path):
    assert growth(path, industry(path), 2022) == pytest.approx(VALUES["industry_va_growth_2022"], abs=1e-9)


def test_pv_manufacturing_follows_its_chain_output_over_module_prices(path):
    pv = path.industry["pv_manufacturing"]
    for year in (2021, 2022):
        index = (VALUES[f"pv_chain_output_{year}"] / VALUES["pv_chain_output_2020"]) / VALUES[
            f"pv_module_price_index_{year}"
        ]
        assert at(path, pv, year) / at(path, pv, 2020) == pytest.approx(index)
        assert pv_real_index(VALUES, year) == pytest.approx(index)


def test_other_industries_split_2022_by_their_observed_nominal_growth(path):
    """The five other leading industries grew 4.5 % in nominal output, the rest of above-scale industry 13.3 %."""
    others = [s for s in INDUSTRY_SECTORS if s not in ("pv_manufacturing", "other_industry")]
    five = [growth(path, path.industry[s], 2022) for s in others]
    assert five == pytest.approx([five[0]] * len(five))
    rest = growth(path, path.industry["other_industry"], 2022)
    assert (1 + rest / 100) / (1 + five[0] / 100) == pytest.approx((1.133 / 1.045), abs=0.01)


def test_projection_grows_inside_its_range():
    lo = economy_path(VALUES | {"gdp_growth_2030": 3.5, "gdp_growth_2060": 1.0})
    hi = economy_path(VALUES | {"gdp_growth_2030": 7.5, "gdp_growth_2060": 4.0})
    base = economy_path(VALUES)
    assert np.all(lo.gdp <= base.gdp + 1e-9) and np.all(base.gdp <= hi.gdp + 1e-9)
    i = base.index(2022)
    np.testing.assert_allclose(lo.gdp[: i + 1], hi.gdp[: i + 1])  # history does not depend on the projection


@pytest.mark.parametrize("boom", [0.0, 10.0, 30.0])
def test_pv_boom_raises_pv_only_after_2022_and_fades(boom):
    base = economy_path(VALUES | {"pv_boom_premium": 0.0})
    path = economy_path(VALUES | {"pv_boom_premium": boom})
    i = path.index(2022)
    np.testing.assert_allclose(path.industry["pv_manufacturing"][: i + 1], base.industry["pv_manufacturing"][: i + 1])
    assert np.all(path.industry["pv_manufacturing"] >= base.industry["pv_manufacturing"] - 1e-9)
    np.testing.assert_allclose(industry(path), industry(base))  # it reshuffles industry, not its total
    share = path.industry["pv_manufacturing"] / industry(path)
    assert np.all((share > 0) & (share < 1))


def test_electricity_intensity_factor_is_one_in_2020_and_compounds_each_drift():
    v = VALUES | {"electricity_intensity_drift_2021_2022": 3.0, "electricity_intensity_drift": 1.0}
    assert electricity_intensity_factor(v, 2020) == 1.0
    assert electricity_intensity_factor(v, 2022) == pytest.approx(1.03**2)
    assert electricity_intensity_factor(v, 2025) == pytest.approx(1.03**2 * 1.01**3)
    assert electricity_intensity_factor(v, 2015) == pytest.approx(1.01**-5)
