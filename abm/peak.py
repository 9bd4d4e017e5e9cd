"""The year emissions peak, on two definitions.

* **highest year** (:func:`highest_year`): the year of the highest emissions in the run.
  A maximum in the last simulated year is no peak (emissions may still be rising), and a
  flat series peaks in its first year.
* **confirmed peak** (:func:`confirmed_peak`), as city inventories judge a peak: the
  highest-emitting year whose emissions are at least ``DECLINE`` (10 %) above those of some
  year ``LAG`` (5) or more years later. A plateau, a rising series, a dip of less than 10 %
  and a series too short to look five years past a year have no confirmed peak (``None``).

The plan's target "2030年二氧化碳排放量达到峰值" is scored on the confirmed peak
(:data:`SCORED`): a rebound year followed by a plateau is not a peak that has been
reached. Both take the headline frame, ``co2_with_electricity``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

HEADLINE = "co2_with_electricity"
DECLINE = 0.10  # at least 10 % above a later year
LAG = 5  # the later year is at least 5 years on
PEAK_BY = 2030  # the plan's peak target year
SCORED = "confirmed"  # the definition the scorecard and P(peak by 2030) use
DEFINITIONS = {
    "highest": "the year of the highest emissions (none if that is the last simulated year)",
    "confirmed": (
        f"the highest-emitting year whose emissions are at least {DECLINE:.0%} above those of a year "
        f"{LAG} or more years later (none if no year qualifies)"
    ),
}


@dataclass(frozen=True, slots=True)
class Peak:
    """A run's peak on both definitions: years (None when there is none) and levels (MtCO2)."""

    highest_year: int | None
    highest_mt: float
    confirmed_year: int | None
    confirmed_mt: float | None

    def year(self, definition: str = SCORED) -> int | None:
        """Peak year on ``definition`` (``highest`` or ``confirmed``)."""
        if definition not in DEFINITIONS:
            raise ValueError(f"unknown peak definition '{definition}' (use {sorted(DEFINITIONS)})")
        return self.confirmed_year if definition == "confirmed" else self.highest_year

    def describe(self) -> str:
        """One line for a run summary: both peak years."""
        highest = f"{self.highest_year} at {self.highest_mt:.2f} Mt" if self.highest_year else "none (still rising)"
        confirmed = f"{self.confirmed_year} at {self.confirmed_mt:.2f} Mt" if self.confirmed_year else "none"
        return f"highest year {highest}; confirmed peak {confirmed}"


def _qualifies(values: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Whether each year (last axis) is at least DECLINE above some year LAG or more later."""
    n = values.shape[-1]
    later_min = np.full(values.shape, np.inf)
    if n > LAG:
        # minimum over years t+LAG..end: a reversed running minimum shifted by LAG
        tail_min = np.minimum.accumulate(values[..., ::-1], axis=-1)[..., ::-1]
        later_min[..., : n - LAG] = tail_min[..., LAG:]
    return values >= (1.0 + DECLINE) * later_min


def confirmed_peak_index(values: ArrayLike) -> NDArray[np.int64]:
    """Index of the confirmed peak along the last axis, -1 where there is none (vectorised over rows)."""
    v = np.asarray(values, dtype=np.float64)
    ok = _qualifies(v)
    masked = np.where(ok, v, -np.inf)
    index = masked.argmax(axis=-1)
    return np.where(ok.any(axis=-1), index, -1)


def highest_index(values: ArrayLike) -> NDArray[np.int64]:
    """Index of the highest year along the last axis, -1 where it is the last year."""
    v = np.asarray(values, dtype=np.float64)
    index = v.argmax(axis=-1)
    return np.where(index < v.shape[-1] - 1, index, -1)


def peak_years(values: ArrayLike, years: Sequence[int], definition: str = SCORED) -> NDArray[np.float64]:
    """Peak year of each row of ``values`` (members x years) on ``definition``; NaN where there is none."""
    if definition not in DEFINITIONS:
        raise ValueError(f"unknown peak definition '{definition}' (use {sorted(DEFINITIONS)})")
    index = confirmed_peak_index(values) if definition == "confirmed" else highest_index(values)
    ys = np.asarray(years, dtype=np.float64)
    return np.where(index >= 0, ys[np.maximum(index, 0)], np.nan)


def highest_year(s: pd.Series) -> int | None:
    """Year of the highest value of a yearly series (None if it is the last year)."""
    i = int(highest_index(s.to_numpy())[()])
    return int(s.index[i]) if i >= 0 else None


def confirmed_peak(s: pd.Series) -> int | None:
    """Confirmed peak year of a yearly series (None if no year qualifies)."""
    i = int(confirmed_peak_index(s.to_numpy())[()])
    return int(s.index[i]) if i >= 0 else None


def headline_series(trajectory: pd.DataFrame) -> pd.Series:
    """Headline CO2 (MtCO2) by year from a trajectory."""
    from abm.scorecard import series

    return series(trajectory, HEADLINE)


def run_peak(trajectory: pd.DataFrame) -> Peak:
    """Both peaks of a run's headline CO2."""
    s = headline_series(trajectory).sort_index()
    top = int(s.idxmax())
    highest = highest_year(s)
    confirmed = confirmed_peak(s)
    return Peak(
        highest_year=highest,
        highest_mt=float(s.loc[top]),
        confirmed_year=confirmed,
        confirmed_mt=float(s.loc[confirmed]) if confirmed is not None else None,
    )
