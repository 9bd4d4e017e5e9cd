"""Observed statistics: loading a table of the shared format, with clear errors.

The format (``abm/data/source/suqian_observed.csv``) has the columns
``indicator, region, year, value, unit, quality, source_url, source_title, note``;
``quality`` is one of ``official``, ``secondary``, ``target``, ``unreliable``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abm.parameters import data_path

COLUMNS = ("indicator", "region", "year", "value", "unit", "quality", "source_url", "source_title", "note")
QUALITIES = ("official", "secondary", "target", "unreliable")


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
    table = table.assign(value=value.astype(float), year=year.astype(int))
    return table[list(COLUMNS)]


def observed_series(table: pd.DataFrame, indicator: str, region: str = "suqian") -> pd.Series:
    """Values of one indicator in one region, by year."""
    rows = table[(table["indicator"] == indicator) & (table["region"] == region)]
    if rows.empty:
        raise KeyError(f"no observed values for '{indicator}' in '{region}'")
    return rows.set_index("year")["value"].sort_index()
