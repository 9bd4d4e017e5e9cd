"""The staged output writer: all or nothing, and never over a folder the tool did not write."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from abm import outputs
from abm.outputs import (
    MARKER,
    MARKER_TEXT,
    OutputError,
    OutputExistsError,
    check_output,
    default_run_folder,
    is_tool_folder,
    safe_name,
    staged_folder,
    stale_staging,
)


def write_into(out: Path, overwrite: bool = False, text: str = "new") -> None:
    with staged_folder(out, overwrite) as tmp:
        (tmp / "result.txt").write_text(text, encoding="utf-8")


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def staging_name(out: Path, pid: int, kind: str = "staging", host: str | None = None) -> Path:
    """A staging folder named the way the writer names one, as a killed process would leave it."""
    name_id = outputs._name_id(out.name)
    return out.parent / f".{out.name}.suqian-abm-{name_id}-{host or outputs._host()}-{pid}-0123abcd.{kind}"


def leave_staging(out: Path, pid: int, kind: str = "staging", host: str | None = None, marker: bool = True) -> Path:
    folder = staging_name(out, pid, kind, host)
    folder.mkdir()
    if marker:
        (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    (folder / "half.csv").write_text("a,b\n1,", encoding="utf-8")
    return folder


# what the writer makes -------------------------------------------------------------------


def test_a_written_folder_holds_the_marker_and_nothing_is_left_beside_it(tmp_path):
    out = tmp_path / "out"
    write_into(out)
    assert names(out) == sorted([MARKER, "result.txt"])
    assert is_tool_folder(out)
    assert names(tmp_path) == ["out"]


def test_overwrite_replaces_a_folder_the_tool_wrote(tmp_path):
    out = tmp_path / "out"
    write_into(out, text="old")
    write_into(out, overwrite=True, text="new")
    assert (out / "result.txt").read_text(encoding="utf-8") == "new"
    assert names(tmp_path) == ["out"]


def test_overwrite_may_fill_an_empty_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    write_into(out, overwrite=True)
    assert is_tool_folder(out)


def test_an_existing_folder_is_refused_without_overwrite(tmp_path):
    out = tmp_path / "out"
    write_into(out, text="old")
    with pytest.raises(OutputExistsError, match="--overwrite"):
        write_into(out)
    assert (out / "result.txt").read_text(encoding="utf-8") == "old"


def test_overwrite_never_replaces_a_folder_of_other_files(tmp_path):
    """The thesis case: a folder of the user's own files survives ``--overwrite``."""
    out = tmp_path / "d"
    out.mkdir()
    (out / "thesis.docx").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not written by suqian-abm"):
        write_into(out, overwrite=True)
    assert names(out) == ["thesis.docx"]
    assert names(tmp_path) == ["d"]


def test_a_marker_with_other_text_does_not_count(tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    (out / MARKER).write_text("something else\n", encoding="utf-8")
    (out / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not written by suqian-abm"):
        write_into(out, overwrite=True)
    assert names(out) == sorted([MARKER, "notes.txt"])


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_file_is_never_taken_for_a_folder(tmp_path, overwrite):
    target = tmp_path / "afile"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file"):
        write_into(target, overwrite=overwrite)
    assert target.read_text(encoding="utf-8") == "mine"
    assert names(tmp_path) == ["afile"]


def test_a_symbolic_link_is_refused(tmp_path):
    real = tmp_path / "real"
    write_into(real, text="old")
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(OutputError, match="symbolic link"):
        write_into(link, overwrite=True)
    assert (real / "result.txt").read_text(encoding="utf-8") == "old"


def test_the_current_folder_and_those_above_it_are_never_replaced(tmp_path, monkeypatch):
    here = tmp_path / "work" / "here"
    here.mkdir(parents=True)
    (here / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # even one that looks like ours
    (here / "data.csv").write_text("x", encoding="utf-8")
    monkeypatch.chdir(here)
    for target, reason in ((Path("."), "current folder"), (Path(".."), "above the current folder")):
        with pytest.raises(OutputError, match=reason):
            write_into(target, overwrite=True)
    assert names(here) == sorted([MARKER, "data.csv"])


def test_the_home_folder_and_a_root_are_never_replaced(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(OutputError, match="home folder"):
        check_output(home, overwrite=True)
    with pytest.raises(OutputError, match="filesystem root"):
        check_output(Path(Path.cwd().anchor), overwrite=True)


def test_a_folder_under_a_file_is_refused_before_anything_is_written(tmp_path):
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="afile is a file"):
        check_output(tmp_path / "afile" / "sub" / "out")
    assert names(tmp_path) == ["afile"]


def test_an_unwritable_parent_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    """Permission is judged as the system would (``os.access``): denied here on purpose, so
    that the check is exercised under root too, for whom permission bits do not apply."""
    parent = tmp_path / "locked"
    parent.mkdir()
    real_access = os.access
    monkeypatch.setattr(outputs.os, "access", lambda p, mode: Path(p) != parent and real_access(p, mode))
    with pytest.raises(OutputError, match="no permission to write in"):
        check_output(parent / "out" / "deeper")
    assert names(parent) == []


def test_a_read_only_folder_is_refused(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        if os.access(parent, os.W_OK):
            pytest.skip("this user may write into read-only folders (root): see the test above")
        with pytest.raises(OutputError, match="no permission to write in"):
            write_into(parent / "out")
    finally:
        parent.chmod(0o755)
    assert names(parent) == []


# failures leave everything as it was ----------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError("figure failed"), KeyboardInterrupt()])
def test_a_failure_or_interruption_leaves_the_old_folder_and_no_staging(tmp_path, error):
    out = tmp_path / "out"
    write_into(out, text="old")
    with pytest.raises(type(error)), staged_folder(out, overwrite=True) as tmp:
        (tmp / "result.txt").write_text("half", encoding="utf-8")
        raise error
    assert (out / "result.txt").read_text(encoding="utf-8") == "old"
    assert names(tmp_path) == ["out"]


def test_a_failure_removes_the_parents_it_made(tmp_path):
    with pytest.raises(RuntimeError), staged_folder(tmp_path / "a" / "b" / "out"):
        raise RuntimeError("failed")
    assert names(tmp_path) == []


def test_a_failed_swap_puts_the_old_folder_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_into(out, text="old")
    real_rename = Path.rename

    def rename(self, target):
        if self.name.endswith(".staging"):
            raise OSError(28, "No space left on device", str(self))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError, match="No space"):
        write_into(out, overwrite=True)
    monkeypatch.undo()
    assert (out / "result.txt").read_text(encoding="utf-8") == "old"
    assert names(tmp_path) == ["out"]


# staging folders left by a killed process -------------------------------------------------


def test_a_staging_folder_left_by_a_killed_process_is_removed_by_the_next_write(tmp_path):
    out = tmp_path / "out"
    left = leave_staging(out, dead_pid())
    write_into(out)
    assert not left.exists()
    assert names(tmp_path) == ["out"]


def test_an_old_folder_left_mid_swap_is_put_back(tmp_path):
    """Killed between moving the old folder aside and moving the new one in: the old one returns."""
    out = tmp_path / "out"
    pid = dead_pid()
    old = leave_staging(out, pid, kind="old")
    (old / "result.txt").write_text("old", encoding="utf-8")
    leave_staging(out, pid, kind="staging")
    with pytest.raises(OutputExistsError):
        check_output(out)
    assert (out / "result.txt").read_text(encoding="utf-8") == "old"
    assert names(tmp_path) == ["out"]


def test_staging_folders_that_may_be_in_use_or_are_not_ours_are_left(tmp_path, capsys):
    out = tmp_path / "out"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = leave_staging(out, running.pid)  # a writer still at work
        unmarked = leave_staging(out, dead_pid(), marker=False)  # a look-alike without the marker
        elsewhere = leave_staging(out, dead_pid(), host="ffffffff" if outputs._host() != "ffffffff" else "00000000")
        other_name = leave_staging(tmp_path / "other", dead_pid())  # beside another output
        assert stale_staging(out) == ([], [elsewhere])
        write_into(out)
        for folder in (busy, unmarked, elsewhere, other_name):
            assert folder.exists(), folder
        assert "another machine" in capsys.readouterr().err
    finally:
        running.kill()
        running.wait()


def test_targets_whose_names_start_alike_never_claim_each_others_leftovers(tmp_path, monkeypatch):
    """Default folders ``<long scenario name>-seed1`` and ``-seed2`` differ only at the end: the old folder
    a killed write to seed1 left is put back as seed1, never taken (and replaced) as seed2."""
    stem = "x" * 200
    first, second = tmp_path / f"{stem}-seed1", tmp_path / f"{stem}-seed2"
    dead = dead_pid()
    with monkeypatch.context() as patched:
        patched.setattr(outputs.os, "getpid", lambda: dead)
        old = outputs._staging_path(first, "old")  # as the killed process named it
    old.mkdir()
    (old / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    (old / "result.txt").write_text("seed1", encoding="utf-8")
    write_into(second, overwrite=True, text="seed2")
    assert old.exists()
    assert (second / "result.txt").read_text(encoding="utf-8") == "seed2"
    with pytest.raises(OutputExistsError):
        check_output(first)
    assert (first / "result.txt").read_text(encoding="utf-8") == "seed1"
    assert names(tmp_path) == sorted([first.name, second.name])


def test_a_staging_folder_named_as_earlier_versions_named_one_is_still_tidied(tmp_path):
    out = tmp_path / "out"
    left = tmp_path / f".out.suqian-abm-{outputs._host()}-{dead_pid()}-0123abcd.staging"
    left.mkdir()
    (left / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    write_into(out)
    assert names(tmp_path) == ["out"]


def test_a_name_long_in_bytes_but_not_in_characters_is_written(tmp_path):
    out = tmp_path / ("碳" * 75)  # 75 characters, 225 bytes: a legal name
    write_into(out)
    assert (out / "result.txt").read_text(encoding="utf-8") == "new"
    assert names(tmp_path) == [out.name]


def test_a_name_too_long_in_bytes_is_refused_before_any_work(tmp_path):
    with pytest.raises(OutputError, match=r"270 bytes long.*at most 255"):
        check_output(tmp_path / ("碳" * 90))
    assert names(tmp_path) == []


# kinds of output --------------------------------------------------------------------------


EARLIER_OUTPUTS = {
    "run": ["trajectory.csv", "scorecard.csv", "manifest.json", "emissions.png"],
    "validation": ["validation.csv", "summary.csv"],
    "calibration": ["calibration.toml", "posterior.csv", "posterior_until_2019.csv", "fit.png", "report.md"],
    "projection": ["members.csv", "emissions.csv", "peak_years.csv", "summary.csv", "projection.png"],
    "analysis": ["runs.csv", "bands.csv", "summary.md", "fan.png"],
}


def earlier_output(folder: Path, files: list[str]) -> Path:
    """A folder as versions before the marker wrote it."""
    folder.mkdir()
    for name in files:
        (folder / name).write_text("x", encoding="utf-8")
    return folder


@pytest.mark.parametrize("kind", sorted(EARLIER_OUTPUTS))
def test_an_output_written_before_markers_is_replaced_by_the_same_kind(tmp_path, kind):
    out = earlier_output(tmp_path / "out", EARLIER_OUTPUTS[kind])
    check_output(out, overwrite=True, kind=kind)
    with staged_folder(out, overwrite=True, kind=kind) as tmp:
        (tmp / "result.txt").write_text("new", encoding="utf-8")
    assert names(out) == sorted([MARKER, "result.txt"])
    assert outputs.folder_kind(out) == kind


@pytest.mark.parametrize(
    ("kind", "files", "why"),
    [
        ("run", [*EARLIER_OUTPUTS["run"], "notes.txt"], "a file of the user's"),
        ("run", ["scorecard.csv", "emissions.png"], "no manifest.json and trajectory.csv"),
        ("validation", EARLIER_OUTPUTS["run"], "another kind"),
        ("analysis", ["summary.md", "thesis.docx"], "a file of the user's"),
        ("calibration", ["report.md", "fit.png"], "no calibration.toml"),
    ],
)
def test_a_folder_from_before_markers_is_replaced_only_if_it_is_that_output(tmp_path, kind, files, why):
    out = earlier_output(tmp_path / "out", files)
    with pytest.raises(OutputError, match="not written by suqian-abm"):
        check_output(out, overwrite=True, kind=kind)
    with pytest.raises(OutputError, match="not written by suqian-abm"), staged_folder(out, True, kind=kind):
        pass
    assert names(out) == sorted(files), why


def test_a_folder_from_before_markers_with_a_subfolder_is_not_replaced(tmp_path):
    out = earlier_output(tmp_path / "out", EARLIER_OUTPUTS["run"])
    (out / "mine").mkdir()
    with pytest.raises(OutputError, match="not written by suqian-abm"):
        check_output(out, overwrite=True, kind="run")


def test_the_marker_names_the_kind_and_another_kind_is_not_replaced(tmp_path):
    out = tmp_path / "out"
    with staged_folder(out, kind="run") as tmp:
        (tmp / "trajectory.csv").write_text("x", encoding="utf-8")
    assert (out / MARKER).read_text(encoding="utf-8").splitlines()[-1] == "kind: run"
    with pytest.raises(OutputError, match="holds a run output and this command writes a validation output"):
        check_output(out, overwrite=True, kind="validation")
    check_output(out, overwrite=True, kind="run")


@pytest.mark.parametrize("kind", [None, "run", "projection"])
def test_a_sweep_folder_is_never_replaced(tmp_path, kind):
    from experiments.runner import check_sweep_folder, is_sweep_folder

    marked = tmp_path / "marked"
    marked.mkdir()
    (marked / MARKER).write_text(outputs.marker_text("sweep"), encoding="utf-8")
    earlier = tmp_path / "earlier"  # a sweep from before markers named a kind
    (earlier / "results").mkdir(parents=True)
    (earlier / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    for name in ("spec.toml", "design.csv"):
        (earlier / name).write_text("x", encoding="utf-8")
    for folder in (marked, earlier):
        assert is_sweep_folder(folder)
        check_sweep_folder(folder)
        with pytest.raises(OutputError, match="holds a sweep output"):
            check_output(folder, overwrite=True, kind=kind)


def test_a_sweep_does_not_write_into_another_kind_of_output(tmp_path):
    from experiments.runner import SweepError, check_sweep_folder, is_sweep_folder

    out = tmp_path / "plan"
    with staged_folder(out, kind="run") as tmp:
        (tmp / "trajectory.csv").write_text("x", encoding="utf-8")
    assert not is_sweep_folder(out)
    with pytest.raises(SweepError, match="holds a run output of suqian-abm, not a sweep's"):
        check_sweep_folder(out)


# default folder names -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../../escaped", "/etc/cron.d/x", "..", ".hidden", "a\\b", "C:\\x", "-rf", "", "a b\tc\n", "~", "规划"]
)
def test_a_scenario_name_always_gives_one_folder_under_runs(name):
    folder = default_run_folder(name, 3)
    assert folder.parent == Path("runs")
    assert folder.name.endswith("-seed3")
    part = safe_name(name)
    assert part and not part.startswith((".", "-"))
    assert all(c.isalnum() or c in "-_." for c in part)
    assert (Path("runs") / part).resolve().parent == Path("runs").resolve()


def test_safe_names_keep_ordinary_names():
    assert safe_name("plan") == "plan"
    assert safe_name("plan-ev_2.0") == "plan-ev_2.0"
    assert len(safe_name("x" * 500)) <= 80


# installing a calibration -------------------------------------------------------------------


def test_adopting_installs_both_files_or_neither(tmp_path, monkeypatch):
    import shutil

    import calibration.workflow as workflow

    installed = tmp_path / "installed"
    installed.mkdir()
    for name in ("calibration.toml", "posterior.csv"):
        (installed / name).write_text(f"old {name}", encoding="utf-8")
    monkeypatch.setattr(workflow, "calibration_dir", lambda: installed)
    folder = tmp_path / "cal"
    folder.mkdir()
    for name in ("calibration.toml", "posterior.csv"):
        (folder / name).write_text(f"new {name}", encoding="utf-8")
    real_copy = shutil.copyfile

    def copy_fails_on_the_posterior(source, target):
        if Path(source).name == "posterior.csv":
            raise OSError(28, "No space left on device", str(target))
        return real_copy(source, target)

    monkeypatch.setattr(workflow.shutil, "copyfile", copy_fails_on_the_posterior)
    with pytest.raises(OSError, match="No space"):
        workflow.adopt_calibration(folder)
    assert {p.name: p.read_text(encoding="utf-8") for p in installed.iterdir()} == {
        "calibration.toml": "old calibration.toml",
        "posterior.csv": "old posterior.csv",
    }
    monkeypatch.setattr(workflow.shutil, "copyfile", real_copy)
    workflow.adopt_calibration(folder)
    assert sorted((p.name, p.read_text(encoding="utf-8")) for p in installed.iterdir()) == [
        ("calibration.toml", "new calibration.toml"),
        ("posterior.csv", "new posterior.csv"),
    ]


def test_half_written_sweep_parts_of_a_dead_process_are_removed(tmp_path):
    from experiments.runner import RESULTS, remove_stale_parts

    results = tmp_path / RESULTS
    results.mkdir()
    here, pid = outputs._host(), dead_pid()
    elsewhere = "ffffffff" if here != "ffffffff" else "00000000"
    dead = results / f".0123456789abcdef.{here}-{pid}.tmp"
    live = results / f".fedcba9876543210.{here}-{os.getppid()}.tmp"  # a writer still at work
    other_host = results / f".1123456789abcdef.{elsewhere}-{pid}.tmp"  # its process id says nothing here
    part = results / "part-0123456789abcdef.parquet"
    for path in (dead, live, other_host, part):
        path.write_bytes(b"x")
    assert remove_stale_parts(tmp_path) == [dead]
    assert names(results) == sorted([live.name, other_host.name, part.name])


def test_a_sweep_names_this_machine_in_its_temporary_parts(tmp_path, monkeypatch):
    import experiments.runner as runner

    (tmp_path / runner.RESULTS).mkdir()
    real_replace = os.replace
    seen = []

    def replace(source, target):
        seen.append(Path(source).name)
        real_replace(source, target)

    monkeypatch.setattr(runner.os, "replace", replace)
    runner.write_part(tmp_path, "0123456789abcdef", b"parquet bytes")
    monkeypatch.undo()
    assert seen == [f".0123456789abcdef.{outputs._host()}-{os.getpid()}.tmp"]


def test_the_host_tells_apart_machines_and_process_spaces_of_the_same_name(tmp_path, monkeypatch):
    first, second = tmp_path / "boot1", tmp_path / "boot2"
    first.write_text("1b7ea293-0000\n", encoding="ascii")
    second.write_text("5e1f0c2a-0000\n", encoding="ascii")
    monkeypatch.setattr(outputs.socket, "gethostname", lambda: "same-name")
    monkeypatch.setattr(outputs, "BOOT_ID", first)
    one = outputs._host()
    assert outputs._host() == one
    monkeypatch.setattr(outputs, "BOOT_ID", second)
    assert outputs._host() != one
    monkeypatch.setattr(outputs, "BOOT_ID", first)
    monkeypatch.setattr(outputs.os, "readlink", lambda path: "pid:[1]" if path == outputs.PID_SPACE else path)
    assert outputs._host() != one


def test_ctrl_c_during_a_deferred_block_takes_effect_when_it_ends():
    """Steps that must happen together (installing a calibration's two files) finish before Ctrl-C stops."""
    import signal

    from abm.outputs import ctrl_c_deferred

    done = []
    with pytest.raises(KeyboardInterrupt), ctrl_c_deferred():
        os.kill(os.getpid(), signal.SIGINT)
        done.append("first")
        done.append("second")
    assert done == ["first", "second"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
