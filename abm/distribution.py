"""Who adopts, who pays, who receives: adoption, subsidies and energy spending by group of agents.

Households are grouped by county, by urban or rural, and by income quintile (income per
person, weighted by the real households each row stands for; ``q1`` the poorest fifth);
firms by sector and by size class (the smallest, middle and largest third of each
sector's firms by value added). For each group and selected year the table holds:

* adoption: the share of the group's households (or firms) that have an electric car,
  rooftop PV, electrified heat and cooking, a retrofitted home, waste sorting (firms: each
  investment option), in %, and their number;
* subsidies received: what the government paid the group this year (yuan in all and per
  household or firm) and since the start year (per household or firm). An agent's receipt
  is its claim times the year's payout share, the same for every claim (the budget pays
  pro rata), so receipts add up to the ledger's payments;
* energy spending: per household, home energy (grid electricity at the residential tariff
  less PV exports at the export price, cooking and heating fuel) and car running costs,
  as a share of household income (the group's spending over its income, %); per firm,
  fuels, heat and grid electricity at the prices firms decide on, as a share of value added.

The ``recipient`` rows split the year's payments among households, firms, vehicle fleets
and utility PV developers; ``all`` is the ledger's total. The tidy table has the columns
``year, group_kind, group, indicator, value, unit``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from abm.context import YearContext
from abm.energy_system import self_consumed_share
from abm.population import COUNTIES, HouseholdTable
from agents.enterprise import FLAGS, OPTIONS, SWITCHES, Enterprises
from agents.household import car_running_costs, household_demand

Array = NDArray[np.float64]
COLUMNS = ("year", "group_kind", "group", "indicator", "value", "unit")
QUINTILES = ("q1", "q2", "q3", "q4", "q5")
SIZE_CLASSES = ("small", "medium", "large")
HOUSEHOLD_OPTIONS = ("ev", "pv", "electrified", "retrofitted", "sorting")
EVERY_YEARS = 5


def selected_years(start: int, end: int, every: int = EVERY_YEARS) -> tuple[int, ...]:
    """Years of the distribution table: the start year, every ``every`` years after it, and the end year."""
    years = set(range(start, end + 1, every)) | {end}
    return tuple(sorted(years))


def income_quintiles(income: NDArray[np.floating], weight: Array) -> NDArray[np.int8]:
    """Each household's income quintile, 0 (poorest fifth of real households) to 4."""
    order = np.argsort(income, kind="stable")
    cumulative = np.cumsum(weight[order]) - weight[order]  # real households poorer than this one
    quintile = np.empty(income.shape[0], dtype=np.int8)
    quintile[order] = np.minimum((5.0 * cumulative / max(float(weight.sum()), 1e-12)).astype(np.int64), 4)
    return quintile


def firm_size_classes(sector: NDArray[np.integer], output: Array) -> NDArray[np.int8]:
    """Each firm's size class within its sector: 0 small, 1 medium, 2 large (thirds of the firms by value added)."""
    order = np.lexsort((output, sector))
    counts = np.bincount(sector)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(order.shape[0]) - first[sector[order]]  # rank within the sector, 0 = smallest
    size = np.empty(order.shape[0], dtype=np.int8)
    size[order] = np.minimum(3 * rank // counts[sector[order]], 2)
    return size


def household_income(h: HouseholdTable, ctx: YearContext) -> Array:
    """Each household's income this year (yuan per year, 2020 prices): income per person x size x growth."""
    return h.income.astype(np.float64) * h.size * ctx.income_factor


def household_energy_spending(h: HouseholdTable, ctx: YearContext) -> Array:
    """Each household's energy spending this year (yuan): home energy net of PV exports, and car running costs."""
    v = ctx.values
    n = len(h)
    demand = household_demand(h, ctx, np.arange(n))
    tariff = ctx.tariff(v["residential_tariff"])
    generation = h.pv_kw.astype(np.float64) * v["pv_full_load_hours"]
    owners = np.flatnonzero(generation > 0)
    own = np.zeros(n)
    own[owners] = generation[owners] * self_consumed_share(
        ctx.self_consumption["residential"],
        generation[owners] / np.maximum(demand.electricity[owners], 1e-9),
        np.zeros(owners.shape[0], dtype=bool),
    )
    home = (
        (demand.electricity - own) * tariff
        - (generation - own) * v["pv_export_price"]
        + demand.fuel * v["household_fuel_price"]
    )
    km = v["car_km"] * (1.0 - v["vehicle_efficiency_gain"] / 100.0) ** ctx.elapsed
    petrol, electric = car_running_costs(ctx)
    per_km = np.where(h.ev, electric, petrol)
    return home + np.where(h.has_car, km * per_km, 0.0)


@dataclass
class _Rows:
    """Rows of the tidy table, gathered as columns."""

    year: int
    columns: dict[str, list] = field(default_factory=lambda: {c: [] for c in COLUMNS})

    def add(self, kind: str, groups: Iterable[str], indicator: str, values: Array, unit: str) -> None:
        """One indicator for every group of ``kind``."""
        groups = list(groups)
        self.columns["year"].extend([self.year] * len(groups))
        self.columns["group_kind"].extend([kind] * len(groups))
        self.columns["group"].extend(groups)
        self.columns["indicator"].extend([indicator] * len(groups))
        self.columns["value"].extend(np.asarray(values, dtype=np.float64).tolist())
        self.columns["unit"].extend([unit] * len(groups))


def _per(total: Array, count: Array) -> Array:
    """``total / count``, 0 where the group is empty."""
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def _membership(sizes: list[int]) -> NDArray[np.float64]:
    """Which groups each cell (a combination of one code of each grouping) belongs to: cells x groups, 0 or 1.

    Groups are "all" first, then each grouping's groups in order.
    """
    cells = int(np.prod(sizes))
    index = np.arange(cells)
    columns = [np.ones(cells)]
    stride = cells
    for size in sizes:
        stride //= size
        code = (index // stride) % size
        columns.extend((code == g).astype(np.float64) for g in range(size))
    return np.column_stack(columns)


def _cell(codes: list[NDArray[np.integer]], sizes: list[int]) -> NDArray[np.int64]:
    """Each agent's cell: its codes in all groupings combined into one number."""
    cell = np.zeros(codes[0].shape[0], dtype=np.int64)
    for code, size in zip(codes, sizes, strict=True):
        cell = cell * size + code
    return cell


def _group_totals(cell: NDArray[np.int64], membership: NDArray[np.float64], values: list[Array]) -> Array:
    """Sums of each of ``values`` over the agents of each group: len(values) x groups.

    One pass over the agents per quantity (by cell); the groups are then sums of cells.
    """
    cells = membership.shape[0]
    by_cell = np.stack([np.bincount(cell, weights=v, minlength=cells) for v in values])
    return by_cell @ membership


def _add_groups(
    rows: _Rows, kinds: list[tuple[str, tuple[str, ...]]], indicator: str, values: Array, unit: str
) -> None:
    """Add one indicator's values (one per group, in the order of ``kinds``) as rows."""
    start = 0
    for kind, names in kinds:
        rows.add(kind, names, indicator, values[start : start + len(names)], unit)
        start += len(names)


def _household_rows(rows: _Rows, h: HouseholdTable, ctx: YearContext, quintile: NDArray[np.int8], share: float) -> None:
    w = h.weight
    sizes = [len(COUNTIES), 2, len(QUINTILES)]
    cell = _cell([h.county, (~h.urban).astype(np.int8), quintile], sizes)
    kinds = [
        ("households", ("all",)),
        ("county", COUNTIES),
        ("area", ("urban", "rural")),
        ("income_quintile", QUINTILES),
    ]
    flags = (h.has_car & h.ev, h.pv_kw > 0, h.electrified, h.retrofitted, h.sorting)
    values = [
        w,
        *(w * flag for flag in flags),
        w * h.subsidy_claim * share,
        w * h.subsidy_received,
        w * household_energy_spending(h, ctx),
        w * household_income(h, ctx),
    ]
    households, *adopters, paid, cumulative, spent, income = _group_totals(cell, _membership(sizes), values)
    _add_groups(rows, kinds, "households", households, "households")
    for option, count in zip(HOUSEHOLD_OPTIONS, adopters, strict=True):
        _add_groups(rows, kinds, f"{option}_households", count, "households")
        _add_groups(rows, kinds, f"{option}_share", 100.0 * _per(count, households), "% of households")
    _add_groups(rows, kinds, "subsidy_received_total", paid, "yuan")
    _add_groups(rows, kinds, "subsidy_received", _per(paid, households), "yuan per household")
    _add_groups(rows, kinds, "subsidy_received_cumulative", _per(cumulative, households), "yuan per household")
    _add_groups(rows, kinds, "energy_spending", _per(spent, households), "yuan per household")
    _add_groups(rows, kinds, "energy_spending_share", 100.0 * _per(spent, income), "% of income")


def _firm_rows(rows: _Rows, firms: Enterprises, ctx: YearContext, size: NDArray[np.int8], share: float) -> None:
    sizes = [len(firms.sectors), len(SIZE_CLASSES)]
    cell = _cell([firms.sector, size], sizes)
    kinds = [("firms", ("all",)), ("sector", tuple(firms.sectors)), ("firm_size", SIZE_CLASSES)]
    flags = [getattr(firms, FLAGS[option]).astype(np.float64) for option in OPTIONS]
    flags += [(firms.boiler == state).astype(np.float64) for state in range(1, len(SWITCHES) + 1)]
    values = [
        np.ones(firms.firms),
        *flags,
        firms.subsidy_claim * share,
        firms.subsidy_received,
        firms.bills(ctx),
        firms.output(ctx) * 1e8,  # yuan
    ]
    count, *adopters, paid, cumulative, spent, output = _group_totals(cell, _membership(sizes), values)
    _add_groups(rows, kinds, "firms", count, "firms")
    for option, adopted in zip((*OPTIONS, *SWITCHES), adopters, strict=True):
        _add_groups(rows, kinds, f"{option}_firms", adopted, "firms")
        _add_groups(rows, kinds, f"{option}_share", 100.0 * _per(adopted, count), "% of firms")
    _add_groups(rows, kinds, "subsidy_received_total", paid, "yuan")
    _add_groups(rows, kinds, "subsidy_received", _per(paid, count), "yuan per firm")
    _add_groups(rows, kinds, "subsidy_received_cumulative", _per(cumulative, count), "yuan per firm")
    _add_groups(rows, kinds, "energy_spending", _per(spent, count), "yuan per firm")
    _add_groups(rows, kinds, "energy_spending_share", 100.0 * _per(spent, output), "% of value added")


@dataclass(frozen=True, slots=True)
class Payments:
    """What the government paid this year and to whom (yuan); ``share`` is the payout share on every claim."""

    share: float
    total: float
    fleets: float
    developers: float


class DistributionRecorder:
    """Gathers the distribution table in the selected years of a run (see the module docstring)."""

    def __init__(self, years: Iterable[int]):
        self.years = frozenset(int(y) for y in years)
        self._parts: list[dict[str, list]] = []
        self._quintile: NDArray[np.int8] | None = None
        self._size: NDArray[np.int8] | None = None

    def record(self, h: HouseholdTable, firms: Enterprises, ctx: YearContext, payments: Payments) -> None:
        """Add the year's rows (call after the year's payments, with the end-of-year state)."""
        if self._quintile is None or self._size is None:  # fixed: incomes grow alike, entrants keep the output
            self._quintile = income_quintiles(h.income, h.weight)
            self._size = firm_size_classes(firms.sector, firms.output_2020)
        rows = _Rows(ctx.year)
        _household_rows(rows, h, ctx, self._quintile, payments.share)
        _firm_rows(rows, firms, ctx, self._size, payments.share)
        households = float((h.subsidy_claim * h.weight).sum()) * payments.share
        to_firms = float(firms.subsidy_claim.sum()) * payments.share
        names = ("households", "firms", "fleets", "utility_pv_developers", "all")
        paid = np.array([households, to_firms, payments.fleets, payments.developers, payments.total])
        rows.add("recipient", names, "subsidy_received_total", paid, "yuan")
        rows.add("recipient", ("all",), "payout_share", np.array([100.0 * payments.share]), "% of claims")
        self._parts.append(rows.columns)

    def frame(self) -> pd.DataFrame:
        """The tidy table of every recorded year."""
        columns = {c: [x for part in self._parts for x in part[c]] for c in COLUMNS}
        return pd.DataFrame(columns, columns=list(COLUMNS))
