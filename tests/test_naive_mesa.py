"""The one-agent-per-household baseline of the benchmark does the same work as the project's step.

``benchmarks/vs_naive_mesa.py`` compares the speed of the two; this test checks that they
give statistically the same adoption curves, so the ratio compares equal work.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from naive_mesa import vectorised_shares
from vs_naive_mesa import paired_models

from abm.context import SubsidyLedger


def test_adoption_curves_agree_within_sampling_noise():
    households = 20_000
    model, naive = paired_models(households, seed=5)
    roofs = int(np.count_nonzero(model.households.roof_kw > 0))
    for year in range(2021, 2031):
        ctx = model.context(year, SubsidyLedger())
        for block in model.household_blocks:
            block.decide(ctx)
        naive.step_households(ctx)
        vectorised, one_each = vectorised_shares(model.households), naive.shares()
        cars = int(np.count_nonzero(model.households.has_car))
        for key, population in (
            ("ev_share_of_cars", cars),
            ("pv_share_of_roofs", roofs),
            ("heat_pump", households),
            ("retrofit", households),
            ("sorting", households),
            ("cars_per_household", households),
        ):
            p = 0.5 * (vectorised[key] + one_each[key])
            tolerance = 5.0 * np.sqrt(max(p * (1.0 - p), 1e-4) / population) + 0.003
            assert abs(vectorised[key] - one_each[key]) <= tolerance, (
                f"{year} {key}: vectorised {vectorised[key]:.4f}, one agent each {one_each[key]:.4f}"
            )
    # enough adopters by 2030 for the comparison to mean something (the calibrated EV constant gives about 5 %)
    assert vectorised["ev_share_of_cars"] > 0.03 and vectorised["pv_share_of_roofs"] > 0.05
