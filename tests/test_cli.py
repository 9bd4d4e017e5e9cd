"""End-to-end tests of the command line, run in a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import value

from abm.cli import main
from abm.outputs import RUN_FILES, write_outputs
from abm.parameters import registry

REG = registry()
LEVERS = [p.name for p in REG.of_kind("lever")]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m abm.cli ARGS`` in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "abm.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def run_cli(out: Path, *extra: str, scenario: str = "plan", households: int = 500) -> subprocess.CompletedProcess[str]:
    return cli(
        "run", "--scenario", scenario, "--seed", "1", "--households", str(households), "--out", str(out), *extra,
        cwd=out.parent,
    )  # fmt: skip


@pytest.fixture(scope="module")
def plan_500(tmp_path_factory):
    """``run --scenario plan --seed 1 --households 500 --out DIR``: (process, DIR)."""
    out = tmp_path_factory.mktemp("cli") / "plan-500"
    return run_cli(out), out


@pytest.fixture(scope="module")
def plan_and_baseline(plan_run, baseline_run, tmp_path_factory):
    """Trajectories of plan and baseline (2000 households, seed 1) as the CLI writes them:
    the shared runs written with ``write_outputs`` and read back from trajectory.csv."""
    root = tmp_path_factory.mktemp("pair")
    return {
        result.scenario.name: pd.read_csv(write_outputs(result, root / result.scenario.name) / "trajectory.csv")
        for result in (plan_run, baseline_run)
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_console_script_is_installed():
    """The ``suqian-abm`` entry point exists beside the interpreter and answers --version."""
    script = shutil.which("suqian-abm", path=str(Path(sys.executable).parent))
    assert script is not None
    done = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert "suqian-abm" in done.stdout


def test_run_exits_zero_and_prints_a_summary(plan_500):
    done, _ = plan_500
    assert done.returncode == 0, done.stderr
    for phrase in ("peak year", "peak CO2", "targets met"):
        assert phrase in done.stdout


def test_run_writes_exactly_its_files(plan_500):
    done, out = plan_500
    assert done.returncode == 0, done.stderr
    assert leftovers(out) == sorted(RUN_FILES)
    assert leftovers(out.parent) == [out.name]  # no staging folder left beside it
    assert (out / "emissions.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_manifest_records_the_run(plan_500):
    _, out = plan_500
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"]
    assert manifest["seed"] == 1
    assert manifest["household_agents"] == 500
    assert isinstance(manifest["run_seconds"], float | int)
    assert manifest["run_seconds"] >= 0
    assert manifest["scenario"]["name"] == "plan"
    levers = manifest["scenario"]["levers"]
    assert set(levers) == set(LEVERS)
    assert levers["rooftop_pv_programme"] == 1.0


def test_trajectory_covers_every_year(plan_500):
    _, out = plan_500
    trajectory = pd.read_csv(out / "trajectory.csv")
    assert list(trajectory.columns) == ["year", "indicator", "sector", "value", "unit"]
    assert sorted(trajectory["year"].unique()) == list(range(2020, 2061))
    assert not trajectory["value"].isna().any()


def test_printed_peak_matches_the_trajectory(plan_500):
    done, out = plan_500
    trajectory = pd.read_csv(out / "trajectory.csv")
    headline = trajectory[(trajectory["indicator"] == "co2_with_electricity") & (trajectory["sector"] == "total")]
    peak_year = int(headline.loc[headline["value"].idxmax(), "year"])
    assert f"peak year: {peak_year}" in done.stdout


def test_scorecard_columns(plan_500):
    _, out = plan_500
    card = pd.read_csv(out / "scorecard.csv")
    assert {"target_id", "year", "target", "modelled", "met", "first_year_met"} <= set(card.columns)
    assert len(card) > 5
    assert card["target_id"].is_unique


def test_out_of_range_setting_fails_cleanly(tmp_path):
    """--set ev_subsidy=999999 stops with a message naming the key and the range; no output."""
    out = tmp_path / "bad"
    done = run_cli(out, "--set", "ev_subsidy=999999")
    assert done.returncode != 0
    assert "ev_subsidy" in done.stderr
    assert "allowed 0 to 20000" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert leftovers(tmp_path) == []


# The error paths below run ``main`` in this process (same code as the console script,
# without the start-up cost of a new interpreter).


def main_run(out: Path, *extra: str, households: int = 100) -> int:
    return main(
        ["run", "--scenario", "plan", "--seed", "1", "--households", str(households), "--out", str(out), *extra]
    )


@pytest.mark.parametrize("setting", ["ev_subsidy", "no_such_lever=1", "ev_subsidy=lots", "rooftop_pv_programme=0.5"])
def test_malformed_settings_fail_cleanly(tmp_path, capsys, setting):
    out = tmp_path / "bad"
    assert main_run(out, "--set", setting) != 0
    assert setting.split("=")[0] in capsys.readouterr().err
    assert not out.exists()


def test_bad_scenario_file_fails_cleanly(tmp_path):
    """A scenario file with an unknown key stops the run, names file and key, writes nothing."""
    path = tmp_path / "broken.toml"
    path.write_text("[levers]\nev_subsidyy = 3000\n", encoding="utf-8")
    out = tmp_path / "out"
    done = cli("run", "--scenario", str(path), "--households", "100", "--out", str(out), cwd=tmp_path)
    assert done.returncode != 0
    assert "ev_subsidyy" in done.stderr
    assert "broken.toml" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert leftovers(tmp_path) == ["broken.toml"]


def test_unknown_scenario_name_fails_cleanly(tmp_path, capsys):
    assert main(["run", "--scenario", "nope", "--out", str(tmp_path / "o")]) != 0
    assert "nope" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_too_few_households_fail_cleanly(tmp_path, capsys):
    assert main_run(tmp_path / "o", households=5) != 0
    assert "households" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_existing_output_folder_is_left_untouched(tmp_path):
    """Without --overwrite an existing folder makes the run fail, and the folder is unchanged."""
    out = tmp_path / "existing"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    done = run_cli(out)
    assert done.returncode != 0
    assert "--overwrite" in done.stderr
    assert leftovers(out) == ["keep.txt"]
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert leftovers(tmp_path) == ["existing"]


def test_overwrite_replaces_a_folder_the_tool_wrote(tmp_path, capsys):
    out = tmp_path / "existing"
    assert main_run(out) == 0, capsys.readouterr().err
    (out / "extra.txt").write_text("old", encoding="utf-8")
    assert main_run(out, "--overwrite", households=120) == 0, capsys.readouterr().err
    assert leftovers(out) == sorted(RUN_FILES)
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["household_agents"] == 120
    assert leftovers(tmp_path) == ["existing"]


def test_scenarios_lists_the_builtins(tmp_path):
    done = cli("scenarios", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    assert {"baseline", "plan", "accelerated"} <= set(names)


def test_parameters_lists_levers_only(tmp_path):
    done = cli("parameters", "--kind", "lever", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["name", "kind"]
    assert lines[-1] == f"{len(LEVERS)} of {len(REG)} parameters"
    names = {line.split()[0] for line in lines[1:-1]}
    assert names == set(LEVERS)


def test_parameters_markdown_table(capsys):
    assert main(["parameters", "--markdown", "--kind", "uncertainty"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("| name |")
    assert "`gdp_growth_2030`" in printed
    assert "`ev_subsidy`" not in printed


def test_plan_cuts_2030_emissions_below_baseline(plan_and_baseline):
    plan, baseline = plan_and_baseline["plan"], plan_and_baseline["baseline"]
    assert value(plan, "co2_with_electricity", "total", 2030) < value(baseline, "co2_with_electricity", "total", 2030)


@pytest.mark.parametrize(("indicator", "sector"), [("pv_capacity", "total"), ("storage_capacity", "total")])
def test_plan_builds_more_than_baseline_by_2030(plan_and_baseline, indicator, sector):
    plan, baseline = plan_and_baseline["plan"], plan_and_baseline["baseline"]
    assert value(plan, indicator, sector, 2030) > value(baseline, indicator, sector, 2030)


def fleet_evs(trajectory: pd.DataFrame, year: int) -> float:
    """Electric buses, taxis and trucks: electric vehicles less electric private cars."""
    cars = value(trajectory, "private_cars", "transport", year)
    share = value(trajectory, "ev_share_of_private_cars", "transport", year) / 100.0
    return value(trajectory, "ev_stock", "transport", year) - share * cars


def test_plan_electrifies_more_fleet_vehicles_by_2030(plan_and_baseline):
    # the plan has no instrument for private cars, whose electric share differs between two
    # runs of 2,000 households by sampling alone; its fleet mandates are what it adds
    plan, baseline = plan_and_baseline["plan"], plan_and_baseline["baseline"]
    assert fleet_evs(plan, 2030) > fleet_evs(baseline, 2030)


# --- the parameter table and the help texts ------------------------------------------------


def parameters_output(capsys, *args: str) -> list[str]:
    """Lines printed by ``suqian-abm parameters ARGS`` (exit status 0)."""
    assert main(["parameters", *args]) == 0
    return capsys.readouterr().out.splitlines()


def listed_names(lines: list[str]) -> list[str]:
    """The names in a text table: its lines less the header and the count line."""
    return [line.split()[0] for line in lines[1:-1]]


def test_parameters_table_has_a_header_every_column_and_a_count(capsys, monkeypatch):
    """Not on a terminal: a header naming the seven columns, every parameter in full, then the count."""
    monkeypatch.delenv("COLUMNS", raising=False)
    lines = parameters_output(capsys)
    assert lines[0].split() == ["name", "kind", "group", "unit", "default", "range", "source"]
    assert lines[-1] == f"{len(REG)} of {len(REG)} parameters"
    assert listed_names(lines) == list(REG)
    longest = max(REG.values(), key=lambda p: len(p.source))
    row = next(line for line in lines if line.split()[0] == longest.name)
    assert row.endswith(longest.source) and "…" not in "".join(lines)
    ev = next(line for line in lines if line.split()[0] == "ev_subsidy").split()
    p = REG["ev_subsidy"]
    assert ev[1:4] == [p.kind, p.group, p.unit] and f"{p.low:g} to {p.high:g}" in " ".join(ev)


def test_parameters_are_cut_to_the_terminal_width_and_shown_whole_with_wide(capsys, monkeypatch):
    """On a terminal of 120 columns sources are cut with an ellipsis, names never; --wide shows them whole."""
    from abm.parameter_listing import display_width

    monkeypatch.setenv("COLUMNS", "120")
    lines = parameters_output(capsys, "--kind", "lever")
    assert max(display_width(line) for line in lines) <= 120
    assert any(line.endswith("…") for line in lines[1:-1])
    assert listed_names(lines) == LEVERS
    wide = parameters_output(capsys, "--kind", "lever", "--wide")
    assert max(display_width(line) for line in wide) > 120
    assert not any("…" in line for line in wide)
    assert wide[-1] == lines[-1] == f"{len(LEVERS)} of {len(REG)} parameters"


def test_parameter_cells_are_cut_by_display_width():
    """Chinese characters take two columns: a cut source never runs past its column."""
    from abm.parameter_listing import cut, display_width

    source = "plan (二)2: control of energy-intensive projects"
    assert display_width(source) == len(source) + 1
    for width in range(2, 20):
        shortened = cut(source, width)
        assert display_width(shortened) <= width and shortened.endswith("…")
    assert cut("short", 5) == "short"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--group", "SUBSIDIES"], [p.name for p in REG.values() if p.group == "subsidies"]),
        (["--name", "EV_"], [n for n in REG if "ev_" in n]),
        (["--name", "*_subsidy"], [n for n in REG if n.endswith("_subsidy")]),
        (["--name", "pv*", "--kind", "lever"], [n for n in LEVERS if n.startswith("pv")]),
        (["--group", "transport", "--kind", "lever"], [p.name for p in REG.of_kind("lever") if p.group == "transport"]),
        (["--name", "no-such-parameter"], []),
    ],
)
def test_parameters_filters(capsys, monkeypatch, args, expected):
    """--group (ignoring case), --name (substring or glob, ignoring case) and --kind combine."""
    monkeypatch.delenv("COLUMNS", raising=False)
    assert expected or args[-1] == "no-such-parameter"
    lines = parameters_output(capsys, *args)
    assert listed_names(lines) == expected
    assert lines[-1] == f"{len(expected)} of {len(REG)} parameters"


def test_unknown_group_lists_the_groups(capsys):
    assert main(["parameters", "--group", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert "unknown group 'nonsense'" in err
    for group in {p.group for p in REG.values()}:
        assert group in err


def test_parameters_markdown_is_the_docs_table_for_any_selection(capsys):
    """--markdown prints docs/parameters.md's table, whole or filtered."""
    from abm.parameters import parameter_table

    assert parameters_output(capsys, "--markdown") == parameter_table().splitlines()
    assert parameters_output(capsys, "--markdown", "--kind", "lever") == parameter_table("lever").splitlines()
    rows = parameters_output(capsys, "--markdown", "--group", "subsidies", "--name", "ev")[2:]
    assert rows and all(row.startswith("| `") and "ev" in row.split("`")[1] for row in rows)


def subcommands() -> dict[str, object]:
    """Each subcommand's parser, by name."""
    from abm.cli import build_parser

    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return dict(action.choices)


def test_every_subcommand_has_a_description_in_its_help(capsys):
    """`suqian-abm COMMAND --help` says what the command does in a paragraph, beyond the one-line help."""
    commands = subcommands()
    assert {"run", "scenarios", "parameters", "validate", "calibrate", "predict", "sweep", "analyse", "app"} <= set(
        commands
    )
    for name, sub in commands.items():
        assert sub.description and len(sub.description.split()) >= 15, name
        with pytest.raises(SystemExit) as stop:
            main([name, "--help"])
        assert stop.value.code == 0
        out = capsys.readouterr().out
        assert sub.description.splitlines()[0] in out, name
        if sub.epilog:
            assert f"suqian-abm {name}" in sub.epilog, name


def test_run_help_lists_the_builtin_scenarios(capsys):
    from abm.scenario import builtin_names

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    assert f"Built-in scenarios: {', '.join(builtin_names())}" in out
    assert "examples:" in out and "--set ev_subsidy=5000" in out
