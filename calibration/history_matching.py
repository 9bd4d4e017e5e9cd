"""History matching: waves that rule out the parameter sets which cannot reproduce the record.

For a parameter set x and a fitted observation i, the implausibility is

    I_i(x) = |z_i - E[f_i(x)]| / sqrt(var_obs_i + var_discrepancy_i + var_ensemble_i)

with z_i the observed value, E[f_i(x)] the mean of ``replicates`` runs with different
seeds, var_obs_i the observation's error variance, var_discrepancy_i the model's
structural error and var_ensemble_i the variance of that mean from the model's own noise
(the variance between seeds, pooled over the wave's points, over the number of seeds).
Both var_obs and var_discrepancy are stated as shares of the comparison's tolerance
(``calibration/mapping.py``): with the defaults, the observation error and the model
discrepancy each have a standard deviation of half the tolerance. On the right side of a
``_lower_bound`` or ``_upper_bound`` observation the distance is 0.

A set is implausible when its largest implausibility over the fitted observations exceeds
the cutoff (3, Pukelsheim's three-sigma rule) or, with ``rank=2``, its second largest.
Each wave samples a Latin hypercube inside the current box, runs the model, and shrinks
the box to the non-implausible points (see ``shrunk_box`` for the margin). No emulator is
used: the model is cheap enough over the observed years to be run at every point. ABC
then samples inside the last box (``calibration/abc.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from calibration.abc import Prior, simulate_many
from calibration.mapping import Comparison

CUTOFF = 3.0
OBSERVATION_SD_SHARE = 0.5  # observation error sd, as a share of the tolerance
DISCREPANCY_SD_SHARE = 0.5  # model discrepancy sd, as a share of the tolerance
UNIFORMITY_ALPHA = 0.05  # a parameter's range is cut only when its kept values are this unlikely to be uniform


def signed_gap(c: Comparison, simulated: np.ndarray) -> np.ndarray:
    """Simulated minus observed, 0 on the right side of a bound (in the observation's unit)."""
    gap = np.asarray(simulated, dtype=float) - c.observed
    if c.kind == "lower":
        gap = np.minimum(gap, 0.0)
    elif c.kind == "upper":
        gap = np.maximum(gap, 0.0)
    return gap


def implausibility(
    items: Sequence[Comparison],
    simulated: np.ndarray,
    var_ensemble: np.ndarray,
    observation_sd_share: float = OBSERVATION_SD_SHARE,
    discrepancy_sd_share: float = DISCREPANCY_SD_SHARE,
) -> np.ndarray:
    """I of each point (rows of ``simulated``, mean over seeds) and comparison (columns); NaN outputs give inf."""
    simulated = np.atleast_2d(np.asarray(simulated, dtype=float))
    out = np.empty_like(simulated)
    for j, c in enumerate(items):
        variance = (
            (observation_sd_share * c.allowed_error) ** 2
            + (discrepancy_sd_share * c.allowed_error) ** 2
            + float(var_ensemble[j])
        )
        gap = np.abs(signed_gap(c, simulated[:, j]))
        with np.errstate(divide="ignore", invalid="ignore"):
            value = gap / np.sqrt(variance) if variance > 0 else np.where(gap > 0, np.inf, 0.0)
        out[:, j] = np.where(np.isfinite(simulated[:, j]), value, np.inf)
    return out


def ranked(values: np.ndarray, rank: int = 1) -> np.ndarray:
    """The ``rank``-th largest implausibility of each row (1: the maximum)."""
    k = min(rank, values.shape[1])
    return -np.sort(-values, axis=1)[:, k - 1]


@dataclass
class Wave:
    """One wave: the box it sampled, its points and which were kept."""

    number: int
    box: dict[str, tuple[float, float]]
    points: pd.DataFrame  # parameter columns, "implausibility" (ranked maximum), "kept"
    var_ensemble: np.ndarray
    worst: str  # the comparison that rules out the most points

    @property
    def kept(self) -> int:
        return int(self.points["kept"].sum())


@dataclass
class HistoryMatch:
    """All waves and the non-implausible box they leave."""

    priors: list[Prior]
    items: list[Comparison]
    waves: list[Wave] = field(default_factory=list)
    box: dict[str, tuple[float, float]] = field(default_factory=dict)
    cutoff: float = CUTOFF

    def restricted_priors(self) -> list[Prior]:
        """The priors narrowed to the non-implausible box (the registry range is kept for reporting)."""
        return [p.restricted(*self.box[p.name]) for p in self.priors]

    def volume_share(self) -> float:
        """Volume of the box as a share of the prior's."""
        share = 1.0
        for p in self.priors:
            low, high = self.box[p.name]
            full_low, full_high = p.full_range
            share *= (high - low) / (full_high - full_low)
        return share

    def summary(self) -> pd.DataFrame:
        """Per wave: points run, points kept, share kept, the box's share of the prior volume, worst comparison."""
        rows = []
        for w in self.waves:
            share = 1.0
            for p in self.priors:
                low, high = w.box[p.name]
                full_low, full_high = p.full_range
                share *= (high - low) / (full_high - full_low)
            rows.append(
                {
                    "wave": w.number,
                    "points": len(w.points),
                    "kept": w.kept,
                    "kept_share": w.kept / max(len(w.points), 1),
                    "sampled_volume_share": share,
                    "worst_comparison": w.worst,
                }
            )
        return pd.DataFrame(rows)


def shrunk_box(
    box: Mapping[str, tuple[float, float]], kept: pd.DataFrame, alpha: float = UNIFORMITY_ALPHA
) -> dict[str, tuple[float, float]]:
    """The box narrowed, in each parameter the data constrain, to the range of the kept points.

    A parameter is narrowed only when its kept values are not spread uniformly over the
    sampled range (Kolmogorov-Smirnov, p < ``alpha``): otherwise the kept points are a
    random subset, and cutting to their range would shave a parameter the data do not
    constrain, wave after wave. The range is widened on each side by width / (kept + 1),
    the expected gap between an edge and the nearest of uniformly spread points.
    """
    from scipy.stats import kstest

    margin_share = 1.0 / (len(kept) + 1)
    new = {}
    for name, (low, high) in box.items():
        scaled = (kept[name].to_numpy(dtype=float) - low) / (high - low)
        if kstest(scaled, "uniform").pvalue >= alpha:
            new[name] = (low, high)
            continue
        margin = margin_share * (high - low)
        new[name] = (max(low, float(kept[name].min()) - margin), min(high, float(kept[name].max()) + margin))
    return new


def _latin_hypercube(box: Mapping[str, tuple[float, float]], n: int, rng: np.random.Generator) -> pd.DataFrame:
    from scipy.stats import qmc

    names = list(box)
    unit = qmc.LatinHypercube(d=len(names), seed=rng).random(n)
    lows = np.array([box[k][0] for k in names])
    highs = np.array([box[k][1] for k in names])
    return pd.DataFrame(lows + unit * (highs - lows), columns=names)


def history_match(
    simulator: Callable[[Mapping[str, float], int], np.ndarray],
    priors: Sequence[Prior],
    items: Sequence[Comparison],
    waves: int = 3,
    points: int = 200,
    replicates: int = 2,
    seed: int = 1,
    workers: int = 1,
    cutoff: float = CUTOFF,
    rank: int = 1,
    observation_sd_share: float = OBSERVATION_SD_SHARE,
    discrepancy_sd_share: float = DISCREPANCY_SD_SHARE,
) -> HistoryMatch:
    """Waves of implausibility over ``priors`` against ``items`` (the comparisons ``simulator`` returns).

    Stops early when a wave keeps every point (nothing more to rule out). When a wave keeps
    no point at all, the box is left as it was: the data rule out everything sampled, which
    says the model (or a tolerance) is wrong, not where the parameters lie; the waves
    table reports it.
    """
    if replicates < 1 or points < 2:
        raise ValueError("history matching needs at least 2 points and 1 replicate per wave")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    box = {p.name: (p.low, p.high) for p in priors}
    result = HistoryMatch(list(priors), list(items), cutoff=cutoff)
    labels = [f"{c.indicator} {c.region} {c.year}" for c in items]
    for number in range(1, waves + 1):
        design = _latin_hypercube(box, points, rng)
        seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=replicates)]  # common to every point of the wave
        runs = [(row, s) for row in design.to_dict("records") for s in seeds]
        out = simulate_many(simulator, runs, workers).reshape(points, replicates, len(items))
        mean = out.mean(axis=1)
        if replicates > 1:
            var_ensemble = np.nan_to_num(np.nanmedian(out.var(axis=1, ddof=1), axis=0)) / replicates
        else:
            var_ensemble = np.zeros(len(items))
        values = implausibility(items, mean, var_ensemble, observation_sd_share, discrepancy_sd_share)
        score = ranked(values, rank)
        kept = score <= cutoff
        worst = labels[int(np.argmax((values > cutoff).sum(axis=0)))] if (~kept).any() else ""
        frame = design.assign(implausibility=score, kept=kept)
        result.waves.append(Wave(number, dict(box), frame, var_ensemble, worst))
        if not kept.any():
            break
        if kept.all():
            break
        box = shrunk_box(box, design.loc[kept])
    result.box = box
    return result
