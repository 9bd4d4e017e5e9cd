"""Every command fails with one line, not a traceback, and never writes over what it did not write."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import abm.cli
import abm.outputs
import abm.run
import calibration.validation
import calibration.workflow
import experiments.analysis
import experiments.posterior_predictive
from abm.cli import main, os_error_message
from abm.outputs import FILES, MARKER, MARKER_TEXT, RUN_FILES
from abm.scenario import load_scenario

SCRIPT = shutil.which("suqian-abm", path=str(Path(sys.executable).parent))

TINY_SPEC = """
name = "tiny"
scenarios = ["baseline", "plan"]
households = 200
end_year = 2030
[design]
kind = "replications"
replications = 4
seed = 3
"""


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def one_error_line(err: str) -> str:
    """The single line a failed command prints on stderr."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    return lines[0]


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if a command gets as far as running the model."""

    def refuse(*args, **kwargs):
        raise AssertionError("the model ran although the command should have stopped before")

    monkeypatch.setattr(abm.run, "run", refuse)
    monkeypatch.setattr(calibration.validation, "validate", refuse)
    monkeypatch.setattr(calibration.workflow, "calibrate", refuse)
    monkeypatch.setattr(experiments.posterior_predictive, "project", refuse)


def thesis_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "thesis.docx").write_text("x", encoding="utf-8")
    return folder


# output folders: checked before any work ------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--households", "100", "--overwrite"],
        ["validate", "--households", "100", "--overwrite"],
        ["calibrate", "--quick", "--overwrite"],
        ["predict", "--members", "2", "--overwrite"],
    ],
)
def test_overwrite_refuses_a_folder_of_other_files(tmp_path, capsys, no_simulation, command):
    """``--out d --overwrite`` with d holding thesis.docx: refused, thesis kept, nothing simulated."""
    folder = thesis_folder(tmp_path)
    assert main([*command, "--out", str(folder)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert str(folder) in line and "not written by suqian-abm" in line
    assert names(folder) == ["thesis.docx"]
    assert names(tmp_path) == ["d"]


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_a_file_as_out_is_refused(tmp_path, capsys, no_simulation, overwrite):
    target = tmp_path / "afile"
    target.write_text("mine", encoding="utf-8")
    assert main(["run", "--households", "100", "--out", str(target), *overwrite]) == 2
    assert "is a file" in one_error_line(capsys.readouterr().err)
    assert target.read_text(encoding="utf-8") == "mine"
    assert names(tmp_path) == ["afile"]


def test_out_under_a_file_is_refused_before_simulating(tmp_path, capsys, no_simulation):
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    assert main(["run", "--households", "100", "--out", str(tmp_path / "afile" / "x")]) == 2
    assert "is a file" in one_error_line(capsys.readouterr().err)
    assert names(tmp_path) == ["afile"]


@pytest.mark.parametrize("target", [".", ".."])
def test_the_current_folder_is_never_overwritten(tmp_path, capsys, monkeypatch, no_simulation, target):
    here = tmp_path / "here"
    here.mkdir()
    (here / "notes.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(here)
    assert main(["run", "--households", "100", "--out", target, "--overwrite"]) == 2
    assert "current folder" in one_error_line(capsys.readouterr().err)
    assert names(here) == ["notes.txt"]


def test_an_unwritable_folder_is_refused_before_simulating(tmp_path, capsys, monkeypatch, no_simulation):
    """Denied through ``os.access``, which is what the check asks (chmod does not stop root)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(abm.outputs.os, "access", lambda p, mode: Path(p) != locked and real_access(p, mode))
    assert main(["run", "--households", "100", "--out", str(locked / "out")]) == 2
    assert "no permission to write in" in one_error_line(capsys.readouterr().err)
    assert names(locked) == []


def test_a_read_only_folder_is_refused_before_simulating(tmp_path, capsys, no_simulation):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("this user may write into read-only folders (root): see the test above")
        assert main(["run", "--households", "100", "--out", str(locked / "out")]) == 2
        assert "no permission to write in" in one_error_line(capsys.readouterr().err)
    finally:
        locked.chmod(0o755)


def test_a_sweep_does_not_start_in_a_folder_of_other_files(tmp_path, capsys):
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY_SPEC, encoding="utf-8")
    folder = thesis_folder(tmp_path)
    assert main(["sweep", str(spec), "--out", str(folder), "--workers", "0"]) == 2
    assert "not a sweep's" in one_error_line(capsys.readouterr().err)
    assert names(folder) == ["thesis.docx"]
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    assert main(["sweep", str(spec), "--out", str(tmp_path / "afile"), "--workers", "0"]) == 2
    assert "is a file" in one_error_line(capsys.readouterr().err)


def test_a_run_over_a_sweep_folder_is_refused_and_a_sweep_over_a_run(tmp_path, capsys, no_simulation):
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY_SPEC, encoding="utf-8")
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / MARKER).write_text(abm.outputs.marker_text("sweep"), encoding="utf-8")
    (sweep / "spec.toml").write_text(TINY_SPEC, encoding="utf-8")
    for command in (["run", "--households", "100"], ["validate", "--households", "100"], ["predict"]):
        assert main([*command, "--out", str(sweep), "--overwrite"]) == 2
        assert "holds a sweep output" in one_error_line(capsys.readouterr().err)
    assert names(sweep) == sorted([MARKER, "spec.toml"])
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / MARKER).write_text(abm.outputs.marker_text("run"), encoding="utf-8")
    (plan / "trajectory.csv").write_text("x", encoding="utf-8")
    assert main(["sweep", str(spec), "--out", str(plan), "--workers", "0"]) == 2
    assert "holds a run output of suqian-abm, not a sweep's" in one_error_line(capsys.readouterr().err)
    assert names(plan) == sorted([MARKER, "trajectory.csv"])


def test_overwrite_replaces_a_run_folder_written_before_markers(tmp_path, capsys):
    out = tmp_path / "plan"
    out.mkdir()
    for name in FILES:
        if name != MARKER:
            (out / name).write_text("earlier", encoding="utf-8")
    assert main(["run", "--households", "100", "--out", str(out), "--overwrite"]) == 0, capsys.readouterr().err
    assert names(out) == sorted(RUN_FILES)
    assert (out / "manifest.json").read_text(encoding="utf-8") != "earlier"


@pytest.mark.parametrize(
    ("command", "files"),
    [
        (["validate", "--households", "100"], ["validation.csv", "summary.csv"]),
        (["calibrate", "--quick"], ["calibration.toml", "posterior.csv", "parameters_until_2019.csv", "report.md"]),
    ],
)
def test_overwrite_takes_other_outputs_written_before_markers(tmp_path, no_simulation, command, files):
    """The check before any work lets the folder through: the command gets as far as its work."""
    out = tmp_path / "out"
    out.mkdir()
    for name in files:
        (out / name).write_text("earlier", encoding="utf-8")
    with pytest.raises(AssertionError, match="the model ran"):
        main([*command, "--out", str(out), "--overwrite"])
    assert names(out) == sorted(files)


# default folder from the scenario name -----------------------------------------------------


@pytest.mark.parametrize("name", ["../../escaped", "/tmp/abs/escaped"])
def test_a_scenario_name_cannot_send_the_output_out_of_runs(tmp_path, capsys, monkeypatch, name):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    scenario = dataclasses.replace(load_scenario("plan"), name=name)
    monkeypatch.setattr(abm.cli, "load_scenario", lambda *args, **kwargs: scenario)
    assert main(["run", "--households", "100"]) == 0, capsys.readouterr().err
    assert names(tmp_path) == ["a"] and names(tmp_path / "a") == ["b"]
    assert names(work) == ["runs"]
    (written,) = (work / "runs").iterdir()
    assert written.name.endswith("escaped-seed1") and not written.name.startswith(".")
    assert names(written) == sorted(RUN_FILES)


def test_a_scenario_file_naming_a_path_writes_nothing_outside_runs(tmp_path, capsys, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    scenario = tmp_path / "escape.toml"
    scenario.write_text('name = "../../escaped"\n', encoding="utf-8")
    monkeypatch.chdir(work)
    status = main(["run", "--scenario", str(scenario), "--households", "100"])
    err = capsys.readouterr().err
    assert status in (0, 2), err
    assert names(tmp_path) == ["a", "escape.toml"] and names(tmp_path / "a") == ["b"]
    assert names(work) == (["runs"] if status == 0 else [])


# stale staging folders -------------------------------------------------------------------


def test_a_run_after_a_killed_one_clears_its_staging_folder(tmp_path, capsys):
    """A SIGKILLed run leaves ``.NAME.suqian-abm-ID-HOST-PID-RANDOM.staging``; the next run into the place removes it."""
    out = tmp_path / "out"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    name_id, host = abm.outputs._name_id("out"), abm.outputs._host()
    left = tmp_path / f".out.suqian-abm-{name_id}-{host}-{int(gone.stdout)}-0badc0de.staging"
    left.mkdir()
    (left / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    (left / "trajectory.csv").write_text("year,indi", encoding="utf-8")
    assert main(["run", "--households", "100", "--out", str(out)]) == 0, capsys.readouterr().err
    assert names(tmp_path) == ["out"]
    assert names(out) == sorted(RUN_FILES)


# operating-system errors ---------------------------------------------------------------------


def test_os_errors_read_what_where_and_why():
    assert (
        os_error_message(PermissionError(13, "Permission denied", "/x/s.toml"), "reading the scenario")
        == "reading the scenario: /x/s.toml: Permission denied"
    )
    assert (
        os_error_message(OSError(18, "Invalid cross-device link", "/a", None, "/b"), "writing the output folder")
        == "writing the output folder: /a -> /b: Invalid cross-device link"
    )
    assert os_error_message(FileNotFoundError("posterior sample not found: p.csv"), "x") == (
        "posterior sample not found: p.csv"
    )


def test_an_unreadable_scenario_is_one_line(tmp_path, capsys, monkeypatch, no_simulation):
    path = tmp_path / "s.toml"

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(abm.cli, "load_scenario", denied)
    assert main(["run", "--scenario", str(path), "--out", str(tmp_path / "o")]) == 2
    assert one_error_line(capsys.readouterr().err) == f"error: reading the scenario: {path}: Permission denied"


def test_a_write_failure_after_the_run_is_one_line(tmp_path, capsys, monkeypatch):
    out = tmp_path / "o"

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(out))

    monkeypatch.setattr(abm.outputs, "write_outputs", full)
    assert main(["run", "--households", "100", "--out", str(out)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line == f"error: writing the output folder: {out}: No space left on device"


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--scenario", "{dir}"],
        ["sweep", "{dir}", "--out", "{tmp}/sweep"],
        ["validate", "--observed", "{dir}", "--out", "{tmp}/v"],
        ["validate", "--params", "{dir}", "--out", "{tmp}/v"],
        ["predict", "--posterior", "{dir}", "--out", "{tmp}/p"],
    ],
)
def test_a_folder_where_a_file_belongs_is_one_line(tmp_path, capsys, command):
    folder = tmp_path / "a folder"
    folder.mkdir()
    args = [a.format(dir=folder, tmp=tmp_path) for a in command]
    assert main(args) == 2
    assert str(folder) in one_error_line(capsys.readouterr().err)
    assert names(tmp_path) == ["a folder"]


# numbers on the command line -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["５", "٣", "1e3", "-1", "+1", " 1", "1_000", "99999999999999999999", ""])
def test_numbers_are_ascii_digits_of_sensible_size(capsys, text):
    with pytest.raises(SystemExit) as stop:
        main(["run", "--seed", text, "--out", "never"])
    assert stop.value.code == 2
    assert "--seed" in capsys.readouterr().err
    assert not Path("never").exists()


def test_too_many_workers_are_refused(tmp_path, capsys, no_simulation):
    assert main(["predict", "--workers", "100000", "--out", str(tmp_path / "p")]) == 2
    assert "--workers must be at most" in one_error_line(capsys.readouterr().err)


# interruptions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "target"),
    [
        (["validate", "--households", "100"], (calibration.validation, "validate")),
        (["calibrate", "--quick"], (calibration.workflow, "calibrate")),
        (["predict", "--members", "2"], (experiments.posterior_predictive, "project")),
    ],
)
def test_an_interrupted_command_says_so_in_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, command, target):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(*target, interrupted)
    out = tmp_path / "out"
    assert main([*command, "--out", str(out)]) == 130
    captured = capsys.readouterr()
    assert captured.err == "interrupted; nothing written\n"
    assert names(tmp_path) == []


def test_an_interrupted_sweep_preparation_does_not_claim_nothing_was_written(tmp_path, capsys, monkeypatch):
    import experiments.runner as runner

    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY_SPEC, encoding="utf-8")
    out = tmp_path / "sweep"

    def interrupted(*args, **kwargs):  # the design is made after spec.toml and experiment.json are written
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "tasks", interrupted)
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "0"]) == 130
    assert capsys.readouterr().err == (
        f"interrupted while preparing the sweep folder {out}; run the same command to resume\n"
    )
    monkeypatch.undo()
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "0"]) == 0
    assert len(names(out / "results")) == 8


def test_an_interrupted_adoption_says_the_calibration_was_written(tmp_path, capsys, monkeypatch):
    import abm.calibrated

    monkeypatch.setattr(abm.calibrated, "calibration_dir", lambda: tmp_path / "installed")
    monkeypatch.setattr(calibration.workflow, "calibrate", lambda settings: object())

    def write(result, out, overwrite=False, adopt=False):  # writes, then installs when asked, as the real one
        out.mkdir()
        (out / "calibration.toml").write_text("x", encoding="utf-8")
        if adopt:
            calibration.workflow.adopt_calibration(out)

    def interrupted(folder):
        raise KeyboardInterrupt

    monkeypatch.setattr(calibration.workflow, "write_calibration", write)
    monkeypatch.setattr(calibration.workflow, "adopt_calibration", interrupted)
    out = tmp_path / "cal"
    assert main(["calibrate", "--quick", "--adopt", "--out", str(out)]) == 130
    assert capsys.readouterr().err == f"interrupted; the output was already written to {out}\n"


def test_analyse_says_what_to_do_in_its_own_terms(tmp_path, capsys):
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY_SPEC, encoding="utf-8")
    out = tmp_path / "sweep"
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "0"]) == 0
    capsys.readouterr()
    (out / "analysis").mkdir()
    (out / "analysis" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["analyse", str(out)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "not written by suqian-abm" in line and f"run `suqian-abm analyse {out}` again" in line
    assert "--out" not in line
    assert names(out / "analysis") == ["notes.txt"]
    (out / "experiment.json").write_text('{"name": "tiny", ', encoding="utf-8")
    assert main(["analyse", str(out)]) == 2
    assert str(out / "experiment.json") in one_error_line(capsys.readouterr().err)


def test_an_interrupted_analysis_says_so_in_one_line(tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(experiments.analysis, "analyse", interrupted)
    assert main(["analyse", str(tmp_path)]) == 130
    assert capsys.readouterr().err == "interrupted; nothing written\n"


def test_an_interrupted_sweep_without_dask_keeps_the_runs_it_finished(tmp_path, capsys, monkeypatch):
    import experiments.runner as runner

    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY_SPEC, encoding="utf-8")
    out = tmp_path / "sweep"
    real, calls = runner.execute, []

    def interrupted_at_the_third(task):
        calls.append(task.run_id)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(runner, "execute", interrupted_at_the_third)
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "0"]) == 130
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"interrupted: 2 of 8 runs saved in {out}; run the same command to resume"
    )
    assert len(calls) == 3  # it stopped there
    assert len(list((out / "results").glob("part-*.parquet"))) == 2
    assert not list((out / "results").glob(".*"))


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    """The command in its own process group, so that SIGINT reaches it as Ctrl-C would (workers included)."""
    return subprocess.Popen(
        args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def ctrl_c(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Ctrl-C to the command's group, unless it has ended already; what it then printed."""
    with contextlib.suppress(ProcessLookupError):  # ended, and its workers too
        os.killpg(process.pid, signal.SIGINT)
    try:
        return process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise


def test_ctrl_c_on_run_prints_one_line_and_leaves_nothing(tmp_path):
    """Ctrl-C while the model runs: the run is made to repeat the model until interrupted, and to say when it
    starts, so the signal always lands inside it however fast the machine is."""
    code = (
        "import sys\n"
        "import abm.run\n"
        "from abm.cli import main\n"
        "model = abm.run.run\n"
        "def run(*args, **kwargs):\n"
        "    print('running', flush=True)\n"
        "    while True:\n"
        "        model(*args, **kwargs)\n"
        "abm.run.run = run\n"
        "sys.exit(main(sys.argv[1:]))"
    )
    out = tmp_path / "out"
    process = start([sys.executable, "-c", code, "run", "--households", "2000", "--out", str(out)], tmp_path)
    assert process.stdout is not None
    assert process.stdout.readline() == "running\n"
    stdout, stderr = ctrl_c(process)
    assert process.returncode == 130, stderr
    assert stderr == "interrupted; nothing written\n"
    assert stdout == ""
    assert names(tmp_path) == []


@pytest.mark.skipif(SCRIPT is None, reason="the suqian-abm console script is not installed")
def test_ctrl_c_on_sweep_saves_finished_runs_and_the_same_command_resumes(tmp_path):
    """Ctrl-C once the first run is saved: of 100 runs of one worker, some are saved and not all."""
    total = 100
    spec = tmp_path / "many.toml"
    spec.write_text(TINY_SPEC.replace("replications = 4", f"replications = {total // 2}"), encoding="utf-8")
    out = tmp_path / "sweep"
    command = [str(SCRIPT), "sweep", str(spec), "--out", str(out), "--workers", "1"]
    process = start(command, tmp_path)
    waited = 0.0
    while not list((out / "results").glob("part-*.parquet")) and process.poll() is None and waited < 240:
        time.sleep(0.05)
        waited += 0.05
    _, stderr = ctrl_c(process)
    assert process.returncode == 130, stderr
    lines = stderr.splitlines()
    message = re.fullmatch(
        rf"interrupted: (\d+) of {total} runs saved in {re.escape(str(out))}; run the same command to resume",
        lines[-1],
    )
    assert message, stderr
    saved = int(message[1])
    assert 1 <= saved < total
    for line in lines[:-1]:  # what precedes it is the sweep's own progress, no tracebacks or Dask warnings
        assert line.startswith("[") or " runs on local Dask cluster" in line, stderr
    parts = names(out / "results")
    assert len(parts) == saved and all(p.startswith("part-") and p.endswith(".parquet") for p in parts)

    again = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stderr
    assert f"{total} runs, {saved} already done, {total - saved} made" in again.stdout
    assert len(names(out / "results")) == total


@pytest.mark.skipif(SCRIPT is None, reason="the suqian-abm console script is not installed")
@pytest.mark.parametrize(
    "command",
    [
        # every worker starts as the members are handed over, before the first progress line
        ["predict", "--members", "1000", "--workers", "2", "--households", "2000"],
        # the first progress line ends the first of many generations; pyabc forks its workers for each
        ["calibrate", "--quick", "--workers", "2", "--households", "200"],
    ],
)
def test_ctrl_c_with_worker_processes_prints_one_line_and_leaves_nothing(tmp_path, command):
    """Ctrl-C reaches the pool's processes too (forked, on Linux, for projections and by pyabc's sampler at every
    generation): none prints a traceback. Sent at the first progress line, long before the command could end;
    should it have ended all the same, it must have ended well."""
    out = tmp_path / "out"
    process = start([str(SCRIPT), *command, "--out", str(out)], tmp_path)
    assert process.stderr is not None
    before = []
    for line in process.stderr:  # progress lines: the workers are at work
        before.append(line)
        if line.startswith("["):
            break
    _, stderr = ctrl_c(process)
    if process.returncode == 0:
        assert f"written to {out}" in _ and names(tmp_path) == ["out"], stderr
        return
    assert process.returncode == 130, "".join(before) + stderr
    assert stderr.splitlines()[-1:] == ["interrupted; nothing written"], stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert all(line.startswith("[") for line in stderr.splitlines()[:-1]), stderr
    assert names(tmp_path) == []


# a closed pipe ----------------------------------------------------------------------------


@pytest.mark.skipif(SCRIPT is None, reason="the suqian-abm console script is not installed")
@pytest.mark.parametrize("command", [["parameters"], ["parameters", "--markdown"], ["scenarios"]])
def test_a_closed_pipe_ends_quietly(tmp_path, command):
    """``suqian-abm parameters | head``: the reader is gone before anything is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [str(SCRIPT), *command], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120, check=False
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141


def test_calibrate_adopt_checks_the_installed_calibration_is_writable_first(
    tmp_path, capsys, monkeypatch, no_simulation
):
    import abm.calibrated

    (tmp_path / "afile").write_text("x", encoding="utf-8")
    monkeypatch.setattr(abm.calibrated, "calibration_dir", lambda: tmp_path / "afile" / "calibration")
    assert main(["calibrate", "--quick", "--adopt", "--out", str(tmp_path / "cal")]) == 2
    assert "cannot write the default calibration" in one_error_line(capsys.readouterr().err)
    assert names(tmp_path) == ["afile"]


@pytest.mark.parametrize("command", ["run", "validate", "calibrate", "predict"])
def test_every_command_refuses_too_many_households_before_any_work(tmp_path, capsys, command):
    out = tmp_path / "out"
    assert main([command, "--households", "1000000000", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--households must be" in err and "at most 4,000,000" in err
    assert "Traceback" not in err
    assert not out.exists()
