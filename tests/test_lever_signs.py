"""Every lever moves CO2 the way the registry expects, measured with common random numbers.

The whole plan's lever table is estimated once on a small setup (few households, two
members, to 2035, so that levers acting after 2030 are seen). A lever fails when its
5-95 % band of paired differences lies entirely on the wrong side of zero. The shipped
table of the documentation (20 members, the default households, to 2060) must cover
every lever, and a lever inert on every horizon there must say why in its channel.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from abm.parameters import registry
from experiments.effects import MEASURES, TOLERANCE, estimate

SHIPPED = Path(__file__).resolve().parent.parent / "docs" / "effects" / "plan_effects.csv"
HORIZONS = ("delta_co2_2030_mt", "delta_cumulative_2021_2035_mt", "delta_cumulative_2021_2060_mt")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return estimate("plan", members=2, households=300, end_year=2035, progress=False).table


def test_every_lever_is_measured(table):
    assert set(table["lever"]) == {p.name for p in registry().of_kind("lever")}


def test_no_lever_moves_co2_against_its_expected_sign(table):
    judged = table[table["sign_ok"].notna()]
    wrong = judged[~judged["sign_ok"].astype(bool)]
    shown = wrong[["lever", "comparison", "delta_cumulative_2021_2035_mt_q05", "delta_cumulative_2021_2035_mt_q95"]]
    assert wrong.empty, f"levers against their expected sign:\n{shown.to_string()}"


def shipped() -> pd.DataFrame:
    return pd.read_csv(SHIPPED)


def test_the_shipped_table_covers_every_lever_and_agrees_with_every_sign():
    data = shipped()
    levers = {p.name for p in registry().of_kind("lever")}
    assert set(data["lever"]) == levers, "docs/effects/plan_effects.csv is stale: rerun `suqian-abm effects`"
    assert set(MEASURES) <= set(data.columns)
    judged = data[data["sign_ok"].notna()]
    assert judged["sign_ok"].astype(bool).all(), judged[~judged["sign_ok"].astype(bool)]["lever"].tolist()


def test_a_lever_inert_on_every_horizon_says_why():
    data = shipped()
    spans = data[data["comparison"] == "low_to_high"].set_index("lever")
    reg = registry()
    for lever, row in spans.iterrows():
        inert = all(abs(row[f"{h}{s}"]) <= TOLERANCE for h in HORIZONS for s in ("_q05", "_q95"))
        if inert:
            assert "inert" in reg[lever].channel, f"{lever} moves no CO2 on any horizon; its channel must say why"


def test_the_morris_screening_spec_covers_every_lever_over_its_range():
    from experiments.spec import load_spec

    spec = load_spec(Path(__file__).resolve().parent.parent / "experiments" / "specs" / "morris_all_levers.toml")
    levers = {p.name: p for p in registry().of_kind("lever")}
    assert {f.name for f in spec.factors} == set(levers)
    for f in spec.factors:
        assert (f.low, f.high) == (levers[f.name].low, levers[f.name].high), f.name
