"""The plan's targets against a run: which are met, from which year, and which were reached but lost.

Each quantified target of ``targets.csv`` that the model determines is mapped to a
trajectory indicator; targets with no value (set by the province), outside the modelled
system (e-commerce, software revenue, prefabricated buildings...) or falling after the
run's last year are left out.

The peak target ("2030年二氧化碳排放量达到峰值": CO2 emissions reach their peak by 2030) is
scored on the confirmed peak of :mod:`abm.peak` (:data:`abm.peak.SCORED`): met when the
headline CO2 has a confirmed peak in or before 2030. The row's ``definition`` column says so;
other rows leave it blank.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from abm.parameters import data_path
from abm.peak import DEFINITIONS, SCORED, confirmed_peak

HEADLINE = "co2_with_electricity"


@dataclass(frozen=True, slots=True)
class TargetMap:
    """How a target is read from the trajectory."""

    indicator: str
    sector: str = "total"
    change_from: int | None = None  # percent change against this year


TARGET_MAP: dict[str, TargetMap] = {
    "energy_intensity_2025": TargetMap("energy_intensity", change_from=2020),
    "nonfossil_share_2025": TargetMap("nonfossil_share"),
    "energy_intensity_2030": TargetMap("energy_intensity", change_from=2020),
    "co2_intensity_2030": TargetMap("co2_intensity", change_from=2020),
    "co2_peak": TargetMap(HEADLINE),
    "carbon_neutrality": TargetMap("co2_net"),
    "pv_capacity_2025": TargetMap("pv_capacity"),
    "biomass_power_2025": TargetMap("biomass_power_capacity"),
    "waste_power_2025": TargetMap("waste_power_capacity"),
    "residential_saving_rate": TargetMap("new_residential_saving_rate", "buildings_residential"),
    "building_renewable_2025": TargetMap("building_renewable_share"),
    "rooftop_pv_coverage_2025": TargetMap("rooftop_pv_coverage_new"),
    "nev_sales_share_2025": TargetMap("nev_sales_share", "transport"),
    "transport_intensity_2030": TargetMap("transport_carbon_intensity", "transport", change_from=2020),
    "solid_waste_use_2025": TargetMap("solid_waste_use"),
}
COLUMNS = [
    "target_id", "year", "target", "comparison", "unit", "modelled", "met", "first_year_met", "status", "definition",
]  # fmt: skip
STATUSES = ("met", "reached_then_lost", "met_late", "not_met")


@lru_cache(maxsize=1)
def _targets() -> pd.DataFrame:
    return pd.read_csv(data_path("source", "targets.csv"), dtype={"year": "Int64"})


@lru_cache(maxsize=1)
def _target_rows() -> tuple[tuple[Any, ...], ...]:
    """The targets as tuples (read once per process; every run's scorecard walks them)."""
    return tuple(_targets().itertuples(index=False))


def load_targets() -> pd.DataFrame:
    """The plan's quantified targets (read once per process; a copy each call)."""
    return _targets().copy()


def series(trajectory: pd.DataFrame, indicator: str, sector: str = "total") -> pd.Series:
    """One indicator's values by year."""
    return _series(_columns(trajectory), indicator, sector)


def _columns(trajectory: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """The trajectory's indicator, sector, year and value columns as numpy arrays.

    Taken once for many look-ups: a string column's ``to_numpy`` builds a new object array each time.
    """
    return tuple(trajectory[c].to_numpy() for c in ("indicator", "sector", "year", "value"))


def _series(columns: tuple[np.ndarray, ...], indicator: str, sector: str) -> pd.Series:
    """:func:`series` on the arrays of :func:`_columns`."""
    indicators, sectors, all_years, all_values = columns
    mask = (indicators == indicator) & (sectors == sector)
    if not mask.any():
        raise KeyError(f"indicator '{indicator}' (sector '{sector}') not in the trajectory")
    years = all_years[mask]
    values = all_values[mask]
    order = np.argsort(years, kind="stable")
    return pd.Series(values[order], index=pd.Index(years[order], name="year"), name="value")


def peak(trajectory: pd.DataFrame) -> tuple[int, float]:
    """Year and level (MtCO2) of the highest headline CO2."""
    s = series(trajectory, HEADLINE)
    year = int(s.idxmax())
    return year, float(s.loc[year])


def _compare(values: np.ndarray, comparison: str, target: float) -> np.ndarray:
    ops = {"<=": np.less_equal, ">=": np.greater_equal, "<": np.less, ">": np.greater}
    return ops[comparison](values, target)


def status(met: bool, first_year_met: int | None, year: int) -> str:
    """How a target fares: ``met`` in its year; ``reached_then_lost`` (held before its year, not in it);
    ``met_late`` (first held after its year); ``not_met`` (never held in the run)."""
    if met:
        return "met"
    if first_year_met is None:
        return "not_met"
    return "reached_then_lost" if first_year_met < year else "met_late"


def scorecard(trajectory: pd.DataFrame) -> pd.DataFrame:
    """One row per determined target: target, modelled value in the target year, met, first year met, status."""
    rows = []
    last_year = int(trajectory["year"].max())
    # the rows of the mapped indicators, picked on the string column itself (far cheaper than on its object copy)
    picked = np.flatnonzero(trajectory["indicator"].isin([m.indicator for m in TARGET_MAP.values()]).to_numpy())
    subset = tuple(trajectory[c].array.take(picked).to_numpy() for c in ("indicator", "sector", "year", "value"))
    for target in _target_rows():
        mapping = TARGET_MAP.get(target.id)
        if mapping is None or pd.isna(target.value) or int(target.year) > last_year:
            continue
        s = _series(subset, mapping.indicator, mapping.sector)
        if mapping.change_from is not None:
            s = 100.0 * (s / s.loc[mapping.change_from] - 1.0)
        year = int(target.year)
        definition = ""
        if target.id == "co2_peak":
            # the confirmed peak: a year at least 10 % above one five or more years later
            peak_year = confirmed_peak(s)
            modelled = float(peak_year) if peak_year is not None else float("nan")
            met = peak_year is not None and peak_year <= target.value
            first = peak_year  # a confirmed peak after 2030 is the target met late
            definition = f"{SCORED} peak: {DEFINITIONS[SCORED]}"
        else:
            modelled = float(s.loc[year])
            met = bool(_compare(np.array([modelled]), target.comparison, float(target.value))[0])
            hits = s.index[_compare(s.to_numpy(), target.comparison, float(target.value))]
            first = int(hits[0]) if len(hits) else None
        rows.append(
            (
                target.id, year, float(target.value), target.comparison, target.unit, round(modelled, 6), bool(met),
                first, status(bool(met), first, year), definition,
            )
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["first_year_met"] = frame["first_year_met"].astype("Int64")
    return frame
