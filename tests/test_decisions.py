"""Unit tests of the decision rules in abm/decisions.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.decisions import (
    RULES,
    agent_hurdle_rates,
    bass_hazard,
    benefit_cost_logit,
    capital_recovery_factor,
    draw_adoption,
    neighbourhood_share,
    rule,
)
from abm.parameters import registry

SENSITIVITY = registry()["cost_sensitivity"]
money = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive_money = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
asc = st.floats(min_value=-4.0, max_value=1.0)
sensitivity = st.floats(min_value=SENSITIVITY.low, max_value=SENSITIVITY.high)


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# capital recovery factor -------------------------------------------------------------


def test_crf_one_year_repays_principal_plus_interest():
    """CRF(10 %, 1 yr) = 1.1: one payment of principal and a year's interest."""
    assert float(capital_recovery_factor(0.1, 1)) == pytest.approx(1.1, rel=1e-12)


def test_crf_hand_computed_values():
    """CRF(10 %, 2) = 0.1 / (1 - 1/1.21) = 121/210 and CRF(5 %, 20) = 0.0802425872."""
    assert float(capital_recovery_factor(0.1, 2)) == pytest.approx(121.0 / 210.0, rel=1e-12)
    assert float(capital_recovery_factor(0.05, 20)) == pytest.approx(0.0802425872, rel=1e-9)


def test_crf_at_zero_rate_is_straight_line():
    """With no interest the annuity is principal / lifetime."""
    assert float(capital_recovery_factor(0.0, 10)) == pytest.approx(0.1, rel=1e-6)


def test_crf_is_vectorised():
    """An array of rates gives an array of factors, element by element."""
    rates = np.array([0.05, 0.1, 0.2])
    out = capital_recovery_factor(rates, 10)
    assert out.shape == (3,)
    for r, f in zip(rates, out, strict=True):
        assert f == pytest.approx(r / (1 - (1 + r) ** -10), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(min_value=0.001, max_value=0.8),
    extra=st.floats(min_value=0.001, max_value=0.5),
    lifetime=st.integers(min_value=1, max_value=40),
)
def test_crf_rises_with_rate_and_falls_with_lifetime(rate, extra, lifetime):
    """Dearer money costs more per year; a longer life spreads the cost thinner."""
    f = float(capital_recovery_factor(rate, lifetime))
    assert float(capital_recovery_factor(rate + extra, lifetime)) > f
    assert float(capital_recovery_factor(rate, lifetime + 1)) < f
    assert f * lifetime >= 1.0 - 1e-12  # payments repay at least the principal


# benefit-cost logit ------------------------------------------------------------------


def test_logit_rules_are_registered():
    """Agents look the rules up by name."""
    assert RULES["benefit_cost_logit"] is benefit_cost_logit
    assert RULES["bass_hazard"] is bass_hazard


def test_registering_a_rule_twice_is_refused():
    """A second rule under an existing name is an error, not a silent replacement."""
    with pytest.raises(ValueError, match="registered twice"):
        rule("bass_hazard")(lambda *args: None)
    assert RULES["bass_hazard"] is bass_hazard


def test_logit_at_break_even_is_the_asc_alone():
    """When benefit equals cost, only the alternative-specific constant matters."""
    for a in (-2.0, 0.0, 0.7):
        assert float(benefit_cost_logit(500.0, 500.0, a, 3.0)) == pytest.approx(logistic(a), rel=1e-12)


def test_logit_hand_computed_value():
    """B = 300, C = 100: relative net benefit (B - C) / (|B| + |C|) = 0.5; with ASC -1 and
    sensitivity 2 the utility is 0, so P = 0.5."""
    assert float(benefit_cost_logit(300.0, 100.0, -1.0, 2.0)) == pytest.approx(0.5, rel=1e-12)


def test_logit_free_option_with_benefit_is_best_case():
    """A cost at or below zero with a positive benefit gets the largest probability."""
    best = float(benefit_cost_logit(100.0, 0.0, -1.0, 3.0))
    assert best == pytest.approx(float(benefit_cost_logit(100.0, -50.0, -1.0, 3.0)), rel=1e-12)
    assert best > float(benefit_cost_logit(100.0, 1.0, -1.0, 3.0))


@pytest.mark.parametrize(("benefit", "cost"), [(0.0, 0.0), (0.0, -10.0), (-10.0, 0.0), (-10.0, -10.0), (5.0, -1e9)])
def test_logit_handles_zero_and_negative_costs(benefit, cost):
    """Zero or negative costs (a subsidy above the price) give a finite probability in (0, 1)."""
    p = float(benefit_cost_logit(benefit, cost, -1.0, 3.0))
    assert math.isfinite(p)
    assert 0.0 < p < 1.0


@settings(max_examples=200, deadline=None)
@given(benefit=money, cost=money, a=asc, beta=sensitivity)
def test_logit_is_a_probability(benefit, cost, a, beta):
    """P lies strictly between 0 and 1 for every benefit and cost."""
    p = float(benefit_cost_logit(benefit, cost, a, beta))
    assert 0.0 < p < 1.0


@settings(max_examples=200, deadline=None)
@given(benefit=money, more=positive_money, cost=money, a=asc, beta=sensitivity)
def test_logit_never_falls_as_benefit_rises(benefit, more, cost, a, beta):
    """More yearly benefit never makes an option less likely."""
    low = float(benefit_cost_logit(benefit, cost, a, beta))
    high = float(benefit_cost_logit(benefit + more, cost, a, beta))
    assert high >= low - 1e-12


@settings(max_examples=200, deadline=None)
@given(benefit=money, cost=money, more=positive_money, a=asc, beta=sensitivity)
def test_logit_never_rises_as_cost_rises(benefit, cost, more, a, beta):
    """A dearer option is never more likely to be taken (whatever the sign of the benefit)."""
    cheap = float(benefit_cost_logit(benefit, cost, a, beta))
    dear = float(benefit_cost_logit(benefit, cost + more, a, beta))
    assert dear <= cheap + 1e-12


def test_logit_strictly_responds_to_economics():
    """Inside the normal range (positive benefit and cost) the response is strict."""
    p = [float(benefit_cost_logit(b, 100.0, -1.0, 3.0)) for b in (50.0, 100.0, 200.0)]
    assert p[0] < p[1] < p[2]
    q = [float(benefit_cost_logit(100.0, c, -1.0, 3.0)) for c in (50.0, 100.0, 200.0)]
    assert q[0] > q[1] > q[2]


def test_logit_is_vectorised():
    """Arrays of benefits and costs give an array of probabilities."""
    out = benefit_cost_logit(np.array([0.0, 100.0, 200.0]), np.array([100.0, 100.0, 100.0]), -1.0, 3.0)
    assert out.shape == (3,)
    assert np.all(np.diff(out) > 0)


# Bass hazard -------------------------------------------------------------------------


def test_bass_hazard_hand_values():
    """h = p + q * s."""
    out = bass_hazard(0.02, 0.3, np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(out, [0.02, 0.17, 0.32], rtol=1e-12)


def test_bass_hazard_is_clipped_to_a_probability():
    """Large coefficients never give a hazard above 1 (or below 0)."""
    out = bass_hazard(0.9, 5.0, np.array([0.0, 0.5, 1.0]))
    assert np.all((out >= 0.0) & (out <= 1.0))
    assert out[-1] == 1.0
    assert float(bass_hazard(-0.5, 0.1, np.array([0.0]))[0]) == 0.0


@settings(max_examples=100, deadline=None)
@given(
    p=st.floats(min_value=0.0, max_value=0.2),
    q=st.floats(min_value=0.0, max_value=1.0),
    s=st.floats(min_value=0.0, max_value=1.0),
    ds=st.floats(min_value=0.0, max_value=1.0),
)
def test_bass_hazard_never_falls_with_more_adopting_peers(p, q, s, ds):
    """More adopting neighbours never lower the hazard."""
    s2 = min(s + ds, 1.0)
    assert float(bass_hazard(p, q, np.array([s2]))[0]) >= float(bass_hazard(p, q, np.array([s]))[0])


# neighbourhood share -----------------------------------------------------------------


def test_neighbourhood_share_tiny_example():
    """Groups {0,1,2}, {3,4} and the singleton {5}; the agent itself is never counted."""
    groups = np.array([0, 0, 0, 1, 1, 2])
    adopted = np.array([True, False, True, False, True, True])
    out = neighbourhood_share(groups, adopted, 4)  # group 3 is empty
    np.testing.assert_allclose(out, [0.5, 1.0, 0.5, 1.0, 0.0, 0.0])


def test_neighbourhood_share_singletons_see_nothing():
    """An agent alone in its neighbourhood sees 0, adopted or not, without warnings."""
    out = neighbourhood_share(np.array([0, 1, 2]), np.array([True, True, False]), 3)
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.0])


@settings(max_examples=100, deadline=None)
@given(
    data=st.lists(st.tuples(st.integers(min_value=0, max_value=5), st.booleans()), min_size=1, max_size=40),
)
def test_neighbourhood_share_matches_brute_force(data):
    """The vectorised share equals counting the other members of each agent's group."""
    groups = np.array([g for g, _ in data])
    adopted = np.array([a for _, a in data])
    out = neighbourhood_share(groups, adopted, 6)
    for i in range(len(data)):
        others = [j for j in range(len(data)) if j != i and groups[j] == groups[i]]
        expected = sum(adopted[j] for j in others) / len(others) if others else 0.0
        assert out[i] == pytest.approx(expected, abs=1e-12)
    assert np.all((out >= 0.0) & (out <= 1.0))


# adoption draw -----------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    eligible=st.lists(st.booleans(), min_size=1, max_size=200),
    p=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_draw_adoption_never_adopts_ineligible_agents(eligible, p, seed):
    """Only eligible agents can adopt, whatever the probability."""
    mask = np.array(eligible)
    u = np.random.default_rng(seed).random(mask.shape[0])
    adopts = draw_adoption(u, mask, np.full(mask.shape[0], p))
    assert adopts.dtype == bool
    assert not np.any(adopts & ~mask)


def test_draw_adoption_extremes():
    """Probability 1 adopts every eligible agent; probability 0 adopts none."""
    u = np.random.default_rng(3).random(5)
    mask = np.array([True, False, True, True, False])
    np.testing.assert_array_equal(draw_adoption(u, mask, 1.0), mask)
    assert not draw_adoption(u, mask, 0.0).any()
    assert not draw_adoption(u, np.zeros(5, dtype=bool), 1.0).any()


def test_draw_adoption_rate_matches_probability():
    """With many agents the adopted share is close to the probability."""
    u = np.random.default_rng(11).random(100_000)
    adopts = draw_adoption(u, np.ones(100_000, dtype=bool), 0.3)
    assert adopts.mean() == pytest.approx(0.3, abs=0.01)


# hurdle rates ------------------------------------------------------------------------


def test_hurdle_rates_are_positive_around_the_median():
    """Lognormal rates (fraction/yr) centred on the median percent."""
    rates = agent_hurdle_rates(np.random.default_rng(5), 50_000, 24.0, 0.3)
    assert np.all(rates > 0)
    assert float(np.median(rates)) == pytest.approx(0.24, rel=0.02)


def test_richer_agents_draw_lower_hurdle_rates():
    """With a negative income correlation the richest decile uses lower rates than the poorest."""
    n = 20_000
    rank = np.arange(n) / (n - 1)
    rates = agent_hurdle_rates(np.random.default_rng(5), n, 24.0, 0.3, rank, income_correlation=-0.5)
    assert rates[-n // 10 :].mean() < rates[: n // 10].mean()
    assert float(np.std(np.log(rates))) == pytest.approx(0.3, rel=0.05)  # the spread stays sigma
