"""Comparison of a run with the baseline: avoided CO2, fiscal cost, yuan per tonne, targets as series."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from abm.comparison import (
    avoided_emissions,
    by_sector,
    compare,
    cumulative,
    difference,
    fiscal_cost,
    output_weighted_share,
    peak_target_year,
    target_series,
    target_year,
    yuan_per_tonne_avoided,
)
from abm.scorecard import HEADLINE, series


def tidy(rows: list[tuple[int, str, str, float]]) -> pd.DataFrame:
    """A small trajectory table from (year, indicator, sector, value) rows."""
    frame = pd.DataFrame(rows, columns=["year", "indicator", "sector", "value"])
    return frame.assign(unit="-")


def toy(co2: list[float], cost: list[float], first_year: int = 2020) -> pd.DataFrame:
    """Headline CO2 (Mt) and fiscal cost (100 million yuan) per year from ``first_year``."""
    rows = []
    for i, (c, f) in enumerate(zip(co2, cost, strict=True)):
        rows += [(first_year + i, HEADLINE, "total", c), (first_year + i, "fiscal_cost", "total", f)]
    return tidy(rows)


BASE = toy([20.0, 21.0, 22.0, 23.0], [0.0, 0.0, 0.0, 0.0])
CURRENT = toy([20.0, 20.5, 21.0, 21.5], [0.0, 0.5, 1.0, 1.5])


def test_avoided_emissions_sum_the_yearly_gap():
    """0 + 0.5 + 1 + 1.5 Mt are avoided over the four years; a window keeps only its years."""
    assert avoided_emissions(CURRENT, BASE) == pytest.approx(3.0)
    assert avoided_emissions(CURRENT, BASE, end=2021) == pytest.approx(0.5)
    assert avoided_emissions(CURRENT, BASE, start=2022, end=2023) == pytest.approx(2.5)
    assert avoided_emissions(BASE, CURRENT) == pytest.approx(-3.0)


def test_fiscal_cost_and_yuan_per_tonne():
    """3 x 10^8 yuan for 3 x 10^6 t avoided is 100 yuan per tonne."""
    assert fiscal_cost(CURRENT) == pytest.approx(3.0)
    assert cumulative(CURRENT, "fiscal_cost", end=2022) == pytest.approx(1.5)
    assert yuan_per_tonne_avoided(CURRENT, BASE) == pytest.approx(100.0)
    # up to 2022: 1.5 x 10^8 yuan for 1.5 x 10^6 t
    assert yuan_per_tonne_avoided(CURRENT, BASE, end=2022) == pytest.approx(100.0)


def test_no_avoided_emissions_means_no_cost_per_tonne():
    """Nothing avoided (or more emitted) gives None rather than a division by zero or a negative price."""
    assert yuan_per_tonne_avoided(BASE, BASE) is None
    assert yuan_per_tonne_avoided(BASE, CURRENT) is None


def test_free_abatement_costs_zero_per_tonne():
    """Emissions avoided with no incentive spending cost 0 yuan per tonne."""
    free = toy([20.0, 20.0, 20.0, 20.0], [0.0, 0.0, 0.0, 0.0])
    assert yuan_per_tonne_avoided(free, BASE) == 0.0


def test_compare_bundles_the_numbers():
    result = compare(CURRENT, BASE, end=2022)
    assert result.end_year == 2022
    assert result.avoided_mt == pytest.approx(1.5)
    assert result.fiscal_cost == pytest.approx(1.5)
    assert result.extra_fiscal_cost == pytest.approx(1.5)
    assert result.yuan_per_tonne == pytest.approx(100.0)


def test_difference_uses_common_years():
    longer = toy([20.0, 21.0, 22.0, 23.0, 24.0], [0.0] * 5)
    gap = difference(CURRENT, longer, HEADLINE)
    assert list(gap.index) == [2020, 2021, 2022, 2023]
    assert gap.tolist() == pytest.approx([0.0, -0.5, -1.0, -1.5])


def test_output_weighted_share_weights_by_value_added():
    """A sector with 3x the value added counts 3x: (10 x 1 + 50 x 3) / 4 = 40 %."""
    frame = tidy(
        [
            (2020, "enterprise_pv_share", "a", 10.0),
            (2020, "enterprise_pv_share", "b", 50.0),
            (2020, "value_added", "a", 1.0),
            (2020, "value_added", "b", 3.0),
            (2020, "value_added", "c", 100.0),  # a sector without the share does not dilute it
            (2020, "value_added", "total", 104.0),
        ]
    )
    assert output_weighted_share(frame, "enterprise_pv_share").loc[2020] == pytest.approx(40.0)
    assert list(by_sector(frame, "value_added").columns) == ["a", "b", "c"]


def test_target_years_come_from_the_plan():
    assert peak_target_year() == 2030
    assert target_year("nonfossil_share_2025") == 2025
    with pytest.raises(KeyError):
        target_year("no_such_target")


def test_target_series_agrees_with_the_scorecard(plan_run):
    """The series the app draws for a target gives the scorecard's modelled value in the target year."""
    card = plan_run.scorecard.set_index("target_id")
    for target_id in ("energy_intensity_2025", "energy_intensity_2030", "nonfossil_share_2025", "co2_intensity_2030"):
        s = target_series(plan_run.trajectory, target_id)
        assert s.loc[int(card.loc[target_id, "year"])] == pytest.approx(card.loc[target_id, "modelled"], abs=1e-5)
    assert target_series(plan_run.trajectory, "energy_intensity_2030").loc[2020] == 0.0
    with pytest.raises(KeyError):
        target_series(plan_run.trajectory, "ecommerce_2025")


def test_plan_against_baseline(plan_run, baseline_run):
    """On real runs: avoided CO2 is the summed gap of the headline, and the plan's incentives cost money."""
    cur, base = plan_run.trajectory, baseline_run.trajectory
    gap = series(base, HEADLINE) - series(cur, HEADLINE)
    assert avoided_emissions(cur, base) == pytest.approx(float(gap.sum()))
    assert fiscal_cost(base) == 0.0
    assert fiscal_cost(cur) > 0.0
    per_tonne = yuan_per_tonne_avoided(cur, base, end=peak_target_year())
    assert per_tonne is not None and per_tonne > 0.0 and math.isfinite(per_tonne)
    share = output_weighted_share(cur, "enterprise_pv_share")
    assert ((share >= 0.0) & (share <= 100.0)).all()
