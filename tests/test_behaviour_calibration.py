"""Behaviour in the calibration: adoption targets, Morris screening, history matching, narrowing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abm.parameters import registry
from calibration.abc import Budget, Fit, Prior, calibrated_parameters, narrowing
from calibration.adoption import adoption_comparisons, covered, load_targets
from calibration.history_matching import history_match, implausibility, ranked, shrunk_box
from calibration.mapping import Comparison, TrajectoryLookup, modelled_value
from calibration.screening import screen

YEARS = range(2015, 2023)


def comparison(observed: float, tolerance: float = 10.0, kind: str = "level", unit: str = "%") -> Comparison:
    return Comparison(
        "x", "suqian", 2020, observed, "official", kind, "m", ("total",), 2020, "level", 1.0, np.nan,
        "fit", "adoption", tolerance, unit, "",
    )  # fmt: skip


def synthetic_trajectory() -> pd.DataFrame:
    rows = []
    for year in YEARS:
        k = year - 2014
        rows += [
            ("nev_sales_share", "transport", year, 1.5 * k),
            ("ev_share_of_private_cars", "transport", year, 0.25 * k),
            ("pv_capacity", "households", year, 10.0 * k),
            ("pv_capacity", "enterprises", year, 30.0 * k),
            ("pv_capacity", "total", year, 200.0 * k),
            ("pv_generation", "total", year, 0.5 * k),
        ]
    return pd.DataFrame(rows, columns=["indicator", "sector", "year", "value"])


def test_each_adoption_target_maps_to_its_stated_proxy():
    items = {(c.indicator, c.region, c.year): c for c in adoption_comparisons(first_year=2015)}
    stock = 100.0 * 505101 * 1e-4 / 1773.64  # Jiangsu NEVs 2021 over private cars 2021, %
    expected_observed = {
        ("nev_new_registration_share", "jiangsu", 2021): 0.8 * 11.4,
        ("nev_sales_share", "china", 2018): 0.8 * 4.47,
        ("nev_sales_share_passenger", "china", 2019): 0.8 * 5.7,
        ("nev_sales_share", "china", 2022): 0.8 * 25.6,
        ("nev_stock", "jiangsu", 2021): 0.8 * stock,
        ("distributed_pv_capacity", "jiangsu", 2015): 100.0 * 120 * 0.01 / 4.22,
        ("solar_generation_jan_jul", "suqian", 2015): 1.61 * 1.57,
    }
    for key, value in expected_observed.items():
        assert items[key].observed == pytest.approx(value), key
    lookup = TrajectoryLookup(synthetic_trajectory())
    expected_modelled = {
        ("nev_new_registration_share", "jiangsu", 2021): 1.5 * 7,
        ("nev_sales_share", "china", 2022): 1.5 * 8,
        ("nev_stock", "jiangsu", 2020): 0.25 * 6,
        ("distributed_pv_capacity", "jiangsu", 2015): 100.0 * 40 / 200,
        ("solar_generation_jan_jul", "suqian", 2015): 0.5,
    }
    for key, value in expected_modelled.items():
        assert modelled_value(items[key], lookup) == pytest.approx(value), key
    # every row of the targets file yields at least one comparison in a history from 2015
    rows = load_targets()
    assert set(zip(rows["indicator"], rows["region"], strict=True)) == {(c.indicator, c.region) for c in items.values()}
    assert all(c.module == "adoption" and c.weight > 0 for c in items.values())


def test_flows_are_not_compared_in_the_first_year_and_uncovered_years_drop_out():
    from_2018 = adoption_comparisons(first_year=2018)
    assert ("nev_sales_share", 2018) not in {(c.indicator, c.year) for c in from_2018}  # no purchases yet
    kept = covered(from_2018, 2018, 2022)
    assert kept and all(2018 <= c.model_year <= 2022 for c in kept)
    assert not any(c.indicator == "solar_generation_jan_jul" for c in kept)


def test_candidate_behaviour_parameters_have_registry_priors():
    candidates = calibrated_parameters(role="candidate")
    names = {p.name for p in candidates}
    assert {"bass_p", "bass_q", "asc.ev", "household_discount_rate", "enterprise_hurdle_rate"} <= names
    reg = registry()
    for p in candidates:
        assert (p.low, p.high) == (reg[p.name].low, reg[p.name].high)


def test_screening_finds_an_inert_dummy():
    priors = [Prior("strong", 0, 1, "-"), Prior("weak", 0, 1, "-"), Prior("dummy", 0, 1, "-")]

    def simulator(values, seed):
        return np.array([10 * values["strong"] + values["weak"] ** 2, values["strong"] - values["weak"]])

    result = screen(simulator, priors, [comparison(5.0), comparison(1.0)], trajectories=4, seed=3)
    assert result.inert == ["dummy"]
    assert set(result.influential) == {"strong", "weak"}
    assert result.runs == 4 * (3 + 1)
    effects = result.effects.set_index(["parameter", "output"])
    assert effects["mu_star"].xs("dummy").eq(0).all()


def test_implausibility_by_hand():
    items = [comparison(100.0, tolerance=10.0), comparison(2.0, tolerance=1.0, kind="lower", unit="points")]
    simulated = np.array([[130.0, 1.0], [100.0, 5.0]])
    var_ensemble = np.array([4.0, 0.0])
    got = implausibility(items, simulated, var_ensemble, observation_sd_share=0.5, discrepancy_sd_share=0.5)
    # allowed errors 10 and 1: variances 25 + 25 + 4 and 0.25 + 0.25 + 0
    assert got[0, 0] == pytest.approx(30.0 / np.sqrt(54.0))
    assert got[0, 1] == pytest.approx(1.0 / np.sqrt(0.5))
    assert got[1, 0] == 0.0 and got[1, 1] == 0.0  # on target, and above a lower bound
    assert ranked(got, 1)[0] == pytest.approx(30.0 / np.sqrt(54.0))
    assert ranked(got, 2)[0] == pytest.approx(1.0 / np.sqrt(0.5))
    assert np.isinf(implausibility(items, np.array([[np.nan, 2.0]]), var_ensemble))[0, 0]


def test_history_matching_rules_out_the_region_that_misfits_a_synthetic_target():
    priors = [Prior("a", 0.0, 10.0, "-"), Prior("inert", 0.0, 1.0, "-")]

    def simulator(values, seed):
        return np.array([values["a"] + 0.05 * np.random.default_rng(seed).normal()])

    target = comparison(3.0, tolerance=10.0)  # allowed error 0.3: plausible a is about 3 +- 0.7
    match = history_match(simulator, priors, [target], waves=3, points=60, replicates=2, seed=5)
    low, high = match.box["a"]
    assert 1.5 < low < 2.6 and 3.4 < high < 4.5
    assert match.box["inert"] == (0.0, 1.0)  # not constrained, not cut
    assert match.summary()["kept"].iloc[0] < 60
    restricted = {p.name: p for p in match.restricted_priors()}
    assert restricted["a"].full_range == (0.0, 10.0) and restricted["a"].low == low
    assert match.volume_share() == pytest.approx((high - low) / 10.0)


def test_a_box_is_cut_only_where_the_kept_points_cluster():
    rng = np.random.default_rng(1)
    kept = pd.DataFrame({"clustered": rng.uniform(0.4, 0.5, 30), "spread": rng.uniform(0, 1, 30)})
    box = shrunk_box({"clustered": (0.0, 1.0), "spread": (0.0, 1.0)}, kept)
    assert box["spread"] == (0.0, 1.0)
    assert 0.35 < box["clustered"][0] < 0.4 and 0.5 < box["clustered"][1] < 0.55


def test_narrowing_is_posterior_90_width_over_prior_90_width():
    assert narrowing(2.0, 4.0, 0.0, 10.0) == pytest.approx(2.0 / 9.0)
    x = np.linspace(0.0, 1.0, 1001)
    prior = Prior("p", 0.0, 1.0, "-").restricted(0.0, 1.0)
    wide = Prior("q", 0.0, 2.0, "-")
    posterior = pd.DataFrame({"p": x, "q": x, "weight": 1.0 / len(x)})
    fit = Fit([prior, wide], posterior, [], [], 2022, 200, Budget.quick(), 0.0, "1 process")
    summary = fit.summary().set_index("parameter")
    assert summary.loc["p", "narrowing"] == pytest.approx(1.0, abs=0.01)  # the prior itself
    assert summary.loc["q", "narrowing"] == pytest.approx(0.5, abs=0.01)  # half of it
    matched = Prior("r", 0.0, 10.0, "-").restricted(2.0, 3.0)
    fit = Fit([matched], pd.DataFrame({"r": 2.0 + x, "weight": 1.0 / len(x)}), [], [], 2022, 200,
              Budget.quick(), 0.0, "1 process")  # fmt: skip
    row = fit.summary().iloc[0]
    assert (row["prior_low"], row["prior_high"], row["matched_low"], row["matched_high"]) == (0.0, 10.0, 2.0, 3.0)
    assert row["narrowing"] == pytest.approx(0.1, abs=0.01)  # measured against the registry range


def test_workflow_runs_end_to_end_with_a_tiny_budget(tmp_path):
    from calibration.workflow import Settings, calibrate, write_calibration

    budget = Budget(
        population_size=8, max_generations=1, max_simulations=200, max_minutes=2.0,
        screening_trajectories=2, waves=1, wave_points=6, wave_replicates=2,
    )  # fmt: skip
    settings = Settings(budget=budget, workers=1, households=200, band_draws=3, projection_members=2, seed=2)
    cal = calibrate(settings, progress=False)
    candidates = {p.name for p in calibrated_parameters(role="candidate")}
    assert set(cal.screening.influence["parameter"]) == candidates
    fitted = {p.name for p in cal.fit.priors} - set(cal.fit.propagated)
    assert set(cal.screening.influential) <= fitted
    assert set(cal.screening.inert) <= set(cal.fit.propagated)
    assert cal.settings.split_year == 2020 and cal.split_fit.cutoff == 2020
    assert len(cal.history_match.waves) == 1
    assert cal.in_sample["module"].eq("adoption").any()
    out = tmp_path / "cal"
    write_calibration(cal, out)
    for name in ("screening.csv", "history_matching.csv", "parameters.csv", "report.md"):
        assert (out / name).exists(), name
    assert "narrowing" in pd.read_csv(out / "parameters.csv").columns
    assert "History matching" in (out / "report.md").read_text(encoding="utf-8")
