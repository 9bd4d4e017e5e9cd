"""The pattern table: what the shared data record about Suqian's history, against a history run.

Each row is one pattern: a level, a trend, a structure or a growth rate that the observed
data hold, computed the same way from the model's trajectory (like with like), with a
metric, a tolerance and whether the model passes. A pattern whose years the run does not
cover, or that the model cannot express, is listed with the reason and not scored.

Conventions:

* CO2 is the CEADs city inventory: territorial (apparent consumption of fossil fuels by
  every emitter inside the prefecture, the local power and heat plants included) plus
  industrial processes. Its model counterpart is ``co2_territorial`` (direct emissions of
  every model sector, local power and heat included), not ``co2_with_electricity``, which
  adds the emissions of imported electricity.
* Money: GDP at current prices against the modelled GDP (2020 prices) times the GDP
  deflator (``calibration.mapping.price_factor``); shares at current prices against
  shares at 2020 prices; real growth against modelled growth.
* Jiangsu figures stand in for Suqian's where Suqian has none (role ``proxy``).
* Role ``input``: the observation sets a model input (in 2020, or the 2021-2022 growth),
  so agreement is by construction; the row is shown, not scored. ``check``: indicative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from abm.model import DEFAULT_HOUSEHOLDS
from calibration.mapping import PRICE_BASE_YEAR, deflator_path, price_factor, registry_inputs
from calibration.observed import load_observed
from calibration.simulate import LAST_OBSERVED_YEAR, history_scenario, simulate

PATTERN_COLUMNS = (
    "pattern",
    "years",
    "observed",
    "modelled",
    "unit",
    "metric",
    "error",
    "tolerance",
    "passed",
    "scored",
    "role",
    "model_series",
    "reason",
)
INDUSTRY = (
    "batteries_electromechanical",
    "food_liquor",
    "home_furnishing_building_materials",
    "new_materials",
    "other_industry",
    "pv_manufacturing",
    "textiles_chemical_fibre",
)
BROAD_SECTORS = {
    "primary": ("agriculture",),
    "secondary": (*INDUSTRY, "construction"),
    "tertiary": ("commercial_services",),
}
# Jiangsu CEADs sector rows (direct emissions) -> the model's CO2 sectors they correspond to
CEADS_SECTORS = {
    "power and heat": (("power_heat",), ("power_heat",)),
    "transport": (("transport",), ("transport",)),
    "households": (("residential_urban", "residential_rural"), ("buildings_residential",)),
    "agriculture": (("agriculture",), ("agriculture",)),
    "textiles and chemical fibre": (("textile", "chemical_fibre"), ("textiles_chemical_fibre",)),
    "beverages": (("beverage",), ("food_liquor",)),
    "non-metallic minerals": (("nonmetal_minerals",), ("home_furnishing_building_materials",)),
    "electrical equipment": (("electrical_equipment",), ("batteries_electromechanical", "pv_manufacturing")),
}
COUNTIES = ("sucheng", "suyu", "shuyang", "siyang", "sihong")
CEADS_YEARS = (2015, 2019)
COUNTY_YEARS = (2010, 2017)
CARS_PER_MOTOR_VEHICLE = 0.75  # private cars / motor vehicles, Jiangsu 2021 (private_car_stock / motor_vehicle_stock)


@dataclass(frozen=True, slots=True)
class Run:
    """The trajectory of a history run, by (indicator, sector, year)."""

    values: dict[tuple[str, str, int], float]
    first: int
    last: int

    @classmethod
    def of(cls, trajectory: pd.DataFrame) -> Run:
        values = dict(
            zip(
                zip(trajectory["indicator"], trajectory["sector"], trajectory["year"].astype(int), strict=True),
                trajectory["value"].astype(float),
                strict=True,
            )
        )
        return cls(values, int(trajectory["year"].min()), int(trajectory["year"].max()))

    def covers(self, years: Sequence[int]) -> bool:
        return all(self.first <= y <= self.last for y in years)

    def get(self, indicator: str, sectors: Sequence[str], year: int) -> float:
        """Sum over sectors (NaN where the run does not cover the year)."""
        if not self.first <= year <= self.last:
            return np.nan
        return float(sum(self.values[(indicator, s, year)] for s in sectors))

    def share(self, indicator: str, sectors: Sequence[str], year: int) -> float:
        return 100.0 * self.get(indicator, sectors, year) / self.get(indicator, ("total",), year)

    def growth(self, indicator: str, sectors: Sequence[str], year: int) -> float:
        if not self.covers((year - 1, year)):
            return np.nan
        return 100.0 * (self.get(indicator, sectors, year) / self.get(indicator, sectors, year - 1) - 1.0)


class Observed:
    """Observed values by (indicator, region, year)."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.rows = {(r.indicator, r.region, int(r.year)): r for r in table.itertuples(index=False)}

    def value(self, indicator: str, year: int, region: str = "suqian") -> float:
        row = self.rows.get((indicator, region, year))
        return float(row.value) if row is not None else np.nan

    def quality(self, indicator: str, year: int, region: str = "suqian") -> str:
        row = self.rows.get((indicator, region, year))
        return row.quality if row is not None else ""

    def years(self, indicator: str, region: str = "suqian") -> list[int]:
        return sorted(y for (i, r, y) in self.rows if i == indicator and r == region)


def _span(years: Sequence[int]) -> str:
    years = sorted(years)
    if not years:
        return ""
    return (
        f"{years[0]}-{years[-1]}"
        if years[-1] - years[0] == len(years) - 1 and len(years) > 1
        else ", ".join(str(y) for y in years)
    )


def _row(
    pattern: str,
    years: Sequence[int],
    observed: float,
    modelled: float | Callable[[], float],
    unit: str,
    metric: str,
    tolerance: float,
    role: str,
    model_series: str,
    run: Run,
    reason: str = "",
    needs: Sequence[int] = (),
    why_input: str = "the observation sets a model input (agreement up to sampling)",
    inputs_of: Sequence[tuple[str, int]] = (),
) -> dict[str, object]:
    """One pattern row; ``metric`` is ``%`` (relative error) or ``points`` / a unit (absolute error).

    ``needs``: model years the row needs besides ``years`` (the year before, for a growth rate).
    ``inputs_of``: the Suqian observations (indicator, year) the row compares; when the registry
    takes a fixed parameter from every one of them, the row is an ``input``.
    """
    fixed = registry_inputs()
    params = [fixed.get((indicator, "suqian", year)) for indicator, year in inputs_of]
    if params and all(params):
        role = "input"
        why_input = f"the observation sets a fixed model input ({', '.join(sorted(set(params)))})"
    needed = sorted({*years, *needs})
    if not reason and not run.covers(needed):
        missing = [y for y in needed if not run.first <= y <= run.last]
        reason = f"{_span(missing)} not simulated (the run covers {run.first}-{run.last})"
    value = np.nan if reason else (modelled() if callable(modelled) else modelled)
    if not reason and not np.isfinite(value):
        reason = (
            "no model value: current prices and no deflator before 2020"
            if "deflator" in model_series
            else ("no model value (a zero base)")
        )
    relative = 100.0 * (value - observed) / abs(observed) if observed else np.nan
    error = relative if metric == "%" else value - observed
    covered = bool(np.isfinite(error))
    passed = bool(abs(error) <= tolerance) if covered else None
    if covered and role == "input":
        reason = reason or f"role input: {why_input}, not scored"
    return {
        "pattern": pattern,
        "years": _span(years),
        "observed": observed,
        "modelled": value,
        "unit": unit,
        "metric": "relative error, %" if metric == "%" else f"difference, {metric}",
        "error": error,
        "tolerance": f"{tolerance:.3g} {metric}",
        "passed": passed,
        "scored": covered and role != "input" and "unreliable" not in reason,
        "role": role,
        "model_series": model_series,
        "reason": reason,
    }


def _ceads(obs: Observed, run: Run) -> list[dict[str, object]]:
    years = list(range(CEADS_YEARS[0], CEADS_YEARS[1] + 1))
    level = np.array([obs.value("co2_emissions_ceads", y) for y in years])
    series = "co2_territorial total (direct emissions of every sector, local power and heat plants included)"

    def modelled_level() -> float:
        return float(np.mean([run.get("co2_territorial", ("total",), y) for y in years]))

    def modelled_slope() -> float:
        return float(np.polyfit(years, [run.get("co2_territorial", ("total",), y) for y in years], 1)[0])

    slope, intercept = np.polyfit(years, level, 1)
    residual = level - (slope * np.array(years) + intercept)
    se = float(np.sqrt(np.sum(residual**2) / (len(years) - 2) / np.sum((np.array(years) - np.mean(years)) ** 2)))
    rows = [
        _row("Suqian CO2, CEADs: mean level", years, float(level.mean()), modelled_level, "MtCO2", "%", 25.0,
             "fit", series, run),
        _row("Suqian CO2, CEADs: trend (least-squares slope; tolerance 2 standard errors of the observed slope)",
             years, float(slope), modelled_slope, "MtCO2 per year", "MtCO2/yr", 2.0 * se, "fit", series, run),
    ]  # fmt: skip
    total = np.array([obs.value("co2_emissions_ceads", y, "jiangsu") for y in years])
    for name, (ceads, model) in CEADS_SECTORS.items():
        part = np.array([sum(obs.value(f"co2_emissions_ceads_{c}", y, "jiangsu") for c in ceads) for y in years])
        observed = float(np.mean(100.0 * part / total))

        def modelled(model: tuple[str, ...] = model) -> float:
            return float(np.mean([run.share("co2_territorial", model, y) for y in years]))

        rows.append(
            _row(f"CO2 structure: {name} share (Jiangsu CEADs for Suqian)", years, observed, modelled,
                 "% of the total", "%", 50.0, "proxy", f"co2_territorial {'+'.join(model)} / total", run)
        )  # fmt: skip
    return rows


def _counties(obs: Observed, run: Run) -> list[dict[str, object]]:
    years = list(range(COUNTY_YEARS[0], COUNTY_YEARS[1] + 1))
    total = np.array(
        [sum(obs.value("co2_emissions_county_chen2020", y, f"suqian_{c}") for c in COUNTIES) for y in years]
    )
    reason = (
        "not expressible: the model places households in counties, but firms, power and heat plants and "
        "transport have no county, so its territorial CO2 has no county split"
    )
    rows = []
    for county in COUNTIES:
        part = np.array([obs.value("co2_emissions_county_chen2020", y, f"suqian_{county}") for y in years])
        rows.append(
            _row(f"county CO2 share: {county} (Chen et al. 2020, spatial pattern)", years,
                 float(np.mean(100.0 * part / total)), np.nan, "% of the five counties", "points", 5.0, "check",
                 "none", run, reason)
        )  # fmt: skip
    return rows


def _economy(obs: Observed, run: Run) -> list[dict[str, object]]:
    rows = []
    for year in obs.years("gdp"):
        if year < 2015:
            continue
        deflated = year in deflator_path() and year != PRICE_BASE_YEAR
        role = "input" if year == PRICE_BASE_YEAR or deflated else "check" if year == 2017 else "fit"
        why = (
            "the deflator of this year is derived from this value and the real growth the model is given, "
            "so the two agree by construction"
            if deflated
            else "the observation sets a model input"
        )
        label = "GDP at current prices" + (" (before the 2018 census revision)" if year == 2017 else "")
        rows.append(
            _row(label, [year], obs.value("gdp", year),
                 lambda y=year: run.get("gdp", ("total",), y) * price_factor(y), "100 million yuan", "%", 3.0, role,
                 "gdp x GDP deflator / 2020 deflator (calibration/data/deflator.csv)", run, why_input=why,
                 inputs_of=[("gdp", year)])
        )  # fmt: skip
    for year in obs.years("gdp_real_growth"):
        if year < 2016:
            continue
        role = "input" if year in (2021, 2022) else "fit"
        rows.append(
            _row("GDP real growth", [year], obs.value("gdp_real_growth", year),
                 lambda y=year: run.growth("gdp", ("total",), y), "% y/y", "points", 1.0, role, "gdp growth", run,
                 needs=[year - 1], inputs_of=[("gdp_real_growth", year)])
        )  # fmt: skip
    for broad, sectors in BROAD_SECTORS.items():
        for year in obs.years(f"va_{broad}"):
            observed = 100.0 * obs.value(f"va_{broad}", year) / obs.value("gdp", year)
            rows.append(
                _row(f"{broad} share of GDP", [year], observed,
                     lambda y=year, s=sectors: run.share("value_added", s, y), "% of GDP", "points", 2.0,
                     "input" if year == 2020 else "check",
                     "value_added share at 2020 prices (observed at current prices)", run,
                     inputs_of=[(f"va_{broad}", year)])
            )  # fmt: skip
        for year in obs.years(f"va_{broad}_growth"):
            rows.append(
                _row(f"{broad} value added, real growth", [year], obs.value(f"va_{broad}_growth", year),
                     lambda y=year, s=sectors: run.growth("value_added", s, y), "% y/y", "points", 2.0, "check",
                     "value_added growth", run, needs=[year - 1],
                     inputs_of=[(f"va_{broad}_growth", year)])
            )  # fmt: skip
    pv = [y for y in obs.years("pv_industry_chain_output") if y >= 2020]
    if pv:
        first, last = pv[0], pv[-1]
        rows.append(
            _row("PV industry chain: output growth (ratio of last to first year)", pv,
                 obs.value("pv_industry_chain_output", last) / obs.value("pv_industry_chain_output", first),
                 lambda: run.get("value_added", ("pv_manufacturing",), last)
                 / run.get("value_added", ("pv_manufacturing",), first),
                 "ratio", "%", 25.0, "check",
                 "value_added pv_manufacturing (2020 prices; observed gross output at current prices, while "
                 "module prices fell)", run,
                 inputs_of=[("pv_industry_chain_output", first), ("pv_industry_chain_output", last)])
        )  # fmt: skip
    return rows


def _population(obs: Observed, run: Run) -> list[dict[str, object]]:
    rows = []
    for year in obs.years("resident_population"):
        rows.append(
            _row("resident population", [year], obs.value("resident_population", year),
                 lambda y=year: run.get("residents", ("total",), y) * 1e-4, "10k persons", "%", 2.0,
                 "input" if year == 2020 else "fit", "residents", run,
                 inputs_of=[("resident_population", year)])
        )  # fmt: skip
    for year in obs.years("urbanization_rate"):
        rows.append(
            _row("urbanisation rate", [year], obs.value("urbanization_rate", year),
                 lambda y=year: run.get("urbanisation_rate", ("total",), y), "%", "points", 2.0,
                 "input" if year == 2020 else "fit", "urbanisation_rate", run,
                 inputs_of=[("urbanization_rate", year)])
        )  # fmt: skip
    return rows


def _electricity(obs: Observed, run: Run) -> list[dict[str, object]]:
    years = obs.years("electricity_consumption_total", "jiangsu")
    rows = []
    for a, b in pairwise(years):
        observed = 100.0 * (
            obs.value("electricity_consumption_total", b, "jiangsu")
            / obs.value("electricity_consumption_total", a, "jiangsu")
            - 1.0
        )
        rows.append(
            _row("electricity use growth (Jiangsu for Suqian)", [a, b], observed,
                 lambda y=b: run.growth("final_energy_electricity", ("total",), y), "% y/y", "points", 3.0,
                 "proxy", "final_energy_electricity total growth", run)
        )  # fmt: skip
    shares = {
        "industrial": (INDUSTRY, "check"),
        "residential": (("buildings_residential",), "check"),
        "primary": (("agriculture",), "check"),
        "tertiary": (("buildings_commercial", "transport"), "check"),
    }
    for name, (sectors, role) in shares.items():
        observed = float(
            np.mean(
                [
                    100.0
                    * obs.value(f"electricity_consumption_{name}", y, "jiangsu")
                    / obs.value("electricity_consumption_total", y, "jiangsu")
                    for y in years
                ]
            )
        )
        rows.append(
            _row(f"electricity structure: {name} share, mean (Jiangsu for Suqian)", years, observed,
                 lambda s=sectors: float(np.mean([run.share("final_energy_electricity", s, y) for y in years])),
                 "% of use", "%", 30.0, role, f"final_energy_electricity {'+'.join(sectors)} / total", run)
        )  # fmt: skip
    return rows


def _vehicles(obs: Observed, run: Run) -> list[dict[str, object]]:
    rows = []
    for year in obs.years("motor_vehicle_stock"):
        unreliable = obs.quality("motor_vehicle_stock", year) == "unreliable"
        rows.append(
            _row("motor vehicle stock", [year], obs.value("motor_vehicle_stock", year),
                 lambda y=year: run.get("private_cars", ("transport",), y) / CARS_PER_MOTOR_VEHICLE * 1e-4,
                 "10k vehicles", "%", 10.0, "fit",
                 f"private_cars / {CARS_PER_MOTOR_VEHICLE} (private cars' share of Jiangsu's motor vehicles, 2021)",
                 run)
        )  # fmt: skip
        if unreliable and np.isfinite(rows[-1]["error"]):
            rows[-1]["scored"] = False
            rows[-1]["reason"] = "quality unreliable (the source gives the same figure for Lianyungang): not scored"
    years = obs.years("private_car_stock", "jiangsu")
    for a, b in pairwise(years):
        observed = 100.0 * (
            obs.value("private_car_stock", b, "jiangsu") / obs.value("private_car_stock", a, "jiangsu") - 1.0
        )
        rows.append(
            _row("private car stock growth (Jiangsu for Suqian)", [a, b], observed,
                 lambda y=b: run.growth("private_cars", ("transport",), y), "% y/y", "points", 3.0, "proxy",
                 "private_cars growth", run)
        )  # fmt: skip
    return rows


def pattern_table(trajectory: pd.DataFrame, observed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every pattern of the observed data (the shipped file by default) against a history run's trajectory."""
    obs = Observed(observed if observed is not None else load_observed())
    run = Run.of(trajectory)
    rows = [
        *_ceads(obs, run),
        *_counties(obs, run),
        *_economy(obs, run),
        *_population(obs, run),
        *_electricity(obs, run),
        *_vehicles(obs, run),
    ]
    return pd.DataFrame(rows, columns=list(PATTERN_COLUMNS))


def history_patterns(
    seed: int = 1,
    households: int = DEFAULT_HOUSEHOLDS,
    parameters: dict[str, float] | None = None,
) -> pd.DataFrame:
    """The pattern table of one history run to the last observed year (shipped calibration unless ``parameters``)."""
    scenario = history_scenario(LAST_OBSERVED_YEAR, calibrated=parameters is None)
    return pattern_table(simulate(scenario, parameters or {}, seed, households))


def pattern_summary(table: pd.DataFrame) -> str:
    """One line: how many patterns were scored and passed, how many were not and why."""
    scored = table[table["scored"].astype(bool)]
    return (
        f"{len(table)} patterns: {len(scored)} scored, {int(scored['passed'].sum())} passed; "
        f"{len(table) - len(scored)} not scored (inputs, unreliable, not simulated or not expressible)"
    )
