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
``prices`` (optional column) ``current`` says the observation is at current prices: the
modelled level (2020 prices) is multiplied by the GDP deflator of its year over 2020
(``calibration/data/deflator.csv``: Suqian's implicit deflator from its nominal GDP and
real growth, 2020-2022; held at its 2022 value afterwards; none before 2020).

``years`` is where the row applies as written. A fit (:func:`comparisons`) takes only
observations in those years. Validation (:func:`match`) scores every observation of a
mapped indicator and region: one outside every listed span takes the nearest row's
operator, compared with the model in its own year (never a pinned ``model_year``), and a
row that sets an input in its listed years is a ``check`` outside them.
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
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from abm.parameters import registry
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
PRICES = ("", "constant", "current")
DEFAULT_MAP = Path(__file__).parent / "data" / "observation_map.csv"
DEFLATOR = Path(__file__).parent / "data" / "deflator.csv"
PRICE_BASE_YEAR = 2020
NOT_SCORED_QUALITIES = {
    "target": "quality target: a policy target, not an outcome",
    "unreliable": "quality unreliable: compared and reported, not scored",
}


NOT_COMPARED_COLUMNS = ("indicator", "region", "year", "value", "unit", "quality", "reason")


INPUT_CITATION = re.compile(r"suqian_observed\.csv ([a-z0-9_]+) ([a-z_]+) (\d{4})\b(?!-)")
REGISTRY_INPUT = "the observation sets a fixed model input ({name} in the parameter registry)"


def registry_inputs() -> dict[tuple[str, str, int], str]:
    """Observations that set a fixed model input: (indicator, region, year) -> the registry parameter.

    A registry row without a range whose source cites ``suqian_observed.csv <indicator> <region>
    <year>`` takes its value from that observation, so the model agrees with it by construction.
    Parameters with a range (uncertain, fitted) are not inputs in this sense: the observation
    only informs their default.
    """
    found: dict[tuple[str, str, int], str] = {}
    for param in registry().values():
        if param.adjustable:
            continue
        for indicator, region, year in INPUT_CITATION.findall(param.source):
            found.setdefault((indicator, region, int(year)), param.name)
    return found


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
    prices: str = ""
    extended: bool = False  # outside the map row's years: the nearest row's operator, same model year

    @property
    def scored(self) -> bool:
        """Whether the comparison counts in scores: role fit, proxy or check and a usable quality."""
        return self.role != "input" and self.quality not in NOT_SCORED_QUALITIES

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
    if "prices" not in table.columns:
        table["prices"] = ""
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
        if getattr(row, "prices", "") not in PRICES:
            raise MappingError(f"{path}: line {i}: prices {row.prices!r} is not one of constant, current (or empty)")
        if row.model_year.strip() and not row.model_year.strip().isdigit():
            raise MappingError(f"{path}: line {i}: model_year {row.model_year!r} is not a year")
        if not row.indicator.strip() or not row.model_indicator.strip() or not row.model_sector.strip():
            raise MappingError(f"{path}: line {i}: indicator, model_indicator and model_sector are required")
    table.attrs["path"] = str(path)
    return table


def _spans(mapping: pd.DataFrame) -> list[tuple[int, object, tuple[int, int] | None]]:
    path = Path(mapping.attrs.get("path", "observation map"))
    return [(line, m, _years(m.years, path, line)) for line, m in enumerate(mapping.itertuples(index=False), start=2)]


def _observed_value(m: object, obs: object, year: int, by_key: dict[tuple[str, str, int], object]) -> tuple[float, str]:
    """The observation in the map row's terms (divided by its denominator) or NaN and why not."""
    value = float(obs.value)
    if m.denominator.strip():
        name, _, at = m.denominator.strip().partition("@")
        denom = by_key.get((name, m.region, int(at) if at else year))
        if denom is None:
            return np.nan, f"no denominator: '{name}' {m.region} {at or year} is not in the observed data"
        value = 100.0 * value * float(m.observed_factor) / float(denom.value)
    return value, ""


def _make(m: object, obs: object, value: float, base: float, model_year: int, role: str, extended: bool) -> Comparison:
    return Comparison(
        indicator=m.indicator,
        region=m.region,
        year=int(obs.year),
        observed=value,
        quality=obs.quality,
        kind=bound_kind(m.indicator),
        model_indicator=m.model_indicator,
        sectors=tuple(s.strip() for s in m.model_sector.split("+")),
        model_year=model_year,
        transform=m.transform,
        factor=float(m.factor),
        base_observed=base,
        role=role,
        module=m.module,
        tolerance=float(m.tolerance),
        tolerance_unit=m.tolerance_unit,
        note=m.note,
        prices=getattr(m, "prices", ""),
        extended=extended,
    )


def comparisons(observed: pd.DataFrame, mapping: pd.DataFrame, base_year: int = 2020) -> list[Comparison]:
    """Every observation in the years the map lists, with its operator (what a fit uses).

    Observations the map does not cover, in years it does not list or without their
    denominator in ``observed`` are left out; an indexed row without its base-year
    observation is an error naming the map line.
    """
    path = mapping.attrs.get("path", "observation map")
    by_key = {(r.indicator, r.region, int(r.year)): r for r in observed.itertuples(index=False)}
    result: list[Comparison] = []
    for line, m, span in _spans(mapping):
        rows = observed[(observed["indicator"] == m.indicator) & (observed["region"] == m.region)]
        for obs in rows.itertuples(index=False):
            year = int(obs.year)
            if span is not None and not span[0] <= year <= span[1]:
                continue
            value, _ = _observed_value(m, obs, year, by_key)
            if np.isnan(value):
                continue  # nothing to divide by in this file: not comparable
            base = np.nan
            if m.transform == "index":
                anchor = by_key.get((m.indicator, m.region, base_year))
                if anchor is None:
                    raise ObservedDataError(
                        f"{path}: line {line}: '{m.indicator}' is indexed to {base_year} but the observed data "
                        f"have no {base_year} value for {m.region}"
                    )
                base = float(anchor.value)
            model_year = int(m.model_year) if m.model_year.strip() else year
            result.append(_make(m, obs, value, base, model_year, m.role, extended=False))
    return result


def _nearest(rows: list[tuple[int, object, tuple[int, int] | None]], year: int) -> tuple[object, bool]:
    """The map row whose years hold ``year``, else the one whose years are nearest (the later on a tie)."""
    for _, m, span in rows:
        if span is None or span[0] <= year <= span[1]:
            return m, False

    def gap(span: tuple[int, int]) -> tuple[int, int]:
        return (max(span[0] - year, year - span[1]), -span[1])

    return min(((m, span) for _, m, span in rows), key=lambda ms: gap(ms[1]))[0], True


def match(
    observed: pd.DataFrame,
    mapping: pd.DataFrame,
    reference: pd.DataFrame | None = None,
    base_year: int = 2020,
) -> tuple[list[Comparison], pd.DataFrame]:
    """Every observation of an indicator and region the map knows, in any year (what validation scores).

    A year inside a map row's ``years`` uses that row as written; another year takes the
    nearest row's operator, compared with the model in the observation's own year, and an
    ``input`` row becomes a ``check`` there (the observation set nothing). Denominators and
    index bases are looked up in ``observed`` first, then in ``reference`` (the shipped
    data, say). Returns the comparisons and the observations left out, each with its
    ``reason``: quality target, indicator or region unknown to the map, no denominator or
    base observation. An observation the registry takes a fixed parameter from
    (:func:`registry_inputs`) is an ``input`` unless a map row lists its year as a fit or proxy.
    """
    lookup = pd.concat([reference, observed]) if reference is not None else observed
    by_key = {(r.indicator, r.region, int(r.year)): r for r in lookup.itertuples(index=False)}
    rows_of: dict[tuple[str, str], list[tuple[int, object, tuple[int, int] | None]]] = {}
    for entry in _spans(mapping):
        rows_of.setdefault((entry[1].indicator, entry[1].region), []).append(entry)
    known = {indicator for indicator, _ in rows_of}
    denominators = {m.denominator.partition("@")[0].strip() for m in mapping.itertuples(index=False)} - {""}
    inputs = registry_inputs()
    result: list[Comparison] = []
    left_out: list[dict[str, object]] = []
    for obs in observed.itertuples(index=False):
        year = int(obs.year)
        reason = NOT_SCORED_QUALITIES.get(obs.quality, "") if obs.quality == "target" else ""
        rows = rows_of.get((obs.indicator, obs.region))
        if not reason and rows is None:
            if obs.indicator in known:
                reason = f"region {obs.region} of '{obs.indicator}' not in the observation map"
            elif obs.indicator in denominators:
                reason = "the denominator of mapped shares, not compared by itself"
            else:
                reason = "indicator not in the observation map"
        if not reason:
            m, extended = _nearest(rows, year)
            value, reason = _observed_value(m, obs, year, by_key)
        if not reason and m.transform == "index":
            anchor = by_key.get((m.indicator, m.region, base_year))
            if anchor is None:
                reason = f"indexed to {base_year}, and the observed data have no {base_year} value"
            base = float(anchor.value) if anchor is not None else np.nan
        else:
            base = np.nan
        if reason:
            left_out.append({**{c: getattr(obs, c) for c in NOT_COMPARED_COLUMNS[:-1]}, "reason": reason})
            continue
        role = "check" if extended and m.role == "input" else m.role
        model_year = year if extended or not m.model_year.strip() else int(m.model_year)
        item = _make(m, obs, value, base, model_year, role, extended=extended)
        parameter = inputs.get((obs.indicator, obs.region, year))
        if parameter is not None and (extended or role == "check"):
            item = replace(item, role="input", note=REGISTRY_INPUT.format(name=parameter))
        result.append(item)
    return result, pd.DataFrame(left_out, columns=list(NOT_COMPARED_COLUMNS))


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


@lru_cache(maxsize=1)
def deflator_path() -> dict[int, float]:
    """GDP deflator index by year, 2020 = 100 (``calibration/data/deflator.csv``)."""
    table = pd.read_csv(DEFLATOR)
    return dict(zip(table["year"].astype(int), table["index"].astype(float), strict=True))


def price_factor(year: int) -> float:
    """Current over 2020 prices in ``year``: the deflator path, held at its last value after it ends
    (an assumption); NaN before it starts (no deflator is observed)."""
    path = deflator_path()
    if year < min(path):
        return np.nan
    return path.get(year, path[max(path)] if year > max(path) else np.nan) / path[PRICE_BASE_YEAR]


def why_not_modelled(c: Comparison, lookup: TrajectoryLookup) -> str:
    """Why a comparison has no modelled value ('' when it has one)."""
    first, last = lookup.years
    y = c.model_year
    needed = {"growth": y - 1, "index": first}.get(c.transform, y)
    if not first <= y <= last:
        return f"year {y} not simulated (the run covers {first}-{last})"
    if not first <= needed <= last:
        return f"needs model year {needed}, not simulated (the run covers {first}-{last})"
    if c.prices == "current" and c.transform == "level" and np.isnan(price_factor(y)):
        return (
            f"current prices and no deflator for {y} (calibration/data/deflator.csv starts in {min(deflator_path())})"
        )
    return ""


def modelled_value(c: Comparison, lookup: TrajectoryLookup) -> float:
    """The model's counterpart of one observation (NaN where the run does not cover it)."""
    if why_not_modelled(c, lookup):
        return np.nan
    first = lookup.years[0]
    y = c.model_year
    try:
        value = lookup.sum(c.model_indicator, c.sectors, y)
        if c.transform == "level":
            prices = price_factor(y) if c.prices == "current" else 1.0
            return c.factor * value * prices
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


def _not_scored(c: Comparison) -> str:
    if c.role == "input":
        if c.note.startswith("the observation sets a fixed model input"):
            return f"role input: {c.note}"
        return "role input: the observation sets a model input, so it agrees by construction"
    note = NOT_SCORED_QUALITIES.get(c.quality, "")
    if not note and c.prices == "current" and c.transform == "level" and c.model_year > max(deflator_path()):
        note = f"scored; deflator held at its {max(deflator_path())} value (assumption)"
    return note


def compare(trajectory: pd.DataFrame, items: list[Comparison]) -> pd.DataFrame:
    """Observed against modelled for each comparison: the validation table."""
    lookup = TrajectoryLookup(trajectory)
    rows = []
    for c in items:
        modelled = modelled_value(c, lookup)
        covered = bool(np.isfinite(modelled))
        reason = why_not_modelled(c, lookup) or ("" if covered else "the model value is undefined (zero base)")
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
                "scored": bool(covered and c.scored),
                "extended": c.extended,
                "reason": reason or _not_scored(c),
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
