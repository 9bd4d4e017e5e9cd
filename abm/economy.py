"""Exogenous economic paths: GDP and value added by sector, 2020 to 2060, in 2020 prices.

GDP grows at the observed real rates for 2021-2022, at ``gdp_growth_2030`` each year
2023-2030, and at a rate moving linearly to ``gdp_growth_2060`` afterwards. The primary
and secondary shares of GDP change by fixed steps from 2023 (services take the rest);
construction is a fixed share of the secondary sector. Industrial value added is split
among the leading industries by their 2020 shares, tilted each year by each industry's
growth premium (full to 2030, half to 2040, none after).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

INDUSTRY_SECTORS = (
    "textiles_chemical_fibre",
    "pv_manufacturing",
    "batteries_electromechanical",
    "food_liquor",
    "new_materials",
    "home_furnishing_building_materials",
    "other_industry",
)
ENTERPRISE_SECTORS = (*INDUSTRY_SECTORS, "commercial_services")


@dataclass(frozen=True, slots=True)
class EconomyPath:
    """Yearly GDP and value added (100 million yuan, 2020 prices)."""

    years: NDArray[np.int64]
    gdp: NDArray[np.float64]
    primary: NDArray[np.float64]
    construction: NDArray[np.float64]
    services: NDArray[np.float64]
    industry: Mapping[str, NDArray[np.float64]]

    def index(self, year: int) -> int:
        """Position of ``year`` in the path."""
        return int(year - self.years[0])


def growth_rates(values: Mapping[str, float], years: NDArray[np.int64]) -> NDArray[np.float64]:
    """Real GDP growth (fraction) from the previous year to each year; 0 for the first."""
    g30, g60 = values["gdp_growth_2030"], values["gdp_growth_2060"]
    rates = np.empty(len(years))
    for i, year in enumerate(years):
        if year <= 2020:
            rates[i] = 0.0
        elif year == 2021:
            rates[i] = values["gdp_growth_2021"]
        elif year == 2022:
            rates[i] = values["gdp_growth_2022"]
        elif year <= 2030:
            rates[i] = g30
        else:
            rates[i] = g30 + (g60 - g30) * (year - 2030) / 30.0
    return rates / 100.0


def economy_path(values: Mapping[str, float]) -> EconomyPath:
    """GDP and value added by sector for every simulated year."""
    years = np.arange(int(values["start_year"]), int(values["end_year"]) + 1)
    gdp = values["gdp_2020"] * np.cumprod(1.0 + growth_rates(values, years))
    share_primary0 = values["va_primary_2020"] / values["gdp_2020"]
    share_secondary0 = values["va_secondary_2020"] / values["gdp_2020"]
    after = np.maximum(years - 2022, 0)
    share_primary = np.maximum(share_primary0 + values["primary_share_change"] / 100.0 * after, 0.01)
    share_secondary = np.clip(share_secondary0 + values["secondary_share_change"] / 100.0 * after, 0.05, 0.9)
    secondary = gdp * share_secondary
    construction = secondary * values["construction_share_of_secondary"]
    industry_total = secondary - construction
    primary = gdp * share_primary
    services = gdp - primary - secondary

    # tilt of each industry: premium %/yr, full to 2030, half 2031-2040, zero after
    weight = np.where(years <= 2020, 0.0, np.where(years <= 2030, 1.0, np.where(years <= 2040, 0.5, 0.0)))
    raw = {}
    for sector in INDUSTRY_SECTORS:
        premium = values[f"industry_growth_premium.{sector}"] / 100.0
        raw[sector] = values[f"industry_share_2020.{sector}"] * np.cumprod(1.0 + premium * weight)
    total = sum(raw.values())
    industry = {s: industry_total * raw[s] / total for s in INDUSTRY_SECTORS}
    industry["commercial_services"] = services
    return EconomyPath(years, gdp, primary, construction, services, industry)
