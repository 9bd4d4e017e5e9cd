"""Scenario files, their validation against the registry, and the registry table itself."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.parameters import COLUMNS, KINDS, Registry, RegistryError, data_path, registry
from abm.scenario import (
    ScenarioError,
    builtin_names,
    load_scenario,
    parse_assignments,
    parse_scenario,
)

BUILTINS = ("baseline", "plan", "accelerated")
EV = registry()["ev_subsidy"]


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# built-in scenarios ------------------------------------------------------------------


def test_builtin_scenarios_are_listed():
    assert set(BUILTINS) <= set(builtin_names())


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_scenario_loads(name):
    """Each built-in loads, is named after its file and resolves every registry parameter."""
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.description
    assert set(scenario.values) == set(registry())
    assert set(scenario.levers()) == {p.name for p in registry().of_kind("lever")}


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_scenario_values_are_within_registry_ranges(name):
    """Every value of a built-in lies in its registry range (fixed data at its default)."""
    scenario = load_scenario(name)
    for p in registry().values():
        value = scenario[p.name]
        if p.adjustable:
            assert p.low <= value <= p.high, (name, p.name, value)
        else:
            assert value == p.default, (name, p.name, value)


def test_baseline_keeps_every_lever_at_its_default():
    """The baseline is the instruments frozen at their 2020 settings."""
    defaults = registry().defaults()
    assert all(v == defaults[k] for k, v in load_scenario("baseline").levers().items())


def test_scenario_loads_from_a_file_path(tmp_path):
    path = write(tmp_path, 'name = "mine"\n[levers]\nev_subsidy = 3000\n[uncertainties]\ngdp_growth_2030 = 4.0\n')
    scenario = load_scenario(path)
    assert scenario.name == "mine"
    assert scenario["ev_subsidy"] == 3000.0
    assert scenario["gdp_growth_2030"] == 4.0
    assert dict(scenario.settings) == {"ev_subsidy": 3000.0, "gdp_growth_2030": 4.0}


def test_name_defaults_to_the_file_stem(tmp_path):
    assert load_scenario(write(tmp_path, "[levers]\n", name="stemmed.toml")).name == "stemmed"


# validation of files -----------------------------------------------------------------


def test_unknown_key_names_the_file_and_the_key(tmp_path):
    path = write(tmp_path, "[levers]\nev_subsidyy = 3000\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(path) in str(err.value)
    assert "ev_subsidyy" in str(err.value)


def test_key_in_the_wrong_section_says_where_it_belongs(tmp_path):
    path = write(tmp_path, "[uncertainties]\nev_subsidy = 3000\n")
    with pytest.raises(ScenarioError, match=r"ev_subsidy.*\[levers\]") as err:
        load_scenario(path)
    assert str(path) in str(err.value)


def test_uncertainty_under_parameters_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match=r"gdp_growth_2030.*\[uncertainties\]"):
        load_scenario(write(tmp_path, "[parameters]\ngdp_growth_2030 = 5.0\n"))


def test_string_instead_of_number_is_refused(tmp_path):
    path = write(tmp_path, '[levers]\nev_subsidy = "3000"\n')
    with pytest.raises(ScenarioError, match="ev_subsidy") as err:
        load_scenario(path)
    assert str(path) in str(err.value)


def test_out_of_range_value_names_key_and_allowed_range(tmp_path):
    path = write(tmp_path, "[levers]\nev_subsidy = 999999\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert "ev_subsidy" in message
    assert f"allowed {EV.low:g} to {EV.high:g}" in message
    assert str(path) in message


def test_value_below_range_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="allowed 0 to"):
        load_scenario(write(tmp_path, "[levers]\npv_subsidy = -1\n"))


def test_bool_where_a_number_is_expected_is_refused(tmp_path):
    """``ev_subsidy = true`` is a type error, not 1 yuan per vehicle."""
    path = write(tmp_path, "[levers]\nev_subsidy = true\n")
    with pytest.raises(ScenarioError, match="ev_subsidy"):
        load_scenario(path)


def test_non_finite_value_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="ev_subsidy"):
        load_scenario(write(tmp_path, "[levers]\nev_subsidy = nan\n"))


def test_switch_takes_only_zero_or_one(tmp_path):
    with pytest.raises(ScenarioError, match=r"rooftop_pv_programme.*switch"):
        load_scenario(write(tmp_path, "[levers]\nrooftop_pv_programme = 0.5\n"))
    assert load_scenario(write(tmp_path, "[levers]\nrooftop_pv_programme = 1\n"))["rooftop_pv_programme"] == 1.0


def test_observed_data_cannot_be_changed(tmp_path):
    with pytest.raises(ScenarioError, match=r"gdp_2020.*observed"):
        load_scenario(write(tmp_path, "[parameters]\ngdp_2020 = 4000\n"))


def test_unknown_top_level_key_is_refused(tmp_path):
    path = write(tmp_path, 'name = "x"\nsubsidies = 3\n[levers]\n')
    with pytest.raises(ScenarioError, match="subsidies") as err:
        load_scenario(path)
    assert str(path) in str(err.value)


def test_unknown_section_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="lever"):
        load_scenario(write(tmp_path, "[lever]\nev_subsidy = 3000\n"))


def test_section_that_is_not_a_table_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match=r"\[levers\]"):
        load_scenario(write(tmp_path, "levers = 5\n"))


def test_name_must_be_a_string(tmp_path):
    with pytest.raises(ScenarioError, match="name"):
        load_scenario(write(tmp_path, "name = 5\n"))


def test_invalid_toml_names_the_file(tmp_path):
    path = write(tmp_path, "[levers\nev_subsidy = = 3\n")
    with pytest.raises(ScenarioError, match="not valid TOML") as err:
        load_scenario(path)
    assert str(path) in str(err.value)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "absent.toml")


def test_unknown_builtin_lists_the_builtins():
    with pytest.raises(ScenarioError, match="unknown scenario 'nope'") as err:
        load_scenario("nope")
    for name in BUILTINS:
        assert name in str(err.value)


def test_policy_start_after_end_year_is_refused_when_levers_are_set(tmp_path):
    text = "[levers]\npolicy_start_year = 2035\nev_subsidy = 1000\n[parameters]\nend_year = 2030\n"
    with pytest.raises(ScenarioError, match=r"policy_start_year.*ev_subsidy"):
        load_scenario(write(tmp_path, text))


def test_a_run_ending_before_the_policy_start_with_the_levers_as_they_were_is_allowed(tmp_path):
    scenario = load_scenario(write(tmp_path, "[levers]\npolicy_start_year = 2035\n[parameters]\nend_year = 2030\n"))
    assert scenario["end_year"] == 2030


# with_settings and --set -------------------------------------------------------------


def test_with_settings_applies_and_records_the_setting():
    plan = load_scenario("plan")
    changed = plan.with_settings({"ev_subsidy": 4000, "grid_ef_2060": "0.1"})
    assert changed["ev_subsidy"] == 4000.0
    assert changed["grid_ef_2060"] == 0.1
    assert changed.settings["ev_subsidy"] == 4000.0
    assert plan["ev_subsidy"] == 0.0  # the original is unchanged
    assert changed["storage_discharge_incentive"] == plan["storage_discharge_incentive"]


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"ev_subsidyy": 1}, "unknown key 'ev_subsidyy'"),
        ({"ev_subsidy": 999999}, r"ev_subsidy.*allowed 0 to 20000"),
        ({"ev_subsidy": "lots"}, "ev_subsidy"),
        ({"ev_subsidy": float("inf")}, "ev_subsidy"),
        ({"rooftop_pv_programme": 0.5}, "switch"),
        ({"gdp_2020": 1.0}, "observed"),
        ({"policy_start_year": 2035, "end_year": 2030, "ev_subsidy": 1000}, "policy_start_year"),
        ({"ev_subsidy": True}, "ev_subsidy"),
    ],
)
def test_with_settings_validates_like_a_file(settings, match):
    with pytest.raises(ScenarioError, match=match):
        load_scenario("plan").with_settings(settings)


def test_parse_assignments_splits_name_value_pairs():
    assert parse_assignments(["ev_subsidy=3000", " carbon_price_2030 = 200 "]) == {
        "ev_subsidy": "3000",
        "carbon_price_2030": "200",
    }


@pytest.mark.parametrize("pair", ["ev_subsidy", "=3000", "ev_subsidy=", "ev_subsidy=  ", "", "  =  "])
def test_parse_assignments_rejects_malformed_pairs(pair):
    with pytest.raises(ScenarioError, match="name=value"):
        parse_assignments([pair])


# to_toml round trip ------------------------------------------------------------------


def roundtrip(scenario):
    return parse_scenario(tomllib.loads(scenario.to_toml()), "roundtrip.toml")


@pytest.mark.parametrize("name", BUILTINS)
def test_to_toml_round_trips_builtins(name):
    """Writing a scenario out and reading it back gives the same levers and values."""
    scenario = load_scenario(name)
    again = roundtrip(scenario)
    assert again.name == scenario.name
    assert again.description == scenario.description
    assert again.levers() == scenario.levers()
    assert dict(again.values) == dict(scenario.values)


def test_to_toml_round_trips_parameters_that_were_set():
    scenario = load_scenario("plan").with_settings({"end_year": 2045, "car_km": 12000})
    again = roundtrip(scenario)
    assert again["end_year"] == 2045.0
    assert again["car_km"] == 12000.0
    assert dict(again.values) == dict(scenario.values)


LEVERS = [p for p in registry().of_kind("lever") if p.unit not in ("switch", "year")]


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_to_toml_round_trips_any_lever_values_exactly(data):
    """A scenario written with to_toml reruns the same scenario: no value is rounded."""
    chosen = data.draw(st.lists(st.sampled_from(LEVERS), min_size=1, max_size=5, unique_by=lambda p: p.name))
    scenario = load_scenario("baseline").with_settings(
        {p.name: data.draw(st.floats(min_value=p.low, max_value=p.high)) for p in chosen}
    )
    assert roundtrip(scenario).levers() == scenario.levers()


def test_to_toml_round_trips_a_multiline_description(tmp_path):
    """Descriptions with line breaks, quotes and backslashes survive a round trip."""
    path = write(tmp_path, 'description = """Two lines:\nsays "hi" \\\\ back"""\n[levers]\nev_subsidy = 1000\n')
    scenario = load_scenario(path)
    assert "\n" in scenario.description
    assert roundtrip(scenario).description == scenario.description


# the registry ------------------------------------------------------------------------


def test_shipped_registry_rows_have_unit_source_and_defaults_in_range():
    reg = Registry.load()
    assert len(reg) > 100
    for p in reg.values():
        assert p.kind in KINDS
        assert p.unit.strip(), p.name
        assert p.source.strip(), p.name
        if p.adjustable:
            assert p.low <= p.default <= p.high, p.name
        if p.kind in ("lever", "uncertainty"):
            assert p.adjustable, p.name


def test_registry_shares_add_up_to_one():
    reg = registry()
    for prefix in ("industry_share_2020.", "county_share."):
        names = reg.with_prefix(prefix)
        assert names
        assert sum(reg[n].default for n in names) == pytest.approx(1.0, abs=1e-9), prefix


def test_registry_of_kind_and_defaults():
    reg = registry()
    levers = reg.of_kind("lever")
    assert levers and all(p.kind == "lever" for p in levers)
    assert reg.defaults()["gdp_2020"] == 3262.37


def read_rows() -> list[dict[str, str]]:
    with data_path("parameters.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]], columns=COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def edited(rows: list[dict[str, str]], name: str, **changes: str) -> list[dict[str, str]]:
    out = [dict(r) for r in rows]
    for row in out:
        if row["name"] == name:
            row.update(changes)
    return out


def test_copied_registry_loads_like_the_shipped_one(tmp_path):
    """The helpers write a faithful copy (so the failures below are due to the edits)."""
    reg = Registry.load(write_rows(tmp_path / "p.csv", read_rows()))
    assert reg.defaults() == registry().defaults()


def test_registry_missing_column(tmp_path):
    path = write_rows(tmp_path / "p.csv", read_rows(), columns=[c for c in COLUMNS if c != "source"])
    with pytest.raises(RegistryError, match="columns must be") as err:
        Registry.load(path)
    assert str(path) in str(err.value)


def test_registry_duplicate_name(tmp_path):
    rows = read_rows()
    path = write_rows(tmp_path / "p.csv", [*rows, rows[5]])
    with pytest.raises(RegistryError, match=f"duplicate name '{rows[5]['name']}'"):
        Registry.load(path)


def test_registry_default_outside_range(tmp_path):
    path = write_rows(tmp_path / "p.csv", edited(read_rows(), "ev_subsidy", default="999999"))
    with pytest.raises(RegistryError, match="default of 'ev_subsidy' outside"):
        Registry.load(path)


def test_registry_lever_without_range(tmp_path):
    path = write_rows(tmp_path / "p.csv", edited(read_rows(), "ev_subsidy", low="", high=""))
    with pytest.raises(RegistryError, match="lever 'ev_subsidy' needs a range"):
        Registry.load(path)


def test_registry_uncertainty_without_range(tmp_path):
    path = write_rows(tmp_path / "p.csv", edited(read_rows(), "gdp_growth_2030", low="", high=""))
    with pytest.raises(RegistryError, match="uncertainty 'gdp_growth_2030' needs a range"):
        Registry.load(path)


def test_registry_half_a_range(tmp_path):
    path = write_rows(tmp_path / "p.csv", edited(read_rows(), "ev_subsidy", high=""))
    with pytest.raises(RegistryError, match="both low and high"):
        Registry.load(path)


@pytest.mark.parametrize("column", ["source", "unit"])
def test_registry_missing_source_or_unit(tmp_path, column):
    path = write_rows(tmp_path / "p.csv", edited(read_rows(), "ev_subsidy", **{column: "  "}))
    with pytest.raises(RegistryError, match="'ev_subsidy' needs a unit and a source"):
        Registry.load(path)


def test_registry_number_that_is_not_a_number(tmp_path):
    path = write_rows(tmp_path / "p.csv", edited(read_rows(), "ev_subsidy", default="lots"))
    with pytest.raises(RegistryError, match=r"row \d+: column 'default' is not a number"):
        Registry.load(path)


def test_registry_missing_default(tmp_path):
    path = write_rows(tmp_path / "p.csv", edited(read_rows(), "ev_subsidy", default=""))
    with pytest.raises(RegistryError, match="'ev_subsidy' has no default"):
        Registry.load(path)


def test_registry_unknown_kind(tmp_path):
    path = write_rows(tmp_path / "p.csv", edited(read_rows(), "ev_subsidy", kind="policy"))
    with pytest.raises(RegistryError, match="kind must be one of"):
        Registry.load(path)


def test_registry_file_not_found(tmp_path):
    with pytest.raises(RegistryError, match="not found"):
        Registry.load(tmp_path / "absent.csv")
