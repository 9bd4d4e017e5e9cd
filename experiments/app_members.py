"""The app's ensemble members: a seed and a draw from the shipped calibration posterior each.

Member ``i`` has the ``i``-th seed of :func:`experiments.ensemble.member_seeds` and the
``i``-th parameter set drawn from the weighted posterior sample exactly as
:func:`experiments.posterior_predictive.project` draws it (:func:`posterior_draws`). The
members are the same for every setting of the app's sliders (common random numbers), so
the difference between two settings is policy only. What they include, in the words of
:mod:`experiments.peak_probability`, is :data:`INCLUDES`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from abm.calibrated import posterior_file
from abm.model import DEFAULT_HOUSEHOLDS
from abm.run import RunResult, run
from abm.scenario import Scenario, load_scenario
from calibration.abc import draw
from experiments.ensemble import member_seeds
from experiments.peak_probability import Members

APP_MEMBERS = 20  # members of the app's ensemble
ROOT_SEED = 1
INCLUDES = Members(seeds=True, parameters="posterior")


@dataclass(frozen=True)
class Member:
    """One member: its place, its seed and its posterior parameter draw (registry names -> values)."""

    index: int
    seed: int
    parameters: dict[str, float] = field(hash=False)


def posterior_draws(
    posterior: pd.DataFrame, members: int, root_seed: int = ROOT_SEED, fixed: Mapping[str, float] | None = None
) -> list[dict[str, float]]:
    """``members`` parameter sets from a weighted posterior sample, drawn from ``SeedSequence(root_seed)``.

    The draw uses the last of ``members + 1`` children of the root seed (the first
    ``members`` seed the runs), so it is independent of the members' seeds. ``fixed``
    values are kept where the posterior does not set the same name.
    """
    rng = np.random.default_rng(np.random.SeedSequence(root_seed).spawn(members + 1)[-1])
    return [{**(fixed or {}), **d} for d in draw(posterior, members, rng)]


@cache
def shipped_posterior() -> pd.DataFrame:
    """The shipped calibration's weighted posterior sample."""
    from calibration.validation import read_posterior

    return read_posterior(posterior_file())


def app_members(
    n: int = APP_MEMBERS, root_seed: int = ROOT_SEED, posterior: pd.DataFrame | None = None
) -> list[Member]:
    """The first ``n`` members: seeds of ``member_seeds(root_seed, n)``, draws of :func:`posterior_draws`."""
    sample = shipped_posterior() if posterior is None else posterior
    seeds = member_seeds(root_seed, n)
    draws = posterior_draws(sample, n, root_seed)
    return [Member(i, s, d) for i, (s, d) in enumerate(zip(seeds, draws, strict=True))]


def member_scenario(scenario: Scenario | str, member: Member, overrides: Mapping[str, float] | None = None) -> Scenario:
    """``scenario`` for ``member``: its draws replace the registry defaults, the scenario's own settings win.

    As in :func:`experiments.posterior_predictive.project`, the scenario is read without the
    shipped point estimate (the draw stands in for it). ``overrides`` (the app's sliders)
    are applied last.
    """
    base = load_scenario(scenario, calibrated=False) if isinstance(scenario, str) else scenario
    base = dataclasses.replace(base, calibrated=False)  # values are resolved again by with_settings
    drawn = {k: v for k, v in member.parameters.items() if k not in base.settings}
    result = base.with_settings(drawn, where="posterior draw")
    return result.with_settings(dict(overrides), where="app") if overrides else result


def run_member(
    scenario: Scenario | str,
    member: Member,
    households: int = DEFAULT_HOUSEHOLDS,
    overrides: Mapping[str, float] | None = None,
) -> RunResult:
    """One member's run of ``scenario`` (with ``overrides``), ``households`` simulated households."""
    return run(member_scenario(scenario, member, overrides), seed=member.seed, households=households)
