"""The cheaper ways a run computes things give exactly the numbers of the plain ways.

Each test pins one shortcut against the straightforward computation it replaces, value
for value (``==`` on floats, not approximately): a run's outputs stay bit-identical.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

from abm.decisions import benefit_cost_logit
from abm.energy_system import DAYS_PER_SEASON, _dispatch_one
from abm.energy_use import EnergyUse
from abm.parameters import registry
from abm.streams import _CHUNK, stream_key, uniform, uniform_from_key, uniform_streams
from abm.trajectory import COLUMNS, record_rows, trajectory_frame


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_one_chunk_and_many_chunks_give_the_same_draws(dtype):
    """A short draw (one chunk) and a long one (many chunks) agree on their common indices."""
    idx = np.arange(2 * _CHUNK + 37)
    long = uniform(5, "household.move", 2031, idx, dtype)
    for part in (idx[:10], idx[: _CHUNK - 1], idx[_CHUNK - 3 : _CHUNK + 3], idx[::7]):
        np.testing.assert_array_equal(uniform(5, "household.move", 2031, part, dtype), long[part])
    assert long.dtype == dtype


def test_draws_equal_the_pure_python_hash():
    """The numpy hash is the counter-based one: the same value as the plain-integer version."""
    key = stream_key(9, "firm.pv", 2026)
    idx = np.array([0, 1, 2, 1000, 123_456])
    draws = uniform(9, "firm.pv", 2026, idx)
    assert draws.tolist() == [uniform_from_key(key, int(i)) for i in idx]


@pytest.mark.parametrize("n", [0, 1, 5, 3705, _CHUNK + 11])
def test_several_streams_in_one_pass_equal_one_call_each(n):
    """Row k of ``uniform_streams`` is ``uniform`` for purpose k, whatever the length."""
    purposes = ["firm.pv", "firm.storage", "firm.boiler"]
    rows = np.arange(n)
    together = uniform_streams(4, purposes, 2040, rows)
    assert together.shape == (len(purposes), n)
    for k, purpose in enumerate(purposes):
        np.testing.assert_array_equal(together[k], uniform(4, purpose, 2040, rows))


def test_an_unknown_purpose_is_still_refused():
    with pytest.raises(KeyError):
        uniform(1, "household.not_a_purpose", 2025, np.arange(3))
    with pytest.raises(KeyError):
        uniform_streams(1, ["firm.pv", "firm.not_a_purpose"], 2025, np.arange(3))


def test_energy_use_adds_every_field():
    """The written-out sum covers every field of EnergyUse, each with its own partner."""
    names = [f.name for f in fields(EnergyUse)]
    a = EnergyUse(*[float(i + 1) for i in range(len(names))])
    b = EnergyUse(*[0.5 * (i + 1) ** 2 for i in range(len(names))])
    total = a + b
    for name in names:
        assert getattr(total, name) == getattr(a, name) + getattr(b, name)


def _dispatch_reference(pv, load, storage_energy, efficiency, export_limit):
    """The single-case dispatch written plainly: two sweeps of each day, the second counted."""
    used_total = curtailed_total = 0.0
    for p_day, d_day in zip(pv, load, strict=True):
        soc = 0.0
        for sweep in range(2):
            used = curtailed = 0.0
            for p, demand in zip(p_day, d_day, strict=True):
                direct = min(p, demand)
                surplus = p - direct
                room = storage_energy - soc
                charge = min(surplus, room) if room > 0.0 else 0.0
                soc += charge
                discharge = min(demand - direct, soc * efficiency)
                soc -= discharge / efficiency
                spill = surplus - charge
                exported = min(spill, export_limit)
                used += direct + charge + exported
                curtailed += spill - exported
            if sweep == 1:
                used_total += used
                curtailed_total += curtailed
    return used_total * DAYS_PER_SEASON, curtailed_total * DAYS_PER_SEASON


def test_the_city_dispatch_equals_its_plain_version():
    """Skipping the first sweep's totals and calling no min() changes no number (no storage included)."""
    rng = np.random.default_rng(3)
    for _ in range(300):
        pv = (rng.random((4, 24)) * rng.choice([0.0, 1.0, 1e3])).tolist()
        load = (rng.random((4, 24)) * rng.choice([0.5, 5e2])).tolist()
        storage = float(rng.choice([0.0, 1.0, 50.0, 1e4]) * rng.random())
        efficiency = float(rng.choice([0.5, 0.9, 1.0]))
        export = float(rng.choice([0.0, 1.0, 1e9]))
        assert _dispatch_one(pv, load, storage, efficiency, export) == _dispatch_reference(
            pv, load, storage, efficiency, export
        )


def test_the_logit_of_some_rows_equals_those_rows_of_the_logit():
    """Firms evaluate the logit only on the rows that can adopt: each value is the full evaluation's."""
    rng = np.random.default_rng(11)
    benefit = rng.normal(0, 1e5, 5000)
    cost = np.abs(rng.normal(0, 1e5, 5000))
    cost[::50] = 0.0
    benefit[::50] = 0.0  # 0/0: the relative net benefit is 0
    full = benefit_cost_logit(benefit, cost, -0.7, 3.0)
    for rows in (np.arange(7), np.flatnonzero(rng.random(5000) < 0.03), np.arange(0, 5000, 3)):
        np.testing.assert_array_equal(benefit_cost_logit(benefit[rows], cost[rows], -0.7, 3.0), full[rows])
    assert (full <= 1.0).all()  # a probability: the Bass chance times it never exceeds the chance
    chance = rng.random(5000)
    assert (chance * full <= chance).all()


def test_prefix_lookups_answer_like_a_scan_and_hand_out_their_own_list():
    reg = registry()
    for prefix in ("national_ev_subsidy.", "industry_share_2020.", "no_such_prefix."):
        assert reg.with_prefix(prefix) == [name for name in reg if name.startswith(prefix)]
    names = reg.with_prefix("national_ev_subsidy.")
    names.append("changed")
    assert "changed" not in reg.with_prefix("national_ev_subsidy.")


def test_the_trajectory_frame_equals_the_row_by_row_frame():
    from abm.model import SuqianModel
    from abm.scenario import load_scenario

    model = SuqianModel(load_scenario("plan"), seed=2, households=300)
    for _ in range(3):
        model.step()
    rows = [row for record in model.records for row in record_rows(record)]
    expected = pd.DataFrame.from_records(rows, columns=COLUMNS)
    pd.testing.assert_frame_equal(trajectory_frame(model.records), expected, check_exact=True)
    assert trajectory_frame([]).columns.tolist() == COLUMNS
