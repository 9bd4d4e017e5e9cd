"""``suqian-abm analyse DIR``: what a sweep says about the peak.

From the finished runs of a sweep folder:

* ``runs.csv``: per run, its factors and the headline outcomes: peak year and level, CO2
  in 2030 and in the last year, whether emissions peaked by 2030 (a maximum in the last
  simulated year is no peak);
* ``bands.csv`` and ``fan.png``: median and 5-95 % of CO2 by year and scenario;
* ``peak_years.csv``, ``peak_year.png``: the peak-year distribution per scenario (runs and
  their share of the scenario's runs), and the probability of peaking by 2030 in ``summary.md``;
* Sobol designs: ``sobol.csv`` (S1 and ST with 95 % confidence intervals, SALib) and
  ``sensitivity.png``; Morris designs: ``morris.csv`` (mu*, its confidence interval, sigma);
* designs with factors: ``prim.csv``, the box of factor ranges in which emissions peak by
  2030 (PRIM, EMA Workbench), with its coverage and density;
* ``scenarios.png``: peak level and 2030 CO2 by scenario; ``summary.md``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, MaxNLocator

from abm.figures import draw_peak_years, peak_year_shares, save
from abm.outputs import staged_folder
from abm.parameters import registry
from abm.peak import DEFINITIONS, SCORED, peak_years
from experiments.peak_probability import Members, peak_probability
from experiments.runner import SweepError, load_results

HEADLINE = "co2_with_electricity"
PEAK_BY = 2030
OUTCOMES = ("peak_mt", "co2_2030", "peak_year")
PRIM_THRESHOLD = 0.8


def run_outcomes(results: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
    """One row per run: design columns and headline outcomes."""
    head = results[(results["indicator"] == HEADLINE) & (results["sector"] == "total")]
    wide = head.pivot_table(index="run_id", columns="year", values="value")
    years = wide.columns.to_numpy()
    values = wide.to_numpy()
    peak_idx = values.argmax(axis=1)
    outcomes = pd.DataFrame(
        {
            "run_id": wide.index,
            "peak_year": years[peak_idx].astype(int),
            "peak_mt": values[np.arange(len(values)), peak_idx],
            "co2_2030": wide[PEAK_BY].to_numpy() if PEAK_BY in wide.columns else np.nan,
            "co2_end": values[:, -1],
            "peaked": peak_idx < len(years) - 1,
            "confirmed_year": peak_years(values, [int(y) for y in years], "confirmed"),
        }
    )
    # the confirmed peak (abm.peak), as P(peak by 2030) counts it
    outcomes["peaked_by_2030"] = outcomes["confirmed_year"].fillna(np.inf) <= PEAK_BY
    return design.merge(outcomes, on="run_id", how="inner")


def bands(results: pd.DataFrame) -> pd.DataFrame:
    """Median and 5-95 % of headline CO2 by scenario and year."""
    head = results[(results["indicator"] == HEADLINE) & (results["sector"] == "total")]
    grouped = head.groupby(["scenario", "year"])["value"]
    return pd.DataFrame(
        {"q05": grouped.quantile(0.05), "median": grouped.median(), "q95": grouped.quantile(0.95)}
    ).reset_index()


def sweep_members(experiment: dict) -> Members:
    """What a sweep's runs include: seeds when replicated, parameters from their ranges when swept."""
    factors = [f["name"] for f in experiment.get("factors", [])]
    uncertain = {name for name, p in registry().items() if p.kind == "uncertainty"}
    return Members(
        seeds=int(experiment.get("replications", 1)) > 1,
        parameters="prior" if factors else "fixed",
        scenario_uncertainties=bool(set(factors) & uncertain),
    )


def peak_summary(runs: pd.DataFrame, results: pd.DataFrame, includes: Members) -> pd.DataFrame:
    """Per scenario: runs, peak-year median and 5-95 % (highest year), and P(peak by 2030) on the
    confirmed peak with what the runs include (:mod:`experiments.peak_probability`)."""
    head = results[(results["indicator"] == HEADLINE) & (results["sector"] == "total")]
    rows = []
    for scenario, part in runs.groupby("scenario", sort=False):
        members = head[head["run_id"].isin(part["run_id"])]
        probability = peak_probability(members, includes, member="run_id", by=PEAK_BY)
        rows.append(
            {
                "scenario": scenario,
                "runs": len(part),
                "peak_year_median": float(part["peak_year"].median()),
                "peak_year_q05": float(part["peak_year"].quantile(0.05)),
                "peak_year_q95": float(part["peak_year"].quantile(0.95)),
                "confirmed_year_median": float(part["confirmed_year"].median()),
                "peak_mt_median": float(part["peak_mt"].median()),
                "co2_2030_median": float(part["co2_2030"].median()),
                **probability.as_dict(),
            }
        )
    return pd.DataFrame(rows)


def _problem(experiment: dict) -> dict:
    factors = experiment["factors"]
    return {
        "num_vars": len(factors),
        "names": [f["name"] for f in factors],
        "bounds": [[f["low"], f["high"]] for f in factors],
    }


def _by_design_row(part: pd.DataFrame, outcome: str, rows: int) -> np.ndarray | None:
    """Outcome per design row of one scenario's runs (mean over replications); None if a row is missing."""
    part = part.groupby("design_row")[outcome].mean()
    if len(part) < rows:
        return None
    return part.sort_index().to_numpy(dtype=float)


def sobol_indices(runs: pd.DataFrame, experiment: dict) -> pd.DataFrame:
    """S1 and ST with confidence intervals per scenario, outcome and factor (SALib)."""
    from SALib.analyze import sobol

    problem = _problem(experiment)
    rows_expected = int(runs["design_row"].max()) + 1
    out = []
    for scenario in experiment["scenarios"]:
        name = runs.loc[runs["scenario_ref"] == scenario, "scenario"]
        for outcome in OUTCOMES:
            y = _by_design_row(runs[runs["scenario_ref"] == scenario], outcome, rows_expected)
            if y is None or name.empty:
                continue
            if np.allclose(y, y[0]):
                continue  # no variance: indices undefined
            result = sobol.analyze(
                problem, y, calc_second_order=experiment["second_order"], print_to_console=False,
                seed=experiment["seed"],
            )  # fmt: skip
            for i, factor in enumerate(problem["names"]):
                out.append(
                    {
                        "scenario": name.iloc[0],
                        "outcome": outcome,
                        "factor": factor,
                        "S1": result["S1"][i],
                        "S1_conf": result["S1_conf"][i],
                        "ST": result["ST"][i],
                        "ST_conf": result["ST_conf"][i],
                    }
                )
    return pd.DataFrame(out)


def morris_indices(runs: pd.DataFrame, design: pd.DataFrame, experiment: dict) -> pd.DataFrame:
    """mu*, its confidence interval and sigma per scenario, outcome and factor (SALib)."""
    from SALib.analyze import morris

    problem = _problem(experiment)
    names = problem["names"]
    x = design.drop_duplicates("design_row").sort_values("design_row")[names].to_numpy(dtype=float)
    out = []
    for scenario in experiment["scenarios"]:
        part = runs[runs["scenario_ref"] == scenario]
        if part.empty:
            continue
        for outcome in OUTCOMES:
            y = _by_design_row(part, outcome, len(x))
            if y is None:
                continue
            result = morris.analyze(
                problem, x, y, num_levels=experiment["levels"], print_to_console=False, seed=experiment["seed"]
            )
            for i, factor in enumerate(names):
                out.append(
                    {
                        "scenario": part["scenario"].iloc[0],
                        "outcome": outcome,
                        "factor": factor,
                        "mu_star": result["mu_star"][i],
                        "mu_star_conf": result["mu_star_conf"][i],
                        "sigma": result["sigma"][i],
                    }
                )
    return pd.DataFrame(out)


def prim_box(runs: pd.DataFrame, factors: list[str]) -> tuple[pd.DataFrame, dict[str, float]] | None:
    """PRIM box of factor ranges in which emissions peak by 2030 (None if every run agrees)."""
    y = runs["peaked_by_2030"].to_numpy(dtype=bool)
    if not factors or y.all() or not y.any():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        x = runs[factors].astype(float).reset_index(drop=True)
        finder = prim.Prim(x, y, threshold=PRIM_THRESHOLD)
        box = finder.find_box()
        lim = box.box_lim
        rows = [
            {
                "factor": f,
                "low": float(lim[f].iloc[0]),
                "high": float(lim[f].iloc[1]),
                "full_low": float(x[f].min()),
                "full_high": float(x[f].max()),
            }
            for f in factors
            if lim[f].iloc[0] > x[f].min() or lim[f].iloc[1] < x[f].max()
        ]
        limits = pd.DataFrame(rows, columns=["factor", "low", "high", "full_low", "full_high"])
        stats = {"coverage": float(box.coverage), "density": float(box.density), "mass": float(box.mass)}
    return limits, stats


def _colours(scenarios: list[str]) -> dict[str, tuple[float, float, float]]:
    return dict(zip(scenarios, sns.color_palette(n_colors=max(len(scenarios), 1)), strict=False))


def draw_fan(band: pd.DataFrame, scenarios: list[str] | None = None) -> Figure:
    """Median and 5-95 % of headline CO2 (Mt) by year, one colour per scenario, the 2030 target marked."""
    sns.set_theme(style="whitegrid", context="notebook")
    scenarios = scenarios or list(dict.fromkeys(band["scenario"]))
    colours = _colours(scenarios)
    fig, ax = plt.subplots(figsize=(10, 5))
    for scenario in scenarios:
        part = band[band["scenario"] == scenario]
        colour = colours[scenario]
        ax.plot(part["year"], part["median"], color=colour, label=f"{scenario}: median")
        ax.fill_between(part["year"], part["q05"], part["q95"], alpha=0.25, color=colour, label=f"{scenario}: 5-95 %")
    ax.axvline(PEAK_BY, color="black", ls="--", lw=1)
    ax.text(PEAK_BY, 1.0, f" {PEAK_BY}: peak target", transform=ax.get_xaxis_transform(), va="bottom", fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
    ax.set_xlabel("Year")
    ax.set_ylabel("CO2 with net imported electricity (Mt)")
    ax.set_title("CO2 by scenario: median and 5-95 % of runs", pad=16)
    ax.legend(ncol=2, fontsize=8)
    fig.tight_layout()
    return fig


def draw_scenarios(runs: pd.DataFrame, scenarios: list[str] | None = None) -> Figure:
    """Peak CO2 and CO2 in 2030 (Mt) by scenario: every run, the median and the 5-95 % range.

    Scenarios are categories: one colour each, side by side, nothing joining them.
    """
    sns.set_theme(style="whitegrid", context="notebook")
    scenarios = scenarios or list(dict.fromkeys(runs["scenario"]))
    colours = _colours(scenarios)
    jitter = np.random.default_rng(0)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, column, label in ((axes[0], "peak_mt", "peak CO2 (Mt)"), (axes[1], "co2_2030", "CO2 in 2030 (Mt)")):
        for i, scenario in enumerate(scenarios):
            values = runs.loc[runs["scenario"] == scenario, column].dropna().to_numpy(dtype=float)
            if not len(values):
                continue
            colour = colours[scenario]
            ax.scatter(i + jitter.uniform(-0.15, 0.15, len(values)), values, s=9, alpha=0.35, color=colour)
            q05, median, q95 = np.quantile(values, [0.05, 0.5, 0.95])
            ax.errorbar(
                [i + 0.3], [median], yerr=[[median - q05], [q95 - median]], fmt="o", color=colour, ms=7, capsize=5,
                lw=2, label=scenario,
            )  # fmt: skip
        ax.set_xticks(range(len(scenarios)), scenarios)
        ax.set_xlim(-0.6, len(scenarios) - 0.4)
        ax.set_xlabel("scenario")
        ax.set_ylabel(label)
        ax.set_title(f"{label}: runs (dots), median and 5-95 % (bar)", fontsize=10)
    fig.tight_layout()
    return fig


def _figures(runs: pd.DataFrame, band: pd.DataFrame, sens: pd.DataFrame | None, sens_kind: str, folder: Path) -> None:
    scenarios = list(dict.fromkeys(runs["scenario"]))
    scenarios += [s for s in dict.fromkeys(band["scenario"]) if s not in scenarios]
    save(draw_fan(band, scenarios), folder / "fan.png")
    save(draw_peak_years(peak_year_shares(runs), "share of the scenario's runs"), folder / "peak_year.png")
    save(draw_scenarios(runs, scenarios), folder / "scenarios.png")

    if sens is not None and not sens.empty:
        part = sens[sens["outcome"] == "co2_2030"]
        if part.empty:
            part = sens[sens["outcome"] == sens["outcome"].iloc[0]]
        if sens_kind == "sobol":
            long = part.melt(id_vars=["scenario", "factor"], value_vars=["S1", "ST"], var_name="index")
            x, hue = "value", "index"
        else:
            long = part.rename(columns={"mu_star": "value"})
            x, hue = "value", "scenario"
        long = long.sort_values("value", ascending=False)
        fig, ax = plt.subplots(figsize=(9, 0.35 * long["factor"].nunique() + 2))
        sns.barplot(long, y="factor", x=x, hue=hue, ax=ax, errorbar=None)
        ax.set_xlabel(f"{'Sobol index' if sens_kind == 'sobol' else 'Morris mu* (Mt)'} of CO2 in 2030")
        fig.tight_layout()
        save(fig, folder / "sensitivity.png")


def _md(frame: pd.DataFrame) -> str:
    def cell(v: object) -> str:
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def analyse(out: Path) -> Path:
    """Analyse the sweep in ``out``; write everything into ``out/analysis`` and return that folder."""
    meta_path = out / "experiment.json"
    if not meta_path.exists():
        raise SweepError(f"{out} is not a sweep folder (no experiment.json); run `suqian-abm sweep` first")
    try:
        experiment = json.loads(meta_path.read_text(encoding="utf-8"))
    except ValueError as err:  # not JSON, or not UTF-8
        raise SweepError(
            f"{meta_path}: not a sweep's experiment.json ({err}); run the sweep again to rewrite it"
        ) from None
    design = pd.read_csv(out / "design.csv")
    results = load_results(out)
    runs = run_outcomes(results, design.rename(columns={"scenario": "scenario_ref"}))
    scenario_names = results.drop_duplicates("run_id").set_index("run_id")["scenario"]
    runs["scenario"] = runs["run_id"].map(scenario_names)
    target = out / "analysis"
    advice = f"move what you keep there elsewhere, then run `suqian-abm analyse {out}` again"
    with staged_folder(target, overwrite=True, kind="analysis", advice=advice) as folder:
        _write_analysis(folder, experiment, design, runs, results)
    return target


def _write_analysis(
    folder: Path, experiment: dict, design: pd.DataFrame, runs: pd.DataFrame, results: pd.DataFrame
) -> None:
    """Every table, figure and the summary of one sweep's analysis, written into ``folder``."""
    factors = [f["name"] for f in experiment["factors"]]
    runs.to_csv(folder / "runs.csv", index=False)
    band = bands(results)
    band.to_csv(folder / "bands.csv", index=False)
    peaks = peak_summary(runs, results, sweep_members(experiment))
    peaks.to_csv(folder / "peaks.csv", index=False)
    peak_year_shares(runs).to_csv(folder / "peak_years.csv", index=False)
    sens, sens_kind = None, experiment["kind"]
    notes = []
    if sens_kind == "sobol":
        sens = sobol_indices(runs, experiment)
        sens.to_csv(folder / "sobol.csv", index=False)
        if sens.empty:
            notes.append("Sobol indices need every design row finished; some are missing, so none were computed.")
    elif sens_kind == "morris":
        sens = morris_indices(runs, design, experiment)
        sens.to_csv(folder / "morris.csv", index=False)
    box = prim_box(runs, factors)
    if box is not None:
        limits, stats = box
        limits.assign(**stats).to_csv(folder / "prim.csv", index=False)
    _figures(runs, band, sens, sens_kind, folder)

    expected = len(design)
    text = [
        f"# Sweep analysis: {experiment['name']}",
        "",
        experiment.get("description", ""),
        "",
        f"Design: {experiment['kind']}, {len(factors)} factor(s), {experiment['replications']} replication(s); "
        f"{len(runs)} of {expected} runs finished.",
        "",
        "## Peak",
        "",
        _md(peaks),
        "",
        f"Peak year columns give the highest year; P(peak by {PEAK_BY}) counts the confirmed peak "
        f"({DEFINITIONS[SCORED]}); the runs include: {sweep_members(experiment).statement()}.",
        "",
        "![fan chart](fan.png)",
        "",
        "![peak year](peak_year.png)",
        "",
        "![scenarios](scenarios.png)",
    ]
    if sens is not None and not sens.empty:
        top = sens[sens["outcome"] == "co2_2030"]
        key = "ST" if sens_kind == "sobol" else "mu_star"
        text += ["", f"## Sensitivity ({sens_kind}, CO2 in 2030)", "", _md(top.sort_values(key, ascending=False))]
        text += ["", "![sensitivity](sensitivity.png)"]
    if box is not None:
        limits, stats = box
        text += [
            "",
            "## Where emissions peak by 2030 (PRIM)",
            "",
            f"Box with coverage {stats['coverage']:.2f} (share of all runs that peak by 2030 lying in the box), "
            f"density {stats['density']:.2f} (share of runs in the box that peak by 2030), "
            f"mass {stats['mass']:.2f}:",
            "",
            _md(limits),
        ]
    elif factors:
        text += ["", "PRIM: every run agrees on peaking by 2030 or not, so there is no box to find."]
    text += ["", *notes]
    (folder / "summary.md").write_text("\n".join(text) + "\n", encoding="utf-8")
