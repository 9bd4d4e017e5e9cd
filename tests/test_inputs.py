"""Every input is bounded, and every bad input is a clear error naming the file, the key and what is allowed."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from abm.cli import main
from abm.files import read_text
from abm.model import SuqianModel
from abm.parameters import ParameterValueError, Registry, RegistryError, data_path, registry
from abm.population import MAX_HOUSEHOLDS, MIN_HOUSEHOLDS, HouseholdCountError, check_households
from abm.run import run
from abm.scenario import ScenarioError, load_scenario, parse_assignments
from calibration.observed import MAX_ABS_VALUE, ObservedDataError, load_observed
from experiments.design import design_matrix
from experiments.spec import MAX_DESIGN_VALUES, MAX_RUNS, MAX_SOBOL_SAMPLES, SpecError, load_spec

REG = registry()
OBSERVED_HEADER = "indicator,region,year,value,unit,quality,source_url,source_title,note"


def write(tmp_path: Path, text: str | bytes, name: str) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def observed_row(year: str = "2020", value: str = "1.0") -> str:
    return f"gdp,suqian,{year},{value},x,official,https://example.org,source,note"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


# households ---------------------------------------------------------------------------


def test_household_bound_covers_the_whole_city():
    assert REG["households_2020"].default <= MAX_HOUSEHOLDS
    assert check_households(MAX_HOUSEHOLDS) == MAX_HOUSEHOLDS


@pytest.mark.parametrize("count", [MAX_HOUSEHOLDS + 1, 1_000_000_000, 10**30, MIN_HOUSEHOLDS - 1, 2.5, True])
def test_too_many_or_malformed_households_are_refused_before_the_model_is_built(count):
    with pytest.raises(HouseholdCountError, match=r"--households.*at least 10 and at most 4,000,000"):
        run("plan", households=count)
    with pytest.raises(HouseholdCountError, match="at most"):
        SuqianModel(load_scenario("plan"), households=count)


def test_household_error_is_a_value_error_the_cli_reports(tmp_path, capsys):
    out = tmp_path / "out"
    code, err = cli(capsys, "run", "--households", "1000000000", "--out", str(out))
    assert code == 2
    assert err.startswith("error: --households must be a whole number") and "4,000,000" in err
    assert not out.exists()


# years and counts are whole numbers -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[levers]\npolicy_start_year = 2021.5\n", "policy_start_year"),
        ("[parameters]\nend_year = 2030.5\n", "end_year"),
        ("[parameters]\ncommercial_firms = 1000.5\n", "commercial_firms"),
        ("[parameters]\nneighbourhood_size = 50.5\n", "neighbourhood_size"),
    ],
)
def test_fractional_years_and_counts_are_refused(tmp_path, body, key):
    path = write(tmp_path, body, "s.toml")
    with pytest.raises(ScenarioError, match=rf"{key}' takes whole numbers") as err:
        load_scenario(path)
    assert str(path) in str(err.value)


def test_fractional_end_year_on_the_command_line_is_refused_not_cut():
    with pytest.raises(ScenarioError, match="end_year' takes whole numbers from 2022 to 2060"):
        load_scenario("plan").with_settings({"end_year": "2030.5"})
    assert load_scenario("plan").with_settings({"end_year": "2030"})["end_year"] == 2030.0


def test_registry_with_a_fractional_year_is_refused(tmp_path):
    text = data_path("parameters.csv").read_text(encoding="utf-8")
    bad = text.replace(
        "start_year,parameter,time,year,2020,2015,2020", "start_year,parameter,time,year,2020.5,2015,2021"
    )
    assert bad != text
    with pytest.raises(RegistryError, match=r"start_year.*whole numbers"):
        Registry.load(write(tmp_path, bad, "parameters.csv"))


# unicode digits --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["５０００", "٥٠٠٠", "5０00"])
def test_unicode_digits_are_not_numbers(text):
    with pytest.raises(ParameterValueError, match="ev_subsidy"):
        REG["ev_subsidy"].check(text, "--set")
    with pytest.raises(ScenarioError, match="ev_subsidy"):
        load_scenario("plan").with_settings(parse_assignments([f"ev_subsidy={text}"]))


def test_unicode_digits_in_observed_data_are_refused(tmp_path):
    path = write(tmp_path, f"{OBSERVED_HEADER}\n{observed_row(value='５')}\n{observed_row(year='２０２１')}\n", "o.csv")
    with pytest.raises(ObservedDataError) as err:
        load_observed(path)
    message = str(err.value)
    assert "line 2: value '５'" in message and "line 3: year '２０２１'" in message


def test_unicode_digits_in_the_registry_are_refused(tmp_path):
    text = data_path("parameters.csv").read_text(encoding="utf-8")
    bad = text.replace("car_km,parameter,households,km/yr,10000,", "car_km,parameter,households,km/yr,１0000,")
    assert bad != text
    with pytest.raises(RegistryError, match="default"):
        Registry.load(write(tmp_path, bad, "parameters.csv"))


# --set ---------------------------------------------------------------------------------


def test_repeated_set_is_an_error_naming_the_key():
    with pytest.raises(ScenarioError, match="'ev_subsidy' is given more than once"):
        parse_assignments(["ev_subsidy=abc", "ev_subsidy=1"])


def test_repeated_set_on_the_command_line_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    code, err = cli(capsys, "run", "--set", "ev_subsidy=abc", "--set", "ev_subsidy=1", "--out", str(out))
    assert code == 2 and "ev_subsidy" in err
    assert not out.exists()


def test_every_bad_setting_is_reported_at_once():
    with pytest.raises(ScenarioError) as err:
        load_scenario("plan").with_settings({"ev_subsidy": "abc", "pv_subsidy": -1, "nope": 1})
    message = str(err.value)
    assert "3 problems" in message
    assert all(key in message for key in ("ev_subsidy", "pv_subsidy", "nope"))


# several errors in one file ------------------------------------------------------------------


def test_scenario_file_reports_every_error_each_with_its_key(tmp_path):
    path = write(
        tmp_path,
        'colour = 1\n[levers]\nev_subsidy = -5\nheat_pump_subsidy = "x"\n[parameters]\ncar_kmm = 1\n',
        "s.toml",
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    lines = str(err.value).splitlines()
    assert lines[0] == f"{path}: 4 problems:"
    for key in ("colour", "ev_subsidy", "heat_pump_subsidy", "car_kmm"):
        assert sum(key in line and str(path) in line for line in lines[1:]) == 1, key


def test_spec_file_reports_every_error_each_with_its_key(tmp_path):
    path = write(
        tmp_path,
        'households = 0\n[design]\nkind = "latin_hypercube"\nseed = -1\n[factors]\nev_subsidy = [5, 1]\n'
        '[outputs]\nindicators = ["nope"]\n',
        "spec.toml",
    )
    with pytest.raises(SpecError) as err:
        load_spec(path)
    lines = str(err.value).splitlines()
    assert lines[0] == f"{path}: 4 problems:"
    for key in ("households", "seed", "ev_subsidy", "nope"):
        assert sum(f"'{key}'" in line and str(path) in line for line in lines[1:]) == 1, key


def test_nested_tables_are_read_as_dotted_names(tmp_path):
    path = write(tmp_path, "[parameters.energy_2020.food_liquor]\ncoal = 10\n", "s.toml")
    assert load_scenario(path)["energy_2020.food_liquor.coal"] == 10.0


@pytest.mark.parametrize("name", ["../escape", "a/b", "tab\there", "", "x" * 201])
def test_names_that_cannot_name_a_folder_are_refused(tmp_path, name):
    path = write(tmp_path, f"name = {name!r}\n".replace("'", '"').replace("\t", "\\t"), "s.toml")
    with pytest.raises(ScenarioError, match="'name'"):
        load_scenario(path)


# experiment sizes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("[design]\nreplications = 1000000000", rf"'replications' must be a whole number from 1 to {MAX_RUNS:,}"),
        (
            '[design]\nkind = "latin_hypercube"\nsamples = 1000000000\n[factors]\nev_subsidy = [0, 1]',
            rf"'samples' must be a whole number from 1 to {MAX_RUNS:,}",
        ),
        (
            '[design]\nkind = "sobol"\nsamples = 1073741824\n[factors]\nev_subsidy = [0, 1]\npv_subsidy = [0, 1]',
            rf"'samples' must be a whole number from 1 to {MAX_SOBOL_SAMPLES:,}",
        ),
        (
            '[design]\nkind = "full_factorial"\nlevels = 100\n[factors]\nev_subsidy = [0, 1]\npv_subsidy = [0, 1]\n'
            "storage_subsidy = [0, 1]\ncarbon_price_2030 = [0, 1]",
            r"100,000,000 runs.*at most 1,000,000",
        ),
        ('[design]\nkind = "full_factorial"\nlevels = 101\n[factors]\nev_subsidy = [0, 1]', "'levels'"),
        ("[design]\nseed = 4294967296", "'seed' must be a whole number from 0 to 4,294,967,295"),
        ("households = 1000000000", "'households' must be a whole number from 10 to 4,000,000"),
    ],
)
def test_oversized_specs_are_refused_on_load(tmp_path, body, match):
    path = write(tmp_path, body + "\n", "spec.toml")
    with pytest.raises(SpecError, match=match) as err:
        load_spec(path)
    assert str(path) in str(err.value)


def test_design_values_are_bounded(tmp_path):
    factors = "\n".join(f"{p.name} = [{p.low!r}, {p.high!r}]" for p in REG.of_kind("lever") if p.unit != "switch")
    body = f'[design]\nkind = "latin_hypercube"\nsamples = {MAX_DESIGN_VALUES // 10}\n[factors]\n{factors}\n'
    with pytest.raises(SpecError, match=f"factor values; at most {MAX_DESIGN_VALUES:,}"):
        load_spec(write(tmp_path, body, "spec.toml"))


def test_oversized_sweep_leaves_no_folder(tmp_path, capsys):
    spec = write(tmp_path, "[design]\nreplications = 1000000000\n", "spec.toml")
    out = tmp_path / "out"
    code, err = cli(capsys, "sweep", str(spec), "--out", str(out), "--workers", "0")
    assert code == 2 and "replications" in err
    assert not out.exists()


# spec outputs, switches and years -------------------------------------------------------------


@pytest.mark.parametrize(
    ("outputs", "match"),
    [
        ('sectors = ["nope"]', "unknown sector.*'nope'"),
        ('indicators = ["nope"]', "unknown indicator.*'nope'"),
        ('indicators = ["gdp"]\nsectors = ["transport"]', "no rows would be kept of 'gdp'"),
        ("colour = 1", r"unknown key\(s\) 'colour'"),
        ("sectors = 3", 'sectors.*or "all"'),
    ],
)
def test_spec_outputs_are_checked_against_the_model(tmp_path, outputs, match):
    path = write(tmp_path, f"[outputs]\n{outputs}\n", "spec.toml")
    with pytest.raises(SpecError, match=match):
        load_spec(path)


def test_known_outputs_are_accepted(tmp_path):
    spec = load_spec(write(tmp_path, '[outputs]\nindicators = ["gdp", "fiscal_cost"]\nsectors = "all"\n', "s.toml"))
    assert spec.indicators == ("co2_with_electricity", "gdp", "fiscal_cost") and spec.sectors is None


def test_switch_factor_range_must_be_zero_to_one(tmp_path):
    design = '[design]\nkind = "latin_hypercube"\nsamples = 4\n'
    with pytest.raises(SpecError, match=r"rooftop_pv_programme' is a switch.*\[0, 1\]"):
        load_spec(write(tmp_path, design + "[factors]\nrooftop_pv_programme = [0.2, 0.8]\n", "a.toml"))
    spec = load_spec(write(tmp_path, design + "[factors]\nrooftop_pv_programme = [0, 1]\n", "b.toml"))
    assert set(design_matrix(spec)["rooftop_pv_programme"]) <= {0.0, 1.0}


def test_year_factors_are_sampled_as_whole_years(tmp_path):
    for kind in ("latin_hypercube", "morris", "full_factorial"):
        body = f'[design]\nkind = "{kind}"\nsamples = 4\nlevels = 4\n[factors]\npolicy_start_year = [2021, 2030]\n'
        body += "coal_exit_year = [2035, 2061]\n"
        spec = load_spec(write(tmp_path, body, f"{kind}.toml"))
        matrix = design_matrix(spec)
        assert len(matrix) == spec.design_rows
        for column in ("policy_start_year", "coal_exit_year"):
            values = matrix[column].to_numpy()
            assert np.array_equal(values, np.round(values)), (kind, column)
    with pytest.raises(SpecError, match="policy_start_year' takes whole numbers"):
        load_spec(write(tmp_path, "[factors]\npolicy_start_year = [2021.5, 2030]\n", "x.toml"))


def test_full_factorial_of_a_short_year_range_has_each_year_once(tmp_path):
    body = '[design]\nkind = "full_factorial"\nlevels = 10\n[factors]\npolicy_start_year = [2021, 2023]\n'
    matrix = design_matrix(load_spec(write(tmp_path, body, "s.toml")))
    assert list(matrix["policy_start_year"]) == [2021.0, 2022.0, 2023.0]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ('scenarios = ["baseline"]\nend_year = 2023', "'end_year' 2023 precedes.*baseline's policy_start_year 2024"),
        (
            'end_year = 2025\n[design]\nkind = "latin_hypercube"\n[factors]\npolicy_start_year = [2021, 2030]',
            "'end_year' 2025 precedes.*factor policy_start_year reaches policy_start_year 2030",
        ),
        ("end_year = 2030\n[factors]\nend_year = [2030, 2040]", "'end_year' is set and also a factor"),
        ("end_year = 2021", "'end_year' must be a whole number from 2022 to 2060"),
    ],
)
def test_spec_end_year_must_reach_the_policy_years(tmp_path, body, match):
    with pytest.raises(SpecError, match=match):
        load_spec(write(tmp_path, body + "\n", "spec.toml"))


# observed data -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1e308", "-1e308", "inf", "-inf", "nan", f"{MAX_ABS_VALUE:g}"])
def test_implausible_observations_are_refused(tmp_path, value):
    path = write(tmp_path, f"{OBSERVED_HEADER}\n{observed_row(value=value)}\n", "o.csv")
    with pytest.raises(ObservedDataError, match=f"{path}: line 2: value") as err:
        load_observed(path)
    assert "finite" in str(err.value) or "plausible" in str(err.value)


def test_every_bad_observed_line_is_reported(tmp_path):
    rows = [observed_row(value="x"), observed_row(year="2021.5"), observed_row(year="2022", value="2")]
    path = write(tmp_path, OBSERVED_HEADER + "\n" + "\n".join(rows) + "\n", "o.csv")
    with pytest.raises(ObservedDataError) as err:
        load_observed(path)
    message = str(err.value)
    assert "2 problems" in message and "line 2" in message and "line 3" in message and "line 4" not in message


def test_empty_observed_file_names_the_file(tmp_path):
    path = write(tmp_path, "", "o.csv")
    with pytest.raises(ObservedDataError, match=f"{path}: the file is empty"):
        load_observed(path)


# reading files ---------------------------------------------------------------------------------

SCENARIO = "[levers]\nev_subsidy = 3000\n"
SPEC = "[design]\nreplications = 1\n"
OBSERVED = f"{OBSERVED_HEADER}\n{observed_row()}\n"
LOADERS = [
    (load_scenario, ScenarioError, SCENARIO, "s.toml"),
    (load_spec, SpecError, SPEC, "spec.toml"),
    (load_observed, ObservedDataError, OBSERVED, "o.csv"),
]


@pytest.mark.parametrize(("load", "error", "text", "name"), LOADERS)
def test_byte_order_mark_is_accepted_everywhere(tmp_path, load, error, text, name):
    assert load(write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"), name)) is not None


@pytest.mark.parametrize(("load", "error", "text", "name"), LOADERS)
def test_non_utf8_bytes_name_the_file_and_offset(tmp_path, load, error, text, name):
    data = text.encode("utf-8")
    path = write(tmp_path, data[:5] + b"\xff" + data[5:], name)
    with pytest.raises(error, match=f"{path}: not UTF-8 text: byte 5 \\(0xff\\)"):
        load(path)


@pytest.mark.parametrize(("load", "error", "text", "name"), LOADERS)
def test_a_folder_is_not_a_file(tmp_path, load, error, text, name):
    folder = tmp_path / name
    folder.mkdir()
    with pytest.raises(error, match=f"{folder}: is a folder"):
        load(folder)


@pytest.mark.parametrize(("load", "error", "text", "name"), LOADERS)
def test_unreadable_file_names_the_file_and_reason(tmp_path, load, error, text, name, monkeypatch):
    path = write(tmp_path, text, name)

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(error, match=f"{path}: cannot read the .*: Permission denied"):
        load(path)


@pytest.mark.parametrize(("load", "error"), [(load_scenario, ScenarioError), (load_spec, SpecError)])
@pytest.mark.parametrize(
    ("text", "match"),
    [("a = " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"), ("a = 1" + "0" * 5000 + "\n", "not valid TOML")],
)
def test_toml_that_cannot_be_read_names_the_file(tmp_path, load, error, text, match):
    path = write(tmp_path, text, "deep.toml")
    with pytest.raises(error, match=match) as err:
        load(path)
    assert str(err.value).startswith(f"{path}: ")


def test_a_path_with_a_nul_character_is_a_clean_error():
    with pytest.raises(ScenarioError, match=re.escape("a\x00b.toml")):
        read_text("a\x00b.toml", ScenarioError, "scenario file")
    with pytest.raises(ScenarioError, match=re.escape("a\x00b.toml")):
        load_scenario("a\x00b.toml")


# parameter files given to `validate --params` -------------------------------------------


@pytest.mark.parametrize(
    ("name", "body", "match"),
    [
        ("bad.toml", '[parameters]\nev_subsidy = 1e300\ncar_km = "x"\nnope = 1\n', r"(?s)out of range.*car_km.*nope"),
        ("deep.toml", "a = " + "[" * 2000 + "]" * 2000 + "\n", "nested too deeply"),
        ("table.toml", "[other]\nx = 1\n", r"\[point_estimate\] or \[parameters\]"),
        ("bad.csv", "weight,ev_subsidy\n1,abc\n", "column 'ev_subsidy' holds a value that is not a number"),
        ("digits.csv", "weight,ev_subsidy\n1,５０００\n", "column 'ev_subsidy' holds a value that is not a number"),
        ("empty.csv", "", "the file is empty"),
        ("weights.csv", "weight,ev_subsidy\n0,1000\n", "weights must be"),
    ],
)
def test_bad_parameter_files_are_refused_naming_the_file(tmp_path, name, body, match):
    from calibration.observed import ObservedDataError
    from calibration.validation import read_parameters

    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ObservedDataError, match=match) as caught:
        read_parameters(path)
    assert name in str(caught.value)


def test_shipped_calibration_files_read_as_parameters():
    from abm.calibrated import calibration_file, posterior_file
    from calibration.validation import read_parameters

    point = read_parameters(calibration_file())
    medians = read_parameters(posterior_file())
    assert set(point) <= set(medians)
    assert all(registry()[name].low <= value <= registry()[name].high for name, value in medians.items())


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("ev_subsidy\n1000\n", "needs a 'weight' column"),
        ("weight,ev_subsidy\n1,x\n", "column 'ev_subsidy' holds a value that is not a number"),
        ("weight,ev_subsidy\n1,99999999\n", "out of range"),
        ("weight,no_such_parameter\n1,1\n", "'no_such_parameter' is not in the parameter registry"),
    ],
)
def test_predict_refuses_a_bad_posterior_naming_it_before_any_work(tmp_path, capsys, body, match):
    path = tmp_path / "posterior.csv"
    path.write_text(body, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["predict", "--posterior", str(path), "--members", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert match in err and "posterior.csv" in err and "Traceback" not in err
    assert not out.exists()


def test_a_dotted_name_given_both_quoted_and_as_a_table_is_refused(tmp_path):
    path = tmp_path / "twice.toml"
    path.write_text(
        '[parameters]\n"industry_share_2020.textiles_chemical_fibre" = 0.17\n'
        "[parameters.industry_share_2020]\ntextiles_chemical_fibre = 0.17\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"twice\.toml \[parameters\].*given twice"):
        load_scenario(path)


def test_an_empty_scenario_name_is_unknown_and_a_folder_does_not_hide_a_builtin(tmp_path, monkeypatch):
    with pytest.raises(ScenarioError, match="unknown scenario ''"):
        load_scenario("")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan").mkdir()  # a folder that happens to bear a scenario's name
    assert load_scenario("plan").name == "plan"
