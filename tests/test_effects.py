"""Lever effects (`suqian-abm effects`) and the registry's channel and expected sign of every lever."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from abm.cli import main
from abm.parameter_listing import channel_table
from abm.parameters import COLUMNS as REGISTRY_COLUMNS
from abm.parameters import SIGNS, Registry, RegistryError, data_path, registry
from experiments.effects import (
    COLUMNS,
    MAX_MEMBERS,
    MEASURES,
    MECHANISMS,
    Outcome,
    _measures,
    estimate,
    mechanism,
    sign_basis,
    sign_ok,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"
TINY = ["--scenario", "plan", "--members", "2", "--households", "200", "--end-year", "2032"]
LEVERS = "ev_subsidy,utility_pv_additions"


# --- the registry's channel and expected sign ------------------------------------------------


def test_every_lever_has_a_channel_and_a_sign():
    levers = registry().of_kind("lever")
    assert levers
    for p in levers:
        assert p.channel and "→" in p.channel, p.name
        assert p.expected_sign in SIGNS, p.name
        if p.expected_sign == "0":
            assert "inert" in p.channel, f"{p.name}: a lever inert by design says why"


def test_fixed_paths_say_so():
    """Levers no agent decides on say that they act through a fixed path."""
    for name in ("utility_pv_additions", "grid_storage_additions", "coal_retired_2030", "carbon_sink_growth"):
        assert registry()[name].channel.startswith("fixed path:"), name


def rows_with(name: str, **changes: str) -> list[dict[str, str]]:
    with data_path("parameters.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["name"] == name:
            row.update(changes)
    return rows


def written(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(REGISTRY_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("column", ["channel", "expected_sign"])
def test_a_lever_without_a_channel_or_sign_is_refused(tmp_path, column):
    path = written(tmp_path / "p.csv", rows_with("ev_subsidy", **{column: ""}))
    with pytest.raises(RegistryError, match="lever 'ev_subsidy' needs a channel and an expected_sign"):
        Registry.load(path)


def test_an_unknown_sign_is_refused(tmp_path):
    path = written(tmp_path / "p.csv", rows_with("ev_subsidy", expected_sign="down"))
    with pytest.raises(RegistryError, match="expected_sign of 'ev_subsidy' must be one of -, \\+, 0"):
        Registry.load(path)


def test_other_kinds_may_leave_both_blank():
    others = [p for p in registry().values() if p.kind != "lever"]
    assert others and all(p.expected_sign in ("", *SIGNS) for p in others)
    assert any(not p.channel for p in others)


def test_parameters_doc_lists_every_lever_channel():
    text = (DOCS / "parameters.md").read_text(encoding="utf-8")
    assert channel_table(registry().values()) in text, "docs/parameters.md is stale: regenerate its lever channels"


def test_wide_listing_shows_sign_and_channel(capsys):
    assert main(["parameters", "--kind", "lever", "--wide", "--name", "ev_subsidy"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[-2:] == ["sign", "channel"]
    assert lines[1].rstrip().endswith(registry()["ev_subsidy"].channel)
    assert main(["parameters", "--kind", "lever", "--name", "ev_subsidy"]) == 0
    assert "channel" not in capsys.readouterr().out.splitlines()[0]


# --- sign_ok and paired deltas ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sign", "q05", "q95", "ok"),
    [
        ("-", -2.0, -1.0, True),
        ("-", -1.0, 1.0, True),
        ("-", 0.0, 0.0, True),
        ("-", 0.5, 1.0, False),
        ("+", 0.5, 1.0, True),
        ("+", -1.0, 1.0, True),
        ("+", -2.0, -1.0, False),
        ("0", 0.0, 0.0, True),
        ("0", -1.0, 1.0, True),
        ("0", 0.5, 1.0, False),
        ("0", -2.0, -1.0, False),
    ],
)
def test_sign_ok_fails_only_when_the_band_is_wholly_on_the_wrong_side(sign, q05, q95, ok):
    assert sign_ok(sign, q05, q95) is ok


def test_a_setting_against_itself_differs_by_exactly_zero():
    years = range(2020, 2061)
    outcome = Outcome({y: 20.0 + 0.1 * y for y in years}, {y: 9.0 for y in years}, {y: 0.3 for y in years})
    deltas = _measures(outcome, outcome, 2060)
    assert all(deltas[m] == 0.0 for m in MEASURES)
    short = _measures(outcome, outcome, 2032)
    assert math.isnan(short["delta_cumulative_2021_2035_mt"]) and math.isnan(short["delta_cumulative_2021_2060_mt"])


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("effects") / "out"
    assert main(["effects", *TINY, "--levers", LEVERS, "--workers", "2", "--out", str(out)]) == 0
    return out


def test_the_command_writes_every_file(tiny):
    assert {p.name for p in tiny.iterdir()} == {
        ".suqian-abm",
        "effects.csv",
        "effects.png",
        "wedges.csv",
        "wedges.png",
    }
    assert "kind: effects" in (tiny / ".suqian-abm").read_text(encoding="utf-8")


def test_the_table_has_the_columns_and_a_row_per_lever_and_comparison(tiny):
    table = pd.read_csv(tiny / "effects.csv")
    assert list(table.columns) == COLUMNS
    assert list(zip(table["lever"], table["comparison"], strict=True)) == [
        ("ev_subsidy", "low_to_high"),
        ("ev_subsidy", "baseline_to_scenario"),
        ("utility_pv_additions", "low_to_high"),
        ("utility_pv_additions", "baseline_to_scenario"),
    ]
    reg = registry()
    for row in table.itertuples():
        assert row.expected_sign == reg[row.lever].expected_sign and row.unit == reg[row.lever].unit
    high = table[table["comparison"] == "low_to_high"]
    assert (high["from"] == [reg[n].low for n in high["lever"]]).all()
    assert (high["to"] == [reg[n].high for n in high["lever"]]).all()
    # the run ends in 2032: the cumulative sums to 2035 and 2060 are blank
    assert table["delta_cumulative_2021_2035_mt"].isna().all() and table["delta_cumulative_2021_2060_mt"].isna().all()


def test_a_setting_against_itself_is_exactly_zero_in_the_table(tiny):
    """The plan keeps ev_subsidy at its baseline value (0): that comparison is one setting against itself."""
    table = pd.read_csv(tiny / "effects.csv")
    same = table[(table["lever"] == "ev_subsidy") & (table["comparison"] == "baseline_to_scenario")].iloc[0]
    assert same["from"] == same["to"] == 0
    for m in ("delta_co2_2030_mt", "delta_co2_territorial_2030_mt", "delta_fiscal_cost"):
        assert same[m] == same[f"{m}_q05"] == same[f"{m}_q95"] == 0.0
    assert pd.isna(same["sign_ok"]) and pd.isna(same["yuan_per_tonne_avoided"])


def test_sign_ok_is_computed_as_documented(tiny):
    table = pd.read_csv(tiny / "effects.csv")
    basis = sign_basis(2032)
    assert basis == "delta_co2_2030_mt"
    for row in table[table["comparison"] == "low_to_high"].to_dict("records"):
        assert row["sign_ok"] == sign_ok(row["expected_sign"], row[f"{basis}_q05"], row[f"{basis}_q95"])
    pv = table[(table["lever"] == "utility_pv_additions") & (table["comparison"] == "low_to_high")].iloc[0]
    assert pv["delta_co2_2030_mt_q95"] < 0 and bool(pv["sign_ok"])  # more utility PV, less CO2, in every member


def test_wedges_add_up_to_the_gap_in_both_splits(tiny):
    wedges = pd.read_csv(tiny / "wedges.csv")
    groups = {p.group for p in registry().of_kind("lever")}
    expected = {"group": groups, "mechanism": set(MECHANISMS)}
    gaps = []
    for split, names in expected.items():
        rows = wedges[wedges["split"] == split]
        assert set(rows["part"]) == names | {"residual (interaction)", "total gap"}
        parts = rows[rows["part"] != "total gap"]["delta_co2_2030_mt"].sum()
        gap = rows.loc[rows["part"] == "total gap", "delta_co2_2030_mt"].iloc[0]
        assert parts == pytest.approx(gap, abs=1e-4) and gap < 0
        gaps.append(gap)
    assert gaps[0] == pytest.approx(gaps[1])


def test_every_lever_has_one_mechanism():
    for p in registry().of_kind("lever"):
        assert mechanism(p.name) in MECHANISMS
    assert mechanism("ev_subsidy") == "agents' choices"
    assert mechanism("public_charger_additions") == "agents' choices"
    assert mechanism("truck_electric_share_new") == "rules on agents"
    assert mechanism("grid_storage_additions") == "fixed paths"
    assert mechanism("policy_start_year") == "policy timing"


def test_in_process_and_pool_give_the_same_table(tiny):
    effects = estimate("plan", 2, ["ev_subsidy", "utility_pv_additions"], 200, 1, 2032, workers=1, progress=False)
    table = pd.read_csv(tiny / "effects.csv")
    measures = ["delta_co2_2030_mt", "delta_co2_territorial_2030_mt", "delta_fiscal_cost"]
    pd.testing.assert_frame_equal(effects.table[measures].reset_index(drop=True), table[measures], rtol=1e-5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--levers", "ev_subsidy,no_such_lever"], "not a lever of the registry: no_such_lever"),
        (["--levers", "gdp_growth_2030"], "not a lever of the registry: gdp_growth_2030"),
        (["--members", str(MAX_MEMBERS + 1)], f"--members must be between 1 and {MAX_MEMBERS:,}"),
        (["--members", "0"], "--members must be between 1"),
        (["--end-year", "2029"], "--end-year must be 2030 or later"),
    ],
)
def test_bad_settings_are_refused_in_one_line_and_write_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    base = ["effects", "--scenario", "plan", "--members", "2", "--households", "200", "--out", str(out)]
    assert main([*base, *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_kept_without_overwrite(tiny, capsys):
    before = (tiny / "effects.csv").read_bytes()
    assert main(["effects", *TINY, "--levers", "ev_subsidy", "--out", str(tiny)]) == 2
    assert "exists" in capsys.readouterr().err
    assert (tiny / "effects.csv").read_bytes() == before
