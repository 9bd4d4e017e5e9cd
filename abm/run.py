"""The one entry point: run a scenario with a seed and get the tidy result.

The CLI, the app, calibration and experiments all call :func:`run`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from abm import __version__
from abm.calibrated import calibration_info
from abm.model import DEFAULT_HOUSEHOLDS, SuqianModel
from abm.panel import PANEL_HOUSEHOLDS
from abm.population import check_households
from abm.scenario import Scenario, load_scenario
from abm.scorecard import peak, scorecard


@dataclass(frozen=True)
class RunResult:
    """What a run produces: the trajectory, the scorecard and the manifest."""

    scenario: Scenario
    seed: int
    households: int
    trajectory: pd.DataFrame
    scorecard: pd.DataFrame
    run_seconds: float
    fiscal: dict[int, dict[str, float]] = field(repr=False)
    distribution: pd.DataFrame | None = field(default=None, repr=False)  # abm.distribution, when asked for
    panel: dict[str, pd.DataFrame] | None = field(default=None, repr=False)  # abm.panel, when asked for

    @property
    def peak_year(self) -> int:
        """Year of peak CO2 (with electricity)."""
        return peak(self.trajectory)[0]

    @property
    def peak_mt(self) -> float:
        """Peak CO2 (with electricity), MtCO2."""
        return peak(self.trajectory)[1]

    def manifest(self) -> dict[str, Any]:
        """Provenance of the run: version, resolved scenario, seed, agent count, run time."""
        return {
            "package": "suqian-abm",
            "version": __version__,
            "scenario": {
                "name": self.scenario.name,
                "description": self.scenario.description,
                "origin": self.scenario.origin,
                "settings": dict(self.scenario.settings),
                "levers": self.scenario.levers(),
                "values": dict(self.scenario.values),
            },
            "calibration": calibration_info() if self.scenario.calibrated else None,
            "seed": self.seed,
            "household_agents": self.households,
            "years": [int(self.trajectory["year"].min()), int(self.trajectory["year"].max())],
            "run_seconds": round(self.run_seconds, 3),
        }


def run(
    scenario: Scenario | str,
    seed: int = 1,
    households: int = DEFAULT_HOUSEHOLDS,
    distribution: bool = False,
    panel: bool = False,
    panel_households: int = PANEL_HOUSEHOLDS,
) -> RunResult:
    """Run ``scenario`` (a Scenario, a built-in name or a file path) from its start year (2020, or 2015 for history) to its end year.

    ``distribution`` adds the distribution table (who adopts, who is paid, energy spending
    by group; :mod:`abm.distribution`), ``panel`` the agent panel (:mod:`abm.panel`) with
    ``panel_households`` households sampled. Neither changes the run's other results.
    """
    if isinstance(scenario, str):
        scenario = load_scenario(scenario)
    households = check_households(households)
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    started = time.perf_counter()
    if panel and (isinstance(panel_households, bool) or not isinstance(panel_households, int) or panel_households < 1):
        raise ValueError(f"panel_households must be a whole number of at least 1, got {panel_households!r}")
    model = SuqianModel(
        scenario,
        seed=seed,
        households=households,
        distribution=distribution,
        panel=panel,
        panel_households=panel_households,
    )
    model.run_model()
    from abm.trajectory import trajectory_frame

    trajectory = trajectory_frame(model.records)
    elapsed = time.perf_counter() - started
    return RunResult(
        scenario,
        seed,
        households,
        trajectory,
        scorecard(trajectory),
        elapsed,
        model.government.spending,
        model.distribution.frame() if model.distribution is not None else None,
        model.panel.frames() if model.panel is not None else None,
    )
