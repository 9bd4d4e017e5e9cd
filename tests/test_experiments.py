"""Batch experiments: specs, designs, the Dask runner with resumable Parquet parts, the analysis."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm.parameters import registry
from experiments import runner
from experiments.analysis import analyse
from experiments.design import design_matrix, tasks
from experiments.runner import SweepError, finished_runs, load_results, sweep
from experiments.spec import SpecError, load_spec

REG = registry()
SPECS = Path(__file__).resolve().parent.parent / "experiments" / "specs"


def write_spec(tmp_path: Path, body: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


SMALL = """
name = "small"
scenarios = ["baseline", "plan"]
households = 200
end_year = 2035
[design]
kind = "latin_hypercube"
samples = 3
replications = 2
seed = 7
[factors]
ev_subsidy = [0, 20000]
gdp_growth_2030 = [3.5, 7.5]
"""


# specs --------------------------------------------------------------------------------


def test_shipped_specs_load():
    for path in sorted(SPECS.glob("*.toml")):
        spec = load_spec(path)
        assert tasks(spec), path


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ('[factors]\nev_subsidyy = [0, 1]\n[design]\nkind = "latin_hypercube"', "unknown name 'ev_subsidyy'"),
        ('[factors]\nev_subsidy = [0, 99999]\n[design]\nkind = "latin_hypercube"', r"leaves the registry's range"),
        ('[factors]\nev_subsidy = [10, 5]\n[design]\nkind = "latin_hypercube"', "low < high"),
        ('[factors]\nev_subsidy = "lots"\n[design]\nkind = "latin_hypercube"', r"must be \[low, high\]"),
        ('[factors]\ngdp_2020 = [1, 2]\n[design]\nkind = "latin_hypercube"', "observed value"),
        ('[design]\nkind = "grid"', "kind 'grid' is not one of"),
        ('[design]\nkind = "sobol"\nsamples = 100\n[factors]\nev_subsidy = [0, 1]\npv_subsidy = [0, 1]', "power of 2"),
        ('[design]\nkind = "morris"\n[factors]\nev_subsidy = [0, 1]', "at least two factors"),
        ('[design]\nkind = "latin_hypercube"', "at least one entry"),
        ("colour = 1", "unknown key"),
        ('scenarios = ["nope"]', "unknown scenario 'nope'"),
        ("households = 3", "households"),
        ("[design]\nreplications = 0", "replications"),
        ("[design\n", "not valid TOML"),
    ],
)
def test_bad_specs_are_refused_with_file_and_key(tmp_path, body, match):
    path = write_spec(tmp_path, body)
    with pytest.raises(SpecError, match=match) as err:
        load_spec(path)
    assert str(path) in str(err.value)


def test_missing_spec_is_named(tmp_path):
    with pytest.raises(SpecError, match="not found"):
        load_spec(tmp_path / "nope.toml")


# designs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("design", "rows"),
    [
        ('kind = "full_factorial"\nlevels = 3', 9),
        ('kind = "latin_hypercube"\nsamples = 5', 5),
        ('kind = "sobol"\nsamples = 4', 4 * (2 + 2)),
        ('kind = "morris"\nsamples = 3\nlevels = 4', 3 * (2 + 1)),
        ('kind = "replications"', 1),
    ],
)
def test_design_sizes(tmp_path, design, rows):
    spec = load_spec(
        write_spec(tmp_path, f"[design]\n{design}\n[factors]\nev_subsidy = [0, 20000]\npv_subsidy = [0, 1500]")
    )
    matrix = design_matrix(spec)
    assert len(matrix) == rows
    if spec.kind != "replications":
        assert matrix["ev_subsidy"].between(0, 20000).all() and matrix["pv_subsidy"].between(0, 1500).all()


def test_switches_are_sampled_as_zero_or_one(tmp_path):
    spec = load_spec(
        write_spec(
            tmp_path, '[design]\nkind = "latin_hypercube"\nsamples = 20\n[factors]\nrooftop_pv_programme = [0, 1]'
        )
    )
    assert set(design_matrix(spec)["rooftop_pv_programme"]) <= {0.0, 1.0}


def test_runs_have_stable_distinct_ids_and_seeds(tmp_path):
    spec = load_spec(write_spec(tmp_path, SMALL))
    first, again = tasks(spec), tasks(spec)
    assert [t.run_id for t in first] == [t.run_id for t in again]
    assert len({t.run_id for t in first}) == len(first) == 3 * 2 * 2
    # both scenarios of a design row and replication share the seed (common random numbers)
    seeds = {(t.design_row, t.replication): t.seed for t in first}
    assert len(set(seeds.values())) == 6
    assert all(t.seed == seeds[(t.design_row, t.replication)] for t in first)


# running ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    """The small spec run in this process."""
    base = tmp_path_factory.mktemp("sweep")
    spec = load_spec(write_spec(base, SMALL))
    out = base / "sequential"
    report = sweep(spec, out, workers=0, progress=False)
    return spec, out, report


def test_results_are_one_readable_parquet_dataset(sequential):
    _, out, report = sequential
    assert (report.total, report.completed, report.failed) == (12, 12, 0)
    frame = pd.read_parquet(out / "results")
    for column in ("run_id", "seed", "year", "indicator", "sector", "value", "unit"):
        assert column in frame.columns
    for p in REG.values():
        if p.kind in ("lever", "uncertainty"):
            assert p.name in frame.columns
    assert frame["run_id"].nunique() == 12
    assert set(frame["year"]) == set(range(2020, 2036))
    design = pd.read_csv(out / "design.csv")
    assert set(design["run_id"]) == set(frame["run_id"])
    # the factors were applied
    per_run = frame.drop_duplicates("run_id").set_index("run_id")
    assert np.allclose(per_run.loc[design["run_id"], "ev_subsidy"], design["ev_subsidy"])


def test_same_spec_gives_identical_results_sequentially_and_on_dask(sequential, tmp_path):
    spec, out, _ = sequential
    report = sweep(spec, tmp_path / "dask", workers=2, progress=False)
    assert report.completed == 12 and report.where.startswith("local Dask cluster")
    key = ["run_id", "year", "indicator", "sector"]
    a = load_results(out).sort_values(key).reset_index(drop=True)
    b = load_results(tmp_path / "dask").sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_resume_after_an_interruption_loses_nothing_and_duplicates_nothing(sequential, tmp_path):
    spec, out, _ = sequential
    target = tmp_path / "resumed"
    first = sweep(spec, target, workers=0, progress=False, stop_after=5)
    assert first.completed == 5 and len(finished_runs(target)) == 5
    # a crash in the middle of writing leaves only a hidden temporary file behind
    (target / "results" / ".deadbeef.123.tmp").write_bytes(b"half a parquet file")
    second = sweep(spec, target, workers=0, progress=False)
    assert (second.skipped, second.completed) == (5, 7)
    third = sweep(spec, target, workers=0, progress=False)
    assert (third.skipped, third.completed) == (12, 0)
    key = ["run_id", "year", "indicator", "sector"]
    resumed = load_results(target).sort_values(key).reset_index(drop=True)
    assert not resumed.duplicated(key).any()
    pd.testing.assert_frame_equal(resumed, load_results(out).sort_values(key).reset_index(drop=True))


def test_failed_runs_are_recorded_and_retried(sequential, tmp_path, monkeypatch):
    spec, _, _ = sequential
    target = tmp_path / "failing"
    real = runner.execute
    victim = tasks(spec)[3].run_id

    def flaky(task):
        if task.run_id == victim:
            raise RuntimeError("worker lost")
        return real(task)

    monkeypatch.setattr(runner, "execute", flaky)
    report = sweep(spec, target, workers=0, progress=False)
    assert (report.completed, report.failed) == (11, 1)
    failures = pd.read_csv(target / "failures.csv")
    assert list(failures["run_id"]) == [victim] and "worker lost" in failures.loc[0, "error"]
    monkeypatch.setattr(runner, "execute", real)
    report = sweep(spec, target, workers=0, progress=False)
    assert (report.skipped, report.completed, report.failed) == (11, 1, 0)
    assert not (target / "failures.csv").exists()


def test_another_spec_is_refused_in_a_used_folder(sequential, tmp_path):
    _, out, _ = sequential
    other = load_spec(write_spec(tmp_path, SMALL.replace("seed = 7", "seed = 8")))
    with pytest.raises(SweepError, match="different spec"):
        sweep(other, out, workers=0, progress=False)


# analysis -----------------------------------------------------------------------------


def test_analysis_of_an_ensemble_with_factors(sequential):
    _, out, _ = sequential
    folder = analyse(out)
    peaks = pd.read_csv(folder / "peaks.csv").set_index("scenario")
    assert set(peaks.index) == {"baseline", "plan"}
    assert peaks["probability_peak_by_2030"].between(0, 1).all()
    assert (peaks["runs"] == 6).all()
    bands = pd.read_csv(folder / "bands.csv")
    assert (bands["q05"] <= bands["median"]).all() and (bands["median"] <= bands["q95"]).all()
    for name in ("fan.png", "peak_year.png", "scenarios.png", "summary.md", "runs.csv"):
        assert (folder / name).exists()


SOBOL = """
name = "sobol-small"
scenarios = ["plan"]
households = 200
end_year = 2035
[design]
kind = "sobol"
samples = 8
seed = 5
[factors]
carbon_price_2030 = [0, 300]
gdp_growth_2030 = [3.5, 7.5]
"""


def test_sobol_and_prim_from_the_command_line(tmp_path):
    spec = write_spec(tmp_path, SOBOL)
    out = tmp_path / "sobol"
    done = subprocess.run(
        [sys.executable, "-m", "abm.cli", "sweep", str(spec), "--out", str(out), "--workers", "2"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "32 runs" in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "abm.cli", "analyse", str(out)], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    sobol = pd.read_csv(out / "analysis" / "sobol.csv")
    assert set(sobol["factor"]) == {"carbon_price_2030", "gdp_growth_2030"}
    for column in ("S1", "S1_conf", "ST", "ST_conf"):
        assert sobol[column].notna().all()
    growth = sobol[(sobol["outcome"] == "co2_2030") & (sobol["factor"] == "gdp_growth_2030")]
    assert float(growth["ST"].iloc[0]) > 0.1  # growth drives 2030 emissions
    assert (out / "analysis" / "sensitivity.png").exists()


def test_morris_analysis(tmp_path):
    body = SOBOL.replace('kind = "sobol"\nsamples = 8', 'kind = "morris"\nsamples = 3\nlevels = 4')
    out = tmp_path / "morris"
    sweep(load_spec(write_spec(tmp_path, body)), out, workers=0, progress=False)
    morris = pd.read_csv(analyse(out) / "morris.csv")
    assert set(morris.columns) >= {"factor", "mu_star", "mu_star_conf", "sigma"}
    assert (morris["mu_star"] >= 0).all()


def test_analyse_refuses_a_folder_that_is_not_a_sweep(tmp_path):
    with pytest.raises(SweepError, match="not a sweep folder"):
        analyse(tmp_path)


def test_killing_a_worker_mid_sweep_loses_no_run(sequential, tmp_path):
    import os
    import signal
    import threading

    from distributed import LocalCluster

    spec, out, _ = sequential
    target = tmp_path / "killed"
    killed = []
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:

        def kill_one_worker() -> None:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and len(finished_runs(target)) < 2:
                time.sleep(0.05)
            nanny = next(iter(cluster.workers.values()))
            pid = nanny.process.process.pid
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

        thread = threading.Thread(target=kill_one_worker, daemon=True)
        thread.start()
        report = sweep(spec, target, scheduler=cluster.scheduler_address, progress=False)
        thread.join(timeout=5)
    assert killed, "no worker was killed"
    done = finished_runs(target)
    assert report.failed == 0 or len(done) + report.failed == 12
    # whatever the kill cost, running again completes the sweep without duplicates
    sweep(spec, target, workers=0, progress=False)
    key = ["run_id", "year", "indicator", "sector"]
    result = load_results(target).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(result, load_results(out).sort_values(key).reset_index(drop=True))


# what the analysis figures show ---------------------------------------------------------


def test_analysis_figures_show_each_scenarios_own_shares_and_keep_scenarios_apart(sequential, monkeypatch):
    """peak_year.png: bars equal peak_years.csv (each scenario sums to 1), whole-year ticks; fan.png: labelled;
    scenarios.png: one colour per scenario, nothing joining the two categories."""
    import matplotlib.pyplot as plt

    from experiments import analysis

    _, out, _ = sequential
    figures = {}
    monkeypatch.setattr(analysis, "save", lambda fig, path, dpi=110: figures.setdefault(path.name, fig))
    folder = analyse(out)
    try:
        shares = pd.read_csv(folder / "peak_years.csv")
        assert shares.groupby("scenario")["share"].sum().to_numpy() == pytest.approx(1.0)
        ax = figures["peak_year.png"].axes[0]
        figures["peak_year.png"].canvas.draw()
        drawn = {c.get_label(): [p.get_height() for p in c] for c in ax.containers}
        for scenario, part in shares.groupby("scenario"):
            assert drawn[scenario] == pytest.approx(part.sort_values("peak_year")["share"].tolist())
        labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert labels and all(label.isdigit() for label in labels), labels

        fan = figures["fan.png"].axes[0]
        assert fan.get_xlabel() == "Year" and fan.get_title()

        for ax in figures["scenarios.png"].axes:
            colours = [tuple(c.lines[0].get_color()) for c in ax.containers]
            assert len(colours) == 2 and len(set(colours)) == 2
            for line in ax.lines:  # no line from one scenario to the other
                assert len(set(np.round(np.asarray(line.get_xdata(), dtype=float), 6))) <= 1
    finally:
        for fig in figures.values():
            plt.close(fig)


def test_a_failed_analysis_leaves_the_previous_one_whole(sequential, monkeypatch):
    """The analysis is written through the staged writer: a failure half way leaves the previous analysis
    as it was and no staging folder beside it."""
    from experiments import analysis

    _, out, _ = sequential
    folder = analyse(out)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(analysis, "_figures", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        analyse(out)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".analysis")]


def test_an_analysis_folder_from_before_markers_is_replaced_but_not_one_holding_other_files(sequential):
    from abm.outputs import MARKER, OutputError

    _, out, _ = sequential
    folder = analyse(out)
    (folder / MARKER).unlink()  # as written by earlier versions
    assert analyse(out) == folder and (folder / MARKER).exists()
    (folder / MARKER).unlink()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="not written by suqian-abm"):
        analyse(out)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_folder_whose_finished_runs_the_spec_no_longer_draws_is_refused(sequential, tmp_path):
    """Resuming would mix runs of two versions of the design: the folder is refused and left as it was."""
    import shutil

    spec, out, _ = sequential
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    some = sorted((copy / "results").glob("part-*.parquet"))[0]
    shutil.copy(some, copy / "results" / "part-0123456789abcdef.parquet")  # a run of an earlier design
    before = sorted(p.name for p in (copy / "results").iterdir())
    with pytest.raises(SweepError, match=r"1 finished run.*not runs of this spec"):
        sweep(spec, copy, workers=0, progress=False)
    assert sorted(p.name for p in (copy / "results").iterdir()) == before


def test_a_sweep_that_cannot_start_its_executor_leaves_no_folder(tmp_path, monkeypatch):
    """No scheduler at the given address (here: an executor that fails to start) leaves no new folder behind."""
    import contextlib

    @contextlib.contextmanager
    def unreachable(workers=None, scheduler=None):
        raise OSError("Timed out trying to connect to tcp://127.0.0.1:1 after 30 s")
        yield

    monkeypatch.setattr(runner, "executor", unreachable)
    spec = load_spec(write_spec(tmp_path, SMALL))
    out = tmp_path / "new"
    with pytest.raises(OSError, match="Timed out"):
        sweep(spec, out, workers=0, scheduler="tcp://127.0.0.1:1", progress=False)
    assert not out.exists()
