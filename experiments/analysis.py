"""``suqian-abm analyse DIR``: what a sweep says about the peak.

From the finished runs of a sweep folder:

* ``runs.csv``: per run, its factors and the headline outcomes: peak year and level, CO2
  in 2030 and in the last year, whether emissions peaked by 2030 (a maximum in the last
  simulated year is no peak);
* ``bands.csv`` and ``fan.png``: median and 5-95 % of CO2 by year and scenario;
* ``peak_years.csv``, ``peak_year.png``: the peak-year distribution per scenario, and the
  probability of peaking by 2030 in ``summary.md``;
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
        }
    )
    outcomes["peaked_by_2030"] = outcomes["peaked"] & (outcomes["peak_year"] <= PEAK_BY)
    return design.merge(outcomes, on="run_id", how="inner")


def bands(results: pd.DataFrame) -> pd.DataFrame:
    """Median and 5-95 % of headline CO2 by scenario and year."""
    head = results[(results["indicator"] == HEADLINE) & (results["sector"] == "total")]
    grouped = head.groupby(["scenario", "year"])["value"]
    return pd.DataFrame(
        {"q05": grouped.quantile(0.05), "median": grouped.median(), "q95": grouped.quantile(0.95)}
    ).reset_index()


def peak_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: runs, peak-year median and 5-95 %, probability of peaking by 2030."""
    rows = []
    for scenario, part in runs.groupby("scenario", sort=False):
        rows.append(
            {
                "scenario": scenario,
                "runs": len(part),
                "peak_year_median": float(part["peak_year"].median()),
                "peak_year_q05": float(part["peak_year"].quantile(0.05)),
                "peak_year_q95": float(part["peak_year"].quantile(0.95)),
                "peak_mt_median": float(part["peak_mt"].median()),
                "co2_2030_median": float(part["co2_2030"].median()),
                "probability_peak_by_2030": float(part["peaked_by_2030"].mean()),
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


def _figures(runs: pd.DataFrame, band: pd.DataFrame, sens: pd.DataFrame | None, sens_kind: str, folder: Path) -> None:
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(10, 5))
    for scenario, part in band.groupby("scenario", sort=False):
        (line,) = ax.plot(part["year"], part["median"], label=f"{scenario} (median)")
        ax.fill_between(part["year"], part["q05"], part["q95"], alpha=0.25, color=line.get_color(), label="5-95 %")
    ax.axvline(PEAK_BY, color="black", ls="--", lw=1)
    ax.set_ylabel("CO2 with net imported electricity (Mt)")
    ax.legend(ncol=2, fontsize=8)
    fig.tight_layout()
    fig.savefig(folder / "fan.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(10, 4.2))
    sns.histplot(runs, x="peak_year", hue="scenario", discrete=True, multiple="dodge", stat="probability", ax=ax)
    ax.axvline(PEAK_BY + 0.5, color="black", ls="--", lw=1)
    ax.set_xlabel("year of peak CO2")
    fig.tight_layout()
    fig.savefig(folder / "peak_year.png", dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, column, label in ((axes[0], "peak_mt", "peak CO2 (Mt)"), (axes[1], "co2_2030", "CO2 in 2030 (Mt)")):
        sns.stripplot(runs, x="scenario", y=column, ax=ax, alpha=0.35, size=3)
        sns.pointplot(runs, x="scenario", y=column, estimator="median", errorbar=("pi", 90), color="black", ax=ax)
        ax.set_ylabel(f"{label}: runs, median and 5-95 %")
    fig.tight_layout()
    fig.savefig(folder / "scenarios.png", dpi=110)
    plt.close(fig)

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
        fig.savefig(folder / "sensitivity.png", dpi=110)
        plt.close(fig)


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
    experiment = json.loads(meta_path.read_text(encoding="utf-8"))
    design = pd.read_csv(out / "design.csv")
    results = load_results(out)
    runs = run_outcomes(results, design.rename(columns={"scenario": "scenario_ref"}))
    scenario_names = results.drop_duplicates("run_id").set_index("run_id")["scenario"]
    runs["scenario"] = runs["run_id"].map(scenario_names)
    folder = out / "analysis"
    folder.mkdir(exist_ok=True)
    factors = [f["name"] for f in experiment["factors"]]
    runs.to_csv(folder / "runs.csv", index=False)
    band = bands(results)
    band.to_csv(folder / "bands.csv", index=False)
    peaks = peak_summary(runs)
    peaks.to_csv(folder / "peaks.csv", index=False)
    runs.groupby("scenario")["peak_year"].value_counts(normalize=True).rename("share").reset_index().to_csv(
        folder / "peak_years.csv", index=False
    )
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
    return folder
