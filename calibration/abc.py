"""Fitting the uncertain parameters to the observed years with ABC-SMC (pyabc).

Approximate Bayesian computation suits a stochastic model without a likelihood: a
parameter set is accepted when a history run (``calibration/simulate.py``) lands close
enough to the observations, and sequential Monte Carlo tightens "close enough" from
generation to generation. Closeness is the root weighted mean square of each fitted
observation's error in units of its tolerance (``calibration/mapping.py``): a distance
of 1 means every fitted value is, on average, at the edge of its tolerance.

Priors are uniform over each parameter's range in the registry. Simulations run on this
machine's cores (``workers``) or on a Dask cluster (``scheduler``). Each simulation draws
its own seed from the sampler's generator, so the fit's noise includes the model's.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm.model import DEFAULT_HOUSEHOLDS
from abm.parameters import registry
from abm.scenario import Scenario
from calibration.mapping import Comparison, TrajectoryLookup, distance, modelled_value, normalised_error
from calibration.simulate import simulate

PARAMETER_LIST = Path(__file__).parent / "data" / "calibrated_parameters.csv"


class CalibrationError(ValueError):
    """A calibration cannot be set up; the message says why."""


@dataclass(frozen=True, slots=True)
class Prior:
    """Uniform prior of one parameter over its registry range."""

    name: str
    low: float
    high: float
    unit: str
    range_low: float | None = None  # the registry range when low-high is a box narrowed by history matching
    range_high: float | None = None

    @property
    def full_range(self) -> tuple[float, float]:
        """The registry range (the prior before any history matching)."""
        return (
            self.low if self.range_low is None else self.range_low,
            self.high if self.range_high is None else self.range_high,
        )

    def restricted(self, low: float, high: float) -> Prior:
        """This prior narrowed to [low, high] inside its range; the registry range is kept."""
        lo, hi = self.full_range
        low, high = max(low, lo), min(high, hi)
        if not high > low:
            raise CalibrationError(f"'{self.name}': an empty range [{low:g}, {high:g}]")
        return Prior(self.name, low, high, self.unit, lo, hi)


ROLES = ("fit", "propagate", "candidate")


def calibrated_parameters(path: Path | str | None = None, role: str = "fit") -> list[Prior]:
    """Parameters of one role in ``calibration/data/calibrated_parameters.csv``, with their priors.

    ``fit``: fitted to the observations. ``propagate``: no observation informs them, so
    they are not fitted (ABC-SMC weights degenerate when uninformed dimensions are added);
    their prior is drawn into the posterior sample so their uncertainty reaches projections.
    ``candidate``: behavioural parameters that screening (``calibration/screening.py``)
    sends to ``fit`` when they move a fitted output and to ``propagate`` when they do not.
    """
    path = Path(path) if path is not None else PARAMETER_LIST
    if not path.exists():
        raise CalibrationError(f"list of calibrated parameters not found: {path}")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "name" not in table.columns or "role" not in table.columns:
        raise CalibrationError(f"{path}: needs 'name' and 'role' columns")
    bad = sorted(set(table["role"]) - set(ROLES))
    if bad:
        raise CalibrationError(f"{path}: role {bad[0]!r} is not one of {', '.join(ROLES)}")
    reg = registry()
    priors = []
    for line, (name, kind) in enumerate(zip(table["name"], table["role"], strict=True), start=2):
        if kind != role:
            continue
        if name not in reg:
            raise CalibrationError(f"{path}: line {line}: '{name}' is not in the parameter registry")
        p = reg[name]
        if p.low is None or p.high is None or not p.high > p.low:
            raise CalibrationError(f"{path}: line {line}: '{name}' has no range in the registry to fit over")
        if p.unit == "switch":
            raise CalibrationError(f"{path}: line {line}: '{name}' is a switch; only numbers can be fitted")
        priors.append(Prior(name, float(p.low), float(p.high), p.unit))
    if len({p.name for p in priors}) != len(priors):
        raise CalibrationError(f"{path}: a parameter is listed twice")
    return priors


@dataclass(frozen=True, slots=True)
class Budget:
    """How long a fit may run."""

    population_size: int = 300
    max_generations: int = 10
    min_epsilon: float = 0.3
    min_acceptance_rate: float = 0.05
    min_epsilon_step: float = 0.005  # stop once a generation lowers epsilon by less
    min_effective_share: float = 0.2  # posterior: last generation with ESS >= this x population
    max_simulations: int = 40_000
    max_minutes: float = 10.0
    screening_trajectories: int = 10  # Morris trajectories: (candidates + 1) runs each
    waves: int = 3  # history-matching waves before ABC
    wave_points: int = 200  # parameter sets per wave (Latin hypercube in the current box)
    wave_replicates: int = 2  # seeds per parameter set (the ensemble variance)

    @classmethod
    def quick(cls) -> Budget:
        """A few hundred simulations: enough to exercise the machinery, not to trust the result."""
        return cls(
            population_size=40,
            max_generations=3,
            max_simulations=2_000,
            max_minutes=3.0,
            screening_trajectories=2,
            waves=2,
            wave_points=24,
            wave_replicates=2,
        )


class HistoryModel:
    """pyabc model: parameters in, modelled values of the fitted observations out (picklable)."""

    def __init__(
        self,
        scenario: Scenario,
        priors: Sequence[Prior],
        items: Sequence[Comparison],
        households: int,
        fixed: Mapping[str, float] | None = None,
    ) -> None:
        self.scenario = scenario
        self.names = [p.name for p in priors]
        self.items = list(items)
        self.households = households
        self.fixed = dict(fixed or {})

    def values(self, particle: Mapping[str, float]) -> dict[str, float]:
        """Registry names and values of one particle (pyabc keys are p0, p1, ...)."""
        values = dict(self.fixed)
        values.update({name: float(particle[f"p{i}"]) for i, name in enumerate(self.names)})
        return values

    def __call__(self, particle: Mapping[str, float]) -> dict[str, np.ndarray]:
        seed = int(np.random.randint(0, 2**31 - 1))
        values = self.values(particle)
        try:
            trajectory = simulate(self.scenario, values, seed, self.households)
        except Exception as err:  # a failed simulation is rejected, not fatal to the fit
            print(f"simulation failed and was rejected (seed {seed}, {values}): {err!r}", file=sys.stderr)
            return {"modelled": np.full(len(self.items), np.nan)}
        lookup = TrajectoryLookup(trajectory)
        return {"modelled": np.array([modelled_value(c, lookup) for c in self.items])}


class TargetSimulator:
    """A history run's modelled values of the given comparisons, for a parameter set and a seed (picklable)."""

    def __init__(
        self,
        scenario: Scenario,
        items: Sequence[Comparison],
        households: int,
        fixed: Mapping[str, float] | None = None,
    ) -> None:
        self.scenario = scenario
        self.items = list(items)
        self.households = households
        self.fixed = dict(fixed or {})

    def __call__(self, values: Mapping[str, float], seed: int) -> np.ndarray:
        """Modelled value of each comparison (NaN for all of them when the run fails)."""
        try:
            trajectory = simulate(self.scenario, {**self.fixed, **values}, seed, self.households)
        except Exception as err:  # a failed run is an implausible point, not a failed calibration
            print(f"simulation failed (seed {seed}, {dict(values)}): {err!r}", file=sys.stderr)
            return np.full(len(self.items), np.nan)
        lookup = TrajectoryLookup(trajectory)
        return np.array([modelled_value(c, lookup) for c in self.items])


_WORKER_SIMULATOR: list[Callable[[Mapping[str, float], int], np.ndarray]] = []


def _install(simulator: Callable[[Mapping[str, float], int], np.ndarray]) -> None:
    _WORKER_SIMULATOR[:] = [simulator]


def _call_installed(task: tuple[dict[str, float], int]) -> np.ndarray:
    return _WORKER_SIMULATOR[0](*task)


def simulate_many(
    simulator: Callable[[Mapping[str, float], int], np.ndarray],
    runs: Sequence[tuple[dict[str, float], int]],
    workers: int = 1,
) -> np.ndarray:
    """Outputs of ``simulator`` for each (parameter set, seed), one row per run, in order.

    With several workers the processes are forked with the simulator already in them (a
    scenario does not pickle); only parameter sets and seeds travel.
    """
    if workers > 1 and len(runs) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from experiments.runner import children_ignore_ctrl_c

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_install, initargs=(simulator,)) as pool:
            with children_ignore_ctrl_c():
                pending = pool.map(_call_installed, runs, chunksize=max(1, len(runs) // (4 * workers)))
            rows = list(pending)
    else:
        rows = [simulator(values, seed) for values, seed in runs]
    return np.array(rows, dtype=float).reshape(len(runs), -1)


class WeightedDistance:
    """pyabc distance: root weighted mean square of normalised errors."""

    def __init__(self, items: Sequence[Comparison]) -> None:
        self.items = list(items)
        self.weights = np.array([c.weight for c in self.items])

    def errors(self, modelled: np.ndarray) -> np.ndarray:
        """Normalised error of each comparison."""
        return np.array([normalised_error(c, m) for c, m in zip(self.items, modelled, strict=True)])

    def __call__(self, x: Mapping[str, Any], x0: Mapping[str, Any]) -> float:
        return distance(self.errors(np.asarray(x["modelled"], dtype=float)), self.weights)


@dataclass
class Generation:
    """Progress of one ABC-SMC generation."""

    t: int
    epsilon: float
    accepted: int
    simulations: int
    acceptance_rate: float
    seconds: float
    effective_sample_size: float


@dataclass
class Fit:
    """Result of a fit: the weighted posterior sample and how it was reached.

    ``used_generation`` is the generation the posterior comes from: the last one whose
    importance weights are not degenerate (see ``Budget.min_effective_share``).
    """

    priors: list[Prior]
    posterior: pd.DataFrame  # one column per parameter plus "weight"
    generations: list[Generation]
    items: list[Comparison]
    cutoff: int
    households: int
    budget: Budget
    seconds: float
    sampler: str
    used_generation: int = -1
    fixed: dict[str, float] = field(default_factory=dict)
    propagated: list[str] = field(default_factory=list)

    def add_propagated(self, priors: Sequence[Prior], rng: np.random.Generator) -> None:
        """Draw not-fitted parameters from their priors into the posterior sample."""
        self.posterior = with_propagated(self.posterior, priors, rng)
        self.priors = [*self.priors, *priors]
        self.propagated = [*self.propagated, *(p.name for p in priors)]

    @property
    def simulations(self) -> int:
        """Simulations run in all generations."""
        return sum(g.simulations for g in self.generations)

    def summary(self) -> pd.DataFrame:
        """Per parameter: prior range, posterior weighted quantiles and how much the data narrowed it."""
        w = self.posterior["weight"].to_numpy()
        rows = []
        for p in self.priors:
            x = self.posterior[p.name].to_numpy()
            q05, q50, q95 = weighted_quantiles(x, w, (0.05, 0.5, 0.95))
            mean = float(np.sum(w * x))
            sd = float(np.sqrt(np.sum(w * (x - mean) ** 2)))
            low, high = p.full_range
            prior_sd = (high - low) / np.sqrt(12.0)
            rows.append(
                {
                    "parameter": p.name,
                    "role": "propagate" if p.name in self.propagated else "fit",
                    "unit": p.unit,
                    "prior_low": low,
                    "prior_high": high,
                    "matched_low": p.low,
                    "matched_high": p.high,
                    "posterior_median": q50,
                    "posterior_q05": q05,
                    "posterior_q95": q95,
                    "posterior_sd": sd,
                    "contraction": 1.0 - (sd / prior_sd) ** 2,
                    "narrowing": narrowing(q05, q95, low, high),
                }
            )
        return pd.DataFrame(rows)


def narrowing(q05: float, q95: float, low: float, high: float) -> float:
    """Posterior 90 % width over the uniform prior's 90 % width (1: not narrowed, 0: pinned down)."""
    return float((q95 - q05) / (0.9 * (high - low)))


def weighted_quantiles(x: np.ndarray, w: np.ndarray, qs: Sequence[float]) -> list[float]:
    """Quantiles of a weighted sample (inverse of the weighted empirical distribution)."""
    order = np.argsort(x)
    xs, ws = x[order], w[order]
    cum = np.cumsum(ws) / ws.sum()
    return [float(xs[min(np.searchsorted(cum, q), len(xs) - 1)]) for q in qs]


def _sampler(workers: int, scheduler: str | None) -> tuple[Any, str, Any]:
    """pyabc sampler, its description, and the Dask client to close afterwards (or None)."""
    import pyabc

    if scheduler:
        from distributed import Client

        client = Client(scheduler)
        return pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=4), f"dask {scheduler}", client
    if workers <= 1:
        return pyabc.sampler.SingleCoreSampler(), "1 process", None
    return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers), f"{workers} processes", None


def _progress_printer(budget: Budget, stream: Any = sys.stderr) -> Callable[[Generation, float], None]:
    def show(g: Generation, elapsed: float) -> None:
        done = g.t + 1
        width = 24
        filled = int(width * done / budget.max_generations)
        per_gen = elapsed / done
        left = per_gen * (budget.max_generations - done)
        start = "\r" if stream.isatty() else ""
        print(
            f"{start}[{'#' * filled}{'.' * (width - filled)}] generation {done}/{budget.max_generations}  "
            f"epsilon {g.epsilon:.3g}  accepted {g.accepted}/{g.simulations}  "
            f"{elapsed:.0f} s elapsed, ~{left:.0f} s left at this pace (no new generation after {budget.max_minutes:g} min)",
            end="\n" if done >= budget.max_generations or not stream.isatty() else "",
            file=stream,
            flush=True,
        )

    return show


def fit(
    scenario: Scenario,
    items: Sequence[Comparison],
    priors: Sequence[Prior],
    database: Path,
    budget: Budget | None = None,
    households: int = DEFAULT_HOUSEHOLDS,
    workers: int = 2,
    scheduler: str | None = None,
    cutoff: int = 9999,
    seed: int = 1,
    progress: bool = True,
    fixed: Mapping[str, float] | None = None,
) -> Fit:
    """Run ABC-SMC over ``priors`` against the comparisons of ``items`` with a positive weight.

    ``database`` is pyabc's SQLite file (created or replaced); ``fixed`` holds parameter
    values set for every simulation (a parameter-recovery test sets the truth this way).
    """
    import pyabc

    budget = budget or Budget()
    fitted = [c for c in items if c.weight > 0 and c.year <= cutoff]
    if not fitted:
        raise CalibrationError(f"no observation with a positive weight up to {cutoff} to fit")
    if not priors:
        raise CalibrationError("no parameter to fit")
    for name in ("ABC", "ABC.Sampler", "ABC.History", "ABC.Distance", "ABC.Epsilon", "ABC.Population"):
        logging.getLogger(name).setLevel(logging.WARNING)
    np.random.seed(seed)
    model = HistoryModel(scenario, priors, fitted, households, fixed)
    dist = WeightedDistance(fitted)
    prior = pyabc.Distribution(**{f"p{i}": pyabc.RV("uniform", p.low, p.high - p.low) for i, p in enumerate(priors)})
    sampler, sampler_name, client = _sampler(workers, scheduler)
    abc = pyabc.ABCSMC(model, prior, dist, population_size=budget.population_size, sampler=sampler)
    database.parent.mkdir(parents=True, exist_ok=True)
    if database.exists():
        database.unlink()
    abc.new(f"sqlite:///{database.resolve()}", {"modelled": np.array([c.observed for c in fitted])})
    show = _progress_printer(budget) if progress else None
    started = time.perf_counter()
    generations: list[Generation] = []
    try:
        t = abc.initialize_components_before_run(
            minimum_epsilon=budget.min_epsilon,
            max_nr_populations=budget.max_generations,
            min_acceptance_rate=budget.min_acceptance_rate,
            max_total_nr_simulations=budget.max_simulations,
            max_walltime=timedelta(minutes=budget.max_minutes),
            min_eps_diff=budget.min_epsilon_step,
        )
        while True:
            before = time.perf_counter()
            ret = abc.run_generation(t=t)
            if not ret["successful"]:
                break
            pops = abc.history.get_all_populations()
            row = pops[pops["t"] == t].iloc[0]
            g = Generation(
                t=t,
                epsilon=float(row["epsilon"]),
                accepted=budget.population_size,
                simulations=int(row["samples"]),
                acceptance_rate=float(ret["acceptance_rate"]),
                seconds=time.perf_counter() - before,
                effective_sample_size=effective_sample_size(abc.history.get_distribution(m=0, t=t)[1]),
            )
            generations.append(g)
            if show:
                show(g, time.perf_counter() - started)
            if abc.check_terminate(t=t, acceptance_rate=ret["acceptance_rate"]):
                break
            t += 1
    finally:
        abc.history.done()
        abc.sampler.stop()
        if client is not None:
            client.close()
    if show and generations and len(generations) < budget.max_generations and sys.stderr.isatty():
        print(file=sys.stderr)
    if not generations:
        raise CalibrationError("ABC-SMC produced no generation (no simulation was accepted)")
    used = _usable_generation(generations, budget)
    frame, weights = abc.history.get_distribution(m=0, t=used)
    posterior = pd.DataFrame({p.name: frame[f"p{i}"].to_numpy() for i, p in enumerate(priors)})
    posterior["weight"] = np.asarray(weights) / np.sum(weights)
    return Fit(
        used_generation=used,
        priors=list(priors),
        posterior=posterior,
        generations=generations,
        items=list(items),
        cutoff=cutoff,
        households=households,
        budget=budget,
        seconds=time.perf_counter() - started,
        sampler=sampler_name,
        fixed=dict(fixed or {}),
    )


def with_propagated(posterior: pd.DataFrame, priors: Sequence[Prior], rng: np.random.Generator) -> pd.DataFrame:
    """An equally weighted sample of the joint posterior: the fitted sample resampled by weight,
    with an independent draw from the prior of each not-fitted parameter on every row."""
    if not priors:
        return posterior
    w = posterior["weight"].to_numpy(dtype=float)
    rows = rng.choice(len(posterior), size=len(posterior), replace=True, p=w / w.sum())
    result = posterior.iloc[rows].reset_index(drop=True)
    result["weight"] = 1.0 / len(result)
    for p in priors:
        result.insert(len(result.columns) - 1, p.name, rng.uniform(p.low, p.high, size=len(result)))
    return result


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of importance weights."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.sum(w**2))


def _usable_generation(generations: Sequence[Generation], budget: Budget) -> int:
    """Last generation whose weights keep an effective sample of at least the budget's share.

    Late generations of ABC-SMC can put nearly all weight on a few particles when the
    acceptance region becomes a thin shell; such a sample is not a usable posterior.
    """
    floor = budget.min_effective_share * budget.population_size
    for g in reversed(generations):
        if g.effective_sample_size >= floor:
            return g.t
    return generations[-1].t


def point_estimate(fit_result: Fit, min_contraction: float = 0.3) -> dict[str, float]:
    """Weighted posterior medians of the parameters the data narrowed by at least ``min_contraction``.

    A parameter whose posterior variance is still near its prior's is not identified by
    the observations; it keeps its registry default, and its spread stays in the posterior
    sample used for projections.
    """
    summary = fit_result.summary()
    chosen = summary[(summary["contraction"] >= min_contraction) & (summary["role"] == "fit")]
    return {r.parameter: float(r.posterior_median) for r in chosen.itertuples(index=False)}


def draw(posterior: pd.DataFrame, n: int, rng: np.random.Generator) -> list[dict[str, float]]:
    """``n`` parameter sets drawn from a weighted posterior sample (with replacement)."""
    names = [c for c in posterior.columns if c != "weight"]
    w = posterior["weight"].to_numpy(dtype=float)
    rows = rng.choice(len(posterior), size=n, replace=True, p=w / w.sum())
    return [{name: float(posterior[name].iloc[i]) for name in names} for i in rows]
