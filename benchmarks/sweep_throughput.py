"""Throughput of the sweep runner on a local Dask cluster.

1. Runs per minute with 1 and with 2 worker processes (cluster started and warmed up
   first, so start-up is not counted; each finished run is written as its Parquet part, as
   in a sweep), and their ratio (goal: >= 1.7).
2. The 1,024-run Sobol sweep of ``experiments/specs/sobol_main_levers.toml`` at the
   default household count on 2 workers, end to end (goal: <= 10 minutes).

Prints what it measured and, last, ``name=value`` pairs:

    python benchmarks/sweep_throughput.py            # both parts (about 5 minutes on 2 cores)
    python benchmarks/sweep_throughput.py --no-sobol # the throughput part only
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from concurrent.futures import as_completed
from pathlib import Path

from experiments.design import tasks
from experiments.runner import execute_to_parquet, executor, sweep, write_part
from experiments.spec import load_spec

SPECS = Path(__file__).resolve().parent.parent / "experiments" / "specs"
RATIO_GOAL = 1.7
SOBOL_GOAL_MINUTES = 10.0


def runs_per_minute(workers: int, runs: int) -> float:
    """Runs per minute of ``runs`` plan runs on a warmed-up local cluster of ``workers`` processes."""
    spec = dataclasses.replace(load_spec(SPECS / "plan_vs_baseline.toml"), scenarios=("plan",))
    work = tasks(spec)[: runs + workers]
    with tempfile.TemporaryDirectory() as tmp, executor(workers) as (pool, _):
        out = Path(tmp)
        (out / "results").mkdir()
        for future in as_completed([pool.submit(execute_to_parquet, t) for t in work[:workers]]):
            future.result()  # warm-up: imports and caches in every worker
        started = time.perf_counter()
        futures = {pool.submit(execute_to_parquet, t): t for t in work[workers:]}
        for future in as_completed(futures):
            write_part(out, futures[future].run_id, future.result())
        return 60.0 * runs / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="runs per throughput measurement")
    parser.add_argument("--no-sobol", action="store_true", help="skip the 1,024-run Sobol sweep")
    parser.add_argument("--sobol-out", type=Path, default=None, help="keep the Sobol sweep here (default: discard)")
    args = parser.parse_args()
    one = runs_per_minute(1, args.runs)
    two = runs_per_minute(2, args.runs)
    print(f"plan runs per minute (default households): 1 worker {one:.0f}, 2 workers {two:.0f}, ratio {two / one:.2f}")
    pairs = f"runs_per_minute_1={one:.1f} runs_per_minute_2={two:.1f} ratio={two / one:.2f} ratio_goal={RATIO_GOAL}"
    if not args.no_sobol:
        spec = load_spec(SPECS / "sobol_main_levers.toml")
        with tempfile.TemporaryDirectory() as tmp:
            out = args.sobol_out or Path(tmp) / "sobol"
            if out.exists():
                parser.error(f"{out} exists: the Sobol sweep must start from nothing to be timed")
            started = time.perf_counter()
            report = sweep(spec, out, workers=2, progress=False)
            minutes = (time.perf_counter() - started) / 60.0
        print(f"Sobol sweep: {report.completed} runs on 2 workers in {minutes:.1f} min ({report.failed} failed)")
        pairs += f" sobol_runs={report.completed} sobol_minutes={minutes:.2f} sobol_goal_minutes={SOBOL_GOAL_MINUTES}"
    print(pairs)


if __name__ == "__main__":
    main()
