"""Figures and the markdown report of a calibration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, ScalarFormatter

from abm.figures import draw_peak_years, peak_year_shares, save
from calibration.simulate import HISTORY_SCENARIO

if TYPE_CHECKING:
    from calibration.workflow import Calibration

FIT_COLOURS = {"in sample": "#1f77b4", "time split": "#ff7f0e"}


def draw_fit(in_sample: pd.DataFrame, time_split: pd.DataFrame, split_year: int, data_cutoff: int) -> Figure:
    """Observed values against posterior draws (median, 5-95 %) for every fitted or proxy comparison.

    ``in_sample`` and ``time_split`` are the fit tables (``fit.csv``, ``time_split.csv``): the fit to
    every observation up to ``data_cutoff`` and the fit to those up to ``split_year``. Ticks are
    plain numbers: whole years on x, the observation's own units on y.
    """
    sns.set_theme(style="whitegrid", context="notebook")
    tables = {"in sample": in_sample, "time split": time_split}
    shown = in_sample[in_sample["role"].isin(("fit", "proxy"))]
    panels = list(dict.fromkeys(zip(shown["indicator"], shown["region"], strict=True)))
    cols = 4
    rows = max(int(np.ceil(len(panels) / cols)), 1)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.1 * rows), squeeze=False)
    for ax, (indicator, region) in zip(axes.flat, panels, strict=False):
        for offset, (label, table) in zip((-0.12, 0.12), tables.items(), strict=True):
            part = table[(table["indicator"] == indicator) & (table["region"] == region)]
            x = part["year"].to_numpy() + offset
            err = [part["modelled"] - part["modelled_q05"], part["modelled_q95"] - part["modelled"]]
            ax.errorbar(x, part["modelled"], yerr=err, fmt="o", color=FIT_COLOURS[label], label=label, ms=5, capsize=3)
        part = in_sample[(in_sample["indicator"] == indicator) & (in_sample["region"] == region)]
        ax.scatter(part["year"], part["observed"], marker="D", color="black", zorder=5, label="observed", s=28)
        ax.axvline(split_year + 0.5, color="grey", lw=0.8, ls=":")
        ax.set_title(f"{indicator}\n({region})", fontsize=9)
        years = sorted(int(y) for y in part["year"].unique())
        ax.set_xticks(years)
        ax.set_xlim(min(years[0], split_year + 0.5) - 0.5, max(years[-1], split_year + 0.5) + 0.5)
        ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
        ax.yaxis.set_major_formatter(ScalarFormatter(useOffset=False))
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False)
    fig.suptitle(
        f"Observed against posterior draws (median and 5-95 %): in sample (fit to {data_cutoff}) "
        f"and time split (fit to {split_year}; dotted line)",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.04, 1, 0.96))
    return fig


def fit_figure(cal: Calibration, path: Path) -> None:
    """Write :func:`draw_fit` of a calibration to ``path`` (PNG)."""
    save(draw_fit(cal.in_sample, cal.time_split, cal.settings.split_year, cal.data_cutoff), path)


def posterior_figure(cal: Calibration, path: Path) -> None:
    """Weighted posterior of each parameter over its prior range (flat = not identified)."""
    sns.set_theme(style="whitegrid", context="notebook")
    priors = cal.fit.priors
    cols = 4
    rows = int(np.ceil(len(priors) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.0 * cols, 2.6 * rows), squeeze=False)
    for ax, p in zip(axes.flat, priors, strict=False):
        bins = np.linspace(p.low, p.high, 16)
        for label, result in (("fit to all", cal.fit), ("fit to split", cal.split_fit)):
            ax.hist(
                result.posterior[p.name], bins=bins, weights=result.posterior["weight"], density=True,
                alpha=0.55, label=label,
            )  # fmt: skip
        ax.axhline(1.0 / (p.high - p.low), color="black", lw=1, ls="--", label="prior")
        ax.set_title(f"{p.name} ({p.unit})", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(priors) :]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    save(fig, path)


def draw_projected_peak_years(members: pd.DataFrame) -> Figure:
    """Each projected scenario's own share of posterior draws by peak year.

    ``members`` has one row per member with ``scenario``, ``peak_year`` and ``peaked``
    (``projection_members.csv``).
    """
    return draw_peak_years(peak_year_shares(members), "share of the scenario's posterior draws")


def peak_year_figure(cal: Calibration, path: Path) -> None:
    """Distribution of the peak year of each projected scenario (PNG)."""
    members = pd.concat([p.members.assign(scenario=p.scenario) for p in cal.projections], ignore_index=True)
    save(draw_projected_peak_years(members), path)


def write_figures(cal: Calibration, folder: Path) -> None:
    """fit.png, posterior.png and peak_year.png."""
    fit_figure(cal, folder / "fit.png")
    posterior_figure(cal, folder / "posterior.png")
    peak_year_figure(cal, folder / "peak_year.png")


def _table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A markdown table."""

    def cell(v: object) -> str:
        if isinstance(v, float):
            if np.isnan(v):
                return ""
            if 1000 <= abs(v) < 1e5:  # years and counts in full, not 2.03e+03
                return f"{v:.0f}"
            return f"{v:.{digits}g}"
        return str(v)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def _behaviour_section(cal: Calibration) -> str:
    """Screening and history-matching tables of the report (empty when neither ran)."""
    parts = []
    if cal.screening is not None:
        sc = cal.screening
        parts.append(
            f"""### Screening of the behavioural parameters

Morris elementary effects, {sc.runs} runs with one seed: `max_mu_star` is the largest mean
absolute effect on a fitted output, in tolerances, over the parameter's whole range, and
`output` the output it moves most. Influential (at least {sc.threshold:g} tolerance) parameters are
fitted; the inert ones ({", ".join(f"`{n}`" for n in sc.inert) or "none"}) are propagated from their priors.

{_table(sc.influence)}"""
        )
    if cal.history_match is not None and cal.split_history_match is not None:
        waves = pd.concat(
            [
                cal.history_match.summary().assign(fit=f"to {cal.data_cutoff}"),
                cal.split_history_match.summary().assign(fit=f"to {cal.settings.split_year}"),
            ]
        )
        parts.append(
            f"""### History matching

Waves of implausibility (cutoff {cal.history_match.cutoff:g}) before ABC: points run in the
current box, points kept, the sampled box's share of the prior volume and the comparison that
ruled out the most points. The box left after the last wave has {cal.history_match.volume_share():.3g}
of the prior volume (fit to {cal.data_cutoff}) and {cal.split_history_match.volume_share():.3g}
(fit to {cal.settings.split_year}).

{_table(waves)}"""
        )
    return "\n\n".join(parts)


PATTERN_SHOWN = ("pattern", "years", "observed", "modelled", "unit", "error", "tolerance", "passed", "role", "reason")


def pattern_section(patterns: pd.DataFrame, seed: int) -> str:
    """The markdown section of the pattern table (``calibration.patterns``) of one history run."""
    from calibration.patterns import pattern_summary

    def number(v: float) -> str:
        if not np.isfinite(v):
            return ""
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}" if abs(v) >= 1e-3 else "0"

    shown = patterns[list(PATTERN_SHOWN)].assign(
        passed=patterns["passed"].map({True: "yes", False: "no"}).fillna(""),
        **{c: patterns[c].astype(float).map(number) for c in ("observed", "modelled", "error")},
    )
    return f"""## Patterns of the recorded history

One history run with the point estimate (seed {seed}), against every pattern the observed
data hold (`calibration/patterns.py`): {pattern_summary(patterns)}. CO2 is compared as
territorial direct emissions (`co2_territorial`, local power and heat included) with the
CEADs inventory, which is territorial too; money at current prices through the GDP deflator,
growth against growth, shares against shares. `passed` is blank where the row is not
modelled; `reason` says why a row is not scored.

{_table(shown)}
"""


def write_report(
    cal: Calibration, score_table: pd.DataFrame, folder: Path, patterns: pd.DataFrame | None = None
) -> None:
    """report.md: what was fitted, how well, what it implies, and what the data cannot tell.

    ``patterns``: the pattern table of a history run; None runs one with the point estimate (seed 1).
    """
    s = cal.settings
    if patterns is None:
        from calibration.patterns import history_patterns

        patterns = history_patterns(seed=1, households=s.households, parameters=cal.point_estimate())
    summary = cal.fit.summary()
    chosen = cal.point_estimate()
    summary["installed"] = [name in chosen for name in summary["parameter"]]
    params = summary[
        ["parameter", "role", "unit", "prior_low", "prior_high", "matched_low", "matched_high", "posterior_median",
         "posterior_q05", "posterior_q95", "narrowing", "contraction", "installed"]
    ]  # fmt: skip
    unidentified = summary.loc[~summary["installed"] & (summary["role"] == "fit"), "parameter"].tolist()
    gens = pd.DataFrame(
        [
            (g.t, g.epsilon, g.simulations, g.acceptance_rate, g.effective_sample_size, g.seconds)
            for g in cal.fit.generations
        ],
        columns=["generation", "epsilon", "simulations", "acceptance_rate", "effective_sample_size", "seconds"],
    )
    fit_cols = ["indicator", "region", "year", "role", "observed", "modelled", "modelled_q05", "modelled_q95",
                "abs_pct_error", "passed"]  # fmt: skip
    in_sample = cal.in_sample[cal.in_sample["role"] != "input"][fit_cols]
    later = cal.time_split["year"] > s.split_year
    split = cal.time_split[(cal.time_split["role"] != "input") & later][fit_cols]
    projection = pd.DataFrame([p.summary() for p in cal.projections])
    behaviour = _behaviour_section(cal)
    text = f"""# Calibration report

Command: `{s.command}`
Created {cal.created}; observations up to {cal.data_cutoff}; history runs of the `{HISTORY_SCENARIO}` scenario with
{s.households:,} household agents; ABC-SMC with {s.budget.population_size} particles on {cal.fit.sampler},
{len(cal.fit.generations)} generations, {cal.fit.simulations:,} simulations, {cal.fit.seconds:.0f} s
(time-split fit: {len(cal.split_fit.generations)} generations, {cal.split_fit.simulations:,} simulations,
{cal.split_fit.seconds:.0f} s). The whole calibration, draws and projections included, took
{cal.seconds / 60:.1f} minutes.

The distance is the root weighted mean square of each fitted observation's error in units of
its tolerance (1 = on average at the edge of the tolerance). The posterior is the last
generation whose importance weights keep an effective sample of at least
{s.budget.min_effective_share:.0%} of the particles: generation {cal.fit.used_generation}, epsilon
{cal.fit.generations[cal.fit.used_generation].epsilon:.3f}, effective sample
{cal.fit.generations[cal.fit.used_generation].effective_sample_size:.0f} (fit to all); generation
{cal.split_fit.used_generation}, epsilon {cal.split_fit.generations[cal.split_fit.used_generation].epsilon:.3f},
effective sample {cal.split_fit.generations[cal.split_fit.used_generation].effective_sample_size:.0f}
(fit to {s.split_year}).

## Generations

{_table(gens)}

## Parameters

Posterior median and 90 % interval; `matched_low`-`matched_high` is the box left by history
matching, inside which ABC sampled; `narrowing` is the posterior 90 % width over the prior's
90 % width (1: the data say nothing, 0: pinned down; propagated parameters stay near 1);
`contraction` is 1 - posterior variance / prior variance (0: the data say nothing, 1: pinned down). Parameters narrowed by at least 0.3 are
installed as defaults (`installed`); the others keep their registry default, and their
posterior spread enters projections. Parameters with role `propagate` are not fitted: no
observation informs them, and adding uninformed dimensions makes the importance weights
of ABC-SMC degenerate; their prior is drawn into the posterior sample instead, so their
uncertainty reaches the projections.

{_table(params)}

{behaviour}

Fitted, but left too close to their prior by the data to install: {", ".join(f"`{n}`" for n in unidentified) or "none"}.

![posterior](posterior.png)

## Scores

Comparisons with role `fit`, `proxy` or `check` (inputs agree by construction and are left
out); a comparison passes when the posterior median is within its tolerance. In sample: fit to every observation up to {cal.data_cutoff}. Out of
sample: fit to observations up to {s.split_year} only, scored on {s.split_year + 1}-{cal.data_cutoff}.

{_table(score_table)}

### In sample

{_table(in_sample)}

### Time split (fit to {s.split_year}, scored after)

{_table(split)}

![fit](fit.png)

{pattern_section(patterns, seed=1)}
## Projections with posterior draws

{s.projection_members} members per scenario, each with its own parameter draw and seed.

{_table(projection)}

![peak year](peak_year.png)
"""
    (folder / "report.md").write_text(text, encoding="utf-8")
