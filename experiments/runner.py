"""Running a sweep on Dask, one Parquet part per finished run, resumable.

The runs of a spec go to an executor with the ``concurrent.futures`` interface: by
default a Dask ``LocalCluster`` with one single-threaded worker process per core, or the
cluster of an existing scheduler (``scheduler="tcp://host:8786"``), or this process
(``workers=0``). Workers only compute; this process writes each result as soon as it
arrives as ``results/part-<run_id>.parquet``, first under a hidden temporary name
(naming this machine and process: a later call removes it if that process is gone) and then
renamed, so a part is either complete or absent. Running the same spec into the same
folder again skips every run whose part exists: an interrupted sweep, or one that lost a
worker, resumes where it stopped and loses no finished run. An interruption (Ctrl-C)
closes the cluster quietly and raises :class:`SweepInterrupted`, which says how many runs
are saved. A sweep starts only in a new or empty folder or in a sweep folder (one whose
marker file, ``.suqian-abm``, says ``kind: sweep``), never in a folder of other files or
in another kind of output.

Output folder::

    spec.toml        the spec as given
    experiment.json  the design's kind and factors, for the analysis
    design.csv       every run: run_id, design_row, replication, scenario, seed, factor values
    results/         part-<run_id>.parquet: run_id, scenario, seed, every lever and
                     uncertainty, year, indicator, sector, value, unit
    failures.csv     runs that raised, with the error (they are retried on the next call)
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from abm.outputs import MARKER, SWEEP, _alive, _host, folder_kind, marked_kind, marker_text
from abm.parameters import registry
from abm.run import run
from abm.scenario import load_scenario
from experiments.design import RunTask, tasks
from experiments.spec import ExperimentSpec

T = TypeVar("T")
R = TypeVar("R")

RESULTS = "results"


class SweepError(RuntimeError):
    """A sweep cannot start or finish; the message says why."""


class SweepInterrupted(KeyboardInterrupt):
    """A sweep was interrupted; the message says how many runs are saved and how to resume."""

    def __init__(self, saved: int, total: int, out: Path) -> None:
        super().__init__(f"interrupted: {saved} of {total} runs saved in {out}; run the same command to resume")
        self.saved, self.total, self.out = saved, total, out


def run_columns() -> list[str]:
    """Every lever and uncertainty, in registry order."""
    return [p.name for p in registry().values() if p.kind in ("lever", "uncertainty")]


def execute(task: RunTask) -> pd.DataFrame:
    """Run one task and return its tidy rows (what a part holds)."""
    scenario = load_scenario(task.scenario).with_settings(task.settings, where=f"run {task.run_id}")
    result = run(scenario, seed=task.seed, households=task.households)
    t = result.trajectory
    keep = t[t["indicator"].isin(task.indicators)]
    if task.sectors is not None:
        keep = keep[keep["sector"].isin(task.sectors)]
    columns = run_columns() + [n for n in task.settings if n not in run_columns()]
    head = {
        "run_id": task.run_id,
        "scenario": scenario.name,
        "design_row": task.design_row,
        "replication": task.replication,
        "seed": task.seed,
    }
    frame = keep.reset_index(drop=True)
    for name, value in head.items():
        frame[name] = value
    for name in columns:
        frame[name] = float(scenario[name])
    order = [*head, *columns, "year", "indicator", "sector", "value", "unit"]
    return frame[order]


def execute_to_parquet(task: RunTask) -> bytes:
    """Run one task and return its part as Parquet bytes (serialised where it ran, not by the writer)."""
    buffer = io.BytesIO()
    execute(task).to_parquet(buffer, index=False)
    return buffer.getvalue()


def part_path(out: Path, run_id: str) -> Path:
    """Where a finished run is stored."""
    return out / RESULTS / f"part-{run_id}.parquet"


def finished_runs(out: Path) -> set[str]:
    """IDs of runs with a complete part."""
    folder = out / RESULTS
    if not folder.exists():
        return set()
    return {p.stem.removeprefix("part-") for p in folder.glob("part-*.parquet")}


def write_part(out: Path, run_id: str, part: pd.DataFrame | bytes) -> None:
    """Write one run's part (a frame or Parquet bytes) atomically: hidden temporary file
    (``.<run_id>.<host>-<pid>.tmp``), then rename."""
    target = part_path(out, run_id)
    tmp = target.parent / f".{run_id}.{_host()}-{os.getpid()}.tmp"
    try:
        if isinstance(part, bytes):
            with open(tmp, "wb") as handle:
                handle.write(part)
                handle.flush()
                os.fsync(handle.fileno())
        else:
            part.to_parquet(tmp, index=False)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_stale_parts(out: Path) -> list[Path]:
    """Remove half-written parts (``results/.<run_id>.<host>-<pid>.tmp``) whose writing process no longer runs.

    Only parts written on this machine count: another machine's process ids say nothing here.
    """
    removed = []
    here = _host()
    for path in (out / RESULTS).glob(".*.tmp"):
        match = re.fullmatch(r"\.[^.]+\.(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)\.tmp", path.name)
        if match is None or match["host"] != here or not path.is_file() or path.is_symlink():
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or not _alive(pid):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _atomic_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.parent / f".{path.name}.tmp"
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


class InProcessExecutor(Executor):
    """Runs each task when submitted, in this process (a sweep without Dask); an interruption is not caught."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:  # handed to the caller through the future
            future.set_exception(err)
        return future


@contextlib.contextmanager
def _closed_quietly_on_interrupt(client: Any, cluster: Any = None) -> Iterator[None]:
    """On an interruption, close the client (and a local cluster) with Dask's logging silenced:
    its warnings about cancelled tasks and lost workers say nothing new."""
    try:
        yield
    except KeyboardInterrupt:
        log = logging.getLogger("distributed")
        level = log.level
        log.setLevel(logging.CRITICAL + 1)
        try:
            for resource in (client, cluster):
                if resource is not None:
                    with contextlib.suppress(Exception):
                        resource.close()
        finally:
            log.setLevel(level)
        raise


@contextlib.contextmanager
def children_ignore_ctrl_c() -> Iterator[None]:
    """Processes started inside this block ignore Ctrl-C for good (they inherit it); this process does not.

    Ctrl-C reaches every process of the terminal's group, and a worker process that takes it
    prints a traceback. Started this way, workers go on; this process, interrupted, stops
    them in order. Wrap only the starting of processes (creating a Dask cluster, the
    ``map`` of a ``ProcessPoolExecutor``), not the waiting: Ctrl-C is ignored here meanwhile.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


_FORKS_IGNORE: list[bool] = []  # while not empty, processes forked from this one ignore Ctrl-C
_FORK_HOOK: list[bool] = []


def _forked_child() -> None:
    if _FORKS_IGNORE:
        with contextlib.suppress(ValueError):  # only the main thread may set it
            signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def forked_children_ignore_ctrl_c() -> Iterator[None]:
    """Processes forked from this one while the block runs ignore Ctrl-C; this process does not.

    For a library that forks its workers while this process waits on them (pyabc's multicore
    sampler forks at every generation), where :func:`children_ignore_ctrl_c` cannot wrap the
    start alone. Python cannot unregister an at-fork hook, so one is registered once and acts
    only inside this block.
    """
    if not _FORK_HOOK and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_forked_child)
        _FORK_HOOK.append(True)
    _FORKS_IGNORE.append(True)
    try:
        yield
    finally:
        _FORKS_IGNORE.pop()


def map_in_processes(func: Callable[[T], R], tasks: list[T], workers: int, progress: bool = True) -> list[R]:
    """``func`` of every task, in order: in a process pool when ``workers`` > 1, else in this process.

    Progress shows on stderr; workers ignore Ctrl-C, which stops this process, and it stops
    them in order, pending tasks cancelled.
    """
    bar = Progress(len(tasks), 0, sys.stderr) if progress else None
    results: list[R] = []
    with ProcessPoolExecutor(max_workers=workers) if workers > 1 else contextlib.nullcontext() as pool:
        with children_ignore_ctrl_c():
            pending = pool.map(func, tasks) if pool is not None else map(func, tasks)
        try:
            for result in pending:
                results.append(result)
                if bar:
                    bar.update(len(results), 0, final=len(results) == len(tasks))
        except KeyboardInterrupt:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            raise
    return results


@contextlib.contextmanager
def executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[tuple[Executor, str]]:
    """An executor and its description: a Dask cluster (local or remote) or this process.

    Local worker processes ignore Ctrl-C; an interruption reaches this process only, which
    closes the cluster without Dask's shutdown warnings.
    """
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client, _closed_quietly_on_interrupt(client):
            yield client.get_executor(pure=False), f"Dask cluster at {scheduler}"
        return
    if workers == 0:
        yield InProcessExecutor(), "this process"
        return
    from distributed import Client, LocalCluster

    n = workers or os.cpu_count() or 1
    with children_ignore_ctrl_c():
        # workers log errors only (a run's own error comes back with its future); the status page, which
        # Dask serves even when asked not to, takes a free port on this machine, so two sweeps never clash
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        )
    with cluster, Client(cluster) as client, _closed_quietly_on_interrupt(client, cluster):
        yield client.get_executor(pure=False), f"local Dask cluster, {n} worker process(es)"


@dataclass
class SweepReport:
    """What a sweep call did."""

    total: int
    skipped: int
    completed: int
    failed: int
    seconds: float
    where: str

    @property
    def runs_per_minute(self) -> float:
        """Runs finished in this call per minute of wall time."""
        return 60.0 * self.completed / self.seconds if self.seconds > 0 else 0.0


class Progress:
    """A one-line progress bar with rate and ETA on stderr."""

    def __init__(self, total: int, skipped: int, stream: Any = sys.stderr) -> None:
        self.total, self.skipped, self.stream = total, skipped, stream
        self.started = time.perf_counter()
        self.last = 0.0
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def update(self, done: int, failed: int, final: bool = False) -> None:
        """Show ``done`` of the runs to make (plus the skipped ones)."""
        now = time.perf_counter()
        if not final and not self.tty and now - self.last < 10.0:
            return
        self.last = now
        todo = self.total - self.skipped
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (todo - done) / rate if rate > 0 else float("nan")
        width = 28
        filled = int(width * (self.skipped + done) / max(self.total, 1))
        eta_text = f"ETA {eta:.0f} s" if eta == eta else "ETA -"
        already = f" ({self.skipped} already done)" if self.skipped else ""
        failures = f", {failed} failed" if failed else ""
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {self.skipped + done}/{self.total} runs{already}{failures}, "
            f"{60 * rate:.0f} runs/min, {eta_text}"
        )
        print(
            ("\r" if self.tty else "") + line, end="\n" if final or not self.tty else "", file=self.stream, flush=True
        )


def is_sweep_folder(folder: Path) -> bool:
    """True if ``folder`` was written by a sweep: its marker says ``kind: sweep``, or (sweeps from before
    markers named a kind) it holds spec.toml, design.csv and a results folder and no marker of another kind."""
    return folder_kind(folder) == SWEEP


def check_sweep_folder(out: Path) -> None:
    """Refuse a place a sweep must not write into: a file, a link, another kind of output, or a folder of
    other files."""
    if out.is_symlink():
        raise SweepError(f"{out} is a symbolic link; choose another --out")
    if out.exists() and not out.is_dir():
        raise SweepError(f"{out} is a file, not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not is_sweep_folder(out):
        kind = folder_kind(out)
        what = f"a {kind} output of suqian-abm" if kind else f"files that are not a sweep's (no {MARKER} file in it)"
        raise SweepError(f"{out} holds {what}, not a sweep's; choose another --out, a new or empty folder")


def _mark_sweep(out: Path) -> None:
    """Write the marker naming a sweep into ``out`` (a sweep folder), unless it holds one already."""
    marker = out / MARKER
    if not marker.exists() or marked_kind(out) == "":
        tmp = out / f".{MARKER}.tmp"
        tmp.write_text(marker_text(SWEEP), encoding="utf-8")
        os.replace(tmp, marker)


def prepare(spec: ExperimentSpec, out: Path) -> list[RunTask]:
    """Create the output folder (or check it holds this spec) and write spec.toml and design.csv."""
    check_sweep_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    _mark_sweep(out)
    (out / RESULTS).mkdir(exist_ok=True)
    remove_stale_parts(out)
    stored = out / "spec.toml"
    if stored.exists() and stored.read_text(encoding="utf-8") != spec.text:
        raise SweepError(
            f"{out} holds the results of a different spec ({stored}); choose another --out, "
            "or remove the folder to start again"
        )
    if not stored.exists():
        tmp = out / ".spec.toml.tmp"
        tmp.write_text(spec.text, encoding="utf-8")
        os.replace(tmp, stored)
    experiment = {
        "name": spec.name,
        "description": spec.description,
        "kind": spec.kind,
        "samples": spec.samples,
        "levels": spec.levels,
        "second_order": spec.second_order,
        "replications": spec.replications,
        "seed": spec.seed,
        "scenarios": list(spec.scenarios),
        "factors": [{"name": f.name, "low": f.low, "high": f.high, "unit": f.unit} for f in spec.factors],
    }
    tmp = out / ".experiment.json.tmp"
    tmp.write_text(json.dumps(experiment, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, out / "experiment.json")
    runs = tasks(spec)
    design = pd.DataFrame(
        [
            {
                "run_id": t.run_id,
                "design_row": t.design_row,
                "replication": t.replication,
                "scenario": t.scenario,
                "seed": t.seed,
                **t.settings,
            }
            for t in runs
        ]
    )
    if design["run_id"].duplicated().any():
        raise SweepError(f"{spec.origin}: two runs of the design are identical; vary the design or the seeds")
    _refuse_changed_runs(out, set(design["run_id"]))
    _atomic_csv(design, out / "design.csv")
    return runs


def _refuse_changed_runs(out: Path, run_ids: set[str]) -> None:
    """Refuse to resume a folder whose finished runs are no longer runs of its spec.

    The same spec gives other runs when the model or its sampling changed since the folder
    was started (a run's id hashes its resolved settings, seed and the package version);
    resuming would mix the two sets, so the folder is left as it is.
    """
    orphans = finished_runs(out) - run_ids
    if orphans:
        raise SweepError(
            f"{out}: {len(orphans)} finished run(s) are not runs of this spec as this version of suqian-abm "
            "draws it (the model or its sampling changed since the folder was started); "
            "choose another --out to run the spec again"
        )


def _results(pool: Executor, todo: list[RunTask]) -> Iterator[tuple[RunTask, Future[bytes]]]:
    """Each task with its finished future, in the order they finish; in this process, one at a time."""
    if isinstance(pool, InProcessExecutor):
        for task in todo:
            yield task, pool.submit(execute_to_parquet, task)
        return
    futures = {pool.submit(execute_to_parquet, t): t for t in todo}
    try:
        for future in as_completed(futures):
            yield futures[future], future
    finally:
        for future in futures:
            future.cancel()


def sweep(
    spec: ExperimentSpec,
    out: Path,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    stop_after: int | None = None,
) -> SweepReport:
    """Make every run of ``spec`` not yet in ``out``; return what was done.

    ``stop_after`` stops (as an interruption would) after that many runs of this call.
    An interruption raises :class:`SweepInterrupted` once every finished run is saved
    and the executor is closed.
    """
    fresh = not out.exists()
    try:
        runs = prepare(spec, out)
    except KeyboardInterrupt:
        raise KeyboardInterrupt(
            f"interrupted while preparing the sweep folder {out}; run the same command to resume"
        ) from None
    done_before = finished_runs(out)
    todo = [t for t in runs if t.run_id not in done_before]
    bar = Progress(len(runs), len(runs) - len(todo)) if progress else None
    started = time.perf_counter()
    completed, failures = 0, []
    where = "nothing to run"
    if todo:
        try:
            with executor(workers, scheduler) as (pool, where):
                if bar:
                    print(f"{len(todo)} runs on {where}", file=sys.stderr)
                with contextlib.closing(_results(pool, todo)) as results:
                    for task, future in results:
                        try:
                            frame = future.result()
                        except Exception as err:  # recorded; retried on the next call
                            failures.append({"run_id": task.run_id, "scenario": task.scenario, "error": repr(err)})
                        else:
                            write_part(out, task.run_id, frame)
                            completed += 1
                        if bar:
                            bar.update(completed, len(failures))
                        if stop_after is not None and completed >= stop_after:
                            break
        except KeyboardInterrupt:
            if bar:
                bar.update(completed, len(failures), final=True)
            saved = len(finished_runs(out) & {t.run_id for t in runs})
            raise SweepInterrupted(saved, len(runs), out) from None
        except Exception:
            if fresh and not finished_runs(out):  # e.g. no scheduler at that address: leave nothing behind
                shutil.rmtree(out, ignore_errors=True)
            raise
    if bar:
        bar.update(completed, len(failures), final=True)
    failed_path = out / "failures.csv"
    if failures:
        _atomic_csv(pd.DataFrame(failures), failed_path)
    elif failed_path.exists() and completed == len(todo):
        failed_path.unlink()
    return SweepReport(len(runs), len(runs) - len(todo), completed, len(failures), time.perf_counter() - started, where)


def load_results(out: Path) -> pd.DataFrame:
    """All finished runs of a sweep folder that belong to its design."""
    folder = out / RESULTS
    if not folder.exists() or not any(folder.glob("part-*.parquet")):
        raise SweepError(f"{out}: no finished runs in {folder}")
    frame = pd.read_parquet(folder)
    design = pd.read_csv(out / "design.csv")
    return frame[frame["run_id"].isin(set(design["run_id"]))].reset_index(drop=True)
