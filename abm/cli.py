"""Command line: ``suqian-abm run | scenarios | parameters | validate | calibrate | predict | effects | sweep | analyse
| app``."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from abm import __version__
from abm.model import DEFAULT_HOUSEHOLDS
from abm.outputs import OutputError
from abm.panel import PANEL_HOUSEHOLDS
from abm.parameter_listing import groups
from abm.parameters import KINDS, ParameterValueError, RegistryError, registry
from abm.population import check_households
from abm.scenario import ScenarioError, builtin_names, load_scenario, parse_assignments

MAX_DIGITS = 18  # every count and seed fits in a signed 64-bit integer
MAX_WORKERS = 1024
EXIT_ERROR, EXIT_BROKEN_PIPE, EXIT_INTERRUPTED = 2, 141, 130  # 141 and 130: as if killed by SIGPIPE or SIGINT


def _positive_int(text: str) -> int:
    """A whole number written in ASCII digits 0-9 (no sign, no other script's digits), at most 18 of them."""
    if not re.fullmatch(r"[0-9]+", text):
        raise argparse.ArgumentTypeError(f"expected a whole number written with the digits 0-9, got {text!r}")
    if len(text.lstrip("0")) > MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"{text} is too large (at most {MAX_DIGITS} digits)")
    return int(text)


class PanelOptionError(ValueError):
    """The panel's options do not go together."""


class _Step:
    """What the command is doing now, and what it has written: the context of an error or an interruption."""

    doing = "starting"
    written: Path | None = None


def _step(doing: str) -> None:
    _Step.doing = doing


def _written(out: Path) -> None:
    _Step.written = out


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``suqian-abm`` command."""
    parser = argparse.ArgumentParser(
        prog="suqian-abm",
        description="Agent-based model of Suqian's CO2 peak under its 2024 plan.",
        epilog="Run `suqian-abm COMMAND --help` for what a command does, its options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser(
        "run",
        help="run a scenario and write trajectory, scorecard, manifest and figure",
        description="Run one scenario from its start year (2020; 2015 for history) to its end year and write five files into the output\n"
        "folder: trajectory.csv (every indicator by year and sector), scorecard.csv (the plan's\n"
        "targets, met or not), manifest.json (the scenario as resolved, seed, version),\n"
        "emissions.png and distribution.csv (adoption, subsidies received and energy spending\n"
        "by county, urban/rural, income quintile, sector and firm size, every 5 years). With\n"
        "--panel also panel_households.parquet (a fixed sample of households) and\n"
        "panel_firms.parquet (every firm), their state every 5 years. Prints the peak year, the\n"
        "peak CO2 and how many targets are met. The same seed gives the same files.\n\n"
        f"Built-in scenarios: {', '.join(builtin_names())} (`suqian-abm scenarios` says what each\n"
        "sets); or the path of your own .toml file with [levers], [uncertainties] and [parameters].",
        epilog="examples:\n"
        "  suqian-abm run --scenario plan --seed 1 --out runs/plan\n"
        "  suqian-abm run --scenario baseline --households 1631972   # every household simulated\n"
        "  suqian-abm run --scenario plan --set ev_subsidy=5000 --set carbon_price_2030=200 --out runs/plan-ev\n"
        "  suqian-abm run --scenario my_scenario.toml --out runs/mine\n"
        "  suqian-abm run --scenario plan --panel --out runs/plan-panel",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "--scenario",
        default="plan",
        help=f"built-in scenario ({', '.join(builtin_names())}) or path of a .toml file (default: plan)",
    )
    run.add_argument("--seed", type=_positive_int, default=1, help="random seed (default: 1)")
    run.add_argument(
        "--households",
        type=_positive_int,
        default=DEFAULT_HOUSEHOLDS,
        help=f"simulated households (default: {DEFAULT_HOUSEHOLDS})",
    )
    run.add_argument("--out", type=Path, default=None, help="output folder (default: runs/<scenario>-seed<seed>)")
    run.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a lever, national context value, uncertainty or parameter (repeatable)",
    )
    run.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
    run.add_argument(
        "--panel",
        action="store_true",
        help="also write the agent panel: panel_households.parquet and panel_firms.parquet",
    )
    run.add_argument(
        "--panel-households",
        type=_positive_int,
        default=None,
        metavar="N",
        help=f"households in the panel's sample (with --panel; default: {PANEL_HOUSEHOLDS})",
    )
    run.add_argument(
        "--uncalibrated", action="store_true", help="use the registry defaults, not the shipped calibration"
    )

    sub.add_parser(
        "scenarios",
        help="list the built-in scenarios",
        description="List the built-in scenarios and what each sets. Run one with\n"
        "`suqian-abm run --scenario NAME`; start your own from a copy of abm/scenarios/NAME.toml.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )

    val = sub.add_parser(
        "validate",
        help="score a history run against an observed-data file",
        description="Run the model over the observed years and score it against observed statistics:\n"
        "every observation the map from model outputs to observations covers gets the model's\n"
        "value and its absolute percentage error. Writes validation.csv (one row per observation)\n"
        "and summary.csv (one row per module) into --out. An observed file has the columns\n"
        "indicator, region, year, value, unit, quality, source_url, source_title, note.",
        epilog="examples:\n"
        "  suqian-abm validate --out runs/validation\n"
        "  suqian-abm validate --observed my_observations.csv --params runs/calibration/calibration.toml "
        "--out runs/validation",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    val.add_argument("--observed", type=Path, default=None, help="observed data CSV (default: the shipped file)")
    val.add_argument("--out", type=Path, required=True, help="output folder for validation.csv and summary.csv")
    val.add_argument(
        "--params",
        type=Path,
        default=None,
        help="calibration.toml, scenario .toml or posterior .csv to take parameters from (default: shipped calibration)",
    )
    val.add_argument("--seed", type=_positive_int, default=1, help="random seed (default: 1)")
    val.add_argument("--households", type=_positive_int, default=DEFAULT_HOUSEHOLDS, help="simulated households")
    val.add_argument("--overwrite", action="store_true", help="replace an existing output folder")

    cal = sub.add_parser(
        "calibrate",
        help="fit the uncertain parameters to the observations (ABC-SMC)",
        description="Fit the parameters the records can speak to, to Suqian's observed statistics, on\n"
        "history runs from 2015: Morris screening of the behavioural parameters, history matching,\n"
        "then ABC-SMC (pyabc). Writes the weighted posterior, the fit table, time-split scores (fit\n"
        "to 2020, scored on 2021-2022), the pattern table, figures, projections of the baseline and\n"
        "the plan, and report.md. --quick checks the machinery in a few minutes on 2 cores.\n"
        "With --adopt the result becomes the calibration every scenario uses.",
        epilog="examples:\n"
        "  suqian-abm calibrate --out runs/calibration --quick\n"
        "  suqian-abm calibrate --out runs/calibration --adopt\n"
        "  suqian-abm calibrate --out runs/calibration --scheduler tcp://HOST:8786",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cal.add_argument("--out", type=Path, required=True, help="output folder")
    cal.add_argument(
        "--quick",
        action="store_true",
        help="a small budget (40 particles, 3 generations) that checks the machinery: about 2.5 minutes on 2 cores, longer when they are busy",
    )
    cal.add_argument("--workers", type=_positive_int, default=None, help="processes (default: all cores)")
    cal.add_argument("--scheduler", default=None, help="address of a Dask scheduler to run simulations on")
    cal.add_argument("--observed", type=Path, default=None, help="observed data CSV (default: the shipped file)")
    cal.add_argument("--seed", type=_positive_int, default=1, help="random seed (default: 1)")
    cal.add_argument("--households", type=_positive_int, default=DEFAULT_HOUSEHOLDS, help="simulated households")
    cal.add_argument("--population", type=_positive_int, default=None, help="particles per generation")
    cal.add_argument("--generations", type=_positive_int, default=None, help="most generations")
    cal.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
    cal.add_argument("--adopt", action="store_true", help="install the result as the default calibration")

    pred = sub.add_parser(
        "predict",
        help="project a scenario with posterior parameter draws and seeds",
        description="Run a scenario with parameter draws from the calibration's posterior, each with its own\n"
        "seed, and report the distribution of the peak year and the probability of peaking by 2030.\n"
        "Writes the projection into --out.",
        epilog="examples:\n"
        "  suqian-abm predict --scenario plan --members 100 --out runs/plan-projection\n"
        "  suqian-abm predict --scenario accelerated --posterior runs/calibration/posterior.csv --out runs/acc",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pred.add_argument("--scenario", default="plan", help="built-in scenario name or .toml path (default: plan)")
    pred.add_argument("--members", type=_positive_int, default=100, help="posterior draws (default: 100)")
    pred.add_argument("--posterior", type=Path, default=None, help="posterior .csv (default: shipped calibration)")
    pred.add_argument("--seed", type=_positive_int, default=1, help="root seed (default: 1)")
    pred.add_argument("--households", type=_positive_int, default=DEFAULT_HOUSEHOLDS, help="simulated households")
    pred.add_argument("--workers", type=_positive_int, default=None, help="processes (default: all cores)")
    pred.add_argument("--out", type=Path, required=True, help="output folder")
    pred.add_argument("--overwrite", action="store_true", help="replace an existing output folder")

    eff = sub.add_parser(
        "effects",
        help="the effect of each lever on CO2 and cost, and the plan's gap split by instrument group",
        description="For every lever (or those of --levers) run the scenario with the lever at its registry\n"
        "low and high, and at its baseline value and the scenario's, every other setting as the\n"
        "scenario has it, over --members seeds shared by all settings (paired differences).\n"
        "Writes effects.csv (changes in 2030 CO2, territorial CO2, cumulative CO2 and fiscal cost,\n"
        "with 5-95 % bands, cost per tonne avoided, expected sign and whether the result agrees),\n"
        "effects.png, and wedges.csv and wedges.png: the scenario-vs-baseline gap in 2030 split by\n"
        "instrument group and by mechanism (agents' choices, rules on agents, fixed paths, policy\n"
        "timing), with the interaction as a residual. Every lever takes about three runs\n"
        "per member.",
        epilog="examples:\n"
        "  suqian-abm effects --scenario plan --members 4 --households 2000 --workers 2 --out runs/plan-effects\n"
        "  suqian-abm effects --scenario plan --members 20 --levers ev_subsidy,local_carbon_scheme --out runs/ev-carbon\n"
        "  suqian-abm effects --scenario accelerated --members 4 --end-year 2035 --out runs/acc-effects",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    eff.add_argument("--scenario", default="plan", help="built-in scenario name or .toml path (default: plan)")
    eff.add_argument("--members", type=_positive_int, default=4, help="seeds per setting, at most 1000 (default: 4)")
    eff.add_argument("--out", type=Path, required=True, help="output folder")
    eff.add_argument(
        "--levers", default=None, metavar="A,B,...", help="only these levers, comma-separated (default: every lever)"
    )
    eff.add_argument("--households", type=_positive_int, default=DEFAULT_HOUSEHOLDS, help="simulated households")
    eff.add_argument("--seed", type=_positive_int, default=1, help="root seed of the members' seeds (default: 1)")
    eff.add_argument(
        "--end-year",
        type=_positive_int,
        default=None,
        help="last simulated year, 2030 or later (default: the scenario's)",
    )
    eff.add_argument("--workers", type=_positive_int, default=1, help="processes (default: 1)")
    eff.add_argument("--overwrite", action="store_true", help="replace an existing output folder")

    emu = sub.add_parser(
        "emulator",
        help="train the app's response emulator (or check it against exact runs)",
        description="Train the additive response emulator the app answers with first: the app's members\n"
        "(seed and posterior draw each) at the baseline and plan presets, and the first\n"
        "--members-trained of them at --points values across every lever's and uncertainty's\n"
        "range. Writes emulator.npz and emulator.json into --out (default: the shipped files),\n"
        "replacing only a folder this command wrote. --check N instead compares the emulator in\n"
        "--out with exact ensembles at N random settings and prints the errors. See docs/emulator.md.",
        epilog="examples:\n"
        "  suqian-abm emulator --workers 2\n"
        "  suqian-abm emulator --workers 2 --members-trained 2 --out runs/emulator\n"
        "  suqian-abm emulator --check 20 --check-members 10 --workers 2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    emu.add_argument("--workers", type=_positive_int, default=1, help="processes (default: 1)")
    emu.add_argument(
        "--members-trained", type=_positive_int, default=4, help="members run at each grid point (default: 4)"
    )
    emu.add_argument("--points", type=_positive_int, default=3, help="grid points across each range (default: 3)")
    emu.add_argument("--members", type=_positive_int, default=20, help="app members (default: 20)")
    emu.add_argument("--households", type=_positive_int, default=DEFAULT_HOUSEHOLDS, help="simulated households")
    emu.add_argument("--end-year", type=_positive_int, default=None, help="last simulated year (default: 2060)")
    emu.add_argument(
        "--controls", default=None, metavar="A,B,...", help="only these levers or uncertainties (default: all)"
    )
    emu.add_argument("--out", type=Path, default=None, help="emulator folder (default: the shipped one)")
    emu.add_argument("--check", type=_positive_int, default=None, metavar="N", help="check at N random settings")
    emu.add_argument(
        "--check-members", type=_positive_int, default=None, help="members run exactly per check setting (default: all)"
    )

    sw = sub.add_parser(
        "sweep",
        help="run an experiment spec (ensembles, sweeps, Sobol, Morris) on Dask",
        description="Run every run of an experiment spec (scenarios, the levers and uncertainties to vary,\n"
        "a design: full factorial, Latin hypercube, Sobol, Morris or replications) on a local Dask\n"
        "cluster or a running scheduler. Each finished run is written at once as a Parquet part in\n"
        "OUT/results; the same command run again skips finished runs, so a sweep resumes where it\n"
        "stopped. Specs ship in experiments/specs/; `suqian-abm analyse OUT` summarises the\n"
        "results.",
        epilog="examples:\n"
        "  suqian-abm sweep experiments/specs/plan_vs_baseline.toml --out runs/plan-vs-baseline\n"
        "  suqian-abm sweep experiments/specs/sobol_main_levers.toml --out runs/sobol --workers 2\n"
        "  suqian-abm sweep experiments/specs/sobol_main_levers.toml --out runs/sobol --scheduler tcp://HEAD:8786",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sw.add_argument("spec", type=Path, help="experiment spec (.toml)")
    sw.add_argument("--out", type=Path, required=True, help="output folder; run again to resume")
    sw.add_argument("--scheduler", default=None, help="address of a running Dask scheduler (tcp://host:8786)")
    sw.add_argument(
        "--workers", type=_positive_int, default=None, help="local worker processes (default: all cores; 0: no Dask)"
    )

    an = sub.add_parser(
        "analyse",
        help="analyse a sweep folder: bands, peak year, sensitivity, PRIM",
        description="Analyse the results of `suqian-abm sweep`: bands of emissions, the peak year and the\n"
        "probability of peaking by 2030 per scenario, and for Sobol and Morris designs the\n"
        "sensitivity indices and a PRIM box. Writes tables, figures and summary.md into\n"
        "FOLDER/analysis and prints the summary.",
        epilog="example:\n  suqian-abm analyse runs/plan-vs-baseline",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    an.add_argument("folder", type=Path, help="output folder of `suqian-abm sweep`")

    app = sub.add_parser(
        "app",
        help="start the policymakers' app (a web page) on this machine",
        description="Start the policymakers' app: every instrument of the plan is a slider, and the page\n"
        "shows at once what happens to the CO2 peak, each target and the budget, against the\n"
        "baseline, in Chinese or English; a link reopens the same settings. It listens on\n"
        "127.0.0.1 (this machine only) unless --host says otherwise, and needs no internet\n"
        "access. Stop it with Ctrl-C. See docs/app.md.",
        epilog="examples:\n"
        "  suqian-abm app                    # then open http://127.0.0.1:8765\n"
        "  suqian-abm app --port 8800\n"
        "  suqian-abm app --host 0.0.0.0     # reachable from other machines: only on a trusted network",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    app.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    app.add_argument("--port", type=_positive_int, default=8765, help="port to listen on (default: 8765)")

    params = sub.add_parser(
        "parameters",
        help="list the parameter registry",
        description="List the parameter registry (abm/data/parameters.csv), every number the model uses:\n"
        "name, kind (lever: an instrument the city government sets; context: a national or\n"
        "provincial instrument the city takes as given; uncertainty: a fact about the future\n"
        "nobody controls; parameter: everything else), group, unit, default, the range a\n"
        "scenario may set (fixed: observed data) and source. Ends with the count shown.\n\n"
        "On a terminal the table is cut to its width (source first, then unit and group; names\n"
        "never); --wide, or output to a file or pipe, prints every cell in full. --markdown prints\n"
        "the table of docs/parameters.md. --wide also adds two columns: each lever's expected sign\n"
        "on CO2 when raised (-, + or 0) and its channel, how it reaches CO2 (for levers and context).",
        epilog="examples:\n"
        "  suqian-abm parameters --kind lever\n"
        "  suqian-abm parameters --kind context --wide\n"
        "  suqian-abm parameters --group subsidies --name '*ev*'\n"
        "  suqian-abm parameters --name ev --wide\n"
        "  suqian-abm parameters --kind uncertainty --markdown",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    params.add_argument("--kind", choices=list(KINDS), help="only this kind")
    params.add_argument(
        "--group",
        metavar="GROUP",
        help=f"only this group, ignoring case; groups: {', '.join(groups(registry().values()))}",
    )
    params.add_argument(
        "--name",
        metavar="TEXT",
        help="only names containing TEXT, or matching it as a glob when it has *, ? or [...]; ignoring case",
    )
    params.add_argument(
        "--wide",
        action="store_true",
        help="print every cell in full, however wide the terminal, and add each lever's sign and channel",
    )
    params.add_argument("--markdown", action="store_true", help="print a markdown table (every cell in full)")
    return parser


def _panel_households(args: argparse.Namespace) -> int:
    """The panel's sample size; PanelOptionError when it is given without --panel or is zero."""
    if args.panel_households is None:
        return PANEL_HOUSEHOLDS
    if not args.panel:
        raise PanelOptionError("--panel-households sets the panel's sample: add --panel to write the panel")
    if args.panel_households < 1:
        raise PanelOptionError(f"--panel-households must be at least 1, got {args.panel_households}")
    return args.panel_households


def _run(args: argparse.Namespace) -> int:
    from abm.outputs import check_output, default_run_folder, summary_lines, write_outputs
    from abm.run import run

    _step("reading the scenario")
    scenario = load_scenario(args.scenario, calibrated=not args.uncalibrated)
    if args.settings:
        scenario = scenario.with_settings(parse_assignments(args.settings))
    check_households(args.households)
    panel_households = _panel_households(args)
    _step("checking the output folder")
    out = args.out if args.out is not None else default_run_folder(scenario.name, args.seed)
    check_output(out, args.overwrite, kind="run")
    _step("running the model")
    result = run(
        scenario,
        seed=args.seed,
        households=args.households,
        distribution=True,
        panel=args.panel,
        panel_households=panel_households,
    )
    _step("writing the output folder")
    write_outputs(result, out, overwrite=args.overwrite)
    _written(out)
    print(f"scenario {scenario.name}, seed {args.seed}, {args.households} household agents, {result.run_seconds:.2f} s")
    for line in summary_lines(result):
        print(line)
    print(f"written to {out}")
    return 0


def _scenarios() -> int:
    for name in builtin_names():
        print(f"{name:<12} {load_scenario(name).description}")
    return 0


def _parameters(args: argparse.Namespace) -> int:
    import shutil

    from abm import parameter_listing as listing

    every = list(registry().values())
    chosen = listing.select(every, kind=args.kind, group=args.group, name=args.name)
    if args.markdown:
        print(listing.markdown_table(chosen, wide=args.wide))
        return 0
    on_terminal = sys.stdout.isatty() or "COLUMNS" in os.environ
    width = shutil.get_terminal_size().columns if on_terminal and not args.wide else None
    print(listing.text_table(chosen, len(every), width, wide=args.wide))
    return 0


def _check_workers(requested: int | None) -> None:
    if requested is not None and requested > MAX_WORKERS:
        raise ValueError(f"--workers must be at most {MAX_WORKERS}, got {requested}")


def _workers(requested: int | None) -> int:
    _check_workers(requested)
    return requested if requested else max(1, os.cpu_count() or 1)


def _validate(args: argparse.Namespace) -> int:
    from abm.outputs import check_output
    from calibration.validation import counts_line, read_parameters, validate, write_validation

    check_households(args.households)
    _step("checking the output folder")
    check_output(args.out, args.overwrite, kind="validation")
    _step("reading the parameters")
    params = read_parameters(args.params) if args.params else None
    _step("reading the observed data")
    table, summary, skipped = validate(args.observed, params, args.seed, args.households)
    _step("writing the output folder")
    write_validation(table, summary, skipped, args.out, overwrite=args.overwrite)
    _written(args.out)
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    print(f"{counts_line(summary, skipped)}; written to {args.out}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    import shlex

    from abm.calibrated import calibration_dir
    from abm.outputs import check_output, check_writable
    from calibration.abc import Budget
    from calibration.workflow import Settings, adopt_calibration, calibrate, write_calibration
    from experiments.runner import forked_children_ignore_ctrl_c

    check_households(args.households)
    _step("checking the output folder")
    check_output(args.out, args.overwrite, kind="calibration")
    if args.adopt:
        check_writable(calibration_dir(), what="the default calibration")
    budget = Budget.quick() if args.quick else Budget()
    if args.population or args.generations:
        budget = Budget(
            **{
                **budget.__dict__,
                **({"population_size": args.population} if args.population else {}),
                **({"max_generations": args.generations} if args.generations else {}),
            }
        )
    settings = Settings(
        budget=budget,
        workers=_workers(args.workers),
        scheduler=args.scheduler,
        households=args.households,
        seed=args.seed,
        band_draws=8 if args.quick else 40,
        projection_members=4 if args.quick else 60,
        observed=str(args.observed) if args.observed else None,
        command="suqian-abm " + shlex.join(sys.argv[1:] if sys.argv[0].endswith("suqian-abm") else ["calibrate"]),
    )
    _step("calibrating")
    with forked_children_ignore_ctrl_c():  # pyabc forks its workers at every generation
        result = calibrate(settings)
    _step("writing the output folder")
    write_calibration(result, args.out, overwrite=args.overwrite)
    _written(args.out)
    if args.adopt:
        _step("installing the default calibration")
        adopt_calibration(args.out)
    print(result.fit.summary()[["parameter", "posterior_median", "posterior_q05", "posterior_q95", "contraction"]]
          .to_string(index=False, float_format=lambda v: f"{v:.4g}"))  # fmt: skip
    for p in result.projections:
        print(f"{p.scenario}: {p.peak_probability(2030).line()}")
    print(f"written to {args.out}" + (" and installed as the default calibration" if args.adopt else ""))
    return 0


def _predict(args: argparse.Namespace) -> int:
    from abm.calibrated import posterior_file
    from abm.outputs import check_output
    from calibration.validation import read_posterior
    from experiments.posterior_predictive import project, write_projection

    check_households(args.households)
    _step("checking the output folder")
    check_output(args.out, args.overwrite, kind="projection")
    workers = _workers(args.workers)
    _step("reading the posterior sample")
    path = args.posterior or posterior_file()
    if not path.exists():
        raise FileNotFoundError(f"posterior sample not found: {path} (run `suqian-abm calibrate --adopt` first)")
    posterior = read_posterior(path)
    _step("reading the scenario")
    load_scenario(args.scenario)  # fail early on a bad scenario
    _step("projecting")
    projection = project(args.scenario, posterior, args.members, args.seed, args.households, workers)
    _step("writing the output folder")
    write_projection(projection, args.out, overwrite=args.overwrite)
    _written(args.out)
    summary = projection.summary()
    print(
        f"{summary['scenario']}: peak year median {summary['peak_year_median']:.0f} "
        f"(5-95 %: {summary['peak_year_q05']:.0f}-{summary['peak_year_q95']:.0f}, highest year)"
    )
    print(f"{summary['scenario']}: {projection.peak_probability(2030).line()}")
    print(f"written to {args.out}")
    return 0


def _effects(args: argparse.Namespace) -> int:
    from abm.outputs import check_output
    from experiments.effects import check_levers, check_members, estimate, write_effects

    check_members(args.members)
    levers = check_levers([n.strip() for n in args.levers.split(",")] if args.levers is not None else None)
    check_households(args.households)
    _check_workers(args.workers)
    _step("checking the output folder")
    check_output(args.out, args.overwrite, kind="effects")
    _step("reading the scenario")
    scenario = load_scenario(args.scenario)
    if args.end_year is not None:
        scenario.with_settings({"end_year": args.end_year}, where="--end-year")
    _step("running the settings")
    effects = estimate(
        args.scenario, args.members, levers, args.households, args.seed, args.end_year, max(args.workers, 1)
    )
    _step("writing the output folder")
    write_effects(effects, args.out, overwrite=args.overwrite)
    _written(args.out)
    rows = effects.table[effects.table["comparison"] == "low_to_high"]
    wrong = rows.loc[rows["sign_ok"] == False, "lever"].tolist()  # noqa: E712 (a column of booleans)
    print(
        f"{effects.scenario}: {len(rows)} levers, {effects.members} members; "
        f"sign not as expected: {', '.join(wrong) if wrong else 'none'}"
    )
    print(f"written to {args.out}")
    return 0


def _emulator(args: argparse.Namespace) -> int:
    from abm.outputs import check_output, staged_folder
    from experiments.emulator import Emulator, check, check_summary, shipped_dir, train

    _check_workers(args.workers)
    out = args.out or shipped_dir()
    if args.check is not None:
        _step("reading the emulator")
        emulator = Emulator.load(out)
        if emulator.is_stale:
            print(f"warning: the emulator in {out} is stale: {'; '.join(emulator.stale)}", file=sys.stderr)
        _step("running the exact ensembles")
        table = check(emulator, args.check, args.check_members, args.workers)
        with contextlib.suppress(ImportError):
            import pandas as pd

            pd.set_option("display.width", 200)
        print(table.round(3).to_string(index=False))
        print()
        print(check_summary(table).round(3).to_string(index=False))
        return 0
    check_households(args.households)
    if not 1 <= args.members_trained <= args.members:
        raise ValueError(f"--members-trained must be between 1 and --members ({args.members})")
    _step("checking the output folder")
    check_output(out, True, kind="emulator")
    settings = {"end_year": float(args.end_year)} if args.end_year is not None else {}
    if settings:
        load_scenario("plan").with_settings(settings, where="--end-year")
    only = [n.strip() for n in args.controls.split(",")] if args.controls is not None else None
    unknown = [n for n in only or [] if n not in registry() or registry()[n].kind not in ("lever", "uncertainty")]
    if unknown:
        raise ValueError(f"--controls: not a lever or uncertainty: {', '.join(unknown)}")
    _step("training")
    emulator = train(
        members=args.members,
        trained=args.members_trained,
        points=args.points,
        households=args.households,
        workers=args.workers,
        settings=settings,
        only=only,
    )
    _step("writing the output folder")
    with staged_folder(out, True, kind="emulator") as tmp:
        emulator.save(tmp)
    _written(out)
    print(f"{emulator.meta['runs']} runs in {emulator.meta['train_seconds']:.0f} s; written to {out}")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from experiments.runner import check_sweep_folder, sweep
    from experiments.spec import load_spec

    _check_workers(args.workers)
    _step("checking the output folder")
    check_sweep_folder(args.out)
    _step("reading the spec")
    spec = load_spec(args.spec)
    _step("running the sweep")
    report = sweep(spec, args.out, workers=args.workers, scheduler=args.scheduler)
    print(
        f"{spec.name}: {report.total} runs, {report.skipped} already done, {report.completed} made"
        f"{f', {report.failed} failed (see failures.csv; run again to retry)' if report.failed else ''}"
        f" in {report.seconds:.0f} s on {report.where}; results in {args.out / 'results'}"
    )
    return 1 if report.failed else 0


def _analyse(args: argparse.Namespace) -> int:
    from experiments.analysis import analyse

    _step("analysing the sweep folder")
    folder = analyse(args.folder)
    print((folder / "summary.md").read_text(encoding="utf-8").split("## Peak", 1)[-1].split("![")[0].strip())
    print(f"written to {folder}")
    return 0


def _app(args: argparse.Namespace) -> int:
    import importlib.util

    if not 1 <= args.port <= 65535:
        raise ValueError(f"--port must be between 1 and 65535, got {args.port}")
    _step("starting the app")
    spec = importlib.util.find_spec("app")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the app (app.py) is not installed; reinstall suqian-abm")
    # Solara's server, self-hosted (webapp/server.py): static files are compressed once, not per request
    command = [sys.executable, "-m", "webapp.server", spec.origin, "--host", args.host, "--port", str(args.port)]
    print(f"starting the app at http://{args.host}:{args.port}", flush=True)
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}  # the app sends nothing anywhere
    # the app's own page assets (webapp/assets: custom.js starts loading the charts' library at once),
    # found by Solara through its documented setting, without importing the app here
    webapp = importlib.util.find_spec("webapp")
    if webapp is not None and webapp.submodule_search_locations:
        assets = os.path.join(next(iter(webapp.submodule_search_locations)), "assets")
        env["SOLARA_ASSETS_EXTRA_LOCATIONS"] = ",".join(
            [*filter(None, [os.environ.get("SOLARA_ASSETS_EXTRA_LOCATIONS")]), assets]
        )
    os.execve(sys.executable, command, env)  # replaces this process
    return 0


def _command(args: argparse.Namespace) -> int:
    if args.command == "run":
        return _run(args)
    if args.command == "scenarios":
        return _scenarios()
    if args.command == "validate":
        return _validate(args)
    if args.command == "calibrate":
        return _calibrate(args)
    if args.command == "predict":
        return _predict(args)
    if args.command == "effects":
        return _effects(args)
    if args.command == "emulator":
        return _emulator(args)
    if args.command == "sweep":
        return _sweep(args)
    if args.command == "analyse":
        return _analyse(args)
    if args.command == "app":
        return _app(args)
    return _parameters(args)


def os_error_message(err: OSError, doing: str) -> str:
    """``<what failed>: <path>: <reason>`` for an operating-system error met while ``doing`` something."""
    if err.strerror is None:  # raised with a message of its own
        return str(err)
    where = "" if err.filename is None else f"{err.filename}: "
    if err.filename2 is not None:
        where = f"{err.filename} -> {err.filename2}: "
    return f"{doing}: {where}{err.strerror}"


def _interrupted(err: KeyboardInterrupt) -> str:
    if str(err):  # a sweep says how many runs it saved
        return str(err)
    if _Step.written is not None:
        return f"interrupted; the output was already written to {_Step.written}"
    return "interrupted; nothing written"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``suqian-abm`` command; returns the exit status.

    Errors end in one line on stderr, ``error: ...``, and status 2; Ctrl-C in one line and
    status 130; a closed pipe on stdout (``suqian-abm parameters | head``) quietly, status 141.
    """
    _Step.doing, _Step.written = "starting", None
    try:
        args = build_parser().parse_args(argv)
        status = _command(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except KeyboardInterrupt as err:
        print(_interrupted(err), file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        with contextlib.suppress(OSError, ValueError):  # stdout may be closed, or no file at all
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OutputError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as err:
        print(f"error: {os_error_message(err, _Step.doing)}", file=sys.stderr)
        return EXIT_ERROR
    except (ScenarioError, ParameterValueError, RegistryError, ValueError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
