"""Calibration: observed data, observation operators, ABC-SMC parameter recovery, validation."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm.calibrated import calibrated_values, calibration_info
from abm.parameters import registry
from abm.run import run
from abm.scenario import load_scenario
from calibration.abc import Budget, Prior, calibrated_parameters, draw, fit, weighted_quantiles, with_propagated
from calibration.mapping import (
    MAP_COLUMNS,
    MappingError,
    TrajectoryLookup,
    compare,
    comparisons,
    load_map,
    modelled_value,
)
from calibration.observed import COLUMNS, ObservedDataError, bound_kind, load_observed, quality_weight
from calibration.simulate import history_scenario, simulate
from calibration.validation import read_parameters, validate

REG = registry()
HEADER = ",".join(COLUMNS)


def write(tmp_path: Path, text: str, name: str = "observed.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def row(indicator: str, region: str, year: int, value: float, quality: str = "official", unit: str = "x") -> str:
    return f"{indicator},{region},{year},{value},{unit},{quality},https://example.org,source,note"


# observed data ------------------------------------------------------------------------


def test_shipped_observed_data_loads_with_every_quality():
    table = load_observed()
    assert set(table.columns) == set(COLUMNS)
    assert set(table["quality"]) <= {"official", "secondary", "target", "unreliable"}
    assert table["value"].notna().all()


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (row("gdp", "suqian", 2020, 1).replace(",1,", ",lots,"), r"line 2: value 'lots' is not a number"),
        (row("gdp", "suqian", 2020, 1, quality="great"), r"line 2: quality 'great'"),
        (row("gdp", "suqian", 2020, 1).replace("2020", "soon"), r"line 2: year 'soon'"),
        (row("gdp", "", 2020, 1), r"line 2: empty region"),
        (row("gdp", "suqian", 2020, 1) + "\n" + row("gdp", "suqian", 2020, 2), r"lines 2, 3: the same indicator"),
        ("", "no observations"),
    ],
)
def test_garbled_observed_rows_are_refused_with_the_line(tmp_path, body, match):
    with pytest.raises(ObservedDataError, match=match):
        load_observed(write(tmp_path, HEADER + "\n" + body + "\n"))


def test_missing_observed_file_and_missing_columns_are_named(tmp_path):
    with pytest.raises(ObservedDataError, match="not found"):
        load_observed(tmp_path / "nope.csv")
    with pytest.raises(ObservedDataError, match="missing column"):
        load_observed(write(tmp_path, "indicator,region,year,value\ngdp,suqian,2020,1\n"))


def test_quality_weights_and_bounds():
    assert [quality_weight(q) for q in ("official", "secondary", "unreliable", "target")] == [1.0, 0.5, 0.0, 0.0]
    assert bound_kind("gdp_lower_bound") == "lower"
    assert bound_kind("co2_upper_bound") == "upper"
    assert bound_kind("gdp") == "level"


# observation map ----------------------------------------------------------------------


def test_shipped_map_names_only_model_outputs_that_exist():
    items = comparisons(load_observed(), load_map())
    trajectory = simulate(history_scenario(calibrated=False), {}, seed=1, households=200)
    table = compare(trajectory, items)
    assert len(table) == len(items) > 20
    assert table["modelled"].notna().all()
    # inputs agree by construction (urbanisation is drawn household by household, so it varies with few agents)
    inputs = table[(table["role"] == "input") & (table["indicator"] != "urbanization_rate")]
    assert inputs["passed"].all()
    assert (table.loc[table["role"].isin(["input", "check"]), "weight"] == 0).all()


def test_malformed_map_is_refused(tmp_path):
    good = load_map()
    bad = good.copy()
    bad.loc[0, "transform"] = "cube"
    path = tmp_path / "map.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(MappingError, match=r"line 2: transform 'cube'"):
        load_map(path)
    good.drop(columns=["role"]).to_csv(path, index=False)
    with pytest.raises(MappingError, match="missing column"):
        load_map(path)


def toy_trajectory() -> pd.DataFrame:
    rows = []
    for year, a, b in ((2020, 10.0, 30.0), (2021, 12.0, 30.0), (2022, 15.0, 35.0)):
        rows += [(year, "x", "a", a, "u"), (year, "x", "b", b, "u"), (year, "x", "total", a + b, "u")]
    return pd.DataFrame(rows, columns=["year", "indicator", "sector", "value", "unit"])


def toy_map(tmp_path: Path, lines: list[str]) -> pd.DataFrame:
    path = tmp_path / "map.csv"
    path.write_text(",".join(MAP_COLUMNS) + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return load_map(path)


def test_each_transform_computes_the_documented_value(tmp_path):
    observed = load_observed(
        write(
            tmp_path,
            "\n".join(
                [
                    HEADER,
                    row("lvl", "r", 2021, 1.2),
                    row("shr", "r", 2022, 30.0),
                    row("grw", "r", 2022, 25.0),
                    row("idx", "r", 2020, 100.0),
                    row("idx", "r", 2022, 150.0),
                    row("num", "r", 2021, 2.0),
                    row("den", "r", 2021, 10.0),
                    row("floor_lower_bound", "r", 2021, 50.0),
                ]
            )
            + "\n",
        )
    )
    mapping = toy_map(
        tmp_path,
        [
            "lvl,r,,x,a,,level,0.1,,1,fit,economy,5,%,",
            "shr,r,,x,a,,share,1,,1,fit,economy,1,points,",
            "grw,r,,x,a+b,,growth,1,,1,fit,economy,1,points,",
            "idx,r,2021-2022,x,a,,index,1,,1,fit,economy,5,%,",
            "num,r,,x,a,2022,share,1,den,1,fit,economy,5,%,",
            "floor_lower_bound,r,,x,b,,level,1,,1,fit,economy,5,%,",
        ],
    )
    table = compare(toy_trajectory(), comparisons(observed, mapping)).set_index("indicator")
    assert table.loc["lvl", "modelled"] == pytest.approx(1.2) and table.loc["lvl", "passed"]
    assert table.loc["shr", "modelled"] == pytest.approx(30.0)
    assert table.loc["grw", "modelled"] == pytest.approx(100 * (50 / 42 - 1))
    assert not table.loc["grw", "passed"]  # 19.05 % against 25 % with 1 point allowed
    assert table.loc["idx", "modelled"] == pytest.approx(150.0)
    assert table.loc["num", "observed"] == pytest.approx(20.0)  # 100 x 2 / 10
    assert table.loc["num", "model_year"] == 2022
    assert table.loc["num", "modelled"] == pytest.approx(30.0)
    assert table.loc["floor_lower_bound", "modelled"] == 30.0
    assert not table.loc["floor_lower_bound", "passed"]  # 30 is below the floor of 50


def test_years_outside_the_run_are_not_comparable(tmp_path):
    observed = load_observed(write(tmp_path, HEADER + "\n" + row("g", "r", 2020, 1.0) + "\n"))
    mapping = toy_map(tmp_path, ["g,r,,x,a,,growth,1,,1,fit,economy,1,points,"])
    item = comparisons(observed, mapping)[0]
    assert np.isnan(modelled_value(item, TrajectoryLookup(toy_trajectory())))  # needs 2019


# fitting ------------------------------------------------------------------------------


def test_calibrated_parameters_have_registry_ranges():
    priors = calibrated_parameters()
    assert priors, "no parameter to calibrate"
    for p in [*priors, *calibrated_parameters(role="propagate"), *calibrated_parameters(role="candidate")]:
        assert (p.low, p.high) == (REG[p.name].low, REG[p.name].high)


def test_propagated_parameters_are_drawn_from_their_priors():
    posterior = pd.DataFrame({"a": [1.0, 2.0, 3.0], "weight": [0.0, 0.0, 1.0]})
    prior = Prior("bass_q", 0.1, 0.6, "1/yr")
    joint = with_propagated(posterior, [prior], np.random.default_rng(1))
    assert list(joint.columns) == ["a", "bass_q", "weight"]
    assert (joint["a"] == 3.0).all()  # resampled by weight
    assert joint["weight"].sum() == pytest.approx(1.0) and joint["weight"].nunique() == 1
    assert joint["bass_q"].between(0.1, 0.6).all() and joint["bass_q"].nunique() == 3


def test_weighted_quantiles_and_draws():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    w = np.array([0.0, 0.0, 1.0, 0.0])
    assert weighted_quantiles(x, w, [0.05, 0.5, 0.95]) == [3.0, 3.0, 3.0]
    posterior = pd.DataFrame({"a": x, "weight": w})
    assert {d["a"] for d in draw(posterior, 20, np.random.default_rng(1))} == {3.0}


# parameters the shipped observations determine well (the fuel scale meets only the noisy CEADs level)
TRUTH = {"base_year_electricity_scale": 0.85, "cars_per_household_2020": 0.5}


@pytest.fixture(scope="module")
def recovery(tmp_path_factory):
    """Data made by the model with known parameters, fitted back with ABC-SMC."""
    scenario = history_scenario(calibrated=False)
    items = comparisons(load_observed(), load_map())
    truth_run = simulate(scenario, TRUTH, seed=11, households=200)
    lookup = TrajectoryLookup(truth_run)
    synthetic = [dataclasses.replace(c, observed=modelled_value(c, lookup)) for c in items]
    priors = [Prior(n, REG[n].low, REG[n].high, REG[n].unit) for n in TRUTH]
    # the wall-clock cap is a safety valve only: the result must not depend on how loaded the machine is
    budget = Budget(population_size=60, max_generations=4, min_epsilon=0.05, max_simulations=3000, max_minutes=120)
    return fit(
        scenario, synthetic, priors, tmp_path_factory.mktemp("abc") / "abc.db", budget,
        households=200, workers=2, seed=3, progress=False,
    )  # fmt: skip


def test_parameter_recovery_within_credible_intervals(recovery):
    summary = recovery.summary().set_index("parameter")
    for name, truth in TRUTH.items():
        low, high = summary.loc[name, "posterior_q05"], summary.loc[name, "posterior_q95"]
        assert low <= truth <= high, f"{name}: truth {truth} outside the 90 % interval [{low:.3f}, {high:.3f}]"
        assert summary.loc[name, "contraction"] > 0.5, f"{name} was not narrowed by data that determine it"
    assert recovery.generations[-1].epsilon < recovery.generations[0].epsilon
    assert recovery.posterior["weight"].sum() == pytest.approx(1.0)


# the shipped calibration --------------------------------------------------------------


def test_shipped_calibration_is_used_by_default_and_can_be_switched_off():
    values = calibrated_values()
    assert values, "no calibration shipped in abm/data/calibration"
    info = calibration_info()
    assert info["data_cutoff"] >= 2022 and info["command"].startswith("suqian-abm calibrate")
    plan = load_scenario("plan")
    raw = load_scenario("plan", calibrated=False)
    for name, value in values.items():
        assert plan[name] == pytest.approx(value)
        assert raw[name] == REG[name].default
    # a scenario's own setting wins over the calibration
    name = next(iter(values))
    assert plan.with_settings({name: REG[name].low})[name] == REG[name].low


def test_manifest_records_the_calibration():
    result = run(load_scenario("plan").with_settings({"end_year": 2030}), seed=1, households=200)
    assert result.manifest()["calibration"]["version"] == calibration_info()["version"]
    raw = run(load_scenario("plan", calibrated=False).with_settings({"end_year": 2030}), seed=1, households=200)
    assert raw.manifest()["calibration"] is None


# validation ---------------------------------------------------------------------------


def test_validate_scores_a_small_file(tmp_path):
    observed = write(
        tmp_path,
        "\n".join(
            [
                HEADER,
                row("motor_vehicle_stock", "suqian", 2021, 106.41),
                row("motor_vehicle_stock", "suqian", 2022, 30.0),  # far off: must fail
                row("resident_population", "suqian", 2021, 499.9),  # sets a model input: listed, not scored
                row("something_unmapped", "suqian", 2021, 1.0),
            ]
        )
        + "\n",
    )
    table, summary, skipped = validate(observed, households=200)
    by_year = table.set_index(["indicator", "year"])
    assert by_year.loc[("motor_vehicle_stock", 2021), "passed"]
    assert not by_year.loc[("motor_vehicle_stock", 2022), "passed"]
    assert not by_year.loc[("resident_population", 2021), "scored"]
    assert list(skipped["indicator"]) == ["something_unmapped"]
    adoption = summary.set_index("module").loc["adoption"]
    assert (adoption["compared"], adoption["passed"]) == (2, 1)
    assert summary.set_index("module").loc["all", "compared"] == 2


def test_read_parameters_from_each_format(tmp_path):
    toml = write(tmp_path, "[parameters]\ncar_km = 11000\n", "s.toml")
    assert read_parameters(toml) == {"car_km": 11000.0}
    csv = write(tmp_path, "car_km,weight\n9000,0.2\n12000,0.8\n", "p.csv")
    assert read_parameters(csv) == {"car_km": 12000.0}
    with pytest.raises(ObservedDataError, match="not in the parameter registry"):
        read_parameters(write(tmp_path, "[point_estimate]\nnope = 1\n", "c.toml"))
    with pytest.raises(ObservedDataError, match="not found"):
        read_parameters(tmp_path / "missing.toml")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "abm.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


def test_validate_cli_writes_the_table_and_summary(tmp_path):
    done = cli("validate", "--out", str(tmp_path / "v"), "--households", "200", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "v" / "validation.csv")
    assert list(table.columns[:7]) == ["indicator", "region", "year", "observed", "modelled", "abs_pct_error", "passed"]
    summary = pd.read_csv(tmp_path / "v" / "summary.csv")
    assert set(summary["module"]) == {"economy", "population", "industry", "energy", "emissions", "adoption", "all"}


def test_validate_cli_names_a_garbled_file(tmp_path):
    bad = write(tmp_path, HEADER + "\n" + row("gdp", "suqian", 2020, 1, quality="sort of") + "\n")
    done = cli("validate", "--observed", str(bad), "--out", str(tmp_path / "v"), cwd=tmp_path)
    assert done.returncode == 2
    assert "line 2: quality 'sort of'" in done.stderr
    assert not (tmp_path / "v").exists()


def test_calibrate_quick_cli_writes_posterior_report_and_projection(tmp_path):
    out = tmp_path / "cal"
    done = cli("calibrate", "--quick", "--out", str(out), "--households", "200", "--workers", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in ("posterior.csv", "calibration.toml", "fit.csv", "time_split.csv", "scores.csv", "report.md",
                 "fit.png", "posterior.png", "peak_year.png", "projection.csv"):  # fmt: skip
        assert (out / name).exists(), name
    posterior = pd.read_csv(out / "posterior.csv")
    assert posterior["weight"].sum() == pytest.approx(1.0)
    names = {p.name for role in ("fit", "propagate", "candidate") for p in calibrated_parameters(role=role)}
    assert set(posterior.columns) == names | {"weight"}
    projection = pd.read_csv(out / "projection.csv")
    assert projection["probability_peak_by_2030"].between(0, 1).all()
    assert "generation" in done.stderr  # the progress bar
    # the validate command accepts the calibration's own file
    done = cli("validate", "--params", str(out / "calibration.toml"), "--out", str(tmp_path / "v"),
               "--households", "200", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_fit_runs_on_a_dask_cluster(tmp_path):
    from distributed import LocalCluster

    items = comparisons(load_observed(), load_map())
    priors = calibrated_parameters()[:2]
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        result = fit(
            history_scenario(calibrated=False), items, priors, tmp_path / "abc.db",
            Budget(population_size=16, max_generations=2), households=200,
            scheduler=cluster.scheduler_address, progress=False,
        )  # fmt: skip
    assert result.sampler.startswith("dask")
    assert len(result.posterior) == 16 and result.simulations >= 32
    for p in priors:
        assert result.posterior[p.name].between(p.low, p.high).all()


def test_projection_with_posterior_draws_is_reproducible(tmp_path):
    from experiments.posterior_predictive import project

    posterior = pd.DataFrame({"cars_per_household_2020": [0.4, 0.5], "asc.ev": [-3.0, -1.5], "weight": [0.5, 0.5]})
    scenario = tmp_path / "short.toml"
    scenario.write_text('name = "short"\n[levers]\npolicy_start_year = 2021\n[parameters]\nend_year = 2035\n')
    first = project(str(scenario), posterior, members=3, root_seed=5, households=200)
    again = project(str(scenario), posterior, members=3, root_seed=5, households=200)
    pd.testing.assert_frame_equal(first.members, again.members)
    assert set(first.members["cars_per_household_2020"]) <= {0.4, 0.5}
    assert first.members["seed"].nunique() == 3
    assert 0.0 <= first.probability_of_peak_by(2030) <= 1.0
    assert first.peak_year_distribution()["share"].sum() == pytest.approx(1.0)


def test_predict_cli_reports_the_probability_of_a_peak_by_2030(tmp_path):
    posterior = tmp_path / "posterior.csv"
    posterior.write_text("cars_per_household_2020,weight\n0.4,0.5\n0.5,0.5\n")
    out = tmp_path / "proj"
    done = cli("predict", "--scenario", "plan", "--members", "2", "--posterior", str(posterior), "--households", "200",
               "--workers", "1", "--out", str(out), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "P(peak by 2030) = " in done.stdout and "posterior" in done.stdout  # the number and what it includes
    summary = pd.read_csv(out / "summary.csv")
    assert summary.loc[0, "members"] == 2
    for name in ("members.csv", "emissions.csv", "peak_years.csv"):
        assert (out / name).exists()


# what the reports and projections show --------------------------------------------------


def fit_table(years: list[int], level: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": "peak_load_dispatch", "region": "suqian", "year": years, "role": "fit",
            "observed": level, "modelled": level + 5.0, "modelled_q05": level - 20.0, "modelled_q95": level + 25.0,
        }
    )  # fmt: skip


def test_fit_figure_has_plain_tick_labels():
    """Two neighbouring years (2019, 2020) once read '-1, 0, +2.02e3': no offset, whole years, plain values."""
    from calibration.report import draw_fit

    fig = draw_fit(fit_table([2019, 2020], 400.0), fit_table([2019, 2020], 395.0), 2019, 2022)
    try:
        fig.canvas.draw()
        ax = fig.axes[0]
        for axis in (ax.xaxis, ax.yaxis):
            assert axis.get_major_formatter().get_offset() == ""
            assert axis.get_offset_text().get_text() == ""
        assert [t.get_text() for t in ax.get_xticklabels()] == ["2019", "2020"]
        assert all("e" not in t.get_text() for t in ax.get_yticklabels())
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def test_projected_peak_years_are_each_scenarios_share_of_its_draws():
    """Four plan draws all peaking in 2021 show 1.0, not 0.5 (the share of both scenarios' draws)."""
    import matplotlib.pyplot as plt

    from calibration.report import draw_projected_peak_years

    members = pd.DataFrame(
        {
            "scenario": ["baseline"] * 4 + ["plan"] * 4,
            "peak_year": [2032, 2033, 2037, 2046, 2021, 2021, 2021, 2021],
            "peaked": True,
        }
    )
    fig = draw_projected_peak_years(members)
    try:
        drawn = {c.get_label(): [p.get_height() for p in c] for c in fig.axes[0].containers}
        assert drawn == {"baseline": pytest.approx([0.25] * 4), "plan": pytest.approx([1.0])}
    finally:
        plt.close(fig)


def small_observed(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        "\n".join(
            [
                HEADER,
                row("gdp", "suqian", 2020, 3262.37, unit="100 million yuan"),  # sets an input: listed, not scored
                row("resident_population", "suqian", 2021, 499.9, unit="10 thousand people"),
                row("motor_vehicle_stock", "suqian", 2021, 106.41, unit="10 thousand vehicles"),
                row("something_unmapped", "suqian", 2021, 1.0),
            ]
        )
        + "\n",
    )


def test_validation_counts_say_what_was_compared_and_carry_units(tmp_path):
    from calibration.validation import counts_line

    table, summary, skipped = validate(small_observed(tmp_path), households=200)
    units = table.set_index("indicator")["unit"]
    assert units["resident_population"] == "10 thousand people" and units["gdp"] == "100 million yuan"
    total = summary.set_index("module").loc["all"]
    assert (total["compared"], total["fitted"], total["checks"], total["inputs"]) == (1, 1, 0, 2)
    assert total["compared"] + total["inputs"] == len(table)
    line = counts_line(summary, skipped)
    assert line.startswith(f"{len(table)} observed rows compared: 1 scored (1 fitted or proxy, 0 checks; ")
    assert "2 model inputs, listed but not scored; 1 observations not covered by the map" in line


def test_write_validation_refuses_a_folder_with_files_and_leaves_it_alone(tmp_path):
    from abm.outputs import OutputExistsError
    from calibration.validation import write_validation

    table, summary, skipped = validate(small_observed(tmp_path), households=200)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes\n", encoding="utf-8")
    with pytest.raises(OutputExistsError, match=str(out)):
        write_validation(table, summary, skipped, out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    write_validation(table, summary, skipped, tmp_path / "new")
    written = pd.read_csv(tmp_path / "new" / "validation.csv")
    assert list(written.columns[:8]) == [*("indicator", "region", "year", "observed", "modelled"), "abs_pct_error",
                                         "passed", "unit"]  # fmt: skip


def test_projection_shows_progress_and_writes_its_figure(tmp_path, capsys):
    import matplotlib.pyplot as plt

    from experiments.posterior_predictive import draw_projection, project, write_projection

    posterior = pd.DataFrame({"cars_per_household_2020": [0.4, 0.5], "weight": [0.5, 0.5]})
    scenario = tmp_path / "short.toml"
    scenario.write_text('name = "short"\n[levers]\npolicy_start_year = 2021\n[parameters]\nend_year = 2035\n')
    projection = project(str(scenario), posterior, members=3, root_seed=5, households=200)
    assert "3/3 runs" in capsys.readouterr().err
    project(str(scenario), posterior, members=1, root_seed=5, households=200, progress=False)
    assert capsys.readouterr().err == ""
    write_projection(projection, tmp_path / "proj")
    assert (tmp_path / "proj" / "projection.png").stat().st_size > 0
    fig = draw_projection(projection)
    try:
        fan, years = fig.axes
        band = projection.bands()
        assert fan.get_xlabel() == "Year" and any(line.get_xdata()[0] == 2030 for line in fan.lines)
        assert band["q05"].le(band["median"]).all() and band["median"].le(band["q95"]).all()
        drawn = [p.get_height() for c in years.containers for p in c]
        assert drawn == pytest.approx(projection.peak_year_distribution()["share"].tolist())
    finally:
        plt.close(fig)


def test_an_observed_zero_with_a_percentage_tolerance_fails_without_dividing_by_zero(tmp_path):
    """A percentage tolerance of 0 allows no error: the row is scored and fails; validate does not crash,
    and a fit's distance stays finite."""
    from calibration.mapping import distance, normalised_error

    path = tmp_path / "zero.csv"
    path.write_text(
        ",".join(COLUMNS) + "\nresident_population,suqian,2021,0,10k persons,official,,,\n", encoding="utf-8"
    )
    table, _, _ = validate(path, households=200)
    row = table.iloc[0]
    assert row["observed"] == 0 and not row["passed"] and np.isinf(row["normalised_error"])
    assert np.isnan(row["abs_pct_error"])
    item = dataclasses.replace(comparisons(load_observed(path), load_map())[0], observed=0.0)
    assert normalised_error(item, 0.0) == 0.0
    assert distance(np.array([np.inf, 0.5]), np.array([1.0, 1.0])) < np.inf
