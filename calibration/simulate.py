"""History runs: the model over the observed years, with parameter values set by a fit.

A history run is the built-in ``history`` scenario (from 2015, policies as they were)
where it exists; otherwise the ``baseline`` scenario (the plan's instruments keep their
2020 settings until the baseline's ``policy_start_year``), stopped at the later of the
last observed year and the policy start, so no instrument of the plan acts in a fitted
year. Either way the run lasts at least to ``last_year``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from abm.model import DEFAULT_HOUSEHOLDS, SuqianModel
from abm.scenario import Scenario, builtin_names, load_scenario
from abm.trajectory import trajectory_frame

LAST_OBSERVED_YEAR = 2022
FALLBACK_SCENARIO = "baseline"


def history_scenario_name() -> str:
    """``history`` when the model has that built-in scenario, else ``baseline``."""
    return "history" if "history" in builtin_names() else FALLBACK_SCENARIO


HISTORY_SCENARIO = history_scenario_name()


def history_scenario(last_year: int = LAST_OBSERVED_YEAR, calibrated: bool = False) -> Scenario:
    """The history scenario, ending after ``last_year`` (without or with the shipped calibration)."""
    name = history_scenario_name()
    base = load_scenario(name, calibrated=calibrated)
    last_fixed = base["end_year"] if name == "history" else base["policy_start_year"]
    end = max(last_year, int(last_fixed))
    return base.with_settings({"end_year": end}, where="history run")


def simulate(
    scenario: Scenario, parameters: Mapping[str, float], seed: int, households: int = DEFAULT_HOUSEHOLDS
) -> pd.DataFrame:
    """Trajectory of ``scenario`` with ``parameters`` set (validated against the registry)."""
    resolved = scenario.with_settings(dict(parameters), where="calibration parameters") if parameters else scenario
    model = SuqianModel(resolved, seed=seed, households=households)
    model.run_model()
    return trajectory_frame(model.records)
