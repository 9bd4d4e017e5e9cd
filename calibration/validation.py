"""Scoring the model against any observed file: ``suqian-abm validate``.

A history run (``calibration/simulate.py``) with the shipped calibration, or with the
parameters of ``--params``, is compared with every observation of an indicator and region
the map knows, in any simulated year: the map's years say where a row applies as written,
not which years are scored (``calibration/mapping.py``). The table says for each
observation, in its unit, whether the model is within its tolerance; the summary counts,
per module, how many comparisons pass. Like is compared with like: current prices with
the modelled level through the GDP deflator, growth with growth, shares with shares.
Comparisons whose observation set a model input, and unreliable observations, are listed
but not scored; every observation left out is listed with the reason.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from abm.files import read_csv, read_toml
from abm.model import DEFAULT_HOUSEHOLDS
from abm.outputs import staged_folder
from abm.parameters import Parameter, parse_number, registry
from calibration.abc import weighted_quantiles
from calibration.mapping import MODULES, NOT_COMPARED_COLUMNS, compare, load_map, match
from calibration.observed import ObservedDataError, load_observed
from calibration.simulate import LAST_OBSERVED_YEAR, history_scenario, simulate

VALIDATION_COLUMNS = ("indicator", "region", "year", "observed", "modelled", "abs_pct_error", "passed", "unit")
SCORED_ROLES = ("fit", "proxy", "check")
FITTED_ROLES = ("fit", "proxy")


def read_posterior(path: Path | str) -> pd.DataFrame:
    """A weighted posterior sample (``.csv``: a ``weight`` column and one column per registry parameter).

    Every cell must be a number, every value inside its parameter's range and the weights
    non-negative and not all zero; every problem of the file is reported at once, naming it.
    """
    path = Path(path)
    table = read_csv(path, ObservedDataError, "posterior sample", "a header with 'weight' and parameter names")
    if "weight" not in table.columns:
        raise ObservedDataError(f"{path}: a posterior sample needs a 'weight' column")
    if table.empty:
        raise ObservedDataError(f"{path}: the posterior sample has no rows")
    reg = registry()
    columns, problems = {}, []
    for column in table.columns:
        if column != "weight" and column not in reg:
            problems.append(f"'{column}' is not in the parameter registry")
            continue
        try:
            values = np.array([parse_number(v) for v in table[column]], dtype=float)
        except ValueError:
            problems.append(f"column '{column}' holds a value that is not a number")
            continue
        if column != "weight":
            bad = [v for v in values if _problem(reg[column], v, path)]
            if bad:
                problems.append(_problem(reg[column], bad[0], path) + f" ({len(bad)} row(s))")
        columns[column] = values
    w = columns.get("weight")
    if w is not None and (not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0):
        problems.append("weights must be finite, non-negative and not all zero")
    if problems:
        raise ObservedDataError(f"{path}:\n  " + "\n  ".join(problems))
    return pd.DataFrame(columns)


def _problem(param: Parameter, value: object, path: Path) -> str:
    """Why ``value`` is not allowed for ``param`` (the registry's message without the path), or ''."""
    try:
        param.check(value, str(path))
    except ValueError as err:
        return str(err).removeprefix(f"{path}: ")
    return ""


def read_parameters(path: Path | str) -> dict[str, float]:
    """Parameter values from a calibration file (``[point_estimate]``), a scenario file
    (``[parameters]``) or a posterior sample (``.csv``: weighted medians).

    Every value is checked against the registry (name, number, range); every problem of the
    file is reported at once, naming the file.
    """
    path = Path(path)
    if path.suffix == ".csv":
        sample = read_posterior(path)
        w = sample.pop("weight").to_numpy()
        return {c: float(weighted_quantiles(sample[c].to_numpy(), w, [0.5])[0]) for c in sample.columns}
    data, _ = read_toml(path, ObservedDataError, "parameter file")
    values = data.get("point_estimate", data.get("parameters"))
    if not isinstance(values, dict):
        raise ObservedDataError(f"{path}: needs a [point_estimate] or [parameters] table")
    reg = registry()
    problems = [
        f"'{name}' is not in the parameter registry" if name not in reg else _problem(reg[name], value, path)
        for name, value in values.items()
    ]
    problems = [p for p in problems if p]
    if problems:
        raise ObservedDataError(f"{path}:\n  " + "\n  ".join(problems))
    return {name: reg[name].check(value, str(path)) for name, value in values.items()}


def _counts(module: str, rows: pd.DataFrame) -> dict[str, object]:
    scored = rows[rows["scored"].astype(bool)] if "scored" in rows else rows[rows["role"].isin(SCORED_ROLES)]
    return {
        "module": module,
        "compared": len(scored),
        "fitted": int(scored["role"].isin(FITTED_ROLES).sum()),
        "checks": int((scored["role"] == "check").sum()),
        "passed": int(scored["passed"].sum()),
        "share_passed": float(scored["passed"].mean()) if len(scored) else np.nan,
        "median_abs_pct_error": float(scored["abs_pct_error"].median()) if len(scored) else np.nan,
        "inputs": int((rows["role"] == "input").sum()),
        "not_scored": len(rows) - len(scored),
    }


def module_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per module and for ``all``: scored comparisons (``compared`` = ``fitted`` (fit or proxy) + ``checks``),
    how many pass, the share passed, median absolute % error, and ``inputs``: rows that set a model
    input, listed in the table but not scored; ``not_scored``: every row of the table not scored (inputs,
    unreliable observations)."""
    rows = [_counts(module, table[table["module"] == module]) for module in MODULES]
    return pd.DataFrame([*rows, _counts("all", table)])


def counts_line(summary: pd.DataFrame, skipped: pd.DataFrame) -> str:
    """What was compared, in the summary's own counts: rows of validation.csv, scored and not."""
    total = summary.set_index("module").loc["all"]
    compared, inputs = int(total["compared"]), int(total["inputs"])
    others = int(total.get("not_scored", inputs)) - inputs
    unreliable = f" and {others} unreliable" if others else ""
    return (
        f"{compared + inputs + others} observed rows compared: {compared} scored ({int(total['fitted'])} fitted or "
        f"proxy, {int(total['checks'])} checks; {int(total['passed'])} passed) and {inputs} model inputs{unreliable}, "
        f"listed but not scored; {len(skipped)} observations not covered by the map or the run (not_compared.csv "
        "says why)"
    )


def validate(
    observed_path: Path | str | None = None,
    parameters: dict[str, float] | None = None,
    seed: int = 1,
    households: int = DEFAULT_HOUSEHOLDS,
    map_path: Path | str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(validation table, module summary, observations not compared) for one history run.

    Every observation of an indicator and region the map knows is compared, in any year the
    run covers (:func:`calibration.mapping.match`); the run lasts to the latest such year
    (at least 2022). ``scored`` says whether a row counts in the summary (inputs and
    unreliable observations do not); ``reason`` says why not, or notes an assumption.
    Observations left out are listed with their ``reason``: quality target, indicator or
    region unknown to the map, no denominator, a year the run does not cover.
    ``parameters`` None: the shipped calibration; otherwise these values over the registry defaults.
    """
    observed = load_observed(observed_path)
    reference = load_observed() if observed_path is not None else None
    items, left_out = match(observed, load_map(map_path), reference)
    latest = registry()["end_year"].high or LAST_OBSERVED_YEAR  # years after the model's horizon stay unsimulated
    last = max([c.model_year for c in items if c.model_year <= latest], default=LAST_OBSERVED_YEAR)
    scenario = history_scenario(last_year=int(max(last, LAST_OBSERVED_YEAR)), calibrated=parameters is None)
    trajectory = simulate(scenario, parameters or {}, seed, households)
    table = compare(trajectory, items)
    if table.empty:
        table = pd.DataFrame(columns=[*VALIDATION_COLUMNS, "module", "role", "scored", "reason"])
        outside = table
    else:
        outside = table[table["modelled"].isna()]
        table = table[table["modelled"].notna()].reset_index(drop=True)
        units = observed.set_index(["indicator", "region", "year"])["unit"]
        keys = pd.MultiIndex.from_frame(table[["indicator", "region", "year"]])
        table["unit"] = units.reindex(keys).to_numpy()
    keyed = observed.set_index(["indicator", "region", "year"])
    outside_rows = pd.DataFrame(
        [
            {
                **dict(zip(("indicator", "region", "year"), key, strict=True)),
                "value": keyed.loc[key, "value"],
                "unit": keyed.loc[key, "unit"],
                "quality": keyed.loc[key, "quality"],
                "reason": reason,
            }
            for key, reason in zip(
                zip(outside["indicator"], outside["region"], outside["year"].astype(int), strict=True),
                outside["reason"],
                strict=True,
            )
        ],
        columns=list(NOT_COMPARED_COLUMNS),
    )
    skipped = pd.concat([df for df in (left_out, outside_rows) if not df.empty] or [left_out], ignore_index=True)
    if not skipped.empty:
        skipped["year"] = skipped["year"].astype(int)
        skipped = skipped.sort_values(["indicator", "region", "year"], kind="stable").reset_index(drop=True)
    return table, module_summary(table), skipped


def write_validation(
    table: pd.DataFrame, summary: pd.DataFrame, skipped: pd.DataFrame, out: Path, overwrite: bool = False
) -> None:
    """Write validation.csv, summary.csv and not_compared.csv as the folder ``out``: all three or nothing.

    An existing ``out`` is refused unless ``overwrite`` (and then only one this tool wrote, or
    an empty one); a refused or failed write leaves it as it was.
    """
    columns = [*VALIDATION_COLUMNS, *[c for c in table.columns if c not in VALIDATION_COLUMNS]]
    with staged_folder(Path(out), overwrite, kind="validation") as staging:
        for name, frame in (
            ("validation.csv", table[columns]),
            ("summary.csv", summary),
            ("not_compared.csv", skipped),
        ):
            frame.to_csv(staging / name, index=False)
