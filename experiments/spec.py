"""Experiment specs as files: what to vary, how to sample it, how often, and what to keep.

A spec is TOML::

    name = "sobol-main-levers"
    description = "Which of the main instruments matter most for the peak"
    scenarios = ["plan"]          # built-in names or .toml paths, relative to the spec
    households = 20000            # simulated households per run
    end_year = 2060               # optional: stop runs earlier

    [design]
    kind = "sobol"                # full_factorial | latin_hypercube | sobol | morris | replications
    samples = 128                 # LHS: rows; Sobol: base samples (power of 2); Morris: trajectories
    levels = 4                    # full factorial and Morris: levels per factor
    second_order = false          # Sobol only
    replications = 1              # seeds per design row and scenario
    seed = 1                      # root of every seed and of the sample

    [factors]                     # levers, uncertainties or parameters, by registry name
    ev_subsidy = [0, 20000]       # [low, high], inside the registry's range
    gdp_growth_2030 = [3.5, 7.5]

    [outputs]
    indicators = ["co2_with_electricity", "co2_territorial", "fiscal_cost"]
    sectors = ["total"]           # or "all"

Everything is checked on load, before anything is written; every problem of a file is
reported at once, one line each naming the file, the key and what is allowed. Sizes are
bounded (see the ``MAX_*`` constants): a spec asks for at most MAX_RUNS runs in all
(design rows x replications x scenarios) and MAX_DESIGN_VALUES factor values (runs x
factors), because the list of runs and ``design.csv`` are made in memory before the first
run starts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from abm.files import read_toml
from abm.model import DEFAULT_HOUSEHOLDS
from abm.parameters import registry, show
from abm.population import MAX_HOUSEHOLDS, MIN_HOUSEHOLDS
from abm.scenario import MAX_DESCRIPTION_CHARS, ScenarioError, flatten, joined, load_scenario, name_problem

DESIGNS = ("full_factorial", "latin_hypercube", "sobol", "morris", "replications")
DEFAULT_OUTPUTS = ("co2_with_electricity", "co2_territorial", "fiscal_cost", "energy_intensity", "nonfossil_share")
TOP_LEVEL = {"name", "description", "scenarios", "households", "end_year", "design", "factors", "outputs"}
DESIGN_KEYS = {"kind", "samples", "levels", "second_order", "replications", "seed"}
OUTPUT_KEYS = {"indicators", "sectors"}

# Bounds. The list of runs and design.csv are built in memory before the first run starts:
# about 700 bytes per run plus 170 bytes per factor value of a run (measured with 20,000 runs),
# so the two bounds below keep that under about 1.6 GB.
MAX_RUNS = 1_000_000  # design rows x replications x scenarios
MAX_DESIGN_VALUES = 5_000_000  # runs x factors
MAX_SOBOL_SAMPLES = 2**16  # Saltelli base samples; each gives factors + 2 rows (2 factors + 2 with second order)
MAX_LEVELS = 100  # levels per factor (full factorial, Morris)
MAX_SCENARIOS = 100
MAX_SEED = 2**32 - 1  # SALib's Morris sampler seeds NumPy's legacy generator, which takes 32-bit seeds


class SpecError(ValueError):
    """An experiment spec is invalid; the message names the file and the key."""


@dataclass(frozen=True)
class Factor:
    """One varied setting with its range."""

    name: str
    low: float
    high: float
    unit: str
    switch: bool  # a 0/1 setting: sampled values are rounded to 0 or 1
    whole: bool = False  # years and counts: sampled values are rounded to whole numbers

    def grid(self, levels: int) -> list[float]:
        """Values of a full factorial: 0 and 1 for a switch, ``levels`` evenly spaced ones otherwise.

        Whole-number factors take the nearest whole numbers, each once.
        """
        if self.switch:
            return [0.0, 1.0]
        values = np.linspace(self.low, self.high, levels)
        if self.whole:
            values = np.unique(np.rint(values))
        return [float(v) for v in values]

    def snap(self, values: np.ndarray) -> np.ndarray:
        """Sampled values made valid: switches to 0 or 1, whole-number factors to whole numbers."""
        if self.switch:
            return (values >= 0.5).astype(float)
        if self.whole:
            return np.clip(np.rint(values), self.low, self.high)
        return values


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment spec."""

    name: str
    description: str
    scenarios: tuple[str, ...]
    households: int
    end_year: int | None
    kind: str
    samples: int
    levels: int
    second_order: bool
    replications: int
    seed: int
    factors: tuple[Factor, ...]
    indicators: tuple[str, ...]
    sectors: tuple[str, ...] | None  # None: every sector
    origin: str = field(default="", compare=False)
    text: str = field(default="", repr=False, compare=False)

    @property
    def design_rows(self) -> int:
        """Rows of the design (each runs in every scenario and replication)."""
        return design_rows(self.kind, self.factors, self.samples, self.levels, self.second_order)

    @property
    def runs(self) -> int:
        """Runs in all: design rows x replications x scenarios."""
        return self.design_rows * self.replications * len(self.scenarios)


def design_rows(kind: str, factors: tuple[Factor, ...], samples: int, levels: int, second_order: bool) -> int:
    """Rows of a design of this kind (exact integers: no overflow for huge designs)."""
    k = len(factors)
    if kind == "replications" or k == 0:
        return 1
    if kind == "full_factorial":
        return math.prod(2 if f.switch else len(f.grid(levels)) for f in factors)
    if kind == "latin_hypercube":
        return samples
    if kind == "sobol":
        return samples * ((2 * k + 2) if second_order else (k + 2))
    return samples * (k + 1)  # morris


@lru_cache(maxsize=1)
def output_names() -> dict[str, frozenset[str]]:
    """Every indicator a run writes, with its sectors (read from a run of MIN_HOUSEHOLDS households to 2022)."""
    from abm.run import run

    scenario = load_scenario("baseline", calibrated=False).with_settings(
        {"end_year": 2022, "policy_start_year": 2021}, where="output names"
    )
    trajectory = run(scenario, seed=1, households=MIN_HOUSEHOLDS).trajectory
    return {name: frozenset(group["sector"]) for name, group in trajectory.groupby("indicator")}


class _Problems:
    """Problems of one spec file, gathered so that all are reported at once."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.lines: list[str] = []

    def add(self, where: str, text: str) -> None:
        self.lines.append(f"{where}: {text}")

    def whole(self, table: Mapping[str, object], key: str, default: int, low: int, high: int, where: str) -> int:
        """``table[key]`` as a whole number in [low, high] (``default`` when absent); the default on a problem."""
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            bounds = f"{low:,} to {high:,}" if high >= 10_000 else f"{low} to {high}"  # years without commas
            self.add(where, f"'{key}' must be a whole number from {bounds}, got {show(value)}")
            return default
        return value


def _factor(name: str, value: object, problems: _Problems) -> Factor | None:
    reg = registry()
    where = f"{problems.origin} [factors]"
    if name not in reg:
        close = sorted(n for n in reg if n.split("_")[0] == name.split("_")[0])[:5]
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        problems.add(where, f"unknown name {show(name, 80)}{hint}")
        return None
    p = reg[name]
    if not p.adjustable:
        problems.add(where, f"'{name}' is an observed value and cannot be varied")
        return None
    assert p.low is not None and p.high is not None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
    ):
        problems.add(where, f"'{name}' must be [low, high] in {p.unit}, got {show(value)}")
        return None
    try:
        low, high = float(value[0]), float(value[1])
    except OverflowError:
        low, high = math.inf, math.inf
    if not (math.isfinite(low) and math.isfinite(high)):
        problems.add(where, f"'{name}' must be finite numbers [low, high] in {p.unit}, got {show(value)}")
        return None
    if not low < high:
        problems.add(where, f"'{name}' needs low < high, got [{low:g}, {high:g}]")
        return None
    if low < p.low or high > p.high:
        problems.add(
            where,
            f"'{name}' range [{low:g}, {high:g}] leaves the registry's range [{p.low:g}, {p.high:g}] ({p.unit})",
        )
        return None
    if p.unit == "switch" and (low, high) != (0.0, 1.0):
        problems.add(where, f"'{name}' is a switch (0 or 1): its range must be [0, 1], got [{low:g}, {high:g}]")
        return None
    if p.whole and (low != int(low) or high != int(high)):
        problems.add(where, f"'{name}' takes whole numbers ({p.unit}): give a whole [low, high], got {show(value)}")
        return None
    return Factor(name, low, high, p.unit, p.unit == "switch", p.whole)


def _names(value: object, key: str, where: str, problems: _Problems, other: str = "") -> list[str] | None:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.add(where, f"'{key}' must be a non-empty list of names{other}, got {show(value)}")
        return None
    return value


def _scenarios(data: Mapping[str, object], problems: _Problems) -> tuple[list[str], dict[str, tuple[float, float]]]:
    """Scenario references as runs use them, and each one's (policy_start_year, end_year)."""
    origin = problems.origin
    scenarios = _names(data.get("scenarios", ["plan"]), "scenarios", origin, problems)
    if scenarios is None:
        return [], {}
    if len(scenarios) > MAX_SCENARIOS:
        problems.add(origin, f"'scenarios' lists {len(scenarios):,}; at most {MAX_SCENARIOS} are allowed")
        return [], {}
    if len(set(scenarios)) != len(scenarios):
        problems.add(origin, "'scenarios': a scenario is listed twice")
    base = Path(origin).parent
    resolved, years = [], {}
    for s in scenarios:
        candidate = base / s if s.endswith(".toml") and not Path(s).is_absolute() else Path(s)
        ref = str(candidate) if s.endswith(".toml") else s
        try:
            scenario = load_scenario(ref)
        except ScenarioError as err:
            problems.lines.append(f"{origin}: scenarios: {err}")
            continue
        resolved.append(ref)
        years[ref] = (scenario["policy_start_year"], scenario["end_year"])
    return resolved, years


def _outputs(data: Mapping[str, object], problems: _Problems) -> tuple[list[str], list[str] | None]:
    where = f"{problems.origin} [outputs]"
    outputs = data.get("outputs", {})
    if not isinstance(outputs, Mapping):
        problems.add(problems.origin, f"[outputs] must be a table, got {show(outputs)}")
        return list(DEFAULT_OUTPUTS), ["total"]
    unknown = set(outputs) - OUTPUT_KEYS
    if unknown:
        problems.add(
            where, f"unknown key(s) {', '.join(show(k, 80) for k in sorted(unknown))}; allowed: indicators, sectors"
        )
    known = output_names()
    indicators = _names(outputs.get("indicators", list(DEFAULT_OUTPUTS)), "indicators", where, problems) or []
    wrong = [i for i in indicators if i not in known]
    if wrong:
        problems.add(
            where,
            f"unknown indicator(s) {', '.join(show(i, 80) for i in wrong)}; indicators are {', '.join(sorted(known))}",
        )
    if "co2_with_electricity" not in indicators:
        indicators = ["co2_with_electricity", *indicators]  # the peak is read from it
    raw = outputs.get("sectors", ["total"])
    if raw == "all":
        return indicators, None
    sectors = _names(raw, "sectors", where, problems, other=' or "all"')
    if sectors is None:
        return indicators, ["total"]
    every = set().union(*known.values())
    wrong = [s for s in sectors if s not in every]
    if wrong:
        problems.add(
            where, f"unknown sector(s) {', '.join(show(s, 80) for s in wrong)}; sectors are {', '.join(sorted(every))}"
        )
        return indicators, sectors
    empty = [i for i in indicators if i in known and not known[i] & set(sectors)]
    if empty:
        problems.add(
            where,
            "no rows would be kept of "
            + "; ".join(f"'{i}' (its sectors: {', '.join(sorted(known[i]))})" for i in empty)
            + f" in the sectors {', '.join(sectors)}",
        )
    return indicators, sectors


def _years(
    end_year: int | None, factors: tuple[Factor, ...], years: dict[str, tuple[float, float]], problems: _Problems
) -> None:
    """Every run must reach the year its policies start."""
    varied = {f.name: f for f in factors}
    if end_year is not None and "end_year" in varied:
        problems.add(problems.origin, "'end_year' is set and also a factor; keep one")
        return
    for ref, (policy_start, scenario_end) in years.items():
        latest_start = varied["policy_start_year"].high if "policy_start_year" in varied else policy_start
        if end_year is not None:
            earliest_end, what = float(end_year), f"'end_year' {end_year}"
        elif "end_year" in varied:
            earliest_end, what = varied["end_year"].low, f"the factor end_year's low {varied['end_year'].low:g}"
        else:
            earliest_end, what = scenario_end, f"the end_year {scenario_end:g} of scenario {ref}"
        if latest_start > earliest_end:
            source = "the factor policy_start_year reaches" if "policy_start_year" in varied else f"scenario {ref}'s"
            problems.add(
                problems.origin,
                f"{what} precedes the policy start: {source} policy_start_year {latest_start:g}; "
                "every run must reach the year its policies start",
            )
            return


def parse_spec(data: Mapping[str, object], origin: str, text: str = "") -> ExperimentSpec:
    """Validate a parsed spec; every problem is reported at once."""
    problems = _Problems(origin)
    unknown = set(data) - TOP_LEVEL
    if unknown:
        problems.add(
            origin,
            f"unknown key(s) {', '.join(show(k, 80) for k in sorted(unknown))}; allowed: {', '.join(sorted(TOP_LEVEL))}",
        )
    name = data.get("name", Path(origin).stem)
    problem = name_problem(name, "name", origin)
    if problem:
        problems.lines.append(problem)
    description = data.get("description", "")
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION_CHARS:
        problems.add(origin, f"'description' must be a string of at most {MAX_DESCRIPTION_CHARS:,} characters")
    scenarios, years = _scenarios(data, problems)
    households = problems.whole(data, "households", DEFAULT_HOUSEHOLDS, MIN_HOUSEHOLDS, MAX_HOUSEHOLDS, origin)
    end_year = None
    if "end_year" in data:
        end = registry()["end_year"]
        assert end.low is not None and end.high is not None
        end_year = problems.whole(data, "end_year", int(end.high), int(end.low), int(end.high), origin)

    design = data.get("design", {})
    where = f"{origin} [design]"
    if not isinstance(design, Mapping):
        problems.add(origin, f"[design] must be a table, got {show(design)}")
        design = {}
    unknown = set(design) - DESIGN_KEYS
    if unknown:
        problems.add(
            where,
            f"unknown key(s) {', '.join(show(k, 80) for k in sorted(unknown))}; allowed: {', '.join(sorted(DESIGN_KEYS))}",
        )
    kind = design.get("kind", "replications")
    if kind not in DESIGNS:
        problems.add(where, f"kind {show(kind)} is not one of {', '.join(DESIGNS)}")
        kind = "replications"
    top = MAX_SOBOL_SAMPLES if kind == "sobol" else MAX_RUNS
    samples = problems.whole(design, "samples", 1, 1, top, where)
    levels = problems.whole(design, "levels", 4, 2, MAX_LEVELS, where)
    replications = problems.whole(design, "replications", 1, 1, MAX_RUNS, where)
    seed = problems.whole(design, "seed", 1, 0, MAX_SEED, where)
    second_order = design.get("second_order", False)
    if not isinstance(second_order, bool):
        problems.add(where, f"'second_order' must be true or false, got {show(second_order)}")
        second_order = False
    if kind == "sobol" and samples & (samples - 1):
        problems.add(
            where, f"Sobol sampling needs 'samples' to be a power of 2 (at most 2^16 = {top:,}), got {samples}"
        )

    table = data.get("factors", {})
    if not isinstance(table, Mapping):
        problems.add(origin, f"[factors] must be a table of name = [low, high], got {show(table)}")
        table = {}
    try:
        flat = flatten(table)
    except ScenarioError as err:
        problems.add(f"{origin} [factors]", str(err))
        flat = {}
    factors = tuple(f for f in (_factor(k, v, problems) for k, v in flat.items()) if f is not None)
    if kind != "replications" and not flat:
        problems.add(origin, f"a {kind} design needs at least one entry in [factors]")
    if kind in ("sobol", "morris") and len(flat) < 2:
        problems.add(origin, f"a {kind} design needs at least two factors")
    indicators, sectors = _outputs(data, problems)
    _years(end_year, factors, years, problems)

    if not problems.lines:
        rows = design_rows(kind, factors, samples, levels, second_order)
        runs = rows * replications * len(scenarios)
        size = f"{runs:,} runs ({rows:,} design rows x {replications:,} replication(s) x {len(scenarios)} scenario(s))"
        why = "the list of runs is built in memory before the first run starts; split the experiment into several specs"
        if runs > MAX_RUNS:
            problems.add(origin, f"the spec asks for {size}; at most {MAX_RUNS:,} runs are allowed: {why}")
        elif runs * len(factors) > MAX_DESIGN_VALUES:
            problems.add(
                origin,
                f"the spec asks for {size} of {len(factors)} factors, {runs * len(factors):,} factor values; "
                f"at most {MAX_DESIGN_VALUES:,} are allowed: {why}",
            )
    if problems.lines:
        raise SpecError(joined(origin, problems.lines))
    assert isinstance(name, str) and isinstance(description, str)
    return ExperimentSpec(
        name=name,
        description=description,
        scenarios=tuple(scenarios),
        households=households,
        end_year=end_year,
        kind=kind,
        samples=samples,
        levels=levels,
        second_order=second_order,
        replications=replications,
        seed=seed,
        factors=factors,
        indicators=tuple(dict.fromkeys(indicators)),
        sectors=tuple(sectors) if sectors is not None else None,
        origin=origin,
        text=text,
    )


def load_spec(path: Path | str) -> ExperimentSpec:
    """Load and validate a spec file."""
    data, text = read_toml(path, SpecError, "experiment spec")
    return parse_spec(data, str(path), text)
