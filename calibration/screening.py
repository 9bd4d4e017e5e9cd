"""Screening the behavioural parameters: which of them move a fitted output at all (Morris).

Fitting a parameter that no observation responds to only adds a flat dimension to ABC
(its importance weights then degenerate), so candidate parameters are screened first
with Morris's elementary effects: ``trajectories`` one-at-a-time paths through the
parameter ranges, (candidates + 1) runs each, sampled with the experiments' design code
(``experiments.design.design_matrix``, SALib) and analysed with SALib. All runs of the
design share one seed (common random numbers), so an effect is the parameter's, not the
model's noise.

Each fitted output is measured in units of its allowed error (its tolerance), so effects
of different outputs compare. A parameter is influential when its mu* (mean absolute
elementary effect over its whole range) reaches ``threshold`` tolerances on at least one
fitted output; the others are inert and are propagated from their priors instead of
fitted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibration.abc import Prior, simulate_many
from calibration.mapping import Comparison

THRESHOLD = 0.1  # tolerances: mu* below this on every fitted output is inert
LEVELS = 4


@dataclass
class Screening:
    """Result of a Morris screening."""

    effects: pd.DataFrame  # parameter, output, mu_star, mu_star_conf, sigma (in tolerances)
    influence: pd.DataFrame  # parameter, max_mu_star, output (the one it moves most), influential
    runs: int
    threshold: float

    @property
    def influential(self) -> list[str]:
        """Parameters that move at least one fitted output by ``threshold`` tolerances."""
        return self.influence.loc[self.influence["influential"], "parameter"].tolist()

    @property
    def inert(self) -> list[str]:
        """Parameters that move no fitted output by ``threshold`` tolerances."""
        return self.influence.loc[~self.influence["influential"], "parameter"].tolist()


def morris_design(priors: Sequence[Prior], trajectories: int, seed: int, levels: int = LEVELS) -> pd.DataFrame:
    """Morris design over the priors' ranges (one column per parameter), from the experiments' design code."""
    from experiments.design import design_matrix
    from experiments.spec import ExperimentSpec, Factor

    factors = tuple(Factor(p.name, p.low, p.high, p.unit, switch=False) for p in priors)
    spec = ExperimentSpec(
        name="screening",
        description="Morris screening of calibration candidates",
        scenarios=(),
        households=0,
        end_year=None,
        kind="morris",
        samples=trajectories,
        levels=levels,
        second_order=False,
        replications=1,
        seed=seed,
        factors=factors,
        indicators=(),
        sectors=None,
        origin="calibration screening",
    )
    return design_matrix(spec)


def screen(
    simulator: Callable[[Mapping[str, float], int], np.ndarray],
    priors: Sequence[Prior],
    items: Sequence[Comparison],
    trajectories: int = 10,
    seed: int = 1,
    workers: int = 1,
    threshold: float = THRESHOLD,
    levels: int = LEVELS,
) -> Screening:
    """Morris elementary effects of ``priors`` on each comparison of ``items`` that ``simulator`` returns.

    ``simulator(values, seed)`` gives the modelled value of every comparison in ``items``
    (``calibration.abc.TargetSimulator`` for the model).
    """
    from SALib.analyze import morris

    if len(priors) < 2:
        raise ValueError("Morris screening needs at least two parameters")
    if trajectories < 2:
        raise ValueError("Morris screening needs at least two trajectories (the spread of the effects)")
    design = morris_design(priors, trajectories, seed, levels)
    run_seed = int(np.random.SeedSequence(seed).generate_state(1)[0] % (2**31 - 1))
    runs = [({k: float(v) for k, v in row.items()}, run_seed) for row in design.to_dict("records")]
    outputs = simulate_many(simulator, runs, workers)
    problem = {"num_vars": len(priors), "names": [p.name for p in priors], "bounds": [[p.low, p.high] for p in priors]}
    x = design[[p.name for p in priors]].to_numpy(dtype=float)
    rows = []
    for j, c in enumerate(items):
        y = outputs[:, j] / c.allowed_error if c.allowed_error else outputs[:, j]
        if not np.all(np.isfinite(y)):
            continue  # not covered by the run (or a failed run): says nothing about the parameters
        result = morris.analyze(problem, x, y, num_levels=levels, print_to_console=False, seed=seed)
        for i, p in enumerate(priors):
            rows.append(
                {
                    "parameter": p.name,
                    "output": f"{c.indicator} {c.region} {c.year}",
                    "mu_star": float(result["mu_star"][i]),
                    "mu_star_conf": float(result["mu_star_conf"][i]),
                    "sigma": float(result["sigma"][i]),
                }
            )
    effects = pd.DataFrame(rows, columns=["parameter", "output", "mu_star", "mu_star_conf", "sigma"])
    influence = []
    for p in priors:
        part = effects[effects["parameter"] == p.name]
        top = part.loc[part["mu_star"].idxmax()] if not part.empty else None
        biggest = float(top["mu_star"]) if top is not None else 0.0
        influence.append(
            {
                "parameter": p.name,
                "max_mu_star": biggest,
                "output": top["output"] if top is not None and biggest > 0 else "",
                "influential": biggest >= threshold,
            }
        )
    return Screening(effects, pd.DataFrame(influence), len(runs), threshold)
