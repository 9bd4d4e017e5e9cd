"""Observation operators: how each observed indicator is computed from the model's trajectory.

The map (``calibration/data/observation_map.csv``) has one row per observed indicator,
region and span of years, with the model indicator and sector(s) it corresponds to and
a transform:

``level``
    modelled = ``factor`` x model value (a unit conversion or a documented ratio);
``share``
    modelled = 100 x model value of the sector(s) / model total; the observation is
    taken as a percentage, or divided by the observed ``denominator`` (``name`` or
    ``name@year``) of the same region after multiplying it by ``observed_factor`` (for
    units that differ);
``growth``
    modelled = 100 x (model value / model value a year earlier - 1), in %;
``index``
    modelled = observed value in the base year x model value / model value in the base year.

``model_year`` compares an observation with another model year (the CEADs inventory of
2017-2019 with the base year, for instance); ``model_sector`` may join sectors with ``+``.
``role`` says what a comparison is for: ``fit`` (weighted by quality), ``proxy`` (another
region's figure standing in for Suqian's, half weight), ``input`` (the observation sets a
model input, so agreement is by construction: reported, never fitted or scored) and
``check`` (reported, not fitted, because the comparison is only indicative). A row
passes when the modelled value lies within ``tolerance`` (``%`` of the observed value or
absolute ``points``) or, for a ``_lower_bound``/``_upper_bound`` indicator, on the
right side of the bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.observed import ObservedDataError, bound_kind, quality_weight

MAP_COLUMNS = (
    "indicator",
    "region",
    "years",
    "model_indicator",
    "model_sector",
    "model_year",
    "transform",
    "factor",
    "denominator",
    "observed_factor",
    "role",
    "module",
    "tolerance",
    "tolerance_unit",
    "note",
)
TRANSFORMS = ("level", "share", "growth", "index")
ROLES = {"fit": 1.0, "proxy": 0.5, "input": 0.0, "check": 0.0}
MODULES = ("economy", "population", "industry", "energy", "emissions", "adoption")
TOLERANCE_UNITS = ("%", "points")
DEFAULT_MAP = Path(__file__).parent / "data" / "observation_map.csv"


class MappingError(ValueError):
    """The observation map is malformed; the message names the file, line and column."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """One observed value and how to compute it from a trajectory."""

    indicator: str
    region: str
    year: int
    observed: float
    quality: str
    kind: str  # level, lower or upper
    model_indicator: str
    sectors: tuple[str, ...]
    model_year: int
    transform: str
    factor: float
    base_observed: float  # for "index": the observation in the base year
    role: str
    module: str
    tolerance: float
    tolerance_unit: str
    note: str

    @property
    def weight(self) -> float:
        """Weight in a fit: quality weight x role weight."""
        return quality_weight(self.quality) * ROLES[self.role]

    @property
    def allowed_error(self) -> float:
        """Largest |modelled - observed| that passes, in the observation's unit."""
        if self.tolerance_unit == "points":
            return self.tolerance
        return self.tolerance / 100.0 * abs(self.observed)


def _years(text: str, path: Path, line: int) -> tuple[int, int] | None:
    text = text.strip()
    if not text:
        return None
    first, _, last = text.partition("-")
    try:
        span = (int(first), int(last or first))
    except ValueError:
        raise MappingError(f"{path}: line {line}: years {text!r} must be a year or 'first-last'") from None
    if span[0] > span[1]:
        raise MappingError(f"{path}: line {line}: years {text!r} run backwards")
    return span


def load_map(path: Path | str | None = None) -> pd.DataFrame:
    """Read and check the observation map (the shipped one by default)."""
    path = Path(path) if path is not None else DEFAULT_MAP
    if not path.exists():
        raise MappingError(f"observation map not found: {path}")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in MAP_COLUMNS if c not in table.columns]
    if missing:
        raise MappingError(f"{path}: missing column(s) {', '.join(missing)}")
    for i, row in enumerate(table.itertuples(index=False), start=2):
        for column, allowed in (
            ("transform", TRANSFORMS),
            ("role", tuple(ROLES)),
            ("module", MODULES),
            ("tolerance_unit", TOLERANCE_UNITS),
        ):
            if getattr(row, column) not in allowed:
                raise MappingError(
                    f"{path}: line {i}: {column} {getattr(row, column)!r} is not one of {', '.join(allowed)}"
                )
        for column in ("factor", "observed_factor", "tolerance"):
            try:
                number = float(getattr(row, column))
            except ValueError:
                raise MappingError(f"{path}: line {i}: {column} {getattr(row, column)!r} is not a number") from None
            if not np.isfinite(number) or number <= 0:
                raise MappingError(f"{path}: line {i}: {column} must be a positive number")
        _years(row.years, path, i)
        if row.model_year.strip() and not row.model_year.strip().isdigit():
            raise MappingError(f"{path}: line {i}: model_year {row.model_year!r} is not a year")
        if not row.indicator.strip() or not row.model_indicator.strip() or not row.model_sector.strip():
            raise MappingError(f"{path}: line {i}: indicator, model_indicator and model_sector are required")
    table.attrs["path"] = str(path)
    return table


def comparisons(observed: pd.DataFrame, mapping: pd.DataFrame, base_year: int = 2020) -> list[Comparison]:
    """Every observation the map covers, with its operator (observations not mapped are left out)."""
    path = mapping.attrs.get("path", "observation map")
    by_key = {(r.indicator, r.region, int(r.year)): r for r in observed.itertuples(index=False)}
    result: list[Comparison] = []
    for line, m in enumerate(mapping.itertuples(index=False), start=2):
        span = _years(m.years, Path(path), line)
        rows = observed[(observed["indicator"] == m.indicator) & (observed["region"] == m.region)]
        for obs in rows.itertuples(index=False):
            year = int(obs.year)
            if span is not None and not span[0] <= year <= span[1]:
                continue
            value = float(obs.value)
            if m.denominator.strip():
                name, _, at = m.denominator.strip().partition("@")
                denom = by_key.get((name, m.region, int(at) if at else year))
                if denom is None:
                    continue  # nothing to divide by in this file: not comparable
                value = 100.0 * value * float(m.observed_factor) / float(denom.value)
            base = np.nan
            if m.transform == "index":
                anchor = by_key.get((m.indicator, m.region, base_year))
                if anchor is None:
                    raise ObservedDataError(
                        f"{path}: line {line}: '{m.indicator}' is indexed to {base_year} but the observed data "
                        f"have no {base_year} value for {m.region}"
                    )
                base = float(anchor.value)
            result.append(
                Comparison(
                    indicator=m.indicator,
                    region=m.region,
                    year=year,
                    observed=value,
                    quality=obs.quality,
                    kind=bound_kind(m.indicator),
                    model_indicator=m.model_indicator,
                    sectors=tuple(s.strip() for s in m.model_sector.split("+")),
                    model_year=int(m.model_year) if m.model_year.strip() else year,
                    transform=m.transform,
                    factor=float(m.factor),
                    base_observed=base,
                    role=m.role,
                    module=m.module,
                    tolerance=float(m.tolerance),
                    tolerance_unit=m.tolerance_unit,
                    note=m.note,
                )
            )
    return result


class TrajectoryLookup:
    """Fast access to trajectory values by (indicator, sector, year)."""

    def __init__(self, trajectory: pd.DataFrame) -> None:
        self.values = dict(
            zip(
                zip(trajectory["indicator"], trajectory["sector"], trajectory["year"].astype(int), strict=True),
                trajectory["value"].astype(float),
                strict=True,
            )
        )
        self.years = (int(trajectory["year"].min()), int(trajectory["year"].max()))

    def sum(self, indicator: str, sectors: tuple[str, ...], year: int) -> float:
        """Sum over sectors of one indicator in one year (KeyError if absent)."""
        return float(sum(self.values[(indicator, s, year)] for s in sectors))


def modelled_value(c: Comparison, lookup: TrajectoryLookup) -> float:
    """The model's counterpart of one observation (NaN where the run does not cover it)."""
    first, last = lookup.years
    y = c.model_year
    needed = {"growth": y - 1, "index": first}.get(c.transform, y)
    if not (first <= needed <= last and first <= y <= last):
        return np.nan
    try:
        value = lookup.sum(c.model_indicator, c.sectors, y)
        if c.transform == "level":
            return c.factor * value
        if c.transform == "share":
            total = lookup.sum(c.model_indicator, ("total",), y)
            return 100.0 * value / total if total else np.nan
        if c.transform == "growth":
            before = lookup.sum(c.model_indicator, c.sectors, y - 1)
            return 100.0 * (value / before - 1.0) if before else np.nan
        base = lookup.sum(c.model_indicator, c.sectors, first)
        return c.base_observed * value / base if base else np.nan
    except KeyError as err:
        raise MappingError(
            f"model indicator {c.model_indicator!r} sector(s) {'+'.join(c.sectors)} not in the trajectory "
            f"(needed for observed '{c.indicator}', {c.region}): {err}"
        ) from None


def normalised_error(c: Comparison, modelled: float) -> float:
    """Signed error in units of the allowed error; 0 on the right side of a bound.

    A percentage tolerance of an observed 0 allows no error at all: any difference is an
    infinite error (the comparison fails), none is 0.
    """
    diff = modelled - c.observed
    if c.kind == "lower":
        diff = min(diff, 0.0)
    elif c.kind == "upper":
        diff = max(diff, 0.0)
    if c.allowed_error == 0:
        return math.copysign(math.inf, diff) if diff else 0.0
    return diff / c.allowed_error


def compare(trajectory: pd.DataFrame, items: list[Comparison]) -> pd.DataFrame:
    """Observed against modelled for each comparison: the validation table."""
    lookup = TrajectoryLookup(trajectory)
    rows = []
    for c in items:
        modelled = modelled_value(c, lookup)
        covered = bool(np.isfinite(modelled))
        error = normalised_error(c, modelled) if covered else np.nan
        rows.append(
            {
                "indicator": c.indicator,
                "region": c.region,
                "year": c.year,
                "observed": c.observed,
                "modelled": modelled,
                "abs_pct_error": abs(modelled - c.observed) / abs(c.observed) * 100.0
                if covered and c.observed
                else np.nan,
                "passed": bool(covered and abs(error) <= 1.0),
                "kind": c.kind,
                "module": c.module,
                "role": c.role,
                "quality": c.quality,
                "weight": c.weight,
                "model_year": c.model_year,
                "tolerance": f"{c.tolerance:g} {c.tolerance_unit}",
                "normalised_error": error,
            }
        )
    return pd.DataFrame(rows)


def distance(errors: np.ndarray, weights: np.ndarray) -> float:
    """Root weighted mean square of normalised errors (1 = every fitted value at its tolerance)."""
    used = weights > 0
    if not used.any():
        raise ValueError("no observation with a positive weight to fit")
    e = np.nan_to_num(errors[used], nan=1e6, posinf=1e6, neginf=-1e6)
    return float(np.sqrt(np.sum(weights[used] * e**2) / np.sum(weights[used])))
