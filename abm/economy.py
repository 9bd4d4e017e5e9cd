"""Exogenous economic paths: GDP and value added by sector, 2015 to 2060, in 2020 prices.

The path is anchored at 2020 (``gdp_2020`` and the 2020 value added of the three broad
sectors) and runs from 2015 (or ``start_year`` if earlier) to ``end_year``.

Real GDP follows the observed real growth of 2016 and 2020-2022. 2017-2019 have no
comparable observation (the 2017 level predates the 4th economic census revision), so one
constant rate fills them: the rate that takes the 2016 level, moved to 2020 prices with
``gdp_deflator_growth_2017_2020``, to the 2019 level implied by 2020's real growth. 2015
is 2016 less its real growth. From 2023 growth is ``gdp_growth_2030`` each year to 2030,
then moves linearly to ``gdp_growth_2060``.

Broad sectors. Primary and secondary value added follow their observed real growth in
2016, 2020 and 2022; their 2016 level is the observed 2016 share of GDP (relative prices
of 2016 and 2020 taken as equal) and 2017-2019 are geometric interpolation between the
2016 and 2019 levels. In 2021 primary grows at its 2022 rate (assumption), and secondary at
the rate that makes its 2022 share of real GDP equal to the observed 2022 share at current
prices (relative prices 2020-2022 taken as equal, as the structure check does). Services
are GDP less the other two in every year. From 2023 the primary and secondary shares move
from their 2022 values by fixed steps.

Industry. Construction is ``construction_share_of_secondary`` of secondary value added,
except in 2022, when industry grows at the observed above-scale industrial rate and
construction is the rest of the secondary sector; from 2023 construction keeps its 2022
share. Industrial value added is split among the leading industries:

* to 2020, by the 2020 shares (the 2015-2016 output statistics of the characteristic,
  emerging and liquor industries predate the 2018-2019 revision of above-scale statistics
  and do not form a series with 2020-2022);
* PV manufacturing 2021-2022 follows the PV chain's gross output at current prices divided
  by a module-price index (value added taken proportional to real output); the other
  industries share the rest of 2021 alike; in 2022 the five other leading industries and
  ``other_industry`` grow at their observed nominal output growth over one common
  deflator, solved so that industry as a whole grows at the observed real rate;
* from 2023, the 2022 shares tilted each year by each industry's growth premium (full to
  2030, half to 2040, none after), plus for PV a boom premium that halves every
  ``pv_boom_half_life`` years.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from abm.context import BASE_YEAR  # anchor of every level and of prices

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
FIRST_HISTORY_YEAR = 2015  # first year the path is set from observations
LAST_DATA_YEAR = 2022  # last year with observed growth


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

    @property
    def secondary(self) -> NDArray[np.float64]:
        """Secondary value added: industry and construction (100 million yuan, 2020 prices)."""
        return self.construction + sum(self.industry[s] for s in INDUSTRY_SECTORS)


def path_years(values: Mapping[str, float]) -> NDArray[np.int64]:
    """Years of the path: from 2015 (or an earlier start year) to the end year."""
    first = min(FIRST_HISTORY_YEAR, int(values["start_year"]))
    return np.arange(first, int(values["end_year"]) + 1)


def filled_growth_2017_2019(values: Mapping[str, float]) -> float:
    """Real GDP growth (fraction per year) that fills 2017-2019 between the 2016 and 2019 levels."""
    gdp_2016 = values["gdp_2016_current"] * (1.0 + values["gdp_deflator_growth_2017_2020"] / 100.0) ** 4
    gdp_2019 = values["gdp_2020"] / (1.0 + values["gdp_growth_2020"] / 100.0)
    return float((gdp_2019 / gdp_2016) ** (1.0 / 3.0) - 1.0)


def growth_rates(values: Mapping[str, float], years: NDArray[np.int64]) -> NDArray[np.float64]:
    """Real GDP growth (fraction) from the previous year to each year."""
    g30, g60 = values["gdp_growth_2030"], values["gdp_growth_2060"]
    observed = {2016: values["gdp_growth_2016"], 2020: values["gdp_growth_2020"]}
    observed |= {2021: values["gdp_growth_2021"], 2022: values["gdp_growth_2022"]}
    filled = 100.0 * filled_growth_2017_2019(values)
    rates = np.empty(len(years))
    for i, year in enumerate(years):
        if year in observed:
            rates[i] = observed[int(year)]
        elif 2017 <= year <= 2019:
            rates[i] = filled
        elif year <= FIRST_HISTORY_YEAR:
            rates[i] = values["gdp_growth_2016"]  # before 2016: the 2016 rate (no observation)
        elif year <= 2030:
            rates[i] = g30
        else:
            rates[i] = g30 + (g60 - g30) * (year - 2030) / 30.0
    return rates / 100.0


def _levels(years: NDArray[np.int64], growth: NDArray[np.float64], anchor: float) -> NDArray[np.float64]:
    """Levels with ``growth`` (to each year from the previous one) and value ``anchor`` in 2020."""
    log_level = np.cumsum(np.log1p(growth))
    return anchor * np.exp(log_level - log_level[int(BASE_YEAR - years[0])])


def _broad_sector(
    values: Mapping[str, float], sector: str, years: NDArray[np.int64], gdp: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Primary or secondary value added to 2022 (2020 prices), from its observations (see module docstring)."""
    at = {int(y): i for i, y in enumerate(years)}
    level = {2020: values[f"va_{sector}_2020"]}
    level[2019] = level[2020] / (1.0 + values[f"va_{sector}_growth_2020"] / 100.0)
    level[2016] = values[f"va_{sector}_share_2016"] / 100.0 * gdp[at[2016]]
    level[2015] = level[2016] / (1.0 + values[f"va_{sector}_growth_2016"] / 100.0)
    step = (level[2019] / level[2016]) ** (1.0 / 3.0)
    level[2017], level[2018] = level[2016] * step, level[2016] * step**2
    g22 = values[f"va_{sector}_growth_2022"] / 100.0
    if sector == "secondary":
        share_2022 = values["va_secondary_2022_current"] / values["gdp_2022_current"]
        level[2022] = share_2022 * gdp[at[2022]]
        level[2021] = level[2022] / (1.0 + g22)
    else:
        level[2021] = level[2020] * (1.0 + g22)
        level[2022] = level[2021] * (1.0 + g22)
    out = np.full(len(years), np.nan)
    for year, x in level.items():
        if year in at:
            out[at[year]] = x
    for year in range(FIRST_HISTORY_YEAR - 1, int(years[0]) - 1, -1):  # before 2015: at GDP's rate
        out[at[year]] = out[at[year] + 1] * gdp[at[year]] / gdp[at[year] + 1]
    return out


def pv_real_index(values: Mapping[str, float], year: int) -> float:
    """PV manufacturing real output relative to 2020: gross output at current prices over the module-price index."""
    if year == BASE_YEAR:
        return 1.0
    nominal = values[f"pv_chain_output_{year}"] / values["pv_chain_output_2020"]
    return nominal / values[f"pv_module_price_index_{year}"]


def _industry_2021_2022(
    values: Mapping[str, float], shares_2020: dict[str, float], total_2020: float, total_2021: float, total_2022: float
) -> dict[str, tuple[float, float]]:
    """Value added of each industry in 2021 and 2022 (2020 prices) from the output statistics."""
    pv = "pv_manufacturing"
    pv21 = shares_2020[pv] * total_2020 * pv_real_index(values, 2021)
    pv22 = shares_2020[pv] * total_2020 * pv_real_index(values, 2022)
    others = [s for s in INDUSTRY_SECTORS if s != pv]
    rest_2020 = total_2020 * (1.0 - shares_2020[pv])
    v21 = {s: shares_2020[s] * total_2020 * (total_2021 - pv21) / rest_2020 for s in others}
    # 2022: nominal output growth of the five other leading industries and of the rest of above-scale industry
    six22 = values["six_leading_output_2022"]
    six21 = six22 / (1.0 + values["six_leading_output_growth_2022"] / 100.0)
    all22 = six22 / (values["six_leading_share_of_above_scale_2022"] / 100.0)
    all21 = all22 / (1.0 + values["above_scale_output_growth_2022"] / 100.0)
    pv_out21, pv_out22 = values["pv_chain_output_2021"], values["pv_chain_output_2022"]
    five_growth = (six22 - pv_out22) / (six21 - pv_out21)
    rest_growth = (all22 - six22) / (all21 - six21)
    nominal = {s: v21[s] * (rest_growth if s == "other_industry" else five_growth) for s in others}
    deflator = sum(nominal.values()) / (total_2022 - pv22)
    out = {pv: (pv21, pv22)}
    out |= {s: (v21[s], nominal[s] / deflator) for s in others}
    return out


def economy_path(values: Mapping[str, float]) -> EconomyPath:
    """GDP and value added by sector for every year of the path (100 million yuan, 2020 prices)."""
    years = path_years(values)
    at = {int(y): i for i, y in enumerate(years)}
    gdp = _levels(years, growth_rates(values, years), values["gdp_2020"])
    n = len(years)
    history = years <= LAST_DATA_YEAR
    primary = np.empty(n)
    secondary = np.empty(n)
    primary[history] = _broad_sector(values, "primary", years, gdp)[history]
    secondary[history] = _broad_sector(values, "secondary", years, gdp)[history]
    # projection: shares move from their 2022 values by fixed steps
    i22 = at[LAST_DATA_YEAR]
    after = np.maximum(years - LAST_DATA_YEAR, 0)
    share_p = np.maximum(primary[i22] / gdp[i22] + values["primary_share_change"] / 100.0 * after, 0.01)
    share_s = np.clip(secondary[i22] / gdp[i22] + values["secondary_share_change"] / 100.0 * after, 0.05, 0.9)
    primary[~history] = (gdp * share_p)[~history]
    secondary[~history] = (gdp * share_s)[~history]
    services = gdp - primary - secondary

    construction = secondary * values["construction_share_of_secondary"]
    industry_total = secondary - construction
    i20, i21 = at[BASE_YEAR], at[2021]
    industry_total[i22] = industry_total[i21] * (1.0 + values["industry_va_growth_2022"] / 100.0)
    construction[i22] = secondary[i22] - industry_total[i22]
    construction[~history] = (secondary * construction[i22] / secondary[i22])[~history]
    industry_total[~history] = (secondary - construction)[~history]

    shares_2020 = {s: values[f"industry_share_2020.{s}"] for s in INDUSTRY_SECTORS}
    norm = sum(shares_2020.values())
    shares_2020 = {s: x / norm for s, x in shares_2020.items()}
    observed = _industry_2021_2022(values, shares_2020, industry_total[i20], industry_total[i21], industry_total[i22])
    # after 2022: tilt of each industry, premium %/yr, full to 2030, half 2031-2040, zero after
    weight = np.where(years <= LAST_DATA_YEAR, 0.0, np.where(years <= 2030, 1.0, np.where(years <= 2040, 0.5, 0.0)))
    boom = values["pv_boom_premium"] / 100.0 * 0.5 ** (np.maximum(years - 2023, 0) / values["pv_boom_half_life"])
    boom = np.where(years > LAST_DATA_YEAR, boom, 0.0)
    raw = {}
    for s in INDUSTRY_SECTORS:
        premium = values[f"industry_growth_premium.{s}"] / 100.0 * weight
        if s == "pv_manufacturing":
            premium = premium + boom
        raw[s] = observed[s][1] / industry_total[i22] * np.cumprod(1.0 + premium)
    total = sum(raw.values())
    industry = {}
    for s in INDUSTRY_SECTORS:
        column = industry_total * raw[s] / total
        column[years <= BASE_YEAR] = industry_total[years <= BASE_YEAR] * shares_2020[s]
        column[i21], column[i22] = observed[s]
        industry[s] = column
    industry["commercial_services"] = services
    return EconomyPath(years, gdp, primary, construction, services, industry)


def electricity_intensity_factor(values: Mapping[str, float], year: int, sector: str | None = None) -> float:
    """Industrial electricity per unit of output relative to 2020 (factor, 1 in 2020).

    ``electricity_intensity_drift_2021_2022`` (%/yr) is compounded over 2021-2022, the
    years it is calibrated on, and ``electricity_intensity_drift`` (%/yr, the long-run
    trend) over the years after 2022 and back from 2020 (a factor below 1 before 2020 when
    it is positive). The drift is the change of electricity use per unit of output that the
    firms' own choices do not explain (process electrification, digital equipment). For
    ``sector`` ``pv_manufacturing`` the sector's own change of electricity per unit of real
    output (``pv_manufacturing_electricity_intensity_change``, %/yr from 2020, both ways)
    multiplies it: cell and module lines use less power per watt as they scale up.
    """
    recent = 1.0 + values["electricity_intensity_drift_2021_2022"] / 100.0
    trend = 1.0 + values["electricity_intensity_drift"] / 100.0
    calibrated_years = min(max(year - BASE_YEAR, 0), LAST_DATA_YEAR - BASE_YEAR)
    trend_years = max(year - LAST_DATA_YEAR, 0) + min(year - BASE_YEAR, 0)
    factor = recent**calibrated_years * trend**trend_years
    if sector == "pv_manufacturing":
        factor *= (1.0 + values["pv_manufacturing_electricity_intensity_change"] / 100.0) ** (year - BASE_YEAR)
    return float(factor)
