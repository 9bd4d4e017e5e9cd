"""Agent-level panel: the state of a sample of households and of every firm in selected years.

The household sample is the same whatever the policy: the ``sample`` rows with the lowest
draw of :mod:`abm.streams` (purpose ``panel.household_sample``, one draw per row for the
whole run), so two settings with one seed show the same households. Each panel row is one
agent in one year (the years of the distribution table); money in yuan, shares in %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from abm.context import YearContext
from abm.distribution import (
    QUINTILES,
    SIZE_CLASSES,
    firm_size_classes,
    household_energy_spending,
    household_income,
    income_quintiles,
)
from abm.population import COUNTIES, HouseholdTable
from abm.process_heat import BOILER_STATES
from abm.streams import uniform
from agents.enterprise import Enterprises

PANEL_HOUSEHOLDS = 2_000


def household_sample(seed: int, households: int, sample: int = PANEL_HOUSEHOLDS) -> NDArray[np.intp]:
    """Rows of the ``sample`` households in the panel (all of them when there are fewer), in row order."""
    if sample >= households:
        return np.arange(households)
    draws = uniform(seed, "panel.household_sample", 0, np.arange(households))
    return np.sort(np.argpartition(draws, sample - 1)[:sample])


def _percent(part: NDArray[np.float64], whole: NDArray[np.float64]) -> NDArray[np.float64]:
    return 100.0 * np.divide(part, whole, out=np.zeros_like(part), where=whole > 0)


class PanelRecorder:
    """Gathers the household and firm panels in the selected years of a run."""

    def __init__(self, seed: int, households: int, years: Iterable[int], sample: int = PANEL_HOUSEHOLDS):
        self.years = frozenset(int(y) for y in years)
        self.rows = household_sample(seed, households, sample)
        self._households: list[pd.DataFrame] = []
        self._firms: list[pd.DataFrame] = []
        self._quintile: NDArray[np.int8] | None = None

    def record(self, h: HouseholdTable, firms: Enterprises, ctx: YearContext, payout_share: float) -> None:
        """Add the year's rows (call after the year's payments, with the end-of-year state)."""
        r = self.rows
        if self._quintile is None:
            self._quintile = income_quintiles(h.income, h.weight)[r]
        quintile = self._quintile
        sample = HouseholdTable(**{f.name: getattr(h, f.name)[r] for f in fields(h)})
        income = household_income(sample, ctx)
        spending = household_energy_spending(sample, ctx)
        self._households.append(
            pd.DataFrame(
                {
                    "year": np.full(r.shape[0], ctx.year, dtype=np.int32),
                    "household": r.astype(np.int64),
                    "county": pd.Categorical.from_codes(h.county[r], COUNTIES),
                    "urban": h.urban[r],
                    "size": h.size[r],
                    "income_per_person": h.income[r].astype(np.float64) * ctx.income_factor,
                    "income_quintile": pd.Categorical.from_codes(quintile, QUINTILES),
                    "weight": h.weight[r],
                    "has_car": h.has_car[r],
                    "ev": h.has_car[r] & h.ev[r],
                    "home_charging": h.home_charging[r],
                    "pv_kw": h.pv_kw[r],
                    "electrified": h.electrified[r],
                    "retrofitted": h.retrofitted[r],
                    "sorting": h.sorting[r],
                    "subsidy_received": h.subsidy_claim[r] * payout_share,
                    "subsidy_received_cumulative": h.subsidy_received[r],
                    "energy_spending": spending,
                    "energy_spending_share": _percent(spending, income),
                }
            )
        )
        n = firms.firms
        output = firms.output(ctx) * 1e8
        spending = firms.bills(ctx)
        self._firms.append(
            pd.DataFrame(
                {
                    "year": np.full(n, ctx.year, dtype=np.int32),
                    "firm": np.arange(n, dtype=np.int64),
                    "sector": pd.Categorical.from_codes(firms.sector, firms.sectors),
                    "size_class": pd.Categorical.from_codes(
                        firm_size_classes(firms.sector, firms.output_2020), SIZE_CLASSES
                    ),
                    "value_added": output,
                    "intensity": firms.intensity,
                    "entered": firms.entered,
                    "pv": firms.has_pv,
                    "storage": firms.has_storage,
                    "efficiency_retrofit": firms.retrofitted,
                    "electrified_heat": firms.electrified,
                    "solid_waste_recycling": firms.recycling,
                    "green_power": firms.green_power,
                    "waste_heat_recovery": firms.waste_heat,
                    "boiler": pd.Categorical.from_codes(firms.boiler, BOILER_STATES),
                    "subsidy_received": firms.subsidy_claim * payout_share,
                    "subsidy_received_cumulative": firms.subsidy_received,
                    "energy_spending": spending,
                    "energy_spending_share": _percent(spending, output),
                }
            )
        )

    def frames(self) -> dict[str, pd.DataFrame]:
        """The panels by file stem: ``panel_households`` and ``panel_firms``."""
        return {
            "panel_households": pd.concat(self._households, ignore_index=True),
            "panel_firms": pd.concat(self._firms, ignore_index=True),
        }
