"""Official definitions: non-fossil share by the statistical method, the two peaks, and one P(peak by 2030)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abm.accounting import PowerHeatBalance, primary_energy
from abm.energy_system import coal_equivalent, grid_nonfossil_share
from abm.energy_use import EnergyUse
from abm.parameters import registry
from abm.peak import confirmed_peak, highest_year, peak_years
from experiments.peak_probability import Members, peak_probability, probability_of_peak

DEFAULTS = {name: p.default for name, p in registry().items()}


def _balance(local_kwh: float, import_kwh: float) -> PowerHeatBalance:
    return PowerHeatBalance(
        heat_delivered_tce=0.0, heat_coal_tce=0.0, heat_gas_tce=0.0, coal_power_kwh=0.0, coal_power_tce=0.0,
        nonfossil_local_kwh=local_kwh, grid_demand_kwh=local_kwh + import_kwh, net_import_kwh=import_kwh, grid_ef=0.6,
    )  # fmt: skip


def test_nonfossil_share_of_a_made_up_balance_by_hand():
    # 1000 tce of coal burnt, 1e6 kWh of local PV, 4e6 kWh imported from a grid 25 % non-fossil, in 2020
    uses = {"industry": EnergyUse(coal=1000.0, electricity=5e6)}
    total, nonfossil = primary_energy(uses, _balance(1e6, 4e6), DEFAULTS, 0.25, 2020)
    per_kwh = 0.3055 / 1000.0  # tce per kWh, 2020 coal-equivalent
    assert total == pytest.approx(1000.0 + 5e6 * per_kwh)  # 2527.5 tce
    assert nonfossil == pytest.approx((1e6 + 0.25 * 4e6) * per_kwh)  # 611 tce
    assert nonfossil / total == pytest.approx(611.0 / 2527.5)


def test_coal_equivalent_follows_the_year():
    assert coal_equivalent(DEFAULTS, 2015) == pytest.approx(0.315)
    assert coal_equivalent(DEFAULTS, 2020) == pytest.approx(0.3055)
    assert coal_equivalent(DEFAULTS, 2030) == pytest.approx(0.300)
    uses = {"industry": EnergyUse(electricity=1e6)}
    total_2015, _ = primary_energy(uses, _balance(0.0, 1e6), DEFAULTS, 0.2, 2015)
    total_2030, _ = primary_energy(uses, _balance(0.0, 1e6), DEFAULTS, 0.2, year=2030)
    assert total_2015 > total_2030


def test_grid_share_from_the_published_factors():
    values = {**DEFAULTS, "grid_ef_2020": 0.6451}
    share = grid_nonfossil_share(values, 2020)
    assert float(share) == pytest.approx(1 - 0.6451 / 0.8426)


def _s(values, start=2020):
    return pd.Series(values, index=range(start, start + len(values)), dtype=float)


def test_confirmed_peak_of_a_plateau_is_none():
    s = _s([20, 21, 21.2, 21.1, 21.3, 21.2, 21.25, 21.1, 21.0, 21.2])
    assert confirmed_peak(s) is None
    assert highest_year(s) == 2024


def test_rebound_then_plateau_is_no_confirmed_peak_but_a_later_decline_is():
    rebound = [19.8, 21.3, 20.9, 20.8, 20.9, 21.0, 21.1, 21.0, 21.1, 21.0]
    assert confirmed_peak(_s(rebound)) is None
    falling = [*rebound, 20.0, 19.0, 18.5, 18.0, 17.5, 17.0, 16.0]
    # once emissions fall, the rebound year itself qualifies: 21.3 >= 1.1 x 16.0 (2036)
    assert confirmed_peak(_s(falling)) == 2021
    assert confirmed_peak(_s([*rebound, 20.0, 19.5, 19.4])) is None  # 21.3 < 1.1 x 19.4


def test_rising_and_short_series_have_no_confirmed_peak():
    assert confirmed_peak(_s(np.linspace(10, 20, 30))) is None
    assert highest_year(_s(np.linspace(10, 20, 30))) is None  # maximum in the last year
    assert confirmed_peak(_s([30, 20, 10, 5, 1])) is None  # nothing 5 years on
    assert confirmed_peak(_s([30, 20, 10, 5, 1, 1])) == 2020


def test_peak_years_vectorised_matches_the_series_rule():
    rng = np.random.default_rng(3)
    values = np.cumsum(rng.normal(0, 1, size=(50, 30)), axis=1) + 50
    years = list(range(2020, 2050))
    got = peak_years(values, years, "confirmed")
    for row, year in zip(values, got, strict=True):
        expected = confirmed_peak(_s(row))
        assert (np.isnan(year) and expected is None) or year == expected


def _members(n=12, seed=5):
    rng = np.random.default_rng(seed)
    years = list(range(2020, 2061))
    top = rng.integers(2022, 2045, size=n)
    rows = []
    for m, t in enumerate(top):
        for y in years:
            rows.append({"member": m, "year": y, "value": 20.0 - 0.3 * abs(y - t)})
    return pd.DataFrame(rows), top


def test_probability_is_the_same_from_the_three_call_paths():
    from experiments.analysis import peak_summary, run_outcomes
    from experiments.ensemble import Ensemble
    from experiments.posterior_predictive import Projection

    emissions, _ = _members()
    direct = peak_probability(emissions, Members(seeds=True)).value
    # predict: a projection of the same members
    members = pd.DataFrame({"member": range(12), "seed": range(12), "peak_year": 0, "peak_mt": 0.0, "peaked": True})
    projection = Projection("plan", members, emissions)
    # the app: an ensemble of the same members as seeds
    trajectories = emissions.rename(columns={"member": "seed"}).assign(indicator="co2_with_electricity", sector="total")
    ensemble = Ensemble(trajectories, pd.DataFrame())
    # analyse: a sweep of the same members as runs
    results = trajectories.rename(columns={"seed": "run_id"}).assign(scenario="plan")
    design = pd.DataFrame({"run_id": range(12)})
    runs = run_outcomes(results, design).assign(scenario="plan")
    sweep = peak_summary(runs, results, Members(seeds=True))
    assert projection.probability_of_peak_by(2030) == direct
    assert ensemble.probability_of_peak_by(2030) == direct
    assert sweep["probability_peak_by_2030"].iloc[0] == direct
    assert runs["peaked_by_2030"].mean() == direct


def test_probability_weights_and_statement():
    emissions, top = _members()
    wide = emissions.pivot_table(index="member", columns="year", values="value")
    weights = np.where(top <= 2030, 3.0, 1.0)
    hit = peak_years(wide.to_numpy(), list(wide.columns), "confirmed") <= 2030
    expected = float((weights * hit).sum() / weights.sum())
    assert probability_of_peak(wide.to_numpy(), list(wide.columns), weights) == pytest.approx(expected)
    line = peak_probability(emissions, Members(seeds=True, parameters="posterior")).line()
    assert "confirmed peak" in line and "posterior" in line and "seeds vary" in line
