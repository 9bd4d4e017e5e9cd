"""The one probability of peaking by 2030, and what its members include.

P(peak by 2030) is the share of an ensemble's members (weighted where members carry
weights) whose headline CO2 has a **confirmed peak** (:mod:`abm.peak`: the highest-emitting
year at least 10 % above a year five or more years later) in or before 2030. A member
without a confirmed peak counts as not peaking by 2030.

The number depends on what varies between members, so it always comes with a statement
of that (:class:`Members`): the seeds (agents' random draws), the parameters (fixed at the
registry or calibrated point, drawn from the prior ranges, or drawn from the posterior)
and the scenario uncertainties (the registry's ``uncertainty`` rows such as the grid
factor path). ``predict``, ``analyse``, the app and ``calibrate``'s projection all call
:func:`peak_probability`, so for the same members they give the same number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from abm.peak import DEFINITIONS, PEAK_BY, SCORED, peak_years

PARAMETER_SOURCES = ("fixed", "prior", "posterior")


@dataclass(frozen=True, slots=True)
class Members:
    """Which uncertainty an ensemble's members include."""

    seeds: bool
    parameters: str = "fixed"  # fixed, prior or posterior
    scenario_uncertainties: bool = False

    def __post_init__(self) -> None:
        if self.parameters not in PARAMETER_SOURCES:
            raise ValueError(f"parameters must be one of {PARAMETER_SOURCES}, not '{self.parameters}'")

    def statement(self) -> str:
        """What varies between members, in words."""
        parts = ["seeds vary" if self.seeds else "one seed"]
        parts.append(
            {
                "fixed": "parameters fixed",
                "prior": "parameters drawn from their prior ranges",
                "posterior": "parameters drawn from the calibration posterior",
            }[self.parameters]
        )
        parts.append("scenario uncertainties vary" if self.scenario_uncertainties else "scenario uncertainties fixed")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class PeakProbability:
    """P(peak by ``by``) of an ensemble, with its definition and what its members include."""

    value: float
    members: int
    by: int
    includes: Members
    definition: str = SCORED

    def line(self) -> str:
        """The number and the statement beside it, for a terminal or a report."""
        return (
            f"P(peak by {self.by}) = {self.value:.2f} over {self.members} members "
            f"({self.definition} peak: {DEFINITIONS[self.definition]}; {self.includes.statement()})"
        )

    def as_dict(self) -> dict[str, object]:
        """Columns for a summary table."""
        return {
            f"probability_peak_by_{self.by}": self.value,
            "peak_definition": self.definition,
            "members_include": self.includes.statement(),
        }


def probability_of_peak(
    values: ArrayLike, years: Sequence[int], weights: ArrayLike | None = None, by: int = PEAK_BY
) -> float:
    """Weighted share of members (rows of ``values``, MtCO2 by year) with a confirmed peak in or before ``by``."""
    v = np.atleast_2d(np.asarray(values, dtype=np.float64))
    if v.shape[0] == 0:
        return float("nan")
    peak = peak_years(v, years, SCORED)
    hit = np.nan_to_num(peak, nan=np.inf) <= by
    w = np.ones(len(hit)) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != hit.shape or (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights need one non-negative value per member, not all zero")
    return float(np.sum(w * hit) / np.sum(w))


def wide_emissions(emissions: pd.DataFrame, member: str = "member") -> pd.DataFrame:
    """Members x years table of a long table with columns ``member``, ``year`` and ``value``."""
    return emissions.pivot_table(index=member, columns="year", values="value").sort_index(axis=1)


def peak_probability(
    emissions: pd.DataFrame,
    includes: Members,
    weights: ArrayLike | None = None,
    member: str = "member",
    by: int = PEAK_BY,
) -> PeakProbability:
    """P(peak by ``by``) of the members in a long table (``member``, ``year``, ``value`` in MtCO2).

    ``weights`` follow the members' sorted order (the order of :func:`wide_emissions`).
    """
    wide = wide_emissions(emissions, member)
    value = probability_of_peak(wide.to_numpy(), [int(y) for y in wide.columns], weights, by)
    return PeakProbability(value, len(wide), by, includes)


def member_peaks(emissions: pd.DataFrame, member: str = "member") -> pd.DataFrame:
    """Both peak years of each member (NaN where there is none): ``member``, ``highest_year``, ``confirmed_year``."""
    wide = wide_emissions(emissions, member)
    years = [int(y) for y in wide.columns]
    return pd.DataFrame(
        {
            member: wide.index,
            "highest_year": peak_years(wide.to_numpy(), years, "highest"),
            "confirmed_year": peak_years(wide.to_numpy(), years, "confirmed"),
        }
    )
