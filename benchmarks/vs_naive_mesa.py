"""The project's household step against the same rules written one Mesa Agent per household.

Both start from the same synthetic population of the plan scenario and face the same
yearly context; only the household decision step is timed. Prints the time per
household-year of each, their ratio (goal: at least 50x) and, last, ``name=value`` pairs:

    python benchmarks/vs_naive_mesa.py                  # 100,000 households, 5 years
    python benchmarks/vs_naive_mesa.py --households 20000 --years 3
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from naive_mesa import NaiveHouseholdModel, vectorised_shares

from abm.context import SubsidyLedger
from abm.model import SuqianModel
from abm.scenario import load_scenario


def paired_models(households: int, seed: int) -> tuple[SuqianModel, NaiveHouseholdModel]:
    """The project's model and a one-agent-per-household model of the same population."""
    model = SuqianModel(load_scenario("plan"), seed=seed, households=households)
    naive = NaiveHouseholdModel(copy.deepcopy(model.households), seed=seed + 1)
    return model, naive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    model, naive = paired_models(args.households, args.seed)
    vectorised_seconds = naive_seconds = 0.0
    for year in range(2021, 2021 + args.years):
        ctx = model.context(year, SubsidyLedger())
        started = time.perf_counter()
        model.household_rules.decide(ctx)  # as the model's step: the rules once over every county block's rows
        vectorised_seconds += time.perf_counter() - started
        started = time.perf_counter()
        naive.step_households(ctx)
        naive_seconds += time.perf_counter() - started
    household_years = args.households * args.years
    vec_us = 1e6 * vectorised_seconds / household_years
    naive_us = 1e6 * naive_seconds / household_years
    print(f"{args.households} households, {args.years} years (plan scenario)")
    print(f"vectorised step: {vec_us:.3f} us per household-year")
    print(f"one Mesa agent per household: {naive_us:.3f} us per household-year")
    shares_v, shares_n = vectorised_shares(model.households), naive.shares()
    for key in shares_v:
        print(f"  {key:<20} vectorised {shares_v[key]:.4f}   one agent each {shares_n[key]:.4f}")
    print(f"vectorised_us={vec_us:.4f} naive_mesa_us={naive_us:.4f} ratio={naive_us / vec_us:.1f}")


if __name__ == "__main__":
    main()
