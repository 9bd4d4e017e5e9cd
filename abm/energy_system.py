"""The energy system: grid emission factor, local generation, and how much local PV is absorbed.

Local PV, wind, biomass and waste plants and the remaining coal units supply part of the
city's electricity; the rest is bought from the Jiangsu grid at its average emission
factor. How much PV the city can absorb is computed hour by hour on four representative
days (one per season, ``abm/data/hourly_profiles.csv``): PV first meets the hour's load,
a surplus charges storage (behind-the-meter and grid-side, pooled), a surplus beyond that
is exported up to ``grid_export_limit``, and the rest is curtailed. Stored energy serves
later hours of the same day. So adopting storage changes how much local PV is absorbed.

The same hourly model, run for a single consumer, gives the share of its own PV output
that it uses itself (self-consumption) as a function of PV size and storage size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from abm.parameters import data_path

SEASONS = ("winter", "spring", "summer", "autumn")
DAYS_PER_SEASON = 365.0 / len(SEASONS)
LOAD_SHAPES = ("industry", "commerce", "residential")
PV_RATIO_GRID = np.concatenate([np.linspace(0.0, 2.0, 81), np.geomspace(2.05, 40.0, 80)])


@dataclass(frozen=True, slots=True)
class HourlyProfiles:
    """Shapes of PV output and loads, shape (season, hour); each sums to 1 over a year."""

    pv: NDArray[np.float64]
    loads: Mapping[str, NDArray[np.float64]]


@lru_cache(maxsize=4)
def load_profiles(path: Path | None = None) -> HourlyProfiles:
    """Read and normalise the representative-day profiles (read once per path and process)."""
    import pandas as pd

    path = Path(path) if path is not None else data_path("hourly_profiles.csv")
    if not path.exists():
        raise FileNotFoundError(f"hourly profiles not found: {path}")
    table = pd.read_csv(path)
    needed = {"season", "hour", "pv", *LOAD_SHAPES}
    missing = needed - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    if set(table["season"]) != set(SEASONS) or len(table) != 24 * len(SEASONS):
        raise ValueError(f"{path}: needs 24 hours for each of {SEASONS}")
    if (table[["pv", *LOAD_SHAPES]] < 0).any().any():
        raise ValueError(f"{path}: profiles must not be negative")
    table = table.set_index(["season", "hour"]).sort_index().loc[list(SEASONS)]

    def shape(column: str) -> NDArray[np.float64]:
        values = table[column].to_numpy(dtype=np.float64).reshape(len(SEASONS), 24)
        return values / (values.sum() * DAYS_PER_SEASON)

    return HourlyProfiles(shape("pv"), {name: shape(name) for name in LOAD_SHAPES})


def _dispatch_day(
    pv: NDArray[np.float64],
    load: NDArray[np.float64],
    storage_energy: NDArray[np.float64],
    efficiency: float,
    export_limit: NDArray[np.float64] | float = 0.0,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Hourly PV dispatch over representative days, vectorised over cases.

    ``pv`` and ``load`` have shape (..., season, hour) in energy per hour; ``storage_energy``
    broadcasts against (...). Storage starts each day at the state it ends the day with
    (two passes). Returns (PV used on site or exported, PV curtailed), each summed over
    the year with the same leading shape.
    """
    storage_energy = np.asarray(storage_energy, dtype=np.float64)[..., None]
    export_limit = np.asarray(export_limit, dtype=np.float64)
    if export_limit.ndim:
        export_limit = export_limit[..., None]
    lead = np.broadcast_shapes(pv.shape[:-1], load.shape[:-1], storage_energy.shape)
    soc = np.zeros(lead)
    used = np.zeros(lead)
    curtailed = np.zeros(lead)
    for _ in range(2):
        used[...] = 0.0
        curtailed[...] = 0.0
        for hour in range(24):
            p = pv[..., hour]
            demand = load[..., hour]
            direct = np.minimum(p, demand)
            surplus = p - direct
            charge = np.minimum(surplus, np.maximum(storage_energy - soc, 0.0))
            soc = soc + charge
            discharge = np.minimum(demand - direct, soc * efficiency)
            soc = soc - discharge / efficiency
            spill = surplus - charge
            exported = np.minimum(spill, export_limit)
            used += direct + charge + exported
            curtailed += spill - exported
    # charged energy is counted as used; the round-trip loss is small against the total
    return used.sum(axis=-1) * DAYS_PER_SEASON, curtailed.sum(axis=-1) * DAYS_PER_SEASON


def self_consumption_table(
    profiles: HourlyProfiles, load_shape: str, storage_hours: float, efficiency: float
) -> NDArray[np.float64]:
    """Share of a consumer's PV output used on site, by PV-to-load ratio (rows of
    :data:`PV_RATIO_GRID`) without storage (column 0) and with ``storage_hours`` of
    average load in storage (column 1)."""
    load = profiles.loads[load_shape][None, None, :, :]
    ratio = PV_RATIO_GRID[:, None, None, None]
    pv = ratio * profiles.pv[None, None, :, :]
    storage = np.array([0.0, storage_hours / 8760.0])[None, :]
    used, _ = _dispatch_day(pv, load, storage, efficiency)
    generated = np.maximum(PV_RATIO_GRID[:, None], 1e-12)
    table = used / generated
    table[0, :] = 1.0  # a vanishing system uses all its output
    return np.clip(table, 0.0, 1.0)


@lru_cache(maxsize=16)
def self_consumption_tables(storage_hours: float, efficiency: float) -> Mapping[str, NDArray[np.float64]]:
    """Self-consumption tables of the shipped profiles for every load shape (computed once per setting)."""
    profiles = load_profiles()
    tables = {shape: self_consumption_table(profiles, shape, storage_hours, efficiency) for shape in LOAD_SHAPES}
    for table in tables.values():
        table.setflags(write=False)
    return MappingProxyType(tables)


def self_consumed_share(
    table: NDArray[np.float64], pv_to_load: NDArray[np.float64], has_storage: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Look up each consumer's self-consumed share of PV output from the table."""
    with_storage = int(np.count_nonzero(has_storage))
    if with_storage in (0, len(has_storage)):  # one column serves all
        return np.interp(pv_to_load, PV_RATIO_GRID, table[:, 1 if with_storage else 0])
    share = np.empty(np.shape(pv_to_load))
    stored = np.flatnonzero(has_storage)  # row indices: one pass over the mask instead of one per use
    for column, rows in ((1, stored), (0, np.flatnonzero(~has_storage))):
        share[rows] = np.interp(pv_to_load[rows], PV_RATIO_GRID, table[:, column])
    return share


@dataclass(frozen=True, slots=True)
class CityBalance:
    """Yearly PV balance of the city (MWh)."""

    pv_generated: float
    pv_used: float
    pv_curtailed: float


def _dispatch_one(
    pv: list[list[float]], load: list[list[float]], storage_energy: float, efficiency: float, export_limit: float
) -> tuple[float, float]:
    """The hourly dispatch of :func:`_dispatch_day` for a single case, in plain floats.

    Four days of 24 hours are too small for array operations to pay; this gives the same
    numbers at a fraction of the cost.
    """
    # ``b if b < a else a`` is ``min(a, b)`` (the same value, NaN included) without a function call,
    # which is most of the cost here
    used_total = curtailed_total = 0.0
    for p_day, d_day in zip(pv, load, strict=True):
        # the first sweep only sets the state of charge the (repeating) day starts with
        soc = 0.0
        for p, demand in zip(p_day, d_day, strict=True):
            direct = p if p < demand else demand
            room = storage_energy - soc
            if room > 0.0:
                surplus = p - direct
                soc += room if room < surplus else surplus
            deficit, available = demand - direct, soc * efficiency
            soc -= (available if available < deficit else deficit) / efficiency
        used = curtailed = 0.0
        for p, demand in zip(p_day, d_day, strict=True):
            direct = p if p < demand else demand
            surplus = p - direct
            room = storage_energy - soc
            charge = (room if room < surplus else surplus) if room > 0.0 else 0.0
            soc += charge
            deficit, available = demand - direct, soc * efficiency
            discharge = available if available < deficit else deficit
            soc -= discharge / efficiency
            spill = surplus - charge
            exported = export_limit if export_limit < spill else spill
            used += direct + charge + exported
            curtailed += spill - exported
        used_total += used
        curtailed_total += curtailed
    return used_total * DAYS_PER_SEASON, curtailed_total * DAYS_PER_SEASON


def city_pv_balance(
    profiles: HourlyProfiles,
    pv_mw: float,
    loads_mwh: Mapping[str, float],
    storage_mwh: float,
    export_limit_mw: float,
    efficiency: float,
    full_load_hours: float,
) -> CityBalance:
    """Absorbed and curtailed PV of the whole city for one year."""
    load = sum(profiles.loads[name] * mwh for name, mwh in loads_mwh.items())
    pv = profiles.pv * pv_mw * full_load_hours
    used, curtailed = _dispatch_one(pv.tolist(), np.asarray(load).tolist(), storage_mwh, efficiency, export_limit_mw)
    generated = float(pv.sum() * DAYS_PER_SEASON)
    return CityBalance(generated, used, curtailed)


def marginal_curtailment(
    profiles: HourlyProfiles,
    pv_mw: float,
    loads_mwh: Mapping[str, float],
    storage_mwh: float,
    export_limit_mw: float,
    efficiency: float,
    full_load_hours: float,
    block_mw: float,
    before: CityBalance | None = None,
) -> float:
    """Share of the output of ``block_mw`` more PV that the city would curtail, in [0, 1].

    The curtailment the block adds to the city's, over the block's output, with the
    city's loads, PV and storage as given (``before``: their balance, when known).
    """
    if block_mw <= 0:
        return 0.0
    if before is None:
        before = city_pv_balance(profiles, pv_mw, loads_mwh, storage_mwh, export_limit_mw, efficiency, full_load_hours)
    after = city_pv_balance(
        profiles, pv_mw + block_mw, loads_mwh, storage_mwh, export_limit_mw, efficiency, full_load_hours
    )
    added = after.pv_generated - before.pv_generated
    if added <= 0:
        return 0.0
    return float(np.clip((after.pv_curtailed - before.pv_curtailed) / added, 0.0, 1.0))


def anchored_path(year: int, anchors: Mapping[int, float]) -> float:
    """Value at ``year`` by linear interpolation between anchor years (flat outside)."""
    xs = sorted(anchors)
    return float(np.interp(year, xs, [anchors[x] for x in xs]))


def grid_emission_factor(values: Mapping[str, float], year: int) -> float:
    """Average emission factor of grid electricity (kgCO2/kWh) in ``year``."""
    return anchored_path(
        year, {2020: values["grid_ef_2020"], 2030: values["grid_ef_2030"], 2060: values["grid_ef_2060"]}
    )


def coal_equivalent(values: Mapping[str, float], year: int) -> float:
    """Coal-equivalent of a kWh of electricity in ``year`` (kgce/kWh): the year's national average
    coal use per kWh supplied by thermal plants, as China's statistics count primary and
    imported electricity (发电煤耗法); linear between the sourced years, flat outside."""
    return anchored_path(
        year,
        {
            2015: values["primary_energy_per_kwh_2015"],
            2020: values["primary_energy_per_kwh"],
            2024: values["primary_energy_per_kwh_2024"],
            2025: values["primary_energy_per_kwh_2025"],
        },
    )


def fossil_emission_factor(values: Mapping[str, float], year: int) -> float:
    """National emission factor of fossil power in ``year`` (kgCO2/kWh), from the published years
    2021-2023 (flat outside)."""
    return anchored_path(
        year, {2021: values["grid_ef_fossil"], 2022: values["grid_ef_fossil_2022"], 2023: values["grid_ef_fossil_2023"]}
    )


def grid_nonfossil_share(values: Mapping[str, float], year: int) -> float:
    """Non-fossil share of the electricity the city buys from the Jiangsu grid in ``year`` (fraction).

    The grid's average emission factor (the provincial factor, which includes the power Jiangsu
    imports from other provinces) over the emission factor of fossil power of the same year:
    the share of the supply that carries no CO2. With the published factors this is 23.4 % in
    2021 (0.6451 / 0.8426) and 28.2 % in 2022 (0.5978 / 0.8325).
    """
    share = 1.0 - grid_emission_factor(values, year) / fossil_emission_factor(values, year)
    return float(np.clip(share, 0.0, 1.0))


def learned_price(start: float, decline_percent: float, floor: float, year: int, base_year: int = 2020) -> float:
    """A technology price after learning: falls by ``decline_percent`` a year to ``floor``."""
    return max(start * (1.0 - decline_percent / 100.0) ** max(year - base_year, 0), floor)
