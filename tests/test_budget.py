"""The subsidy budget caps each year's payments.

Rule (``agents/government.py``): claims are made at the full subsidy rates; when a year's
claims exceed that year's budget (``subsidy_budget`` > 0), every claim is paid the same
share, budget / claims, and the rest is recorded as ``subsidy_unpaid``. Agents value a
subsidy at the share they expect to be paid: last year's claims, at this year's rates,
against this year's budget.
"""

from __future__ import annotations

from functools import cache

import mesa
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abm.context import SUBSIDIES, SubsidyLedger
from abm.model import SuqianModel
from abm.run import run
from abm.scenario import load_scenario
from abm.scorecard import series
from agents.government import Government

HOUSEHOLDS = 400
END_YEAR = 2035
YUAN_PER_UNIT = 1e8  # fiscal indicators are in 100 million yuan


@cache
def trajectory(scenario: str, budget: float, seed: int = 1, households: int = HOUSEHOLDS, end_year: int = END_YEAR):
    values = {"subsidy_budget": budget, "end_year": end_year}
    return run(load_scenario(scenario).with_settings(values), seed=seed, households=households).trajectory


def by_instrument(t, indicator: str):
    """Rows of one fiscal indicator as a year x instrument table."""
    rows = t[(t["indicator"] == indicator) & (t["sector"] != "total")]
    return rows.pivot(index="year", columns="sector", values="value")


# the ledger's rule ------------------------------------------------------------------------


@given(
    claims=st.lists(st.floats(min_value=0.0, max_value=1e10), min_size=len(SUBSIDIES), max_size=len(SUBSIDIES)),
    budget=st.floats(min_value=1e-3, max_value=1e10),
)
def test_ledger_pays_pro_rata_and_never_above_the_budget(claims, budget):
    ledger = SubsidyLedger()
    for name, amount in zip(SUBSIDIES, claims, strict=True):
        ledger.claim(name, amount)
    share = ledger.pay(budget)
    assert 0.0 <= share <= 1.0
    assert ledger.paid_total <= budget
    if ledger.total <= budget:
        assert share == 1.0 and ledger.paid == ledger.claims
    else:
        assert ledger.paid_total == pytest.approx(budget, rel=1e-12)
    for name in SUBSIDIES:  # every claimant receives the same share
        assert ledger.paid[name] == pytest.approx(share * ledger.claims[name], rel=1e-12, abs=0.0)
        assert ledger.unpaid[name] >= 0.0


def test_ledger_without_a_budget_pays_every_claim():
    ledger = SubsidyLedger()
    ledger.claim("ev_subsidy", 5e9)
    assert ledger.pay(0.0) == 1.0
    assert ledger.paid == ledger.claims and ledger.unpaid["ev_subsidy"] == 0.0 and ledger.payout_share == 1.0


def test_adaptive_raise_lowers_the_expected_payout_share_under_a_binding_budget():
    """Higher rates pass through the same budget: what agents count on stays budget / claims."""
    gov = Government(mesa.Model(rng=0), dict(load_scenario("plan").with_settings({"subsidy_budget": 1.0}).values))
    ledger = SubsidyLedger()
    ledger.claim("green_points", 4e8)  # 4 x the budget at multiplier 1
    gov.pay(2030, ledger)
    gov.settle(2030, ledger, [1.0])
    assert gov.instruments(2031).expected_payout_share == pytest.approx(0.25)
    gov.adaptive_multiplier = 2.0
    inst = gov.instruments(2031)
    assert inst.subsidy_multiplier == 2.0
    assert inst.expected_payout_share == pytest.approx(0.125)
    assert inst.expected_subsidy_multiplier == pytest.approx(0.25)


# model runs ---------------------------------------------------------------------------------

FISCAL_SETTINGS = {
    "baseline": {"pv_subsidy": 1000.0, "ev_subsidy": 8000.0, "green_points": 200.0, "adaptive_incentives": 1.0},
    "plan": {},
    "accelerated": {},
}


# Each example is a short model run (a fraction of a second).
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scenario=st.sampled_from(sorted(FISCAL_SETTINGS)),
    budget=st.sampled_from([0.02, 0.1, 0.5, 2.0, 5.0, 15.0]),
    seed=st.integers(min_value=0, max_value=10_000),
    policy_start=st.integers(min_value=2021, max_value=2026),
)
def test_yearly_payments_never_exceed_the_budget(scenario, budget, seed, policy_start):
    """Every year, every scenario: paid subsidies <= the budget in force (0 before the policy start)."""
    values = {
        **FISCAL_SETTINGS[scenario],
        "subsidy_budget": budget,
        "end_year": 2034,
        "policy_start_year": policy_start,
    }
    model = SuqianModel(load_scenario(scenario).with_settings(values), seed=seed, households=200)
    model.run_model()
    for year, paid in model.government.spending.items():
        limit = model.government.budget(year)
        if limit > 0:
            assert sum(paid.values()) <= limit, (year, sum(paid.values()), limit)
        else:
            assert year < policy_start
    for record in model.records:
        assert all(v >= 0.0 for v in record.subsidies_unpaid.values())
        if record.subsidy_budget > 0:
            assert sum(record.subsidies.values()) <= record.subsidy_budget


def test_fiscal_cost_is_what_was_paid():
    """fiscal_cost (by instrument) + subsidy_unpaid = claims; the total row is the budget when it binds."""
    t = trajectory("accelerated", 0.1)
    paid, unpaid = series(t, "fiscal_cost", "total"), series(t, "subsidy_unpaid", "total")
    budget = series(t, "subsidy_budget", "total")
    start = int(load_scenario("accelerated")["policy_start_year"])  # the budget is a lever: from the policy start
    assert (budget.loc[start:] == 0.1).all()
    assert (paid <= budget + 1e-15).all()
    binding = unpaid > 0
    assert binding.loc[start:].all()  # the accelerated instruments claim far more than 0.1
    assert np.allclose(paid[binding], 0.1, rtol=1e-12)
    # pro rata: every instrument with claims is paid the same share in a year
    p, u = by_instrument(t, "fiscal_cost"), by_instrument(t, "subsidy_unpaid")
    claimed = p + u
    share = series(t, "subsidy_payout_share", "total") / 100.0
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (p / claimed).where(claimed > 0)
    for year in range(start, END_YEAR + 1):
        row = ratio.loc[year].dropna()
        assert len(row) >= 3
        assert np.allclose(row, share.loc[year], rtol=1e-9), (year, row)


@pytest.mark.parametrize("scenario", ["plan", "accelerated"])
def test_unpaid_claims_appear_only_when_the_budget_binds(scenario):
    """A budget of 0.1 binds: unpaid claims. No budget, or the largest one (50, above every year's
    claims in these short runs): no unpaid claims, and the same run as without a budget."""
    tight = trajectory(scenario, 0.1)
    assert (series(tight, "subsidy_unpaid", "total").loc[2025:] > 0).all()
    assert (series(tight, "subsidy_payout_share", "total").loc[2025:] < 100.0).all()
    free = trajectory(scenario, 0.0)
    loose = trajectory(scenario, 50.0)
    for t in (free, loose):
        assert (series(t, "subsidy_unpaid", "total") == 0.0).all()
        assert (by_instrument(t, "subsidy_unpaid").to_numpy() == 0.0).all()
        assert (series(t, "subsidy_payout_share", "total") == 100.0).all()
        assert (series(t, "subsidy_expected_payout_share", "total") == 100.0).all()
    same = loose[loose["indicator"] != "subsidy_budget"].reset_index(drop=True)
    assert same["value"].equals(free[free["indicator"] != "subsidy_budget"].reset_index(drop=True)["value"])


def test_agents_expect_last_years_claims_against_this_years_budget():
    """Plan (no adaptive rule): expected share in t = min(1, budget_t / claims_t-1)."""
    t = trajectory("plan", 0.1)
    claims = series(t, "fiscal_cost", "total") + series(t, "subsidy_unpaid", "total")
    expected = series(t, "subsidy_expected_payout_share", "total") / 100.0
    budget = series(t, "subsidy_budget", "total")
    for year in range(2022, END_YEAR + 1):
        last = claims.loc[year - 1]
        want = 1.0 if last <= budget.loc[year] else budget.loc[year] / last
        assert expected.loc[year] == pytest.approx(want, rel=1e-9), year
    assert expected.loc[END_YEAR] < 0.2  # the budget binds hard by then


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_binding_budget_lowers_adoption(seed):
    """With a common seed, the accelerated instruments under a budget of 0.1 (about 1-3 % of their
    claims paid) give fewer electric vehicles, sorting households and firms' storage than with no
    budget: a subsidy that will not be paid does not drive adoption."""
    tight = trajectory("accelerated", 0.1, seed=seed, households=500)
    free = trajectory("accelerated", 0.0, seed=seed, households=500)
    for indicator, sector in (
        ("ev_stock", "transport"),
        ("waste_sorting_share", "buildings_residential"),
        ("storage_capacity", "enterprises"),
    ):
        assert series(tight, indicator, sector).loc[END_YEAR] < series(free, indicator, sector).loc[END_YEAR], indicator
    assert series(tight, "fiscal_cost", "total").sum() < series(free, "fiscal_cost", "total").sum()
