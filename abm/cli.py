"""Command line: ``suqian-abm run | scenarios | parameters``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from abm import __version__
from abm.model import DEFAULT_HOUSEHOLDS
from abm.parameters import ParameterValueError, RegistryError, parameter_table, registry
from abm.population import MIN_HOUSEHOLDS
from abm.scenario import ScenarioError, builtin_names, load_scenario, parse_assignments


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative number, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``suqian-abm`` command."""
    parser = argparse.ArgumentParser(
        prog="suqian-abm", description="Agent-based model of Suqian's CO2 peak under its 2024 plan."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a scenario and write trajectory, scorecard, manifest and figure")
    run.add_argument(
        "--scenario", default="plan", help="built-in scenario name or path of a .toml file (default: plan)"
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
        help="override a lever, uncertainty or parameter (repeatable)",
    )
    run.add_argument("--overwrite", action="store_true", help="replace an existing output folder")

    sub.add_parser("scenarios", help="list the built-in scenarios")

    params = sub.add_parser("parameters", help="list the parameter registry")
    params.add_argument("--kind", choices=["lever", "uncertainty", "parameter"], help="only this kind")
    params.add_argument("--markdown", action="store_true", help="print a markdown table")
    return parser


def _run(args: argparse.Namespace) -> int:
    from abm.outputs import write_outputs
    from abm.run import run

    scenario = load_scenario(args.scenario)
    if args.settings:
        scenario = scenario.with_settings(parse_assignments(args.settings))
    if args.households < MIN_HOUSEHOLDS:
        raise ScenarioError(f"--households must be at least {MIN_HOUSEHOLDS}, got {args.households}")
    out = args.out if args.out is not None else Path("runs") / f"{scenario.name}-seed{args.seed}"
    if out.exists() and not args.overwrite:
        raise FileExistsError(f"output folder {out} exists; choose another --out or pass --overwrite")
    result = run(scenario, seed=args.seed, households=args.households)
    write_outputs(result, out, overwrite=args.overwrite)
    card = result.scorecard
    print(f"scenario {scenario.name}, seed {args.seed}, {args.households} household agents, {result.run_seconds:.2f} s")
    print(f"peak year: {result.peak_year}")
    print(f"peak CO2: {result.peak_mt:.2f} Mt (including net imported electricity)")
    print(f"targets met: {int(card['met'].sum())} of {len(card)}")
    print(f"written to {out}")
    return 0


def _scenarios() -> int:
    for name in builtin_names():
        print(f"{name:<12} {load_scenario(name).description}")
    return 0


def _parameters(args: argparse.Namespace) -> int:
    if args.markdown:
        print(parameter_table(args.kind))
        return 0
    for p in registry().values():
        if args.kind and p.kind != args.kind:
            continue
        rng = f"[{p.low:g}, {p.high:g}]" if p.adjustable else "fixed"
        print(f"{p.name:<48} {p.kind:<11} {p.default:>12g} {rng:<22} {p.unit}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``suqian-abm`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "scenarios":
            return _scenarios()
        return _parameters(args)
    except (ScenarioError, ParameterValueError, RegistryError, FileExistsError, FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
