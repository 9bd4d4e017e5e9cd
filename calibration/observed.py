"""Observed statistics: loading a table of the shared format, with clear errors.

The format (``abm/data/source/suqian_observed.csv``) has the columns
``indicator, region, year, value, unit, quality, source_url, source_title, note``;
``quality`` is one of ``official``, ``secondary``, ``target``, ``unreliable``.

Quality sets the weight of an observation in a fit: official 1, secondary 0.5,
unreliable 0 (compared and reported, never fitted); targets are never fitted. An
indicator ending in ``_lower_bound`` or ``_upper_bound`` is an inequality: the true
value is at least (at most) the one given.

The file is read as UTF-8 (a byte-order mark is accepted). Values and years are written in
ASCII digits; values are finite and smaller in magnitude than MAX_ABS_VALUE; years are whole
numbers from 1900 to 2100. Every faulty line is reported at once.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from abm.files import read_csv
from abm.parameters import data_path, parse_number, show

COLUMNS = ("indicator", "region", "year", "value", "unit", "quality", "source_url", "source_title", "note")
QUALITIES = ("official", "secondary", "target", "unreliable")
QUALITY_WEIGHTS = {"official": 1.0, "secondary": 0.5, "unreliable": 0.0, "target": 0.0}
BOUND_SUFFIXES = {"_lower_bound": "lower", "_upper_bound": "upper"}
MAX_ABS_VALUE = 1e15  # no statistic of the city comes near this in the units used; larger is a typing error
YEARS = (1900, 2100)
SHOWN_PROBLEMS = 20  # lines listed in one message; the rest are counted


class ObservedDataError(ValueError):
    """An observed-data file is missing or malformed; the message names the file and the row."""


def _value_problem(text: str) -> str | None:
    try:
        value = parse_number(text)
    except ValueError:
        return f"value {show(text)} is not a number (ASCII digits)"
    if not math.isfinite(value):
        return f"value {show(text)} is not finite"
    if abs(value) >= MAX_ABS_VALUE:
        return (
            f"value {show(text)} is not plausible: observed values must be smaller than {MAX_ABS_VALUE:g} in magnitude"
        )
    return None


def _year_problem(text: str) -> str | None:
    try:
        year = parse_number(text)
    except ValueError:
        return f"year {show(text)} is not a year"
    if not math.isfinite(year) or year != int(year) or not YEARS[0] <= year <= YEARS[1]:
        return f"year {show(text)} is not a year (a whole number from {YEARS[0]} to {YEARS[1]})"
    return None


def load_observed(path: Path | str | None = None) -> pd.DataFrame:
    """Read and check an observed-statistics table (the shipped one by default); every bad line is reported."""
    path = Path(path) if path is not None else data_path("source", "suqian_observed.csv")
    table = read_csv(path, ObservedDataError, "observed data file", f"the header line {','.join(COLUMNS)}")
    table = table.fillna("")  # cells missing from short lines
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ObservedDataError(f"{path}: missing column(s) {', '.join(missing)}")
    problems: list[str] = []
    for i in range(len(table)):
        row = table.iloc[i]
        line = i + 2  # header is line 1
        found = [
            _value_problem(row["value"]),
            _year_problem(row["year"]),
            None
            if row["quality"] in QUALITIES
            else f"quality {show(row['quality'])} is not one of {', '.join(QUALITIES)}",
            None if row["indicator"].strip() else "empty indicator",
            None if row["region"].strip() else "empty region",
        ]
        problems += [f"{path}: line {line}: {p}" for p in found if p is not None]
    if problems:
        more = len(problems) - SHOWN_PROBLEMS
        shown = problems[:SHOWN_PROBLEMS] + ([f"{path}: ... and {more} more"] if more > 0 else [])
        raise ObservedDataError(
            shown[0] if len(shown) == 1 else f"{path}: {len(problems)} problems:\n  " + "\n  ".join(shown)
        )
    if table.empty:
        raise ObservedDataError(f"{path}: no observations")
    table = table.assign(
        value=[parse_number(v) for v in table["value"]], year=[int(parse_number(y)) for y in table["year"]]
    )
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
