"""``suqian-abm calibrate``: fit, check in and out of sample, project, and write it all down.

Steps:

0. add the adoption targets (``calibration/adoption.py``) to the observation map's
   comparisons; screen the candidate behavioural parameters with Morris's elementary
   effects (``calibration/screening.py``): the influential ones are fitted, the inert
   ones propagated from their priors; rule out the implausible part of the parameter
   space with waves of history matching (``calibration/history_matching.py``);
1. fit the calibrated parameters to every observation up to the last observed year
   (ABC-SMC, ``calibration/abc.py``), with priors restricted to the non-implausible box;
2. fit them again to observations up to ``split_year`` only (the time split: history
   matching and ABC both see only those years);
3. run posterior draws of the history and compare them with the observations: the fit
   table (in sample) and the time-split table (later years, scored with the split fit);
4. project the baseline and the plan with posterior draws: peak-year distribution and
   the probability of peaking by 2030;
5. write the posterior, tables, figures and a markdown report into the output folder,
   which appears only when everything is written (a failed calibration leaves no folder);
   ``adopt`` also installs the result as the project's default calibration.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from abm import __version__
from abm.calibrated import calibration_dir
from abm.model import DEFAULT_HOUSEHOLDS
from abm.outputs import ctrl_c_deferred, staged_folder
from abm.scenario import Scenario
from calibration.abc import Budget, Fit, Prior, TargetSimulator, calibrated_parameters, draw, fit, point_estimate
from calibration.adoption import adoption_comparisons, covered
from calibration.history_matching import HistoryMatch, history_match
from calibration.mapping import Comparison, compare, comparisons, load_map, normalised_error
from calibration.observed import load_observed
from calibration.screening import Screening, screen
from calibration.simulate import HISTORY_SCENARIO, history_scenario, simulate
from experiments.posterior_predictive import Projection, project
from experiments.runner import children_ignore_ctrl_c

SPLIT_YEAR = 2020
PROJECTED_SCENARIOS = ("baseline", "plan")
CALIBRATION_VERSION = 1


@dataclass(frozen=True)
class Settings:
    """What a calibration run was asked to do."""

    budget: Budget
    workers: int = 2
    scheduler: str | None = None
    households: int = DEFAULT_HOUSEHOLDS
    seed: int = 1
    split_year: int = SPLIT_YEAR
    band_draws: int = 40
    projection_members: int = 60
    observed: str | None = None
    command: str = ""


def _history_member(task: tuple[dict[str, float], int, int, int]) -> pd.DataFrame:
    values, seed, households, last_year = task
    return simulate(history_scenario(last_year, calibrated=False), values, seed, households)


def posterior_bands(
    result: Fit, items: list[Comparison], draws: int, settings: Settings, last_year: int
) -> pd.DataFrame:
    """Each comparison against posterior draws of the history: median and 5-95 % of the modelled value."""
    rng = np.random.default_rng(np.random.SeedSequence(settings.seed).spawn(2)[1])
    sets = [{**result.fixed, **d} for d in draw(result.posterior, draws, rng)]
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=draws)]
    tasks = [(v, s, settings.households, last_year) for v, s in zip(sets, seeds, strict=True)]
    if settings.workers > 1 and not settings.scheduler:
        with ProcessPoolExecutor(max_workers=settings.workers) as pool:
            with children_ignore_ctrl_c():  # the pool's processes start as the tasks are handed over
                pending = pool.map(_history_member, tasks)
            trajectories = list(pending)
    else:
        trajectories = [_history_member(t) for t in tasks]
    tables = [compare(t, items).assign(draw=i) for i, t in enumerate(trajectories)]
    stacked = pd.concat(tables, ignore_index=True)
    keys = ["indicator", "region", "year"]
    first = tables[0].drop(columns=["modelled", "abs_pct_error", "passed", "normalised_error", "draw"])
    grouped = stacked.groupby(keys, sort=False)
    bands = grouped["modelled"].quantile([0.05, 0.5, 0.95]).unstack()
    bands.columns = ["modelled_q05", "modelled", "modelled_q95"]
    within = grouped["passed"].mean().rename("share_of_draws_passed")
    table = first.merge(bands.reset_index(), on=keys).merge(within.reset_index(), on=keys)
    table["abs_pct_error"] = (table["modelled"] - table["observed"]).abs() / table["observed"].abs() * 100.0
    by_key = {(c.indicator, c.region, c.year): c for c in items}
    keys_of_rows = zip(table["indicator"], table["region"], table["year"], table["modelled"], strict=True)
    table["passed"] = [abs(normalised_error(by_key[(i, r, y)], m)) <= 1.0 for i, r, y, m in keys_of_rows]
    columns = [
        "indicator", "region", "year", "observed", "modelled", "modelled_q05", "modelled_q95",
        "abs_pct_error", "passed", "share_of_draws_passed",
    ]  # fmt: skip
    return table[columns + [c for c in table.columns if c not in columns]]


def scores(table: pd.DataFrame, after: int | None = None) -> pd.DataFrame:
    """Per module: scored comparisons (fit, proxy, check; after ``after`` if given), passes, median error."""
    from calibration.validation import SCORED_ROLES, module_summary

    part = table[table["role"].isin(SCORED_ROLES)]
    if after is not None:
        part = part[part["year"] > after]
    return module_summary(part)


@dataclass
class Calibration:
    """Everything one calibration produced."""

    fit: Fit
    split_fit: Fit
    in_sample: pd.DataFrame
    time_split: pd.DataFrame
    projections: list[Projection]
    settings: Settings
    data_cutoff: int
    created: str
    seconds: float
    screening: Screening | None = None
    history_match: HistoryMatch | None = None
    split_history_match: HistoryMatch | None = None

    def point_estimate(self) -> dict[str, float]:
        """Values installed as defaults: posterior medians of identified parameters."""
        return point_estimate(self.fit)


def history_items(observed: pd.DataFrame, first_year: int, last_year: int) -> list[Comparison]:
    """The observation map's comparisons and the adoption targets that a history run can compute."""
    items = comparisons(observed, load_map()) + adoption_comparisons(first_year, observed)
    return covered(items, first_year, last_year)


def select_parameters(
    screening: Screening | None, fitted: list[Prior], candidates: list[Prior], propagated: list[Prior]
) -> tuple[list[Prior], list[Prior]]:
    """Fitted and propagated parameters once the candidates are screened (all candidates propagated without)."""
    keep = set(screening.influential) if screening is not None else set()
    return (
        fitted + [p for p in candidates if p.name in keep],
        propagated + [p for p in candidates if p.name not in keep],
    )


def matched_fit(
    scenario: Scenario, items: list[Comparison], priors: list[Prior], cutoff: int, seed: int,
    settings: Settings, database: Path, progress: bool,
) -> tuple[HistoryMatch, Fit]:  # fmt: skip
    """History matching to the observations up to ``cutoff``, then ABC-SMC inside the non-implausible box."""
    b = settings.budget
    fitted = [c for c in items if c.weight > 0 and c.year <= cutoff]
    simulator = TargetSimulator(scenario, fitted, settings.households)
    match = history_match(simulator, priors, fitted, b.waves, b.wave_points, b.wave_replicates, seed, settings.workers)
    result = fit(
        scenario, items, match.restricted_priors(), database, b, settings.households,
        settings.workers, settings.scheduler, cutoff, seed, progress,
    )  # fmt: skip
    return match, result


def calibrate(settings: Settings, progress: bool = True) -> Calibration:
    """Run the whole calibration in a scratch folder and return the results (nothing written yet)."""
    observed = load_observed(settings.observed)
    last_year = max(c.model_year for c in comparisons(observed, load_map()))
    scenario = history_scenario(last_year, calibrated=False)
    items = history_items(observed, int(scenario["start_year"]), int(scenario["end_year"]))
    cutoff = max(c.year for c in items if c.weight > 0)
    log = sys.stderr if progress else None
    started = time.perf_counter()
    candidates = calibrated_parameters(role="candidate")
    screening = None
    if len(candidates) >= 2:
        fitted_items = [c for c in items if c.weight > 0 and c.year <= cutoff]
        if log:
            print(f"screening {len(candidates)} behavioural parameters (Morris)", file=log)
        screening = screen(
            TargetSimulator(scenario, fitted_items, settings.households), candidates, fitted_items,
            settings.budget.screening_trajectories, settings.seed, settings.workers,
        )  # fmt: skip
    priors, propagated = select_parameters(
        screening, calibrated_parameters(), candidates, calibrated_parameters(role="propagate")
    )
    with tempfile.TemporaryDirectory() as scratch:
        if log:
            print(f"history matching and fitting {len(priors)} parameters to observations up to {cutoff}", file=log)
        match, main = matched_fit(
            scenario, items, priors, cutoff, settings.seed, settings, Path(scratch) / "abc.db", progress
        )
        if log:
            print(f"again with observations up to {settings.split_year} only (time split)", file=log)
        split_match, split = matched_fit(
            scenario, items, priors, settings.split_year, settings.seed + 1, settings,
            Path(scratch) / "abc_split.db", progress,
        )  # fmt: skip
    for result, child in zip((main, split), np.random.SeedSequence(settings.seed).spawn(4)[2:], strict=True):
        result.add_propagated(propagated, np.random.default_rng(child))
    if log:
        print(f"comparing {settings.band_draws} posterior draws with the observations", file=log)
    in_sample = posterior_bands(main, items, settings.band_draws, settings, last_year)
    time_split = posterior_bands(split, items, settings.band_draws, settings, last_year)
    projections = []
    for name in PROJECTED_SCENARIOS:
        if log:
            print(f"projecting {name} with {settings.projection_members} posterior draws", file=log)
        projections.append(
            project(
                name,
                main.posterior,
                settings.projection_members,
                settings.seed,
                settings.households,
                settings.workers if not settings.scheduler else 1,
                progress=progress,
            )
        )
    elapsed = time.perf_counter() - started
    today = dt.date.today().isoformat()
    return Calibration(
        main, split, in_sample, time_split, projections, settings, cutoff, today, elapsed,
        screening, match, split_match,
    )  # fmt: skip


def calibration_toml(cal: Calibration) -> str:
    """Metadata and point estimate in the format ``abm/calibrated.py`` reads."""
    s = cal.settings
    meta = {
        "version": CALIBRATION_VERSION,
        "package_version": __version__,
        "data_cutoff": cal.data_cutoff,
        "created": cal.created,
        "command": s.command,
        "method": "Morris screening, history matching (cutoff 3), then ABC-SMC (pyabc) with uniform priors "
        "over the non-implausible box of the registry ranges",
        "history_scenario": HISTORY_SCENARIO,
        "households": s.households,
        "population_size": s.budget.population_size,
        "generations": len(cal.fit.generations),
        "simulations": cal.fit.simulations,
        "posterior_generation": cal.fit.used_generation,
        "epsilon": round(cal.fit.generations[cal.fit.used_generation].epsilon, 4),
        "effective_sample_size": round(cal.fit.generations[cal.fit.used_generation].effective_sample_size, 1),
        "workers": cal.fit.sampler,
        "wall_minutes": round(cal.seconds / 60.0, 1),
        "posterior": "posterior.csv",
    }
    lines = ["[calibration]"]
    lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()]
    lines += ["", "[point_estimate]"]
    for name, value in cal.point_estimate().items():
        key = json.dumps(name) if "." in name else name
        lines.append(f"{key} = {value!r}")
    return "\n".join(lines) + "\n"


def write_calibration(cal: Calibration, out: Path, overwrite: bool = False, adopt: bool = False) -> None:
    """Write posterior, tables, figures and report to ``out`` (all or nothing); ``adopt`` installs it."""
    from calibration.report import write_figures, write_report

    with staged_folder(out, overwrite, kind="calibration") as tmp:
        cal.fit.posterior.to_csv(tmp / "posterior.csv", index=False)
        cal.split_fit.posterior.to_csv(tmp / f"posterior_until_{cal.settings.split_year}.csv", index=False)
        (tmp / "calibration.toml").write_text(calibration_toml(cal), encoding="utf-8")
        cal.fit.summary().to_csv(tmp / "parameters.csv", index=False)
        cal.split_fit.summary().to_csv(tmp / f"parameters_until_{cal.settings.split_year}.csv", index=False)
        pd.DataFrame([asdict(g) for g in cal.fit.generations]).to_csv(tmp / "generations.csv", index=False)
        if cal.screening is not None:
            cal.screening.effects.to_csv(tmp / "screening_effects.csv", index=False)
            cal.screening.influence.to_csv(tmp / "screening.csv", index=False)
        if cal.history_match is not None and cal.split_history_match is not None:
            pd.concat(
                [
                    cal.history_match.summary().assign(fit=f"to {cal.data_cutoff}"),
                    cal.split_history_match.summary().assign(fit=f"to {cal.settings.split_year}"),
                ]
            ).to_csv(tmp / "history_matching.csv", index=False)
        cal.in_sample.to_csv(tmp / "fit.csv", index=False)
        cal.time_split.to_csv(tmp / "time_split.csv", index=False)
        score_table = pd.concat(
            [
                scores(cal.in_sample).assign(evaluation=f"in sample (fit to {cal.data_cutoff})"),
                scores(cal.time_split, after=cal.settings.split_year).assign(
                    evaluation=f"out of sample ({cal.settings.split_year + 1}-{cal.data_cutoff}, fit to "
                    f"{cal.settings.split_year})"
                ),
            ]
        )
        score_table.to_csv(tmp / "scores.csv", index=False)
        pd.DataFrame([p.summary() for p in cal.projections]).to_csv(tmp / "projection.csv", index=False)
        pd.concat([p.members.assign(scenario=p.scenario) for p in cal.projections]).to_csv(
            tmp / "projection_members.csv", index=False
        )
        write_figures(cal, tmp)
        write_report(cal, score_table, tmp)
    if adopt:
        adopt_calibration(out)


def adopt_calibration(folder: Path) -> Path:
    """Install a calibration folder's ``calibration.toml`` and ``posterior.csv`` as the project default."""
    names = ("calibration.toml", "posterior.csv")
    for name in names:
        source = folder / name
        if not source.is_file():
            raise FileNotFoundError(f"{source} not found: is {folder} the output of `suqian-abm calibrate`?")
    target = calibration_dir()
    target.mkdir(parents=True, exist_ok=True)
    staged = [target / f".{name}.tmp" for name in names]
    try:  # both copied before either is replaced, so a failed copy leaves the installed pair as it was
        for name, tmp in zip(names, staged, strict=True):
            shutil.copyfile(folder / name, tmp)
        with ctrl_c_deferred():  # the pair is replaced together or not at all
            for name, tmp in zip(names, staged, strict=True):
                tmp.replace(target / name)
    finally:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
    return target
