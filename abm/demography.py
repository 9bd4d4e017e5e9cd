"""Population paths (residents, urbanisation, households) and the households that form and move to town.

Paths, year-end values, 2015 (or an earlier start year) to the end year:

* residents (persons): the observed year-end counts of 2017, 2018, 2021 and 2022 and the
  2020 census (the anchor; the derived year-end 2020 count is 0.04 % higher); 2019 by
  geometric interpolation between 2018 and 2020, 2015-2016 between the 2010 census
  (taken as year-end 2010) and 2017; from 2023 ``residents_trend`` %/yr;
* urbanisation (% of residents): observed 2017, 2018 and 2020-2022; 2015 is the urban
  residents of 2015 over the residents path; 2016 and 2019 linear between their
  neighbours; from 2023 linear to ``urbanisation_2035``, then to ``urbanisation_2060``;
* mean family-household size (persons): geometric between the 2010 and 2020 censuses,
  from 2021 falling ``household_size_decline`` %/yr down to ``household_size_floor``;
* family households: ``households_2020`` (census) moved with residents over mean size,
  so that it equals the census count in 2020.

In the model (:func:`form_households`, :func:`urbanise`), every year each simulated
household's weight becomes the year's household count over the number of simulated
households (household formation), and rural households move to town, in the order of
their draw for ``household.urbanise``, until the weighted urban share of household members
reaches the year's urbanisation rate (never the other way). A household that moves keeps
its income, size, car and anything it has installed; it takes an urban dwelling: its usable
roof is drawn as for urban homes (a share ``urban_roof_access``), except that a household
with rooftop PV keeps that roof (rural homestead land stays with the family), and its home
charging is drawn with the urban share ``home_charging_urban``. It stays in its
neighbourhood (peer group).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from abm.economy import BASE_YEAR, FIRST_HISTORY_YEAR, LAST_DATA_YEAR
from abm.population import HouseholdTable
from abm.streams import uniform

RESIDENTS_OBSERVED = (2017, 2018, 2020, 2021, 2022)  # years with a registry row residents_<year>
URBANISATION_OBSERVED = (2017, 2018, 2020, 2021, 2022)  # years with a registry row urbanisation_<year>


@dataclass(frozen=True, slots=True)
class PopulationPath:
    """Yearly residents (persons), urbanisation (%), mean household size (persons) and households."""

    years: NDArray[np.int64]
    residents: NDArray[np.float64]
    urbanisation: NDArray[np.float64]
    household_size: NDArray[np.float64]
    households: NDArray[np.float64]

    def index(self, year: int) -> int:
        """Position of ``year`` in the path."""
        return int(year - self.years[0])


def _geometric(a: float, b: float, fraction: float) -> float:
    return a * (b / a) ** fraction


def residents_path(values: Mapping[str, float], years: NDArray[np.int64]) -> NDArray[np.float64]:
    """Year-end residents (persons) in each year."""
    known = {y: values[f"residents_{y}"] for y in RESIDENTS_OBSERVED}
    census_2010 = values["residents_2010_census"]
    trend = 1.0 + values["residents_trend"] / 100.0
    out = np.empty(len(years))
    for i, year in enumerate(int(y) for y in years):
        if year in known:
            out[i] = known[year]
        elif year == 2019:
            out[i] = _geometric(known[2018], known[2020], 0.5)
        elif year < 2017:
            out[i] = _geometric(census_2010, known[2017], (year - 2010) / 7.0)
        else:
            out[i] = known[LAST_DATA_YEAR] * trend ** (year - LAST_DATA_YEAR)
    return out


def urbanisation_path(
    values: Mapping[str, float], years: NDArray[np.int64], residents: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Urban share of residents (%) in each year."""
    known = {y: values[f"urbanisation_{y}"] for y in URBANISATION_OBSERVED}
    first = int(years[0])
    known[FIRST_HISTORY_YEAR] = 100.0 * values["urban_residents_2015"] / residents[FIRST_HISTORY_YEAR - first]
    known[2016] = 0.5 * (known[2015] + known[2017])
    known[2019] = 0.5 * (known[2018] + known[2020])
    u22, u35, u60 = known[LAST_DATA_YEAR], values["urbanisation_2035"], values["urbanisation_2060"]
    out = np.empty(len(years))
    for i, year in enumerate(int(y) for y in years):
        if year in known:
            out[i] = known[year]
        elif year < FIRST_HISTORY_YEAR:
            out[i] = known[FIRST_HISTORY_YEAR]  # not used by the model's start years
        elif year <= 2035:
            out[i] = u22 + (u35 - u22) * (year - LAST_DATA_YEAR) / (2035 - LAST_DATA_YEAR)
        else:
            out[i] = u35 + (u60 - u35) * (year - 2035) / 25.0
    return out


def household_size_path(values: Mapping[str, float], years: NDArray[np.int64]) -> NDArray[np.float64]:
    """Mean family-household size (persons) in each year."""
    s10, s20 = values["household_size_2010"], values["household_size_2020"]
    decline = 1.0 - values["household_size_decline"] / 100.0
    fraction = (years - 2010) / 10.0
    projected = np.maximum(s20 * decline ** (years - BASE_YEAR), values["household_size_floor"])
    return np.where(years <= BASE_YEAR, s10 * (s20 / s10) ** fraction, projected)


def population_path(values: Mapping[str, float]) -> PopulationPath:
    """Residents, urbanisation, household size and households from 2015 (or the start year) to the end year."""
    years = np.arange(min(FIRST_HISTORY_YEAR, int(values["start_year"])), int(values["end_year"]) + 1)
    residents = residents_path(values, years)
    urbanisation = urbanisation_path(values, years, residents)
    size = household_size_path(values, years)
    i20 = BASE_YEAR - int(years[0])
    households = values["households_2020"] * (residents / residents[i20]) * (size[i20] / size)
    return PopulationPath(years, residents, urbanisation, size, households)


def synthesis_values(values: Mapping[str, float], path: PopulationPath) -> dict[str, float]:
    """Registry values for drawing the start year's households: urban with the start year's urbanisation.

    The synthesis draws urban households with ``urbanisation_2020``; a run that starts
    earlier must start with the urban share of its start year, since households only
    move to town. For a start in 2020 the values are unchanged.
    """
    out = dict(values)
    out["urbanisation_2020"] = float(path.urbanisation[path.index(int(values["start_year"]))])
    return out


def form_households(table: HouseholdTable, households: float) -> None:
    """Rescale every simulated household's weight so that the weights add up to ``households``."""
    table.weight[:] = households / len(table)


def urbanise(table: HouseholdTable, rate: float, values: Mapping[str, float], seed: int, year: int) -> NDArray[np.intp]:
    """Move rural households to town until urban members reach ``rate`` % of members; returns the movers' rows.

    Rural households move in the order of their uniform draw for ``household.urbanise``
    (lowest first), as many as keep the urban share at or below ``rate``; none moves
    when the share is already there. Movers take an urban dwelling (see the module
    docstring).
    """
    size = table.size.astype(np.float64) * table.weight
    rural = np.flatnonzero(~table.urban)
    needed = rate / 100.0 * float(size.sum()) - float(size[table.urban].sum())
    if needed <= 0.0 or rural.size == 0:
        return rural[:0]
    order = rural[np.argsort(uniform(seed, "household.urbanise", year, rural), kind="stable")]
    moved = int(np.searchsorted(np.cumsum(size[order]), needed, side="right"))
    movers = np.sort(order[:moved])
    table.urban[movers] = True
    roof_draw = uniform(seed, "household.urban_roof", year, movers)
    urban_roof = np.where(
        roof_draw < values["urban_roof_access"], values["household_roof_area_urban"] * values["pv_kw_per_m2"], 0.0
    )
    keeps_roof = table.pv_kw[movers] > 0
    table.roof_kw[movers] = np.where(keeps_roof, table.roof_kw[movers], urban_roof).astype(np.float32)
    charging = uniform(seed, "household.urban_charging", year, movers) < values["home_charging_urban"]
    table.home_charging[movers] = charging
    return movers


def population_year(
    table: HouseholdTable, path: PopulationPath, values: Mapping[str, float], seed: int, year: int
) -> None:
    """The year's household formation and, after the start year, moves to town."""
    i = path.index(year)
    form_households(table, float(path.households[i]))
    if year > int(values["start_year"]):
        urbanise(table, float(path.urbanisation[i]), values, seed, year)
