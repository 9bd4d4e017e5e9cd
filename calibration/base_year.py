"""Plausibility of the 2020 base year against observed anchors.

Compares a run's base year with what is observed for Suqian: GDP, households, the CEADs
territorial CO2 level (mean of 2017-2019, as the series moves from year to year) and the
electricity use implied by the dispatch peak load. Fitting is done elsewhere; this check
says whether the base year is in the right place.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from abm.parameters import registry
from abm.scorecard import series
from calibration.observed import load_observed, observed_series

CEADS_YEARS = (2017, 2018, 2019)
LOAD_FACTOR_RANGE = (0.45, 0.65)


@dataclass(frozen=True, slots=True)
class Check:
    """One base-year comparison."""

    name: str
    modelled: float
    observed_low: float
    observed_high: float
    unit: str

    @property
    def passed(self) -> bool:
        """True when the modelled value lies within the observed band."""
        return self.observed_low <= self.modelled <= self.observed_high


def base_year_checks(trajectory: pd.DataFrame, tolerance: float = 0.25) -> list[Check]:
    """Checks of a run's first year against observations (``tolerance`` is relative)."""
    observed = load_observed()
    year = int(trajectory["year"].min())
    ceads = float(observed_series(observed, "co2_emissions_ceads").loc[list(CEADS_YEARS)].mean())
    gdp = float(observed_series(observed, "gdp").loc[2020])
    peak_mw = registry()["peak_load_2020"].default
    low_lf, high_lf = LOAD_FACTOR_RANGE
    electricity = float(series(trajectory, "final_energy_electricity").loc[year])
    return [
        Check("gdp", float(series(trajectory, "gdp").loc[year]), gdp * 0.999, gdp * 1.001, "100 million yuan"),
        Check(
            "co2_territorial vs CEADs 2017-2019 mean",
            float(series(trajectory, "co2_territorial").loc[year]),
            ceads * (1 - tolerance),
            ceads * (1 + tolerance),
            "MtCO2",
        ),
        Check(
            "electricity use vs dispatch peak load",
            electricity,
            peak_mw * 8760 * low_lf / 1e5,
            peak_mw * 8760 * high_lf / 1e5,
            "100 million kWh",
        ),
    ]
