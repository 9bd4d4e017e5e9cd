"""The whole-county rooftop PV programme (整县推进) can only add household PV.

The programme runs in the plan's pilot counties: developers' roll-out raises the innovation
coefficient there, and a household may lease its roof to a developer instead of owning the
system, taking the better of the two. Runs with one seed that differ only in the programme
share every random draw (common random numbers), so household PV with the programme is
never below household PV without it, in any year, for any seed and parameter values.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.model import SuqianModel
from abm.parameters import registry
from abm.population import COUNTIES
from abm.run import run
from abm.scenario import load_scenario
from abm.scorecard import series
from agents.household import PILOT_COUNTIES

REG = registry()
HOUSEHOLDS = 1000


def within(name: str) -> st.SearchStrategy[float]:
    """Values of a registry parameter inside its range."""
    p = REG[name]
    return st.floats(min_value=p.low, max_value=p.high, allow_nan=False)


def household_pv(settings_: dict[str, float], seed: int, scenario: str = "plan"):
    trajectory = run(load_scenario(scenario).with_settings(settings_), seed=seed, households=HOUSEHOLDS).trajectory
    return series(trajectory, "pv_capacity", "households")


@settings(max_examples=8)
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    scenario=st.sampled_from(["plan", "baseline"]),
    bass_p=within("bass_p"),
    bass_q=within("bass_q"),
    multiplier=within("rooftop_programme_p_multiplier"),
    hurdle=within("enterprise_hurdle_rate"),
    asc=within("asc.household_pv"),
    pv_subsidy=within("pv_subsidy"),
)
def test_programme_never_lowers_household_pv_in_any_year(
    seed, scenario, bass_p, bass_q, multiplier, hurdle, asc, pv_subsidy
):
    common = {
        "bass_p": bass_p,
        "bass_q": bass_q,
        "rooftop_programme_p_multiplier": multiplier,
        "enterprise_hurdle_rate": hurdle,
        "asc.household_pv": asc,
        "pv_subsidy": pv_subsidy,
    }
    on = household_pv({**common, "rooftop_pv_programme": 1}, seed, scenario)
    off = household_pv({**common, "rooftop_pv_programme": 0}, seed, scenario)
    shortfall = (off - on).max()
    assert shortfall <= 1e-9 * max(float(off.max()), 1.0), (int((off - on).idxmax()), float(shortfall))


def _final_pv(programme: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    scenario = load_scenario("plan").with_settings({"rooftop_pv_programme": programme})
    model = SuqianModel(scenario, seed=seed, households=HOUSEHOLDS)
    for _ in range(2021, 2036):
        model.step()
    return model.households.pv_kw.copy(), model.households.county.copy()


def test_programme_acts_in_the_pilot_counties_only():
    """Outside the pilots nothing changes; inside, every household that adopts without the programme adopts with it."""
    on, county = _final_pv(1)
    off, _ = _final_pv(0)
    pilot = np.isin(county, [COUNTIES.index(c) for c in PILOT_COUNTIES])
    assert np.array_equal(on[~pilot], off[~pilot])
    assert np.all(on[pilot] >= off[pilot])
    assert on[pilot].sum() > off[pilot].sum()


def test_pilot_counties_are_the_plans():
    """(一)1 names 宿城区 and (三)4 沭阳县, 泗阳县, 泗洪县 for whole-county pilots."""
    assert set(PILOT_COUNTIES) == {"sucheng", "shuyang", "siyang", "sihong"}
    assert set(PILOT_COUNTIES) <= set(COUNTIES)
