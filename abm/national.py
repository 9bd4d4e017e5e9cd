"""National and provincial context: instruments Suqian does not set, in force in a year.

These are registry rows of kind ``context``, apart from the city's levers; they apply
whatever the policy start, in every scenario (a scenario may still change them under
``[context]`` to ask "what if"). Paths given year by year are rows ``<stem>.<year>``;
before the first year of a path its first value holds, after its last year the
instrument has ended (0):

* the central purchase subsidy of a new-energy car (``national_ev_subsidy.<year>``,
  yuan per car, 2015-2022, ended 2023) and of a new-energy city bus
  (``national_bus_subsidy.<year>``, yuan per bus). The 2020 premiums of the registry
  are retail premiums, quoted after that year's subsidy (and, for households, with the
  tax exemption, which the model always had), so a buyer's premium in a year is the
  premium before support, ``(premium_2020 + support_2020) x learning``, less the year's
  support: the 2020 choice is unchanged, and support acts through its change from 2020
  (smaller 2021-2022, none from 2023, larger before 2020);
* the purchase-tax exemption of new-energy cars (``nev_tax_exemption`` yuan per car,
  in full from ``nev_tax_full_from`` to ``nev_tax_full_until``, halved to
  ``nev_tax_half_until``);
* the subsidy on the output of distributed PV (``national_pv_subsidy_household.<year>``
  and ``national_pv_subsidy_firm.<year>``, yuan/kWh for 20 years from connection);
* energy dual control (``dual_control_from`` to ``dual_control_until``): key energy users
  in energy-intensive sectors must review efficiency retrofits every year.

The carbon price of the national ETS (``carbon_price_2030``, ``carbon_price_2060``) is
context too; its path is :meth:`agents.government.Government.carbon_price`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from abm.parameters import registry


@lru_cache(maxsize=64)
def path_years(stem: str) -> tuple[int, ...]:
    """The years of the registry rows ``<stem>.<year>``, in order (the registry is read once per process)."""
    return tuple(sorted(int(name.rsplit(".", 1)[1]) for name in registry().with_prefix(f"{stem}.")))


def year_path(values: Mapping[str, float], stem: str, year: int) -> float:
    """The value of the path ``<stem>.<year>`` in ``year``: its first value before, 0 after its last year."""
    years = path_years(stem)
    if not years:
        raise KeyError(f"no registry rows '{stem}.<year>'")
    if year > years[-1]:
        return 0.0
    return float(values[f"{stem}.{max(year, years[0])}"])


def ev_subsidy(values: Mapping[str, float], year: int) -> float:
    """Central purchase subsidy of a new-energy car bought in ``year`` (yuan per car)."""
    return year_path(values, "national_ev_subsidy", year)


def bus_subsidy(values: Mapping[str, float], year: int) -> float:
    """Central purchase subsidy of a new-energy city bus bought in ``year`` (yuan per bus)."""
    return year_path(values, "national_bus_subsidy", year)


def ev_sticker_premium_2020(values: Mapping[str, float]) -> float:
    """An electric car's price premium before the central subsidy in 2020 (yuan).

    ``ev_price_premium_2020`` is the premium at retail prices, which were quoted after the
    central subsidy; the subsidy of each year then acts through its difference from 2020.
    """
    return values["ev_price_premium_2020"] + ev_subsidy(values, 2020)


def nev_tax_exemption(values: Mapping[str, float], year: int) -> float:
    """Purchase tax a new-energy car bought in ``year`` is exempted from (yuan per car)."""
    if values["nev_tax_full_from"] <= year <= values["nev_tax_full_until"]:
        share = 1.0
    elif values["nev_tax_full_until"] < year <= values["nev_tax_half_until"]:
        share = 0.5
    else:
        share = 0.0
    return values["nev_tax_exemption"] * share


def pv_subsidy(values: Mapping[str, float], owner: str, year: int) -> float:
    """National subsidy on the output of a distributed PV system connected in ``year`` (yuan/kWh).

    ``owner`` is ``household`` or ``firm`` (commercial and industrial systems).
    """
    return year_path(values, f"national_pv_subsidy_{owner}", year)


def dual_control(values: Mapping[str, float], year: int) -> bool:
    """Whether energy dual control binds key energy users in ``year``."""
    return bool(values["dual_control_from"] <= year <= values["dual_control_until"])
