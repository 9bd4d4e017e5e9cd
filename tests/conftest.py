"""Shared fixtures: small, seeded runs reused across test modules.

A run costs about a second whatever the household count (most of the work is per firm and
per year), so a few session-scoped runs keep the whole suite fast.
"""

from __future__ import annotations

import pytest
from helpers import HOUSEHOLDS, SEED
from hypothesis import settings

from abm.run import RunResult, run
from abm.scenario import Scenario, load_scenario

# Hypothesis draws the same examples on every run, so the suite is deterministic.
settings.register_profile("suite", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("suite")


@pytest.fixture(scope="session")
def plan_scenario() -> Scenario:
    """The built-in plan scenario."""
    return load_scenario("plan")


@pytest.fixture(scope="session")
def baseline_scenario() -> Scenario:
    """The built-in baseline scenario."""
    return load_scenario("baseline")


@pytest.fixture(scope="session")
def plan_run(plan_scenario: Scenario) -> RunResult:
    """The plan at 2000 households, seed 1."""
    return run(plan_scenario, seed=SEED, households=HOUSEHOLDS)


@pytest.fixture(scope="session")
def baseline_run(baseline_scenario: Scenario) -> RunResult:
    """The baseline at 2000 households, seed 1."""
    return run(baseline_scenario, seed=SEED, households=HOUSEHOLDS)
