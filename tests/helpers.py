"""Constants and small helpers shared by the test modules (imported as ``helpers``)."""

from __future__ import annotations

import pandas as pd

from abm.scorecard import series

HOUSEHOLDS = 2000
SEED = 1
FIRST_YEAR = 2020
LAST_YEAR = 2060
HOUSEHOLDS_2020 = 1_631_972


def value(trajectory: pd.DataFrame, indicator: str, sector: str = "total", year: int = 2030) -> float:
    """One number of a trajectory."""
    return float(series(trajectory, indicator, sector).loc[year])
