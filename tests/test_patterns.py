"""The pattern table: every pattern is produced, scored or with the reason why not, for any years a run covers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calibration.observed import load_observed
from calibration.patterns import COUNTIES, PATTERN_COLUMNS, history_patterns, pattern_summary, pattern_table
from calibration.simulate import history_scenario, history_scenario_name

FAMILIES = (
    "Suqian CO2, CEADs: mean level",
    "Suqian CO2, CEADs: trend",
    "CO2 structure:",
    "county CO2 share:",
    "GDP at current prices",
    "GDP real growth",
    "share of GDP",
    "value added, real growth",
    "PV industry chain",
    "resident population",
    "urbanisation rate",
    "electricity use growth",
    "electricity structure:",
    "motor vehicle stock",
    "private car stock growth",
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return history_patterns(seed=1, households=200)


@pytest.fixture(scope="module")
def trajectory() -> pd.DataFrame:
    from calibration.simulate import simulate

    return simulate(history_scenario(), {}, seed=1, households=200)


def back_cast(trajectory: pd.DataFrame, first: int) -> pd.DataFrame:
    """The trajectory with its first year's rows copied to every earlier year from ``first`` (a run from ``first``)."""
    start = int(trajectory["year"].min())
    earlier = [trajectory[trajectory["year"] == start].assign(year=y) for y in range(first, start)]
    return pd.concat([*earlier, trajectory], ignore_index=True)


def test_every_pattern_is_produced_and_scored_or_explained(table):
    assert list(table.columns) == list(PATTERN_COLUMNS)
    for family in FAMILIES:
        assert table["pattern"].str.contains(family, regex=False).any(), family
    scored = table[table["scored"]]
    assert not scored.empty and np.isfinite(scored[["observed", "modelled", "error"]].to_numpy(float)).all()
    unscored = table[~table["scored"]]
    assert (unscored["reason"].str.len() > 0).all()
    assert table["observed"].notna().all()
    assert pattern_summary(table).startswith(f"{len(table)} patterns: {len(scored)} scored")


def test_years_the_run_does_not_cover_and_what_the_model_cannot_express_say_so(table):
    first = int(history_scenario()["start_year"])
    counties = table[table["pattern"].str.startswith("county CO2 share")]
    assert len(counties) == len(COUNTIES) and counties["reason"].str.startswith("not expressible").all()
    assert counties["observed"].sum() == pytest.approx(100.0)
    level = table.set_index("pattern").loc["Suqian CO2, CEADs: mean level"]
    if first > 2015:
        assert "not simulated" in level["reason"] and not level["scored"]
    inputs = table[(table["role"] == "input") & table["modelled"].notna()]
    assert not inputs.empty and not inputs["scored"].any() and inputs["reason"].str.startswith("role input").all()


def test_a_run_from_2015_scores_the_ceads_and_pre_2020_patterns(trajectory):
    run = back_cast(trajectory, 2015)
    observed = load_observed()
    ceads = observed[(observed["indicator"] == "co2_emissions_ceads") & (observed["region"] == "suqian")]
    ceads = ceads.set_index("year")["value"]
    total = (run["indicator"] == "co2_territorial") & (run["sector"] == "total")
    for year in range(2015, 2020):
        run.loc[total & (run["year"] == year), "value"] = ceads[year]  # the model reproduces CEADs exactly
    table = pattern_table(run).set_index("pattern")
    level = table.loc["Suqian CO2, CEADs: mean level"]
    assert level["scored"] and level["passed"] and level["error"] == pytest.approx(0.0, abs=1e-9)
    trend = table.loc[table.index.str.startswith("Suqian CO2, CEADs: trend")].iloc[0]
    assert trend["passed"] and trend["modelled"] == pytest.approx(trend["observed"])
    structure = table.loc[table.index.str.startswith("CO2 structure")]
    assert structure["scored"].all() and structure["role"].eq("proxy").all()
    population = table.loc["resident population"].set_index("years")
    assert np.isfinite(population.loc["2017", "modelled"])
    # current prices before 2020: no deflator observed, so not scored and said why
    gdp = table.loc["GDP at current prices"].set_index("years")
    assert not gdp.loc["2015", "scored"] and "no deflator" in gdp.loc["2015", "reason"]


def test_history_runs_use_the_history_scenario_when_the_model_has_it():
    from abm.scenario import builtin_names

    assert history_scenario_name() == ("history" if "history" in builtin_names() else "baseline")
    scenario = history_scenario(2024)
    assert scenario["end_year"] >= 2024


def test_the_report_section_lists_every_pattern(table):
    from calibration.report import pattern_section

    text = pattern_section(table, seed=1)
    assert text.startswith("## Patterns of the recorded history") and "(seed 1)" in text
    body = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(body) == len(table) + 1  # header and one line per pattern
    assert "None" not in text
