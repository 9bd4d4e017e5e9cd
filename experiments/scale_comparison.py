"""Compare city-level results of a 1:1 run with an ensemble at the default household count.

    python -m experiments.scale_comparison [--members 8] [--scenario plan]

Prints a markdown table: for each indicator and year, the 1:1 value, the ensemble mean and
its 5-95 % range, and how many ensemble standard deviations apart the two are.
"""

from __future__ import annotations

import argparse

import numpy as np

from abm.model import DEFAULT_HOUSEHOLDS
from abm.run import run
from abm.scenario import load_scenario
from abm.scorecard import series
from experiments.ensemble import member_seeds

FULL_SCALE = 1_631_972
INDICATORS = [
    ("co2_with_electricity", "total", "MtCO2"),
    ("co2_territorial", "total", "MtCO2"),
    ("primary_energy", "total", "10k tce"),
    ("nonfossil_share", "total", "%"),
    ("ev_share_of_private_cars", "transport", "%"),
    ("household_pv_share", "buildings_residential", "% of roofs"),
    ("heat_pump_share", "buildings_residential", "%"),
    ("waste_sorting_share", "buildings_residential", "%"),
]
YEARS = (2025, 2030, 2040, 2060)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="plan")
    parser.add_argument("--members", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    seeds = member_seeds(args.seed, args.members)
    ensemble = [run(scenario, seed=s, households=DEFAULT_HOUSEHOLDS).trajectory for s in seeds]
    full = run(scenario, seed=seeds[0], households=FULL_SCALE)
    print(f"Scenario {args.scenario}: one run at {FULL_SCALE} households (1:1) against {args.members} runs at "
          f"{DEFAULT_HOUSEHOLDS} households; peak year 1:1 {full.peak_year}, ensemble "
          f"{sorted({int(series(t, 'co2_with_electricity').idxmax()) for t in ensemble})}.\n")  # fmt: skip
    print("| indicator | unit | year | 1:1 | default count: mean | 5-95 % | difference (sd) |")
    print("|---|---|---|---|---|---|---|")
    for indicator, sector, unit in INDICATORS:
        for year in YEARS:
            values = np.array([series(t, indicator, sector).loc[year] for t in ensemble])
            one = float(series(full.trajectory, indicator, sector).loc[year])
            sd = values.std(ddof=1)
            z = (one - values.mean()) / sd if sd > 0 else 0.0
            low, high = np.percentile(values, [5, 95])
            print(
                f"| {indicator} | {unit} | {year} | {one:.3f} | {values.mean():.3f} | {low:.3f}-{high:.3f} | {z:+.1f} |"
            )


if __name__ == "__main__":
    main()
