"""The same seed gives the same run and the same files; different seeds give different runs."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from helpers import HOUSEHOLDS, SEED

from abm.outputs import FILES, write_outputs
from abm.run import run


@pytest.fixture(scope="module")
def twin_runs():
    """Two runs of the plan with seed 5 and one with seed 6 (500 households)."""
    return run("plan", seed=5, households=500), run("plan", seed=5, households=500), run("plan", seed=6, households=500)


def test_same_seed_gives_identical_trajectory_and_scorecard(twin_runs):
    first, second, _ = twin_runs
    pd.testing.assert_frame_equal(first.trajectory, second.trajectory, check_exact=True)
    pd.testing.assert_frame_equal(first.scorecard, second.scorecard, check_exact=True)
    assert first.fiscal == second.fiscal


def test_different_seeds_give_different_trajectories(twin_runs):
    first, _, other = twin_runs
    assert not first.trajectory["value"].equals(other.trajectory["value"])
    ev = first.trajectory["indicator"] == "ev_stock"
    assert not first.trajectory.loc[ev, "value"].equals(other.trajectory.loc[ev, "value"])
    # the structure of the table does not depend on the seed
    pd.testing.assert_frame_equal(
        first.trajectory[["year", "indicator", "sector", "unit"]],
        other.trajectory[["year", "indicator", "sector", "unit"]],
    )


def test_a_run_does_not_depend_on_runs_before_it(plan_run, twin_runs):
    """The shared plan run (made earlier in the session) equals a fresh one: no state leaks
    between runs in one process."""
    again = run("plan", seed=SEED, households=HOUSEHOLDS)
    pd.testing.assert_frame_equal(plan_run.trajectory, again.trajectory, check_exact=True)


def test_households_count_changes_the_draws_but_not_the_economy():
    """GDP is exogenous: it is the same at any household count; adoption is not."""
    small = run("plan", seed=5, households=300).trajectory
    large = run("plan", seed=5, households=600).trajectory
    gdp = small["indicator"] == "gdp"
    pd.testing.assert_series_equal(
        small.loc[gdp, "value"].reset_index(drop=True), large.loc[gdp, "value"].reset_index(drop=True)
    )
    assert not small["value"].equals(large["value"])


def test_output_files_are_byte_identical_for_the_same_seed(tmp_path, twin_runs):
    """trajectory.csv, scorecard.csv and emissions.png are byte-identical; the manifest
    differs at most in run_seconds."""
    first, second, _ = twin_runs
    a = write_outputs(first, tmp_path / "a")
    b = write_outputs(second, tmp_path / "b")
    assert sorted(p.name for p in a.iterdir()) == sorted(FILES)
    assert sorted(p.name for p in b.iterdir()) == sorted(FILES)
    for name in ("trajectory.csv", "scorecard.csv", "emissions.png"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    manifest_a = json.loads((a / "manifest.json").read_text(encoding="utf-8"))
    manifest_b = json.loads((b / "manifest.json").read_text(encoding="utf-8"))
    manifest_a.pop("run_seconds")
    manifest_b.pop("run_seconds")
    assert manifest_a == manifest_b


def test_writing_the_same_result_twice_gives_the_same_files(tmp_path, twin_runs):
    """Writing one result twice (with overwrite) gives identical files, manifest included."""
    first = twin_runs[0]
    out = write_outputs(first, tmp_path / "out")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    write_outputs(first, out, overwrite=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging or backup folders left


def test_trajectory_csv_reads_back_to_the_same_values(tmp_path, twin_runs):
    first = twin_runs[0]
    out = write_outputs(first, tmp_path / "out")
    back = pd.read_csv(out / "trajectory.csv")
    assert list(back.columns) == list(first.trajectory.columns)
    pd.testing.assert_series_equal(back["value"], first.trajectory["value"], rtol=1e-9)
