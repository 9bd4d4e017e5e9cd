"""Regenerate the stored regression reference of a small plan run.

Run from the repository root after an intended change to the model::

    python tests/make_regression_reference.py

It writes ``tests/data/regression_plan_seed7_h1000.csv``: selected indicators of the plan
scenario, seed 7, 1000 households, in a few years, at full precision. Commit the new file
with the change that explains it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abm.run import run

SCENARIO = "plan"
SEED = 7
HOUSEHOLDS = 1000
YEARS = (2020, 2025, 2030, 2040, 2060)
SELECTION = (
    ("co2_with_electricity", "total"),
    ("co2_territorial", "total"),
    ("primary_energy", "total"),
    ("pv_capacity", "total"),
    ("ev_stock", "transport"),
    ("nonfossil_share", "total"),
    ("storage_capacity", "total"),
)
PATH = Path(__file__).resolve().parent / "data" / f"regression_{SCENARIO}_seed{SEED}_h{HOUSEHOLDS}.csv"
COMMAND = "python tests/make_regression_reference.py"


def reference_frame() -> pd.DataFrame:
    """The selected values of a fresh run, one row per year, indicator and sector."""
    trajectory = run(SCENARIO, seed=SEED, households=HOUSEHOLDS).trajectory
    wanted = pd.DataFrame(
        [(year, indicator, sector) for indicator, sector in SELECTION for year in YEARS],
        columns=["year", "indicator", "sector"],
    )
    frame = wanted.merge(trajectory[["year", "indicator", "sector", "value"]], how="left")
    missing = frame[frame["value"].isna()]
    if not missing.empty:
        raise KeyError(f"indicators missing from the trajectory: {missing[['indicator', 'sector', 'year']]}")
    return frame


def main() -> None:
    PATH.parent.mkdir(parents=True, exist_ok=True)
    reference_frame().to_csv(PATH, index=False, float_format="%.17g")
    print(f"wrote {PATH}")


if __name__ == "__main__":
    main()
