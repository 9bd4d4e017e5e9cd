"""Common random numbers: every draw belongs to one agent, one decision and one year.

Two runs with one seed that differ in a lever differ only through the policy, so the
paired difference of two settings is far less noisy than either run.
"""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from abm.run import run
from abm.scenario import load_scenario
from abm.streams import PURPOSES, standard_normal, uniform, uniform_scalar

# the generator ---------------------------------------------------------------------


def test_same_key_gives_same_numbers():
    idx = np.arange(1000)
    np.testing.assert_array_equal(uniform(3, "household.move", 2027, idx), uniform(3, "household.move", 2027, idx))
    assert uniform(3, "household.move", 2027, idx)[17] == uniform_scalar(3, "household.move", 2027, 17)


def test_values_look_uniform():
    u = uniform(1, "household.ev_choice", 2030, np.arange(1_000_000))
    assert u.min() >= 0.0 and u.max() < 1.0
    assert u.mean() == pytest.approx(0.5, abs=0.002)
    assert u.var() == pytest.approx(1.0 / 12.0, abs=0.001)
    counts = np.bincount((u * 100).astype(int), minlength=100)
    assert counts.min() > 9_500 and counts.max() < 10_500
    # neighbouring indices are not correlated
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.005
    f = uniform(1, "household.ev_choice", 2030, np.arange(1_000_000), np.float32)
    assert f.dtype == np.float32 and f.max() < 1.0
    np.testing.assert_allclose(f, u, atol=2.0**-23)


@pytest.mark.parametrize(
    "other",
    [(2, "household.move", 2030), (1, "household.first_car", 2030), (1, "household.move", 2031)],
)
def test_other_seeds_purposes_and_years_give_unrelated_streams(other):
    idx = np.arange(200_000)
    u = uniform(1, "household.move", 2030, idx)
    w = uniform(*other, idx)
    assert abs(np.corrcoef(u, w)[0, 1]) < 0.01
    assert np.mean(u == w) < 1e-4


def test_a_value_does_not_depend_on_the_other_indices_asked_with_it():
    everyone = uniform(7, "firm.pv", 2040, np.arange(100_000))
    some = np.array([99_999, 3, 50_000, 3, 12])
    np.testing.assert_array_equal(uniform(7, "firm.pv", 2040, some), everyone[some])
    np.testing.assert_array_equal(uniform(7, "firm.pv", 2040, some[:1]), everyone[some[:1]])
    assert uniform(7, "firm.pv", 2040, np.array([], dtype=int)).shape == (0,)


def test_purpose_ids_are_unique_and_unknown_purposes_fail():
    assert len(set(PURPOSES.values())) == len(PURPOSES)
    with pytest.raises(KeyError):
        uniform(1, "household.no_such_choice", 2030, np.arange(3))


def test_normal_draws_by_inverse_cdf():
    z = standard_normal(2, "firm.entrant_intensity", 2030, np.arange(200_000))
    assert np.isfinite(z).all()
    assert z.mean() == pytest.approx(0.0, abs=0.01) and z.std() == pytest.approx(1.0, abs=0.01)


# the model ---------------------------------------------------------------------------

SEEDS = range(1, 9)
HOUSEHOLDS = 2000


def _co2(result, year: int = 2030) -> float:
    t = result.trajectory
    rows = (t["indicator"] == "co2_with_electricity") & (t["sector"] == "total") & (t["year"] == year)
    return float(t.loc[rows, "value"].iloc[0])


@pytest.mark.parametrize(
    "lever, moved",
    [("freight_shift_2030", 0.15), ("new_building_saving", 65.0)],
    ids=["transport", "households"],
)
def test_paired_difference_is_far_less_noisy_than_the_seed_spread(lever, moved):
    """Over seeds, plan-with-the-lever-moved minus plan varies far less than either run."""
    plan = load_scenario("plan").with_settings({"end_year": 2035})
    other = plan.with_settings({lever: moved})
    base = [_co2(run(plan, seed=s, households=HOUSEHOLDS)) for s in SEEDS]
    moved_co2 = [_co2(run(other, seed=s, households=HOUSEHOLDS)) for s in SEEDS]
    difference = [b - a for a, b in zip(base, moved_co2, strict=True)]
    spread = min(statistics.stdev(base), statistics.stdev(moved_co2))
    paired = statistics.stdev(difference)
    print(
        f"\n{lever} {plan[lever]} -> {moved}: 2030 CO2 seed sd {statistics.stdev(base):.4f} / "
        f"{statistics.stdev(moved_co2):.4f} Mt, paired difference mean {statistics.mean(difference):+.4f} "
        f"sd {paired:.4f} Mt (ratio {paired / spread:.3f})"
    )
    assert paired < 0.25 * spread


@pytest.mark.parametrize(
    "settings, moved",
    [({}, {"new_building_saving": 65.0}), ({"subsidy_budget": 0.0}, {"ev_subsidy": 8000.0})],
    ids=["building_standard", "ev_subsidy_without_budget"],
)
def test_a_household_lever_leaves_firms_exactly_as_they_were(settings, moved):
    plan = load_scenario("plan").with_settings({"end_year": 2035, **settings})
    first = run(plan, seed=4, households=HOUSEHOLDS).trajectory
    second = run(plan.with_settings(moved), seed=4, households=HOUSEHOLDS).trajectory
    firms = first["indicator"].str.startswith("enterprise_")
    assert firms.any()
    np.testing.assert_array_equal(first.loc[firms, "value"].to_numpy(), second.loc[firms, "value"].to_numpy())
    co2 = first["indicator"] == "co2_with_electricity"
    assert not np.array_equal(first.loc[co2, "value"].to_numpy(), second.loc[co2, "value"].to_numpy())
