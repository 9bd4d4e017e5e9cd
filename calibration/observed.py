"""Observed statistics: loading a table of the shared format, with clear errors.

The format (``abm/data/source/suqian_observed.csv``) has the columns
``indicator, region, year, value, unit, quality, source_url, source_title, note``;
``quality`` is one of ``official``, ``secondary``, ``target``, ``unreliable``.

Quality sets the weight of an observation in a fit: official 1, secondary 0.5,
unreliable 0 (compared and reported, never fitted); targets are never fitted. An
indicator ending in ``_lower_bound`` or ``_upper_bound`` is an inequality: the true
value is at least (at most) the one given.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from abm.parameters import data_path

COLUMNS = ("indicator", "region", "year", "value", "unit", "quality", "source_url", "source_title", "note")
QUALITIES = ("official", "secondary", "target", "unreliable")
QUALITY_WEIGHTS = {"official": 1.0, "secondary": 0.5, "unreliable": 0.0, "target": 0.0}
BOUND_SUFFIXES = {"_lower_bound": "lower", "_upper_bound": "upper"}


class ObservedDataError(ValueError):
    """An observed-data file is missing or malformed; the message names the file and the row."""


def load_observed(path: Path | str | None = None) -> pd.DataFrame:
    """Read and check an observed-statistics table (the shipped one by default)."""
    path = Path(path) if path is not None else data_path("source", "suqian_observed.csv")
    if not path.exists():
        raise ObservedDataError(f"observed data file not found: {path}")
    try:
        table = pd.read_csv(path, dtype={"year": "string"}, keep_default_na=False, na_values={"value": [""]})
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ObservedDataError(f"{path}: cannot be read as CSV: {err}") from None
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ObservedDataError(f"{path}: missing column(s) {', '.join(missing)}")
    value = pd.to_numeric(table["value"], errors="coerce")
    year = pd.to_numeric(table["year"], errors="coerce")
    for i in range(len(table)):
        row = i + 2  # header is line 1
        if pd.isna(value.iloc[i]):
            raise ObservedDataError(f"{path}: line {row}: value {table['value'].iloc[i]!r} is not a number")
        if pd.isna(year.iloc[i]):
            raise ObservedDataError(f"{path}: line {row}: year {table['year'].iloc[i]!r} is not a year")
        if table["quality"].iloc[i] not in QUALITIES:
            raise ObservedDataError(
                f"{path}: line {row}: quality {table['quality'].iloc[i]!r} is not one of {', '.join(QUALITIES)}"
            )
        if not str(table["indicator"].iloc[i]).strip():
            raise ObservedDataError(f"{path}: line {row}: empty indicator")
        if not str(table["region"].iloc[i]).strip():
            raise ObservedDataError(f"{path}: line {row}: empty region")
        if not np.isfinite(value.iloc[i]):
            raise ObservedDataError(f"{path}: line {row}: value {table['value'].iloc[i]!r} is not finite")
        if year.iloc[i] != int(year.iloc[i]) or not 1900 <= year.iloc[i] <= 2100:
            raise ObservedDataError(f"{path}: line {row}: year {table['year'].iloc[i]!r} is not a year")
    if table.empty:
        raise ObservedDataError(f"{path}: no observations")
    table = table.assign(value=value.astype(float), year=year.astype(int))
    key = ["indicator", "region", "year"]
    repeated = table.duplicated(key, keep=False)
    if repeated.any():
        lines = [str(i + 2) for i in np.flatnonzero(repeated.to_numpy())]
        first = table[repeated].iloc[0]
        raise ObservedDataError(
            f"{path}: lines {', '.join(lines[:6])}: the same indicator, region and year more than once "
            f"(first: {first['indicator']}, {first['region']}, {first['year']}); keep one value per year"
        )
    return table[list(COLUMNS)]


def observed_series(table: pd.DataFrame, indicator: str, region: str = "suqian") -> pd.Series:
    """Values of one indicator in one region, by year."""
    rows = table[(table["indicator"] == indicator) & (table["region"] == region)]
    if rows.empty:
        raise KeyError(f"no observed values for '{indicator}' in '{region}'")
    return rows.set_index("year")["value"].sort_index()


def bound_kind(indicator: str) -> str:
    """``"lower"`` or ``"upper"`` for an inequality indicator, ``"level"`` otherwise."""
    for suffix, kind in BOUND_SUFFIXES.items():
        if indicator.endswith(suffix):
            return kind
    return "level"


def quality_weight(quality: str) -> float:
    """Weight of an observation of this quality in a fit (0: reported, not fitted)."""
    return QUALITY_WEIGHTS[quality]
