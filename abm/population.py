"""Synthetic households: one row per simulated household, state held in numpy columns.

Each simulated household stands for ``weight`` real ones, so that weights always add up to
Suqian's 1,631,972 family households (2020 census) whatever ``--households`` is. Draws:

* county from the county shares; urban with the urbanisation rate;
* household size ``1 + Poisson(mean - 1)``, capped at 8;
* income per person lognormal around the urban or rural mean;
* usable roof: every rural house, a share ``urban_roof_access`` of urban homes;
* car ownership with a probability proportional to income, scaled to the observed
  cars per household; each car's service life uniform around ``car_lifetime`` and its
  age uniform within it; electric cars, home charging and early PV by their shares in the
  start year (the ``*_2020`` values, or for an earlier start the ``*_2015`` ones back-cast
  linearly, :func:`abm.context.at_year`; home charging is a property of the dwelling and
  keeps its 2020 share);
* a hurdle rate per household, lower for richer households.

Rows are ordered by stratum (county x urban/rural), and within a stratum households are
put into neighbourhoods of ``neighbourhood_size`` households, the peer groups for
diffusion; neighbourhoods are numbered across the whole city.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from abm.context import at_year
from abm.decisions import agent_hurdle_rates, service_lives
from abm.parameters import show

COUNTIES = ("sucheng", "suyu", "shuyang", "siyang", "sihong")
MIN_HOUSEHOLDS = 10  # fewer cannot fill the county and urban/rural blocks meaningfully
# The 1:1 city is 1,631,972 households; the bound leaves room above it for scale studies. A simulated
# household holds about 50 bytes of columns and about 140 bytes at the peak of a yearly step (measured:
# 380 MB for the 1:1 city against 160 MB for 20,000 households), so 4 million need about 0.7 GB.
MAX_HOUSEHOLDS = 4_000_000


class HouseholdCountError(ValueError):
    """A number of simulated households is not a whole number within the allowed range."""


def check_households(n: object, where: str = "--households") -> int:
    """``n`` if it is a whole number from MIN_HOUSEHOLDS to MAX_HOUSEHOLDS; HouseholdCountError naming ``where``."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not MIN_HOUSEHOLDS <= n <= MAX_HOUSEHOLDS:
        raise HouseholdCountError(
            f"{where} must be a whole number, at least {MIN_HOUSEHOLDS} and at most {MAX_HOUSEHOLDS:,}, "
            f"got {show(n)} (the 1:1 city is 1,631,972 households; the bound keeps a run's memory near 1 GB)"
        )
    return int(n)


@dataclass(slots=True)
class HouseholdTable:
    """State of simulated households, one entry per household in each column."""

    county: NDArray[np.int8]
    urban: NDArray[np.bool_]
    size: NDArray[np.int8]
    income: NDArray[np.float32]  # yuan per person per year, 2020
    weight: NDArray[np.float64]  # real households represented
    roof_kw: NDArray[np.float32]  # largest PV system the roof takes
    hurdle: NDArray[np.float32]  # fraction per year
    neighbourhood: NDArray[np.int32]  # peer group, numbered across the city
    has_car: NDArray[np.bool_]
    car_age: NDArray[np.float32]  # years
    car_life: NDArray[np.float32]  # age at which the car is replaced, years
    ev: NDArray[np.bool_]
    home_charging: NDArray[np.bool_]
    pv_kw: NDArray[np.float32]
    electrified: NDArray[np.bool_]
    retrofitted: NDArray[np.bool_]
    sorting: NDArray[np.bool_]
    building_saving: NDArray[np.float32]  # energy-saving rate of the dwelling, %
    subsidy_claim: NDArray[np.float64]  # subsidies claimed this year, yuan per real household
    subsidy_received: NDArray[np.float64]  # subsidies paid since the start year, yuan per real household

    def __len__(self) -> int:
        return int(self.weight.shape[0])

    @property
    def stratum(self) -> NDArray[np.int16]:
        """County x urban/rural stratum of each household (county * 2 + rural)."""
        return self.county.astype(np.int16) * 2 + ~self.urban

    def rows(self, block: slice) -> HouseholdTable:
        """A view on a contiguous block of rows; writing to it writes to this table."""
        return HouseholdTable(**{f.name: getattr(self, f.name)[block] for f in fields(self)})


def _car_probability(income: NDArray[np.float64], weight: NDArray[np.float64], target: float) -> NDArray[np.float64]:
    """Ownership probability proportional to income, capped at 1, with weighted mean ``target``."""
    relative = income / np.average(income, weights=weight)
    scale = target
    for _ in range(30):
        prob = np.minimum(scale * relative, 1.0)
        mean = np.average(prob, weights=weight)
        if abs(mean - target) < 1e-9:
            break
        scale *= target / mean
    return np.minimum(scale * relative, 1.0)


def synthesize_households(
    values: Mapping[str, float], n: int, rng: np.random.Generator
) -> tuple[HouseholdTable, list[tuple[int, bool, slice]]]:
    """Draw ``n`` households; return the table and its strata (county, urban, rows)."""
    n = check_households(n, "households")
    start = int(values["start_year"])
    shares = np.array([values[f"county_share.{c}"] for c in COUNTIES])
    county = rng.choice(len(COUNTIES), size=n, p=shares / shares.sum())
    urban = rng.random(n) < values["urbanisation_2020"] / 100.0
    order = np.lexsort((~urban, county))
    county, urban = county[order].astype(np.int8), urban[order]

    size = np.minimum(1 + rng.poisson(values["household_size_2020"] - 1.0, n), 8).astype(np.int8)
    sigma = values["income_sigma"]
    mean_income = np.where(urban, values["urban_income_2020"], values["rural_income_2020"])
    income = mean_income * np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
    weight = np.full(n, values["households_2020"] / n)

    has_roof = ~urban | (rng.random(n) < values["urban_roof_access"])
    roof_area = np.where(urban, values["household_roof_area_urban"], values["household_roof_area_rural"])
    roof_kw = np.where(has_roof, roof_area * values["pv_kw_per_m2"], 0.0)

    has_car = rng.random(n) < _car_probability(income, weight, at_year(values, "cars_per_household", start))
    ev = has_car & (rng.random(n) < at_year(values, "ev_share_of_cars", start))
    car_life = service_lives(rng.random(n), values["car_lifetime"], values["service_life_spread"])
    car_age = np.where(has_car, rng.random(n) * car_life, 0.0)
    home_share = np.where(urban, values["home_charging_urban"], values["home_charging_rural"])
    home_charging = rng.random(n) < home_share
    pv_kw = np.where(has_roof & (rng.random(n) < at_year(values, "household_pv", start)), roof_kw, 0.0)

    income_rank = np.argsort(np.argsort(income)) / max(n - 1, 1)
    hurdle = agent_hurdle_rates(
        rng,
        n,
        values["household_discount_rate"],
        values["hurdle_rate_sigma"],
        income_rank,
        values["hurdle_income_correlation"],
    )

    # neighbourhoods: numbered across the city, each within one county and urban/rural stratum
    neighbourhood = np.zeros(n, dtype=np.int32)
    strata: list[tuple[int, bool, slice]] = []
    group_size = int(values["neighbourhood_size"])
    start = 0
    groups = 0
    for c in range(len(COUNTIES)):
        for is_urban in (True, False):
            stop = start + int(np.count_nonzero((county == c) & (urban == is_urban)))
            if stop > start:
                count = stop - start
                neighbourhood[start:stop] = groups + rng.permutation(count) // group_size
                groups += int(np.ceil(count / group_size))
                strata.append((c, is_urban, slice(start, stop)))
            start = stop

    table = HouseholdTable(
        county=county,
        urban=urban,
        size=size,
        income=income.astype(np.float32),
        weight=weight,
        roof_kw=roof_kw.astype(np.float32),
        hurdle=hurdle.astype(np.float32),
        neighbourhood=neighbourhood,
        has_car=has_car,
        car_age=car_age.astype(np.float32),
        car_life=car_life.astype(np.float32),
        ev=ev,
        home_charging=home_charging,
        pv_kw=pv_kw.astype(np.float32),
        electrified=np.zeros(n, dtype=bool),
        retrofitted=np.zeros(n, dtype=bool),
        sorting=np.zeros(n, dtype=bool),
        building_saving=np.full(n, values["stock_building_saving"], dtype=np.float32),
        subsidy_claim=np.zeros(n),
        subsidy_received=np.zeros(n),
    )
    return table, strata
