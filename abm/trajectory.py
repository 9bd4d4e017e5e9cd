"""The tidy trajectory table: one row per year, indicator and sector, with its unit.

Columns: ``year, indicator, sector, value, unit``. Indicators with sector rows also have
a ``total`` row equal to the sum of the sector rows. Every consumer (scorecard, figures,
app, experiments) reads this table.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from abm.accounting import energy_co2
from abm.economy import ENTERPRISE_SECTORS
from abm.energy_use import FUELS
from abm.records import YearRecord

COLUMNS = ["year", "indicator", "sector", "value", "unit"]
MT = 1e-6
WAN_TCE = 1e-4
YI_KWH = 1e-8
CARRIERS = (*FUELS, "biomass", "heat", "electricity")
ADOPTION_OPTIONS = ("pv", "storage", "efficiency_retrofit", "electrified_heat", "solid_waste_recycling", "green_power")


def _share(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole > 0 else 0.0


def record_rows(r: YearRecord) -> list[tuple[int, str, str, float, str]]:
    """All indicator rows of one year."""
    rows: list[tuple[int, str, str, float, str]] = []
    y = r.year

    def add(indicator: str, sector: str, value: float, unit: str) -> None:
        rows.append((y, indicator, sector, float(value), unit))

    def by_sector(indicator: str, values: dict[str, float], unit: str, scale: float = 1.0) -> None:
        # rows built in one comprehension: about 11,000 rows a run make a call per row count
        rows.extend([(y, indicator, sector, float(value * scale), unit) for sector, value in values.items()])
        rows.append((y, indicator, "total", float(sum(values.values()) * scale), unit))

    # economy
    add("gdp", "total", r.gdp, "100 million yuan (2020 prices)")
    by_sector("value_added", dict(r.value_added), "100 million yuan (2020 prices)")
    add("households", "total", r.households.households, "households")
    add("residents", "total", r.residents, "persons")
    add("household_members", "total", r.households.persons, "persons")
    add(
        "urbanisation_rate", "total", _share(r.households.urban_persons, r.households.persons), "% of household members"
    )

    # energy by carrier and sector
    for carrier in CARRIERS:
        if carrier == "electricity":
            by_sector(
                "final_energy_electricity", {s: u.electricity for s, u in r.uses.items()}, "100 million kWh", YI_KWH
            )
        else:
            by_sector(
                f"final_energy_{carrier}", {s: getattr(u, carrier) for s, u in r.uses.items()}, "10k tce", WAN_TCE
            )
    by_sector("final_energy", dict(r.final_energy_tce), "10k tce (electricity at calorific value)", WAN_TCE)
    add("primary_energy", "total", r.primary_energy * WAN_TCE, "10k tce")
    add("nonfossil_share", "total", _share(r.nonfossil_primary, r.primary_energy), "%")
    add("electricity_net_imports", "total", r.balance.net_import_kwh * YI_KWH, "100 million kWh")
    add("grid_emission_factor", "total", r.grid_ef, "kgCO2/kWh")
    add("carbon_price", "total", r.instruments.carbon_price, "yuan/tCO2")

    # CO2
    by_sector("co2_territorial", dict(r.territorial), "MtCO2", MT)
    by_sector("co2_with_electricity", dict(r.with_electricity), "MtCO2", MT)
    add("carbon_sink", "total", r.carbon_sink * MT, "MtCO2")
    add("co2_net", "total", (r.co2_with_electricity_total - r.carbon_sink) * MT, "MtCO2")
    gdp_wan = r.gdp * 1e4
    add("energy_intensity", "total", r.primary_energy / gdp_wan, "tce per 10k yuan")
    # the plan's CO2 intensity: energy-related CO2 (net imported electricity included, industrial
    # process and waste CO2 not) per unit of GDP at comparable (2020) prices
    co2_energy = energy_co2(r.with_electricity, r.uses)
    add("co2_energy", "total", co2_energy * MT, "MtCO2")
    add("co2_intensity", "total", co2_energy / gdp_wan, "tCO2 per 10k yuan (2020 prices)")

    # capacity
    by_sector("pv_capacity", dict(r.pv_mw), "MW")
    add("wind_capacity", "total", r.instruments.wind_mw, "MW")
    add("biomass_power_capacity", "total", r.instruments.biomass_mw, "MW")
    add("waste_power_capacity", "total", r.instruments.waste_power_mw, "MW")
    add("coal_power_capacity", "total", r.instruments.coal_mw, "MW")
    by_sector("storage_capacity", dict(r.storage_mwh), "MWh")
    add("pv_generation", "total", r.city.pv_generated * 1e-5, "100 million kWh")
    add("pv_curtailed", "total", r.city.pv_curtailed * 1e-5, "100 million kWh")

    # households
    hh = r.households
    add(
        "household_pv_share",
        "buildings_residential",
        _share(hh.pv_households, hh.roof_households),
        "% of households with a roof",
    )
    add("heat_pump_share", "buildings_residential", _share(hh.electrified, hh.households), "% of households")
    add("home_retrofit_share", "buildings_residential", _share(hh.retrofitted, hh.households), "% of households")
    add("waste_sorting_share", "buildings_residential", _share(hh.sorting, hh.households), "% of households")
    add("municipal_solid_waste", "waste", hh.waste_t * 1e-4, "10k t")
    add("recyclables_sorted", "buildings_residential", hh.recyclables_t * 1e-4, "10k t")
    add(
        "co2_avoided_by_recycling", "buildings_residential", hh.recycling_co2_avoided_t * MT, "MtCO2 (outside the city)"
    )
    add("ev_stock", "transport", hh.evs + sum(f.electric for f in r.fleets.values()), "vehicles")
    add("private_cars", "transport", hh.cars_total, "vehicles")
    add("ev_share_of_private_cars", "transport", _share(hh.evs, hh.cars_total), "%")
    purchases = r.household_car_purchases + sum(f.purchases for f in r.fleets.values())
    ev_purchases = r.household_ev_purchases + sum(f.electric_purchases for f in r.fleets.values())
    add("nev_sales_share", "transport", _share(ev_purchases, purchases), "% of vehicle sales")

    # enterprises
    for option in ADOPTION_OPTIONS:
        indicator = f"enterprise_{option}_share"
        rows.extend(
            [
                (y, indicator, sector, float(100.0 * r.enterprises[sector].shares[option]), "% of sector output")
                for sector in ENTERPRISE_SECTORS
            ]
        )
    new_kw = sum(s.new_roofs_kw for s in r.enterprises.values())
    add(
        "rooftop_pv_coverage_new",
        "total",
        _share(sum(s.new_roofs_pv_kw for s in r.enterprises.values()), new_kw),
        "% of new factory and public roofs",
    )
    waste_t = sum(s.solid_waste_t for s in r.enterprises.values())
    add("solid_waste_use", "total", _share(sum(s.solid_waste_used_t for s in r.enterprises.values()), waste_t), "%")
    add(
        "building_renewable_share",
        "total",
        _share(r.building_renewable_tce, r.building_energy_tce),
        "% of building energy",
    )
    add("new_residential_saving_rate", "buildings_residential", r.instruments.new_building_saving, "%")

    # operating transport (buses, taxis, trucks, ships, rail)
    turnover = sum(f.converted_tkm for f in r.fleets.values())
    add("operating_transport_turnover", "transport", turnover * 1e-8, "100 million converted tkm")
    add("operating_transport_co2", "transport", r.operating_transport_co2 * MT, "MtCO2")
    add(
        "transport_carbon_intensity",
        "transport",
        1000.0 * r.operating_transport_co2 / turnover if turnover > 0 else 0.0,
        "kgCO2 per converted tkm",
    )

    # fiscal cost: what was paid; claims beyond the year's budget are paid pro rata
    by_sector("fiscal_cost", dict(r.subsidies), "100 million yuan", 1e-8)
    by_sector("subsidy_unpaid", dict(r.subsidies_unpaid), "100 million yuan", 1e-8)
    add("subsidy_budget", "total", r.subsidy_budget * 1e-8, "100 million yuan (0 = no limit)")
    add("subsidy_payout_share", "total", 100.0 * r.subsidy_payout_share, "% of the year's claims")
    add(
        "subsidy_expected_payout_share",
        "total",
        100.0 * r.instruments.expected_payout_share,
        "% of claims agents expect paid",
    )
    return rows


_TEXT = pd.Series(["text"]).dtype  # the dtype pandas gives a column of strings
# its Arrow type when that dtype is Arrow-backed: text columns are then built from Arrow arrays directly
_ARROW_TEXT = pa.array(pd.array(["text"], dtype=_TEXT)).type if getattr(_TEXT, "storage", None) == "pyarrow" else None


def trajectory_frame(records: Iterable[YearRecord]) -> pd.DataFrame:
    """The tidy table for a whole run."""
    rows = [row for record in records for row in record_rows(record)]
    if _ARROW_TEXT is None or not rows:
        return pd.DataFrame.from_records(rows, columns=COLUMNS)
    # the same frame as ``from_records`` gives, built column by column (about half the time)
    year, indicator, sector, value, unit = zip(*rows, strict=True)

    def text(column: tuple[str, ...]) -> pd.api.extensions.ExtensionArray:
        return pd.array(pa.array(column, type=_ARROW_TEXT), dtype=_TEXT)

    return pd.DataFrame(
        {
            "year": np.fromiter(year, dtype=np.int64, count=len(year)),
            "indicator": text(indicator),
            "sector": text(sector),
            "value": np.fromiter(value, dtype=np.float64, count=len(value)),
            "unit": text(unit),
        },
        columns=COLUMNS,
    )
