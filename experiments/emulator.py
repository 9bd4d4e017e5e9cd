"""A response emulator of the app's ensemble: member trajectories for any slider setting in milliseconds.

Additive and one control at a time. For each preset (``baseline``, ``plan``) the app's
members (:mod:`experiments.app_members`) are run exactly at the preset and their
trajectories stored, so at the preset the emulator is exact. For every control the app
shows (the registry's levers and uncertainties) and a grid of points across its range,
the first ``K`` members are run with that control changed; the mean over them of the
difference from the same members at the preset is stored per output column and year.

A prediction is each member's preset trajectory plus, for every control changed, the
difference interpolated linearly between grid points; shares are clipped to their range
and quantities that cannot be negative at 0. A later (or earlier) ``policy_start_year``
delays (or advances) every lever: the other levers' differences are shifted in time by
the change of start year (``shift_levers``), since the government holds every lever at
its 2020 setting until the start year.

Units are those of the model's trajectory (:mod:`abm.trajectory`): MtCO2 for emissions,
% or fractions for shares, MWh for storage, 100 million yuan for fiscal cost. The files
(``emulator.npz``, float32, and ``emulator.json``) carry the model version and hashes of
the parameter registry, the built-in scenarios and the shipped calibration; a loaded
emulator whose hashes differ from the installed model's is ``stale``.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm import __version__
from abm.calibrated import calibration_file, posterior_file
from abm.model import DEFAULT_HOUSEHOLDS
from abm.parameters import Parameter, registry
from abm.peak import HEADLINE, PEAK_BY, SCORED, peak_years
from abm.scenario import builtin_names, load_scenario
from experiments.app_members import APP_MEMBERS, INCLUDES, ROOT_SEED, Member, app_members, run_member
from experiments.peak_probability import PeakProbability, probability_of_peak
from experiments.runner import map_in_processes

PRESETS = ("baseline", "plan")
TRAINED_MEMBERS = 4  # K: members run at every grid point
EVERY_VALUE = frozenset({"policy_start_year"})  # trained at every whole value: it moves every lever in time
GRID_POINTS = 3  # evenly spaced across a control's range (low, middle, high), the preset's value added
NPZ, META = "emulator.npz", "emulator.json"
RETRAIN = "suqian-abm emulator --workers 2"

# Indicators the app charts, every sector of each kept: emissions by sector and frame,
# household and enterprise adoption (with value added to weight the enterprise shares),
# storage, fiscal cost, intensities, non-fossil share, capacities and energy by carrier.
OUTPUTS: tuple[str, ...] = (
    "co2_with_electricity",
    "co2_territorial",
    "co2_energy",
    "co2_net",
    "carbon_sink",
    "ev_share_of_private_cars",
    "household_pv_share",
    "home_retrofit_share",
    "heat_pump_share",
    "waste_sorting_share",
    "nev_sales_share",
    "enterprise_pv_share",
    "enterprise_storage_share",
    "enterprise_efficiency_retrofit_share",
    "enterprise_solid_waste_recycling_share",
    "enterprise_electrified_heat_share",
    "value_added",
    "gdp",
    "storage_capacity",
    "pv_capacity",
    "fiscal_cost",
    "subsidy_unpaid",
    "energy_intensity",
    "co2_intensity",
    "nonfossil_share",
    "primary_energy",
    "final_energy",
    "final_energy_coal",
    "final_energy_oil",
    "final_energy_gasoline",
    "final_energy_gas",
    "final_energy_lpg",
    "final_energy_electricity",
    "final_energy_heat",
    "final_energy_biomass",
    "grid_emission_factor",
    "electricity_net_imports",
    "operating_transport_co2",
    "operating_transport_turnover",
    "transport_carbon_intensity",
)
TOTAL_ONLY = frozenset(
    {"primary_energy", "subsidy_unpaid", *(name for name in OUTPUTS if name.startswith("final_energy"))}
)  # the city's total only, not every sector
SIGNED = frozenset({"co2_net", "carbon_sink", "electricity_net_imports"})  # may be negative
SHARE_RANGE = {"%": 100.0, "fraction": 1.0, "share": 1.0}  # unit -> upper end of a share


class EmulatorError(ValueError):
    """The emulator files are missing, malformed or do not fit the request."""


# --- what the emulator depends on --------------------------------------------------------


def _digest(items: Sequence[object]) -> str:
    h = hashlib.sha256()
    for item in items:
        h.update(repr(item).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def model_hashes() -> dict[str, str]:
    """Hashes of the numbers the emulator depends on: registry values, built-in scenarios, shipped calibration.

    Each hash covers values, not files' text, so a corrected source or description leaves the
    emulator current. Model code is not hashed: ``tests/test_emulator.py`` reruns a member
    at each preset and compares it with the stored run.
    """
    values = [(p.name, p.kind, p.unit, p.default, p.low, p.high) for p in registry().values()]
    scenarios = []
    for name in builtin_names():
        s = load_scenario(name, calibrated=False)
        scenarios.append((name, sorted(s.settings.items())))
    return {
        "version": __version__,
        "parameters": _digest(values),
        "scenarios": _digest(scenarios),
        "calibration": _digest([calibration_file().read_bytes(), posterior_file().read_bytes()]),
    }


def controls() -> list[Parameter]:
    """The app's controls: the registry's levers and uncertainties, in registry order."""
    reg = registry()
    return reg.of_kind("lever") + reg.of_kind("uncertainty")


def is_whole(p: Parameter) -> bool:
    """Whether a control takes whole values only (years, switches)."""
    return p.unit in ("year", "switch")


def grid(p: Parameter, preset_value: float, points: int = GRID_POINTS) -> np.ndarray:
    """Training points of control ``p``: ``points`` evenly across its range and the preset's value, sorted.

    Controls in :data:`EVERY_VALUE` are trained at every whole value of their range.
    """
    values = np.linspace(float(p.low), float(p.high), max(points, 2))
    if is_whole(p):
        values = np.round(values)
        if p.name in EVERY_VALUE:
            values = np.arange(float(p.low), float(p.high) + 1.0)
    return np.unique(np.append(values, float(preset_value)))


def shipped_dir() -> Path:
    """Folder of the shipped emulator."""
    return Path(str(resources.files("experiments").joinpath("data", "emulator")))


# --- trajectories as arrays ---------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Output columns ((indicator, sector, unit) each) and years of the emulator's arrays."""

    columns: tuple[tuple[str, str, str], ...]
    years: tuple[int, ...]

    @classmethod
    def of(cls, trajectory: pd.DataFrame) -> Layout:
        """The columns of ``OUTPUTS`` that ``trajectory`` holds, in OUTPUTS order, and its years."""
        rows = trajectory[trajectory["indicator"].isin(OUTPUTS)]
        rows = rows[~rows["indicator"].isin(TOTAL_ONLY) | (rows["sector"] == "total")]
        order = {name: i for i, name in enumerate(OUTPUTS)}
        keys = rows[["indicator", "sector", "unit"]].drop_duplicates()
        keys = sorted(keys.itertuples(index=False, name=None), key=lambda k: (order[k[0]], k[1] != "total", k[1]))
        return cls(tuple(keys), tuple(int(y) for y in sorted(trajectory["year"].unique())))

    def array(self, trajectory: pd.DataFrame) -> np.ndarray:
        """``trajectory`` as a float32 (columns, years) array; a column it lacks is 0."""
        rows = trajectory[trajectory["indicator"].isin(OUTPUTS)]
        wide = rows.pivot_table(index=["indicator", "sector"], columns="year", values="value", aggfunc="first")
        index = pd.MultiIndex.from_tuples([(i, s) for i, s, _ in self.columns])
        return wide.reindex(index=index, columns=list(self.years)).fillna(0.0).to_numpy(np.float32)

    def column(self, indicator: str, sector: str = "total") -> int:
        """Position of one output column."""
        for i, (ind, sec, _) in enumerate(self.columns):
            if ind == indicator and sec == sector:
                return i
        raise KeyError(f"the emulator has no column {indicator}/{sector}")

    def frame(self, values: np.ndarray, name: str = "value") -> pd.DataFrame:
        """A (columns, years) array as the model's tidy table: year, indicator, sector, ``name``, unit."""
        table = self._labels.copy(deep=False)  # the labels are made once per layout and shared, not copied
        table.insert(3, name, values.reshape(-1).astype(np.float64))
        return table

    @cached_property
    def _labels(self) -> pd.DataFrame:
        """The tidy table's year, indicator, sector and unit columns, one row per column and year."""
        n_years = len(self.years)
        return pd.DataFrame(
            {
                "year": np.tile(np.asarray(self.years), len(self.columns)),
                "indicator": np.repeat([c[0] for c in self.columns], n_years),
                "sector": np.repeat([c[1] for c in self.columns], n_years),
                "unit": np.repeat([c[2] for c in self.columns], n_years),
            }
        )


def _clip_bounds(layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    low = np.array([-np.inf if ind in SIGNED else 0.0 for ind, _, _ in layout.columns], dtype=np.float32)
    high = np.array(
        [SHARE_RANGE.get(unit, np.inf) if ind.endswith("_share") else np.inf for ind, _, unit in layout.columns],
        dtype=np.float32,
    )
    return low[:, None], high[:, None]


# --- training -------------------------------------------------------------------------------


def _train_run(task: tuple[str, dict[str, float], Member, dict[str, float], int]) -> pd.DataFrame:
    preset, settings, member, overrides, households = task
    return run_member(preset, member, households, {**settings, **overrides}).trajectory


def _array_run(task: tuple[tuple[str, dict[str, float], Member, dict[str, float], int], Layout]) -> np.ndarray:
    inner, layout = task
    return layout.array(_train_run(inner))


def train(
    presets: Sequence[str] = PRESETS,
    members: int = APP_MEMBERS,
    trained: int = TRAINED_MEMBERS,
    points: int = GRID_POINTS,
    households: int = DEFAULT_HOUSEHOLDS,
    workers: int = 1,
    settings: Mapping[str, float] | None = None,
    only: Sequence[str] | None = None,
    root_seed: int = ROOT_SEED,
    progress: bool = True,
) -> Emulator:
    """Run the members at each preset and the first ``trained`` of them at every grid point of every control.

    ``settings`` are applied to every run (tests shorten runs with ``end_year``); ``only``
    restricts the controls trained (default: all of :func:`controls`).
    """
    if not 1 <= trained <= members:
        raise ValueError(f"trained members must be between 1 and {members}, got {trained}")
    started = time.perf_counter()
    fixed = dict(settings or {})
    crew = app_members(members, root_seed)
    chosen = [p for p in controls() if only is None or p.name in only]
    layout = Layout.of(_train_run((presets[0], fixed, crew[0], {}, households)))
    tasks: list[tuple[Any, Layout]] = []
    blocks: list[tuple[str, str, int, int]] = []  # preset, control, grid point, first task of each block
    starts: dict[str, int] = {}  # first task of each preset's members
    grids: dict[str, dict[str, list[float]]] = {}
    for preset in presets:
        values = load_scenario(preset, calibrated=False).with_settings(fixed, where="emulator").values
        starts[preset] = len(tasks)
        tasks += [((preset, fixed, m, {}, households), layout) for m in crew]
        grids[preset] = {}
        for p in chosen:
            at = grid(p, values[p.name], points)
            grids[preset][p.name] = [float(v) for v in at]
            for j, v in enumerate(at):
                if v == values[p.name]:
                    continue
                blocks.append((preset, p.name, j, len(tasks)))
                tasks += [((preset, fixed, m, {p.name: float(v)}, households), layout) for m in crew[:trained]]
    if progress:
        print(f"emulator: {len(tasks)} runs on {workers} worker(s)", file=sys.stderr)
    arrays = map_in_processes(_array_run, tasks, workers, progress)
    base = {preset: np.stack(arrays[start : start + members]) for preset, start in starts.items()}
    deltas = {
        (preset, p.name): np.zeros((len(grids[preset][p.name]), *base[preset].shape[1:]), np.float32)
        for preset in presets
        for p in chosen
    }
    reference = {preset: base[preset][:trained].mean(axis=0) for preset in presets}
    for preset, name, j, start in blocks:
        deltas[(preset, name)][j] = np.stack(arrays[start : start + trained]).mean(axis=0) - reference[preset]
    meta = {
        "kind": "suqian-abm emulator",
        **{"model": model_hashes()},
        "members": [{"index": m.index, "seed": m.seed, "parameters": m.parameters} for m in crew],
        "members_include": INCLUDES.statement(),
        "root_seed": root_seed,
        "trained_members": trained,
        "households": households,
        "settings": fixed,
        "presets": {
            preset: {
                "values": {
                    p.name: float(load_scenario(preset, calibrated=False).with_settings(fixed).values[p.name])
                    for p in chosen
                },
                "grid": grids[preset],
            }
            for preset in presets
        },
        "columns": [list(c) for c in layout.columns],
        "years": list(layout.years),
        "runs": len(tasks) + 1,
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    return Emulator(meta, layout, base, deltas)


# --- the emulator ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """Mean and 5-95 % of the members per column and year, and P(peak by 2030) of the headline."""

    layout: Layout
    mean: np.ndarray  # (columns, years)
    q05: np.ndarray
    q95: np.ndarray
    peak_probability: PeakProbability

    def frame(self) -> pd.DataFrame:
        """Tidy table: year, indicator, sector, unit, mean, q05, q95."""
        out = self.layout.frame(self.mean, "mean")
        out["q05"] = self.q05.reshape(-1).astype(np.float64)
        out["q95"] = self.q95.reshape(-1).astype(np.float64)
        return out


@dataclass
class Emulator:
    """Trained emulator: members' preset trajectories and mean differences per control and grid point."""

    meta: dict[str, Any]
    layout: Layout
    base: dict[str, np.ndarray]  # preset -> (members, columns, years)
    deltas: dict[tuple[str, str], np.ndarray]  # (preset, control) -> (grid points, columns, years)
    stale: list[str] = field(default_factory=list)  # what differs from the installed model; empty: current
    _bounds: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def is_stale(self) -> bool:
        """Whether the installed model differs from the one the emulator was trained on."""
        return bool(self.stale)

    def preset_values(self, preset: str) -> dict[str, float]:
        """The trained controls' values at ``preset``."""
        return self.meta["presets"][preset]["values"]

    def grid(self, preset: str, control: str) -> np.ndarray:
        """Training points of ``control`` at ``preset``."""
        return np.asarray(self.meta["presets"][preset]["grid"][control], dtype=np.float64)

    def effect(self, preset: str, control: str, value: float) -> np.ndarray:
        """Mean difference from the preset (columns, years) of ``control`` at ``value``, interpolated linearly."""
        points = self.grid(preset, control)
        table = self.deltas[(preset, control)]
        x = float(np.clip(value, points[0], points[-1]))
        j = int(np.clip(np.searchsorted(points, x, side="right") - 1, 0, len(points) - 2)) if len(points) > 1 else 0
        if len(points) == 1:
            return table[0]
        w = (x - points[j]) / (points[j + 1] - points[j])
        return (1.0 - w) * table[j] + w * table[j + 1]

    def predict(
        self, preset: str, overrides: Mapping[str, float] | None = None, shift_levers: bool = True
    ) -> np.ndarray:
        """Every member's trajectory (members, columns, years) at ``preset`` with ``overrides``, clipped."""
        if preset not in self.base:
            raise EmulatorError(f"the emulator has no preset '{preset}'; it has {', '.join(self.base)}")
        values = self.preset_values(preset)
        unknown = [name for name in (overrides or {}) if name not in values]
        if unknown:
            raise EmulatorError(f"the emulator was not trained on {', '.join(unknown)}")
        changed = {k: float(v) for k, v in (overrides or {}).items() if float(v) != values[k]}
        total = np.zeros(self.base[preset].shape[1:], np.float32)
        shift = 0
        if shift_levers and "policy_start_year" in changed:
            shift = round(changed["policy_start_year"] - values["policy_start_year"])
        levers = _levers()
        for name, value in changed.items():
            effect = self.effect(preset, name, value)
            if shift and name in levers:
                effect = _shifted(effect, shift)
            total += effect
        out = self.base[preset] + total[None]
        if self._bounds is None:
            self._bounds = _clip_bounds(self.layout)
        low, high = self._bounds
        return np.clip(out, low, high)

    def band(self, preset: str, overrides: Mapping[str, float] | None = None, by: int = PEAK_BY) -> Band:
        """Mean, 5 % and 95 % over the members per column and year, and P(peak by ``by``)."""
        members = self.predict(preset, overrides)
        return band_of(self.layout, members, by)

    def save(self, folder: Path) -> None:
        """Write ``emulator.npz`` (compressed float32) and ``emulator.json`` into ``folder``."""
        arrays = {f"{preset}/base": a for preset, a in self.base.items()}
        arrays |= {f"{preset}/{name}": a.astype(np.float32) for (preset, name), a in self.deltas.items()}
        np.savez_compressed(folder / NPZ, **arrays)
        (folder / META).write_text(json.dumps(self.meta, indent=1, sort_keys=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path | None = None) -> Emulator:
        """Read an emulator (default: the shipped one) and compare its hashes with the installed model's."""
        folder = shipped_dir() if folder is None else Path(folder)
        try:
            meta = json.loads((folder / META).read_text(encoding="utf-8"))
            with np.load(folder / NPZ) as data:
                arrays = {key: data[key] for key in data.files}
        except (OSError, ValueError) as err:
            raise EmulatorError(f"{folder}: cannot read the emulator: {err}") from None
        layout = Layout(tuple(tuple(c) for c in meta["columns"]), tuple(meta["years"]))  # type: ignore[misc]
        base = {preset: arrays[f"{preset}/base"] for preset in meta["presets"]}
        deltas = {
            (preset, name): arrays[f"{preset}/{name}"]
            for preset in meta["presets"]
            for name in meta["presets"][preset]["grid"]
        }
        current = model_hashes()
        stale = [
            f"{key}: trained on {meta['model'].get(key)}, installed {value}"
            for key, value in current.items()
            if meta["model"].get(key) != value
        ]
        return cls(meta, layout, base, deltas, stale)


@cache
def _levers() -> frozenset[str]:
    """Levers the government holds at their 2020 setting until ``policy_start_year``."""
    return frozenset(p.name for p in registry().of_kind("lever")) - {"policy_start_year"}


def _shifted(effect: np.ndarray, shift: int) -> np.ndarray:
    """``effect`` (columns, years) moved ``shift`` years later (zeros before), or earlier (last year held)."""
    out = np.empty_like(effect)
    shift = int(np.clip(shift, 1 - effect.shape[1], effect.shape[1] - 1))
    if shift > 0:
        out[:, :shift] = 0.0
        out[:, shift:] = effect[:, :-shift]
    else:
        k = -shift
        out[:, :-k] = effect[:, k:]
        out[:, -k:] = effect[:, -1:]
    return out


def band_of(layout: Layout, members: np.ndarray, by: int = PEAK_BY) -> Band:
    """Mean, 5-95 % and P(peak by ``by``) of member trajectories (members, columns, years)."""
    q05, q95 = np.quantile(members, [0.05, 0.95], axis=0)
    head = members[:, layout.column(HEADLINE)]
    value = probability_of_peak(head, list(layout.years), by=by)
    return Band(
        layout, members.mean(axis=0, dtype=np.float64), q05, q95, PeakProbability(value, len(members), by, INCLUDES)
    )


def mean_peak_year(layout: Layout, band: Band) -> float:
    """Confirmed peak year (``abm.peak`` scored definition) of the members' mean headline CO2; NaN if none."""
    return float(peak_years(band.mean[layout.column(HEADLINE)][None], list(layout.years), SCORED)[0])


# --- accuracy -------------------------------------------------------------------------------

CHECK_YEAR = 2030


def random_settings(emulator: Emulator, n: int, seed: int = 2030) -> list[tuple[str, dict[str, float]]]:
    """``n`` settings of 1-4 controls drawn uniformly across their ranges; every third changes ``policy_start_year``."""
    rng = np.random.default_rng(seed)
    reg = registry()
    out = []
    for i in range(n):
        preset = list(emulator.base)[i % len(emulator.base)]
        names = [k for k in emulator.preset_values(preset) if k != "policy_start_year"]
        count = int(rng.integers(1, 5))
        with_start = i % 3 == 2 and "policy_start_year" in emulator.preset_values(preset)
        chosen = [str(name) for name in rng.choice(names, size=count - int(with_start), replace=False)]
        if with_start:
            chosen.append("policy_start_year")
        settings = {}
        for name in chosen:
            p = reg[name]
            value = float(rng.uniform(float(p.low), float(p.high)))
            settings[name] = float(round(value)) if is_whole(p) else round(value, 6)
        out.append((preset, settings))
    return out


def exact_ensembles(
    emulator: Emulator,
    cases: Sequence[tuple[str, Mapping[str, float]]],
    members: int | None = None,
    workers: int = 1,
    progress: bool = True,
) -> list[np.ndarray]:
    """The first ``members`` app members (default: all) run exactly at each case: (members, columns, years) each."""
    meta = emulator.meta
    crew = [Member(m["index"], m["seed"], m["parameters"]) for m in meta["members"]]
    crew = crew[: members or len(crew)]
    tasks = [
        ((preset, meta["settings"], m, dict(settings), meta["households"]), emulator.layout)
        for preset, settings in cases
        for m in crew
    ]
    arrays = map_in_processes(_array_run, tasks, workers, progress)
    return [np.stack(arrays[i * len(crew) : (i + 1) * len(crew)]) for i in range(len(cases))]


def compare(
    emulator: Emulator, cases: Sequence[tuple[str, Mapping[str, float]]], exact: Sequence[np.ndarray]
) -> pd.DataFrame:
    """Emulator against exact ensembles (:func:`exact_ensembles`) in ``CHECK_YEAR``, one row per case.

    Compares the mean and 5/95 % of headline CO2 (Mt), the confirmed peak year of the mean,
    and P(peak by 2030); ``*_noshift`` columns repeat the mean and P(peak) without shifting
    lever effects by the change of start year.
    """
    layout = emulator.layout
    at = layout.years.index(CHECK_YEAR)
    head = layout.column(HEADLINE)
    rows = []
    for (preset, settings), members in zip(cases, exact, strict=True):
        n = len(members)
        emulated = emulator.predict(preset, settings)[:n]
        plain = emulator.predict(preset, settings, shift_levers=False)[:n]
        e, x, p = band_of(layout, members), band_of(layout, emulated), band_of(layout, plain)
        rows.append(
            {
                "preset": preset,
                "settings": "; ".join(f"{k}={v:g}" for k, v in settings.items()),
                "controls": len(settings),
                "start_year_changed": "policy_start_year" in settings,
                "members": n,
                "exact_mean": float(e.mean[head, at]),
                "error_mean": float(x.mean[head, at] - e.mean[head, at]),
                "error_mean_noshift": float(p.mean[head, at] - e.mean[head, at]),
                "band_width": float(e.q95[head, at] - e.q05[head, at]),
                "error_q05": float(x.q05[head, at] - e.q05[head, at]),
                "error_q95": float(x.q95[head, at] - e.q95[head, at]),
                "exact_peak_year": mean_peak_year(layout, e),
                "emulated_peak_year": mean_peak_year(layout, x),
                "exact_p_peak": e.peak_probability.value,
                "error_p_peak": x.peak_probability.value - e.peak_probability.value,
                "error_p_peak_noshift": p.peak_probability.value - e.peak_probability.value,
            }
        )
    return pd.DataFrame(rows)


def check(
    emulator: Emulator,
    n: int = 20,
    members: int | None = None,
    workers: int = 1,
    seed: int = 2030,
    progress: bool = True,
) -> pd.DataFrame:
    """Emulator against the exact ensemble of the first ``members`` app members at ``n`` random settings."""
    cases = random_settings(emulator, n, seed)
    return compare(emulator, cases, exact_ensembles(emulator, cases, members, workers, progress))


def check_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean absolute and largest absolute errors over the settings, all and with the start year changed."""
    peak = (table["emulated_peak_year"] - table["exact_peak_year"]).abs()
    both_none = table["emulated_peak_year"].isna() & table["exact_peak_year"].isna()
    one_none = table["emulated_peak_year"].isna() != table["exact_peak_year"].isna()
    table = table.assign(error_peak_year=peak.where(~both_none, 0.0).where(~one_none, np.inf))
    measures = [
        "error_mean", "error_mean_noshift", "error_q05", "error_q95", "error_peak_year", "error_p_peak",
        "error_p_peak_noshift",
    ]  # fmt: skip
    rows = []
    for label, part in (("all", table), ("start year changed", table[table["start_year_changed"]])):
        for m in measures:
            a = part[m].abs()
            rows.append(
                {"settings": label, "measure": m, "n": int(a.notna().sum()), "mean_abs": a.mean(), "max_abs": a.max()}
            )
        rows.append(
            {"settings": label, "measure": "band_width (exact)", "n": len(part),
             "mean_abs": part["band_width"].mean(), "max_abs": part["band_width"].max()}
        )  # fmt: skip
    return pd.DataFrame(rows)
