"""From a spec to the list of runs: design rows x scenarios x replications, with seeds and IDs.

Samples come from SALib (Sobol/Saltelli, Morris) and scipy (Latin hypercube), seeded by
the spec's seed. Sampled switches become 0 or 1 and sampled years and counts whole numbers
(:meth:`experiments.spec.Factor.snap`); the spec has already bounded the design's size.
The seed of each run is drawn from ``numpy.random.SeedSequence`` keyed
by (spec seed, design row, replication), and its ID is a hash of everything that
determines its result (scenario, settings, seed, household count, end year, outputs), so
the same spec always yields the same runs with the same IDs, and a run that is already
finished can be recognised and skipped.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from abm import __version__
from abm.scenario import load_scenario
from experiments.spec import ExperimentSpec


@dataclass(frozen=True)
class RunTask:
    """One run of a sweep."""

    run_id: str
    design_row: int
    replication: int
    scenario: str
    settings: dict[str, float]
    seed: int
    households: int
    indicators: tuple[str, ...]
    sectors: tuple[str, ...] | None


def problem(spec: ExperimentSpec) -> dict[str, object]:
    """The SALib problem of a spec's factors."""
    return {
        "num_vars": len(spec.factors),
        "names": [f.name for f in spec.factors],
        "bounds": [[f.low, f.high] for f in spec.factors],
    }


def design_matrix(spec: ExperimentSpec) -> pd.DataFrame:
    """Factor values of every design row (one column per factor; no columns for replications)."""
    names = [f.name for f in spec.factors]
    if spec.kind == "replications" or not names:
        return pd.DataFrame(index=pd.RangeIndex(1))
    if spec.kind == "full_factorial":
        grids = [f.grid(spec.levels) for f in spec.factors]
        values = np.array(list(itertools.product(*grids)), dtype=float)
    elif spec.kind == "latin_hypercube":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(spec.seed)).random(spec.samples)
        values = qmc.scale(unit, [f.low for f in spec.factors], [f.high for f in spec.factors])
    elif spec.kind == "sobol":
        from SALib.sample import sobol

        values = sobol.sample(problem(spec), spec.samples, calc_second_order=spec.second_order, seed=spec.seed)
    else:  # morris
        from SALib.sample import morris

        values = morris.sample(problem(spec), spec.samples, num_levels=spec.levels, seed=spec.seed)
    frame = pd.DataFrame(values, columns=names)
    for f in spec.factors:
        frame[f.name] = f.snap(frame[f.name].to_numpy())
    if len(frame) != spec.design_rows:
        raise RuntimeError(f"{spec.origin}: the {spec.kind} design has {len(frame)} rows, expected {spec.design_rows}")
    return frame


def run_seed(root: int, design_row: int, replication: int) -> int:
    """Seed of one run, independent of the order in which runs are made."""
    return int(np.random.SeedSequence([root, design_row, replication]).generate_state(1, dtype=np.uint32)[0])


def run_id(task: dict[str, object]) -> str:
    """Stable ID: hash of what determines a run's result."""
    text = json.dumps(task, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def tasks(spec: ExperimentSpec) -> list[RunTask]:
    """Every run of a spec, in design order."""
    matrix = design_matrix(spec)
    # the resolved values (file contents and calibration included) are part of each run's identity
    resolved = {s: run_id(dict(load_scenario(s).values)) for s in spec.scenarios}
    result = []
    rows = matrix.to_dict("records") if len(matrix.columns) else [{} for _ in range(len(matrix))]
    for row, values in enumerate(rows):
        settings = {c: float(v) for c, v in values.items()}
        if spec.end_year is not None:
            settings["end_year"] = float(spec.end_year)
        for rep in range(spec.replications):
            seed = run_seed(spec.seed, row, rep)
            for scenario in spec.scenarios:
                identity = {
                    "scenario": scenario,
                    "resolved": resolved[scenario],
                    "settings": settings,
                    "seed": seed,
                    "households": spec.households,
                    "indicators": list(spec.indicators),
                    "sectors": None if spec.sectors is None else list(spec.sectors),
                    "version": __version__,
                }
                result.append(
                    RunTask(
                        run_id(identity),
                        row,
                        rep,
                        scenario,
                        settings,
                        seed,
                        spec.households,
                        spec.indicators,
                        spec.sectors,
                    )
                )
    return result
