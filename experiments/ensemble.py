"""Ensembles: one scenario, many seeds derived with ``numpy.random.SeedSequence``.

Child seeds come from ``SeedSequence(root_seed).spawn(n)``, so an ensemble is the same
whether its members run in one process or on many machines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from abm.model import DEFAULT_HOUSEHOLDS
from abm.peak import HEADLINE, PEAK_BY
from abm.run import run
from abm.scenario import Scenario
from experiments.peak_probability import Members, PeakProbability, peak_probability


def member_seeds(root_seed: int, members: int) -> list[int]:
    """Seeds of the ensemble members, derived from ``root_seed``."""
    if members < 1:
        raise ValueError(f"an ensemble needs at least one member, got {members}")
    children = np.random.SeedSequence(root_seed).spawn(members)
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]


@dataclass(frozen=True)
class Ensemble:
    """Trajectories and peaks of an ensemble."""

    trajectories: pd.DataFrame  # tidy table with a leading 'seed' column
    peaks: pd.DataFrame  # seed, peak_year, peak_mt

    def peak_probability(self, year: int = PEAK_BY) -> PeakProbability:
        """P(peak by ``year``) over the seeds (:func:`experiments.peak_probability.peak_probability`)."""
        head = self.trajectories[
            (self.trajectories["indicator"] == HEADLINE) & (self.trajectories["sector"] == "total")
        ]
        return peak_probability(head, Members(seeds=True), member="seed", by=year)

    def probability_of_peak_by(self, year: int = PEAK_BY) -> float:
        """Share of members with a confirmed peak in or before ``year``."""
        return self.peak_probability(year).value


def run_ensemble(
    scenario: Scenario | str, members: int, root_seed: int = 1, households: int = DEFAULT_HOUSEHOLDS
) -> Ensemble:
    """Run ``members`` seeds of ``scenario`` one after another."""
    frames, peaks = [], []
    for seed in member_seeds(root_seed, members):
        result = run(scenario, seed=seed, households=households)
        frames.append(result.trajectory.assign(seed=seed))
        peaks.append((seed, result.peak_year, result.peak_mt))
    trajectories = pd.concat(frames, ignore_index=True)
    trajectories = trajectories[["seed", *[c for c in trajectories.columns if c != "seed"]]]
    return Ensemble(trajectories, pd.DataFrame(peaks, columns=["seed", "peak_year", "peak_mt"]))
