"""Carbon-market coverage: which firms pay the carbon price on the fuel they burn, in which years.

The national emissions trading scheme (ETS) covers a firm in a year when its sector is in
the market by then (``ets_coverage_year.<sector>``: power since 2021, cement and
aluminium from 2024 under the 2025 expansion, chemicals and other industry later, never
for sectors outside its plans) and the firm's direct CO2 (fuels burned and process CO2,
tCO2/yr) reaches ``ets_threshold``. An optional local scheme (the lever
``local_carbon_scheme``) covers the industrial firms the national market leaves out whose
direct CO2 reaches ``local_scheme_threshold``, at the same price. A covered firm pays the
carbon price on the CO2 of its coal, gas and oil; an uncovered one pays none. Grid
electricity carries the passed-through carbon cost of power for every firm either way
(``YearContext.tariff_with_carbon``), because power plants are covered since 2021.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def sector_coverage_years(values: Mapping[str, float], sectors: Sequence[str]) -> NDArray[np.int64]:
    """First year the national ETS covers each sector (a year after the end year means never)."""
    return np.array([int(values[f"ets_coverage_year.{s}"]) for s in sectors], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Coverage:
    """Which firms a carbon market covers this year (one entry per firm)."""

    national: BoolArray
    local: BoolArray

    @property
    def covered(self) -> BoolArray:
        """Firms that pay the carbon price on their fuels (national or local scheme)."""
        return self.national | self.local


def coverage(
    year: int,
    sector: NDArray[np.integer],
    coverage_years: NDArray[np.int64],
    direct_tco2: Array,
    is_industry: BoolArray,
    values: Mapping[str, float],
    local_scheme: bool,
) -> Coverage:
    """Coverage of every firm in ``year`` from its sector and its direct CO2 (tCO2/yr).

    National: sector covered by ``year`` and ``direct_tco2 >= ets_threshold``. Local (only
    with ``local_scheme``): an industrial firm not covered nationally with
    ``direct_tco2 >= local_scheme_threshold``.
    """
    national = (coverage_years[sector] <= year) & (direct_tco2 >= values["ets_threshold"])
    if local_scheme:
        local = ~national & is_industry & (direct_tco2 >= values["local_scheme_threshold"])
    else:
        local = np.zeros_like(national)
    return Coverage(national, local)


def fuel_carbon_cost(carbon_price: float, covered: BoolArray, pass_through: float) -> Array:
    """Carbon cost each firm bears per tonne of CO2 from its fuels (yuan/tCO2): 0 if uncovered."""
    return np.where(covered, carbon_price * pass_through, 0.0)
