"""Posterior predictive projections: a scenario run with parameter draws and seeds.

Each member draws a parameter set from the calibration's weighted posterior sample and
runs with its own seed; both come from ``numpy.random.SeedSequence(root_seed)``, so the
projection is the same in one process or many. The spread of the result carries what
the observations left uncertain, parameters they do not identify included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, MaxNLocator

from abm.figures import peak_year_shares, plot_peak_years, save
from abm.model import DEFAULT_HOUSEHOLDS
from abm.outputs import staged_folder
from abm.parameters import registry
from abm.peak import confirmed_peak
from abm.run import run
from abm.scenario import load_scenario
from abm.scorecard import peak, series
from experiments.app_members import posterior_draws
from experiments.ensemble import member_seeds
from experiments.peak_probability import Members, PeakProbability, peak_probability
from experiments.runner import map_in_processes

HEADLINE = "co2_with_electricity"
PEAK_BY = 2030


@dataclass(frozen=True)
class Projection:
    """Peaks and headline emissions of each member of a posterior predictive ensemble."""

    scenario: str
    members: pd.DataFrame  # member, seed, peak_year (highest), peak_mt, peaked, confirmed_year, parameters...
    emissions: pd.DataFrame  # member, year, value (MtCO2, with electricity)

    def peak_probability(self, year: int = PEAK_BY) -> PeakProbability:
        """P(peak by ``year``) over the members (:func:`experiments.peak_probability.peak_probability`):
        posterior draws with their own seeds; scenario uncertainties vary when the draws include any."""
        drawn = set(self.members.columns) - {"member", "seed", "peak_year", "peak_mt", "peaked", "confirmed_year"}
        uncertain = {name for name, p in registry().items() if p.kind == "uncertainty"}
        includes = Members(seeds=True, parameters="posterior", scenario_uncertainties=bool(drawn & uncertain))
        return peak_probability(self.emissions, includes, by=year)

    def probability_of_peak_by(self, year: int = PEAK_BY) -> float:
        """Share of members with a confirmed peak in or before ``year``."""
        return self.peak_probability(year).value

    def peak_year_distribution(self) -> pd.DataFrame:
        """Share of members peaking in each year."""
        counts = self.members["peak_year"].value_counts(normalize=True).sort_index()
        return pd.DataFrame({"peak_year": counts.index.astype(int), "share": counts.to_numpy()})

    def bands(self) -> pd.DataFrame:
        """Median and 5-95 % of headline CO2 (Mt) by year over the members."""
        grouped = self.emissions.groupby("year")["value"]
        return pd.DataFrame(
            {"q05": grouped.quantile(0.05), "median": grouped.median(), "q95": grouped.quantile(0.95)}
        ).reset_index()

    def summary(self) -> dict[str, float | int | str]:
        """Median and 5-95 % range of the peak year and level, and the probability of a peak by 2030."""
        years = self.members["peak_year"].to_numpy()
        levels = self.members["peak_mt"].to_numpy()
        return {
            "scenario": self.scenario,
            "members": len(self.members),
            "peak_year_median": float(np.median(years)),
            "peak_year_q05": float(np.quantile(years, 0.05)),
            "peak_year_q95": float(np.quantile(years, 0.95)),
            "peak_mt_median": float(np.median(levels)),
            "peak_mt_q05": float(np.quantile(levels, 0.05)),
            "peak_mt_q95": float(np.quantile(levels, 0.95)),
            **self.peak_probability(PEAK_BY).as_dict(),
        }


def _member(
    task: tuple[str, dict[str, float], int, int],
) -> tuple[int, float, bool, int | None, list[float], list[int]]:
    scenario_name, values, seed, households = task
    scenario = load_scenario(scenario_name, calibrated=False).with_settings(values, where="posterior draw")
    result = run(scenario, seed=seed, households=households)
    s = series(result.trajectory, HEADLINE)
    year, level = peak(result.trajectory)
    peaked = year < int(s.index.max())
    return year, level, peaked, confirmed_peak(s), s.to_list(), [int(y) for y in s.index]


def project(
    scenario: str,
    posterior: pd.DataFrame,
    members: int,
    root_seed: int = 1,
    households: int = DEFAULT_HOUSEHOLDS,
    workers: int = 1,
    fixed: Mapping[str, float] | None = None,
    progress: bool = True,
) -> Projection:
    """Run ``members`` posterior draws of ``scenario`` (a built-in name or a file path).

    Draws replace the registry defaults; the scenario's own settings still win over them,
    as they do over the shipped point estimate. ``progress`` shows members done, rate and
    time left on stderr (one updating line on a terminal, a line every 10 s otherwise).
    """
    seeds = member_seeds(root_seed, members)
    base = load_scenario(scenario, calibrated=False)
    draws = posterior_draws(posterior, members, root_seed, fixed)
    draws = [{k: v for k, v in d.items() if k not in base.settings} for d in draws]
    tasks = [(scenario, d, s, households) for d, s in zip(draws, seeds, strict=True)]
    results = map_in_processes(_member, tasks, workers, progress)
    rows, emissions = [], []
    for i, ((year, level, peaked, confirmed, values, years), d, s) in enumerate(
        zip(results, draws, seeds, strict=True)
    ):
        rows.append(
            {
                "member": i, "seed": s, "peak_year": year, "peak_mt": level, "peaked": peaked,
                "confirmed_year": confirmed, **d,
            }
        )  # fmt: skip
        emissions.extend({"member": i, "year": y, "value": v} for y, v in zip(years, values, strict=True))
    return Projection(base.name, pd.DataFrame(rows), pd.DataFrame(emissions))


def draw_projection(projection: Projection) -> Figure:
    """CO2 (Mt) over the members, median and 5-95 %, against 2030; and the members' peak-year distribution."""
    sns.set_theme(style="whitegrid", context="notebook")
    fig, (fan, years) = plt.subplots(1, 2, figsize=(13, 4.6), gridspec_kw={"width_ratios": [1.2, 1]})
    band = projection.bands()
    fan.fill_between(band["year"], band["q05"], band["q95"], alpha=0.3, color="C0", label="5-95 % of members")
    fan.plot(band["year"], band["median"], color="C0", lw=2, label="median")
    fan.axvline(PEAK_BY, color="firebrick", ls="-.", lw=1.2)
    fan.text(PEAK_BY, 1.0, f" {PEAK_BY}: peak target", transform=fan.get_xaxis_transform(), va="bottom",
             color="firebrick", fontsize=8)  # fmt: skip
    fan.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    fan.xaxis.set_major_formatter(FormatStrFormatter("%d"))
    fan.set_xlabel("Year")
    fan.set_ylabel("CO2 with net imported electricity (Mt)")
    fan.legend(fontsize=8, loc="lower left")
    members = projection.members.assign(scenario=projection.scenario)
    plot_peak_years(years, peak_year_shares(members), "share of posterior draws")
    fig.suptitle(
        f"Scenario '{projection.scenario}', {len(projection.members)} posterior draws: "
        f"probability of a confirmed peak by {PEAK_BY} {projection.probability_of_peak_by(PEAK_BY):.2f}",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def write_projection(projection: Projection, out: Path, overwrite: bool = False) -> None:
    """members.csv, emissions.csv, peak_years.csv, summary.csv and projection.png, written all or nothing."""
    with staged_folder(out, overwrite, kind="projection") as tmp:
        projection.members.to_csv(tmp / "members.csv", index=False)
        projection.emissions.to_csv(tmp / "emissions.csv", index=False)
        projection.peak_year_distribution().to_csv(tmp / "peak_years.csv", index=False)
        pd.DataFrame([projection.summary()]).to_csv(tmp / "summary.csv", index=False)
        save(draw_projection(projection), tmp / "projection.png")
