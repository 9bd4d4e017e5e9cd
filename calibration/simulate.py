"""History runs: the model over the observed years, with parameter values set by a fit.

A history run is the ``baseline`` scenario (the plan's instruments keep their 2020
settings until the baseline's ``policy_start_year``), stopped at the later of the last
observed year and the policy start, so no instrument of the plan acts in a fitted year.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from abm.model import DEFAULT_HOUSEHOLDS, SuqianModel
from abm.scenario import Scenario, load_scenario
from abm.trajectory import trajectory_frame

HISTORY_SCENARIO = "baseline"
LAST_OBSERVED_YEAR = 2022


def history_scenario(last_year: int = LAST_OBSERVED_YEAR, calibrated: bool = False) -> Scenario:
    """The baseline scenario, ending after ``last_year`` (without or with the shipped calibration)."""
    base = load_scenario(HISTORY_SCENARIO, calibrated=calibrated)
    end = max(last_year, int(base["policy_start_year"]))
    return base.with_settings({"end_year": end}, where="history run")


def simulate(
    scenario: Scenario, parameters: Mapping[str, float], seed: int, households: int = DEFAULT_HOUSEHOLDS
) -> pd.DataFrame:
    """Trajectory of ``scenario`` with ``parameters`` set (validated against the registry)."""
    resolved = scenario.with_settings(dict(parameters), where="calibration parameters") if parameters else scenario
    model = SuqianModel(resolved, seed=seed, households=households)
    model.run_model()
    return trajectory_frame(model.records)
