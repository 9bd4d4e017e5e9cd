"""The model runs behind the page: cached runs, the baseline of the same uncertainties, the ensemble member by member.

The only module of the app that calls the model.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import solara

from abm.model import DEFAULT_HOUSEHOLDS
from abm.run import RunResult, run
from experiments.ensemble import Ensemble, member_seeds, run_ensemble
from webapp.catalogue import BASELINE, PLAN, UNCERTAINTIES
from webapp.state import Settings, preset_scenario

SEED: int = inspect.signature(run).parameters["seed"].default  # the seed `suqian-abm run` uses
ENSEMBLE_ROOT_SEED: int = inspect.signature(run_ensemble).parameters["root_seed"].default
HOUSEHOLDS = DEFAULT_HOUSEHOLDS
RUN_CACHE = 64  # finished runs kept (each about 1 MB): presets, baselines and recent settings


@dataclass(frozen=True, eq=False)
class Outcome:
    """The current settings' run and the baseline run with the same uncertainties."""

    settings: Settings
    current: RunResult
    baseline: RunResult


@lru_cache(maxsize=RUN_CACHE)
def cached_run(preset: str, overrides: tuple[tuple[str, float], ...]) -> RunResult:
    """One run of a preset with some values changed (seed and households as ``suqian-abm run``)."""
    return run(Settings(preset, overrides).scenario(), seed=SEED, households=HOUSEHOLDS)


def baseline_settings(settings: Settings) -> Settings:
    """The baseline: instruments at their 2020 settings, uncertainties as in ``settings``."""
    current, base = settings.scenario().values, preset_scenario(BASELINE).values
    kept = tuple((p.name, current[p.name]) for p in UNCERTAINTIES if current[p.name] != base[p.name])
    return Settings(BASELINE, kept, settings.lang)


def simulate(settings: Settings) -> Outcome:
    """Run the settings and their baseline (both cached: the baseline does not depend on the levers)."""
    current = cached_run(settings.preset, settings.overrides)
    base = baseline_settings(settings)
    return Outcome(settings, current, cached_run(base.preset, base.overrides))


def warm_up() -> None:
    """Run the presets once, so the first visitor does not wait for them."""
    for name in (BASELINE, PLAN):
        cached_run(name, ())


if solara._using_solara_server():  # served, not imported by tests or tools
    threading.Thread(target=warm_up, name="suqian-app-warm-up", daemon=True).start()


@dataclass(frozen=True, eq=False)
class EnsembleState:
    """Progress of an ensemble: members done, and the ensemble when all are."""

    settings: Settings
    members: int
    done: int
    ensemble: Ensemble | None = None


def ensemble_of(results: list[RunResult]) -> Ensemble:
    """The ensemble of finished runs, laid out as :func:`experiments.ensemble.run_ensemble` lays it out."""
    frames = [r.trajectory.assign(seed=r.seed) for r in results]
    trajectories = pd.concat(frames, ignore_index=True)
    trajectories = trajectories[["seed", *[c for c in trajectories.columns if c != "seed"]]]
    peaks = pd.DataFrame([(r.seed, r.peak_year, r.peak_mt) for r in results], columns=["seed", "peak_year", "peak_mt"])
    return Ensemble(trajectories, peaks)


def ensemble_steps(
    settings: Settings, members: int, households: int = HOUSEHOLDS, keep_going: Callable[[], bool] = lambda: True
) -> Iterator[EnsembleState]:
    """Run the ensemble's members (the seeds of ``member_seeds``) one by one, yielding progress."""
    scenario = settings.scenario()
    results: list[RunResult] = []
    yield EnsembleState(settings, members, 0)
    for seed in member_seeds(ENSEMBLE_ROOT_SEED, members):
        if not keep_going():
            return
        results.append(run(scenario, seed=seed, households=households))
        done = len(results) == members
        yield EnsembleState(settings, members, len(results), ensemble_of(results) if done else None)
