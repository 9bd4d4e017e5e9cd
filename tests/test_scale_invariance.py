"""City-level results do not depend on how many households are simulated.

A run at the default household count and a 1:1 run (every one of Suqian's 1,631,972
households) must agree within the noise of an ensemble at the default count. The horizon
is cut to 2030 to keep the test short.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm.model import DEFAULT_HOUSEHOLDS
from abm.run import run
from abm.scenario import load_scenario
from abm.scorecard import series
from experiments.ensemble import member_seeds

FULL_SCALE = 1_631_972
INDICATORS = [
    ("co2_with_electricity", "total"),
    ("co2_territorial", "total"),
    ("primary_energy", "total"),
    ("ev_share_of_private_cars", "transport"),
    ("household_pv_share", "buildings_residential"),
    ("heat_pump_share", "buildings_residential"),
    ("waste_sorting_share", "buildings_residential"),
    ("final_energy_electricity", "buildings_residential"),
]


@pytest.fixture(scope="module")
def short_plan():
    return load_scenario("plan").with_settings({"end_year": 2030})


def test_default_count_agrees_with_one_to_one(short_plan):
    # the 1:1 run uses the first member's seed: firms' draws, which dominate the spread of the
    # city totals and do not depend on the household count, then come from the same stream
    seeds = member_seeds(3, 6)
    ensemble = [run(short_plan, seed=s, households=DEFAULT_HOUSEHOLDS).trajectory for s in seeds]
    full = run(short_plan, seed=seeds[0], households=FULL_SCALE).trajectory
    for indicator, sector in INDICATORS:
        values = np.array([series(t, indicator, sector).loc[2030] for t in ensemble])
        mean, spread = values.mean(), values.std(ddof=1)
        tolerance = 4.0 * spread + 1e-3 * abs(mean)
        observed = series(full, indicator, sector).loc[2030]
        assert abs(observed - mean) <= tolerance, (
            f"{indicator}/{sector} 2030: 1:1 run gives {observed:.4g}, default-count ensemble {mean:.4g} +/- {spread:.2g}"
        )
