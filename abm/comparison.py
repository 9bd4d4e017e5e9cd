"""A run against the baseline: emissions avoided, fiscal cost, yuan per tonne avoided, targets as series.

Pure functions on trajectories (the tidy tables of :attr:`abm.run.RunResult.trajectory`:
year, indicator, sector, value, unit). Nothing here runs the model; the app and reports
call these on two finished runs, the current settings and the baseline.

Units: emissions in MtCO2 (the headline indicator, CO2 including net imported
electricity), fiscal cost in 100 million yuan (the model's ``fiscal_cost`` indicator: what
the government pays for its incentives), cost effectiveness in yuan per tonne of CO2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from abm.scorecard import HEADLINE, TARGET_MAP, load_targets, series

FISCAL = "fiscal_cost"
YUAN_PER_FISCAL_UNIT = 1e8  # fiscal_cost is in 100 million yuan
TONNES_PER_MT = 1e6
PEAK_TARGET = "co2_peak"
WEIGHT = "value_added"  # enterprise shares are shares of sector output


def target_year(target_id: str) -> int:
    """Year of one of the plan's targets (``targets.csv``), e.g. 2030 for ``co2_peak``."""
    targets = load_targets().set_index("id")
    if target_id not in targets.index:
        raise KeyError(f"unknown target '{target_id}'")
    return int(targets.loc[target_id, "year"])


def peak_target_year() -> int:
    """Year by which the plan wants CO2 to peak (the ``co2_peak`` target)."""
    return target_year(PEAK_TARGET)


def _window(s: pd.Series, start: int | None, end: int | None) -> pd.Series:
    lo = s.index.min() if start is None else start
    hi = s.index.max() if end is None else end
    return s.loc[(s.index >= lo) & (s.index <= hi)]


def cumulative(
    trajectory: pd.DataFrame, indicator: str, sector: str = "total", start: int | None = None, end: int | None = None
) -> float:
    """Sum of a yearly indicator over the years ``start``..``end`` (inclusive; default: the whole run).

    The unit is the indicator's unit times one year (e.g. MtCO2 for a yearly MtCO2 flow).
    """
    return float(_window(series(trajectory, indicator, sector), start, end).sum())


def difference(current: pd.DataFrame, baseline: pd.DataFrame, indicator: str, sector: str = "total") -> pd.Series:
    """Current minus baseline of one indicator by year, in the indicator's unit (years both runs have)."""
    a, b = series(current, indicator, sector), series(baseline, indicator, sector)
    common = a.index.intersection(b.index)
    return (a.loc[common] - b.loc[common]).rename("difference")


def avoided_emissions(
    current: pd.DataFrame, baseline: pd.DataFrame, start: int | None = None, end: int | None = None
) -> float:
    """CO2 avoided against the baseline, summed over ``start``..``end``: MtCO2 (negative when more is emitted)."""
    return -float(_window(difference(current, baseline, HEADLINE), start, end).sum())


def fiscal_cost(trajectory: pd.DataFrame, start: int | None = None, end: int | None = None) -> float:
    """Fiscal cost of the incentives summed over ``start``..``end``: 100 million yuan."""
    return cumulative(trajectory, FISCAL, start=start, end=end)


def yuan_per_tonne_avoided(
    current: pd.DataFrame, baseline: pd.DataFrame, start: int | None = None, end: int | None = None
) -> float | None:
    """Extra fiscal cost per tonne of CO2 avoided against the baseline over ``start``..``end``: yuan/tCO2.

    Extra cost is the current run's fiscal cost minus the baseline's; only what the government
    pays for incentives counts (not what firms or households pay). None when nothing is avoided.
    """
    avoided_t = avoided_emissions(current, baseline, start, end) * TONNES_PER_MT
    if avoided_t <= 0.0:
        return None
    extra_yuan = (fiscal_cost(current, start, end) - fiscal_cost(baseline, start, end)) * YUAN_PER_FISCAL_UNIT
    return extra_yuan / avoided_t


@dataclass(frozen=True)
class Comparison:
    """Cumulative comparison of a run with the baseline up to ``end_year``."""

    end_year: int
    avoided_mt: float  # MtCO2 avoided against the baseline, first year to end_year
    fiscal_cost: float  # 100 million yuan, the run's incentives, first year to end_year
    extra_fiscal_cost: float  # 100 million yuan, run minus baseline
    yuan_per_tonne: float | None  # yuan/tCO2; None when nothing is avoided


def compare(current: pd.DataFrame, baseline: pd.DataFrame, end: int) -> Comparison:
    """Avoided CO2, fiscal cost and yuan per tonne avoided from the first simulated year to ``end``."""
    cost = fiscal_cost(current, end=end)
    return Comparison(
        end_year=end,
        avoided_mt=avoided_emissions(current, baseline, end=end),
        fiscal_cost=cost,
        extra_fiscal_cost=cost - fiscal_cost(baseline, end=end),
        yuan_per_tonne=yuan_per_tonne_avoided(current, baseline, end=end),
    )


def by_sector(trajectory: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """One indicator as a year x sector table (the ``total`` row left out), in the indicator's unit."""
    rows = trajectory[(trajectory["indicator"] == indicator) & (trajectory["sector"] != "total")]
    if rows.empty:
        raise KeyError(f"indicator '{indicator}' has no sectors in the trajectory")
    wide = rows.pivot(index="year", columns="sector", values="value")
    wide.columns = [str(c) for c in wide.columns]
    return wide.sort_index()


def output_weighted_share(trajectory: pd.DataFrame, indicator: str) -> pd.Series:
    """A per-sector enterprise share (% of sector output) for the whole economy, weighted by value added: %."""
    shares = by_sector(trajectory, indicator)
    weights = by_sector(trajectory, WEIGHT).reindex(index=shares.index, columns=shares.columns)
    total = weights.sum(axis=1)
    values = (shares * weights).sum(axis=1) / total.where(total > 0.0, np.nan)
    return values.rename("value")


def target_series(trajectory: pd.DataFrame, target_id: str) -> pd.Series:
    """The series a target of the plan is judged on, by year, as the scorecard reads it.

    For targets stated as a change (energy and CO2 intensity) this is the percent change
    against the base year; otherwise the indicator itself in the target's unit.
    """
    mapping = TARGET_MAP.get(target_id)
    if mapping is None:
        raise KeyError(f"target '{target_id}' is not read from the trajectory")
    s = series(trajectory, mapping.indicator, mapping.sector)
    if mapping.change_from is not None:
        s = 100.0 * (s / s.loc[mapping.change_from] - 1.0)
    return s
