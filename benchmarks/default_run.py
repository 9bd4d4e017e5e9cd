"""Time the default plan run end to end, as the app runs it (imports done, one warm-up run).

Prints the median of several runs and, last, ``name=value`` pairs (goal: at most 0.3 s):

    python benchmarks/default_run.py
"""

from __future__ import annotations

import argparse
import statistics
import time

from abm.model import DEFAULT_HOUSEHOLDS
from abm.run import run
from abm.scenario import load_scenario

GOAL_SECONDS = 0.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    scenario = load_scenario("plan")
    run(scenario, seed=1)  # warm-up: caches, lazy imports
    seconds = []
    for seed in range(1, args.repeats + 1):
        started = time.perf_counter()
        run(scenario, seed=seed)
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    print(f"default plan run ({DEFAULT_HOUSEHOLDS} households, 2020-2060): median {median:.3f} s of {args.repeats}")
    print(f"default_run_seconds={median:.3f} goal_seconds={GOAL_SECONDS} ratio_to_goal={median / GOAL_SECONDS:.2f}")


if __name__ == "__main__":
    main()
