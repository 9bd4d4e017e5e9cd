"""Adoption targets: how far electric cars and rooftop PV had spread, as observations of the model.

Suqian publishes no series of its own adoption of electric cars or rooftop PV, so the
targets (``calibration/data/adoption_targets.csv``) are mostly Jiangsu's and China's
figures standing in for Suqian's. Each row has the columns of the observation map
(``calibration/mapping.py``: model indicator and sector(s), transform, denominator,
role, tolerance) and three more:

``scale``, ``offset``
    the stated proxy relation: Suqian's value is taken as ``scale`` x the reference
    figure + ``offset`` (in the observation's unit, after any denominator), and the
    tolerance is taken around that value;
``flow``
    ``yes`` for a yearly flow (a share of the year's sales): the model has no purchases in
    its first year, so a flow is not compared in the history run's start year.

Observations come from ``suqian_observed.csv`` and, for the national and provincial
series that are kept with the parameters (``nev_sales_share``, ``nev_stock``,
``pv_capacity``, ...), from the dated rows of ``suqian_parameters.csv``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from abm.parameters import data_path
from calibration.mapping import Comparison, MappingError, comparisons, load_map
from calibration.observed import COLUMNS, load_observed

DEFAULT_TARGETS = Path(__file__).parent / "data" / "adoption_targets.csv"
EXTRA_COLUMNS = ("scale", "offset", "flow")
REGIONS = {"China": "china", "Jiangsu": "jiangsu", "Suqian": "suqian"}


def parameter_series(path: Path | str | None = None) -> pd.DataFrame:
    """Dated rows of the parameter table for China, Jiangsu and Suqian, in the observed-data format."""
    path = Path(path) if path is not None else data_path("source", "suqian_parameters.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = table[(table["year"].str.strip() != "") & table["region"].isin(list(REGIONS))]
    return pd.DataFrame(
        {
            "indicator": table["parameter"],
            "region": table["region"].map(REGIONS),
            "year": table["year"].astype(int),
            "value": table["value"].astype(float),
            "unit": table["unit"],
            "quality": table["quality"],
            "source_url": table["source"],
            "source_title": "data/source/suqian_parameters.csv",
            "note": table["note"],
        }
    )[list(COLUMNS)]


def adoption_observations(observed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Observed statistics joined with the parameter table's dated series (observed rows win a tie)."""
    observed = observed if observed is not None else load_observed()
    joined = pd.concat([observed, parameter_series()], ignore_index=True)
    return joined.drop_duplicates(["indicator", "region", "year"], keep="first").reset_index(drop=True)


def load_targets(path: Path | str | None = None) -> pd.DataFrame:
    """Read and check the adoption targets (the observation map's checks plus scale, offset and flow)."""
    path = Path(path) if path is not None else DEFAULT_TARGETS
    table = load_map(path)
    missing = [c for c in EXTRA_COLUMNS if c not in table.columns]
    if missing:
        raise MappingError(f"{path}: missing column(s) {', '.join(missing)}")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        for column in ("scale", "offset"):
            try:
                float(getattr(row, column))
            except ValueError:
                raise MappingError(f"{path}: line {line}: {column} {getattr(row, column)!r} is not a number") from None
        if row.flow not in ("yes", "no"):
            raise MappingError(f"{path}: line {line}: flow {row.flow!r} is not 'yes' or 'no'")
    return table


def adoption_comparisons(
    first_year: int,
    observed: pd.DataFrame | None = None,
    path: Path | str | None = None,
    base_year: int = 2020,
) -> list[Comparison]:
    """Every adoption target as a comparison, its observed value turned into Suqian's by scale and offset.

    ``first_year`` is the history run's start: flows are not compared in it.
    """
    table = load_targets(path)
    data = adoption_observations(observed)
    result: list[Comparison] = []
    for line in range(len(table)):
        row = table.iloc[[line]].copy()
        row.attrs["path"] = table.attrs.get("path", "adoption targets")
        scale, offset = float(row["scale"].iloc[0]), float(row["offset"].iloc[0])
        flow = row["flow"].iloc[0] == "yes"
        for c in comparisons(data, row, base_year):
            if flow and c.model_year <= first_year:
                continue
            result.append(dataclasses.replace(c, observed=scale * c.observed + offset))
    return result


def covered(items: list[Comparison], first_year: int, last_year: int) -> list[Comparison]:
    """The comparisons a history run from ``first_year`` to ``last_year`` can compute (a growth needs the year before)."""
    earliest = {"growth": first_year + 1}
    return [c for c in items if earliest.get(c.transform, first_year) <= c.model_year <= last_year]
