"""Mesa structure (county blocks, sector agents, data collector), the distribution table and the agent panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import HOUSEHOLDS, SEED

from abm.cli import main
from abm.distribution import firm_size_classes, income_quintiles, selected_years
from abm.economy import ENTERPRISE_SECTORS
from abm.model import SuqianModel
from abm.panel import household_sample
from abm.population import COUNTIES
from abm.run import run
from abm.scenario import load_scenario
from abm.trajectory import trajectory_frame
from agents import EnterpriseSector, HouseholdBlock

SMALL = 600  # households: every county is present, a run takes well under a second


class _EachBlockAlone:
    """Stands in for the model's rules: every block decides over its own rows, one after the other."""

    def __init__(self, blocks: list[HouseholdBlock]):
        self.blocks = blocks

    def decide(self, ctx) -> None:
        for block in self.blocks:
            block.decide(ctx)

    @property
    def car_purchases(self) -> float:
        return float(sum(b.car_purchases for b in self.blocks))

    @property
    def ev_purchases(self) -> float:
        return float(sum(b.ev_purchases for b in self.blocks))


def _run_model(model: SuqianModel) -> pd.DataFrame:
    model.run_model()
    return trajectory_frame(model.records)


def _households_state(model: SuqianModel) -> dict[str, np.ndarray]:
    h = model.households
    return {name: getattr(h, name).copy() for name in ("has_car", "ev", "pv_kw", "electrified", "retrofitted")}


# Mesa structure ------------------------------------------------------------------------------


def test_one_agent_per_county_and_per_sector():
    model = SuqianModel(load_scenario("plan"), seed=SEED, households=SMALL)
    blocks = model.agents_by_type[HouseholdBlock]
    sectors = model.agents_by_type[EnterpriseSector]
    assert len(blocks) == len(COUNTIES) and len(sectors) == len(ENTERPRISE_SECTORS)
    assert sorted(blocks.get("county")) == sorted(COUNTIES)
    assert set(model.agents.select(agent_type=EnterpriseSector).get("sector")) == set(ENTERPRISE_SECTORS)
    assert len(model.agents.groupby(type)) == len(model.agent_types)
    # the blocks cover the household table once, in order, each over its county's rows only
    stops = 0
    for block in model.household_blocks:
        assert block.rows.start == stops
        stops = block.rows.stop
        assert set(model.households.county[block.rows]) == {COUNTIES.index(block.county)}
    assert stops == SMALL
    assert sum(blocks.get("households")) == pytest.approx(float(model.households.weight.sum()), rel=1e-12)
    assert sum(s.firm_count for s in sectors) == model.enterprises.firms


def test_deciding_together_gives_what_the_old_single_block_and_each_block_alone_give():
    """The county agents change no number: the rules over all rows at once, over one city-wide block (the
    structure before the county agents) and over each county block alone give the same households."""
    scenario = load_scenario("plan")
    together = SuqianModel(scenario, seed=5, households=SMALL)
    city = SuqianModel(scenario, seed=5, households=SMALL)
    city.household_rules = _EachBlockAlone([HouseholdBlock(city, city.households, slice(0, SMALL))])
    alone = SuqianModel(scenario, seed=5, households=SMALL)
    alone.household_rules = _EachBlockAlone(alone.household_blocks)
    while together.running:
        for model in (together, city, alone):
            model.step()
        for other in (city, alone):
            for name, column in _households_state(together).items():
                np.testing.assert_array_equal(column, _households_state(other)[name], err_msg=name)
            np.testing.assert_array_equal(together.households.subsidy_claim, other.households.subsidy_claim)
    expected = trajectory_frame(together.records)
    pd.testing.assert_frame_equal(expected, trajectory_frame(city.records), check_exact=True)
    # block by block the ledger adds five partial sums: the same numbers up to the last bits
    pd.testing.assert_frame_equal(expected, trajectory_frame(alone.records), check_exact=False, rtol=1e-12)


def test_asking_for_the_distribution_and_the_panel_changes_no_result():
    plain = run("plan", seed=SEED, households=SMALL)
    full = run("plan", seed=SEED, households=SMALL, distribution=True, panel=True)
    pd.testing.assert_frame_equal(plain.trajectory, full.trajectory, check_exact=True)
    assert plain.distribution is None and plain.panel is None


def test_the_data_collector_holds_each_year_by_county_and_sector():
    model = SuqianModel(load_scenario("plan"), seed=SEED, households=SMALL)
    model.run_model()
    years = model.end_year - int(model.values["start_year"]) + 1
    blocks = model.datacollector.get_agenttype_vars_dataframe(HouseholdBlock)
    sectors = model.datacollector.get_agenttype_vars_dataframe(EnterpriseSector)
    assert len(blocks) == years * len(COUNTIES) and len(sectors) == years * len(ENTERPRISE_SECTORS)
    assert model.datacollector.get_model_vars_dataframe()["year"].iloc[-1] == model.end_year
    assert ((blocks >= 0) & (blocks.drop(columns="subsidies_received") <= 1)).all().all()
    last = blocks.xs(model.steps, level="Step")
    weights = np.array([b.households for b in model.household_blocks])
    ids = [b.unique_id for b in model.household_blocks]
    city = model.records[-1].households
    assert np.dot(last.loc[ids, "ev_share"], weights) == pytest.approx(city.evs, rel=1e-9)
    assert np.dot(last.loc[ids, "sorting_share"], weights) == pytest.approx(city.sorting, rel=1e-9)
    first = blocks.xs(1, level="Step")
    assert (last["ev_share"].to_numpy() > first["ev_share"].to_numpy()).all()  # adoption was recorded each year


# groups ----------------------------------------------------------------------------------------


def test_income_quintiles_hold_a_fifth_each_poorest_first():
    rng = np.random.default_rng(3)
    income = rng.lognormal(10, 0.6, 1003)
    weight = np.full(1003, 2.5)
    q = income_quintiles(income, weight)
    counts = np.bincount(q, minlength=5)
    assert counts.max() - counts.min() <= 1
    for k in range(4):
        assert income[q == k].max() <= income[q == k + 1].min()


def test_firm_size_classes_are_thirds_within_each_sector():
    rng = np.random.default_rng(4)
    sector = np.repeat(np.arange(4), [3, 10, 31, 7])
    output = rng.lognormal(0, 1, sector.shape[0])
    size = firm_size_classes(sector, output)
    for s in range(4):
        classes = size[sector == s]
        counts = np.bincount(classes, minlength=3)
        assert counts.max() - counts.min() <= 1
        for k in range(2):
            assert output[sector == s][classes == k].max() <= output[sector == s][classes == k + 1].min()


def test_selected_years_are_every_five_years_and_the_end():
    assert selected_years(2020, 2060) == (2020, 2025, 2030, 2035, 2040, 2045, 2050, 2055, 2060)
    assert selected_years(2020, 2032) == (2020, 2025, 2030, 2032)


# the distribution table -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_distribution():
    result = run("plan", seed=SEED, households=HOUSEHOLDS, distribution=True)
    return result, result.distribution


def _values(frame: pd.DataFrame, kind: str, indicator: str) -> pd.DataFrame:
    rows = frame[(frame["group_kind"] == kind) & (frame["indicator"] == indicator)]
    return rows.pivot(index="year", columns="group", values="value")


def test_the_table_is_tidy_and_covers_the_selected_years(plan_distribution):
    _, frame = plan_distribution
    assert list(frame.columns) == ["year", "group_kind", "group", "indicator", "value", "unit"]
    assert sorted(frame["year"].unique()) == list(selected_years(2020, 2060))
    assert not frame.duplicated(["year", "group_kind", "group", "indicator"]).any()
    assert np.isfinite(frame["value"]).all()
    assert set(frame["group_kind"]) == {
        "households",
        "county",
        "area",
        "income_quintile",
        "firms",
        "sector",
        "firm_size",
        "recipient",
    }


@pytest.mark.parametrize("kind", ["county", "area", "income_quintile"])
@pytest.mark.parametrize(
    "indicator",
    [
        "households",
        "ev_households",
        "pv_households",
        "electrified_households",
        "sorting_households",
        "subsidy_received_total",
    ],
)
def test_household_groups_add_up_to_the_city(plan_distribution, kind, indicator):
    _, frame = plan_distribution
    city = _values(frame, "households", indicator)["all"]
    np.testing.assert_allclose(_values(frame, kind, indicator).sum(axis=1), city, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("kind", ["sector", "firm_size"])
@pytest.mark.parametrize("indicator", ["firms", "pv_firms", "storage_firms", "subsidy_received_total"])
def test_firm_groups_add_up_to_all_firms(plan_distribution, kind, indicator):
    _, frame = plan_distribution
    everyone = _values(frame, "firms", indicator)["all"]
    np.testing.assert_allclose(_values(frame, kind, indicator).sum(axis=1), everyone, rtol=1e-9, atol=1e-6)


def test_city_adoption_matches_the_accounts(plan_distribution):
    _, frame = plan_distribution
    model = SuqianModel(load_scenario("plan"), seed=SEED, households=HOUSEHOLDS)
    model.run_model()
    city = model.records[-1].households
    for indicator, accounted in (
        ("households", city.households),
        ("ev_households", city.evs),
        ("pv_households", city.pv_households),
        ("electrified_households", city.electrified),
        ("retrofitted_households", city.retrofitted),
        ("sorting_households", city.sorting),
    ):
        assert _values(frame, "households", indicator).loc[2060, "all"] == pytest.approx(accounted, rel=1e-9)


def test_receipts_add_up_to_the_ledger_payments_every_year():
    """Households' and firms' receipts come from their own claim columns; with the fleets' and the developers'
    they add up to what the government paid, also in years when the budget pays only part of the claims."""
    model = SuqianModel(load_scenario("plan"), seed=SEED, households=HOUSEHOLDS, distribution=True)
    model.distribution.years = frozenset(range(2020, 2061))
    received_firms = 0.0
    received_by_household = np.zeros(HOUSEHOLDS)
    shares = []
    while model.running:
        model.step()
        record = model.records[-1]
        share = record.subsidy_payout_share
        shares.append(share)
        received_by_household += model.households.subsidy_claim * share
        received_firms += float(model.enterprises.subsidy_claim.sum()) * share
    frame = model.distribution.frame()
    paid = _values(frame, "recipient", "subsidy_received_total")
    parts = paid[["households", "firms", "fleets", "utility_pv_developers"]].sum(axis=1)
    np.testing.assert_allclose(parts, paid["all"], rtol=1e-9, atol=1e-3)
    ledger = pd.Series({r.year: sum(r.subsidies.values()) for r in model.records})
    np.testing.assert_allclose(paid["all"], ledger.loc[paid.index], rtol=1e-12)
    assert min(shares) < 0.99 and paid["firms"].iloc[-1] > 0  # the budget binds in some years: pro rata tested
    # cumulative receipts per agent add up to every year's receipts (per real household: weights change
    # with household formation, so the identity holds household by household)
    np.testing.assert_allclose(model.households.subsidy_received, received_by_household, rtol=1e-9)
    assert float(model.enterprises.subsidy_received.sum()) == pytest.approx(received_firms, rel=1e-9)


def test_a_higher_ev_subsidy_pays_households_more_same_seed():
    """Common random numbers: the same households, one subsidy apart, receive more with the higher subsidy."""
    low = run("plan", seed=SEED, households=HOUSEHOLDS, distribution=True).distribution
    scenario = load_scenario("plan").with_settings({"ev_subsidy": 10_000})
    high = run(scenario, seed=SEED, households=HOUSEHOLDS, distribution=True).distribution
    get = lambda frame: _values(frame, "households", "subsidy_received_cumulative").loc[2030, "all"]  # noqa: E731
    assert get(high) > get(low)
    ev = lambda frame: _values(frame, "households", "ev_share").loc[2030, "all"]  # noqa: E731
    assert ev(high) > ev(low)


# the agent panel --------------------------------------------------------------------------------


def test_the_household_sample_is_fixed_by_the_seed_alone():
    a, b = household_sample(7, 5000, 300), household_sample(7, 5000, 300)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (300,) and np.all(np.diff(a) > 0) and a.max() < 5000
    assert not np.array_equal(a, household_sample(8, 5000, 300))
    np.testing.assert_array_equal(household_sample(7, 100, 300), np.arange(100))


def test_cli_run_with_panel_writes_the_panels(tmp_path, capsys):
    out = tmp_path / "panel"
    status = main(["run", "--households", "300", "--panel", "--panel-households", "50", "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    names = sorted(p.name for p in out.iterdir())
    assert {"distribution.csv", "panel_households.parquet", "panel_firms.parquet"} <= set(names)
    households = pd.read_parquet(out / "panel_households.parquet")
    firms = pd.read_parquet(out / "panel_firms.parquet")
    years = len(selected_years(2020, 2060))
    assert len(households) == 50 * years and households["household"].nunique() == 50
    assert len(firms) % years == 0 and firms["firm"].nunique() == len(firms) // years
    assert set(households["county"].astype(str)) <= set(COUNTIES)
    assert households["subsidy_received_cumulative"].ge(0).all()
    assert {"ev", "pv_kw", "energy_spending_share", "income_quintile"} <= set(households.columns)
    # the folder is a run's: --overwrite takes it back
    assert main(["run", "--households", "300", "--out", str(out), "--overwrite"]) == 0, capsys.readouterr().err
    assert not (out / "panel_households.parquet").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--panel-households", "10"], "add --panel"),
        (["--panel", "--panel-households", "0"], "at least 1"),
        (["--panel-households", "-3"], "expected a whole number"),
    ],
)
def test_invalid_panel_options_give_one_clear_error(tmp_path, capsys, arguments, message):
    out = tmp_path / "out"
    try:
        status = main(["run", "--households", "100", *arguments, "--out", str(out)])
    except SystemExit as exit_:  # argparse rejects what it cannot parse
        status = exit_.code
    assert status == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
