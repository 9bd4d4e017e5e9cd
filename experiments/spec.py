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

Everything is checked on load; an error names the file, the key and what is allowed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from abm.model import DEFAULT_HOUSEHOLDS
from abm.parameters import registry
from abm.population import MIN_HOUSEHOLDS
from abm.scenario import ScenarioError, load_scenario

DESIGNS = ("full_factorial", "latin_hypercube", "sobol", "morris", "replications")
DEFAULT_OUTPUTS = ("co2_with_electricity", "co2_territorial", "fiscal_cost", "energy_intensity", "nonfossil_share")
TOP_LEVEL = {"name", "description", "scenarios", "households", "end_year", "design", "factors", "outputs"}
DESIGN_KEYS = {"kind", "samples", "levels", "second_order", "replications", "seed"}


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


def _int(value: object, key: str, where: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SpecError(f"{where}: '{key}' must be a whole number >= {low}, got {value!r}")
    return value


def _factor(name: str, value: object, where: str) -> Factor:
    reg = registry()
    if name not in reg:
        close = sorted(n for n in reg if n.split("_")[0] == name.split("_")[0])[:5]
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        raise SpecError(f"{where} [factors]: unknown name '{name}'{hint}")
    p = reg[name]
    if not p.adjustable:
        raise SpecError(f"{where} [factors]: '{name}' is an observed value and cannot be varied")
    if (
        not isinstance(value, list)
        or len(value) != 2
        or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
    ):
        raise SpecError(f"{where} [factors]: '{name}' must be [low, high] in {p.unit}, got {value!r}")
    low, high = float(value[0]), float(value[1])
    if not low < high:
        raise SpecError(f"{where} [factors]: '{name}' needs low < high, got [{low:g}, {high:g}]")
    if low < p.low or high > p.high:
        raise SpecError(
            f"{where} [factors]: '{name}' range [{low:g}, {high:g}] leaves the registry's range "
            f"[{p.low:g}, {p.high:g}] ({p.unit})"
        )
    return Factor(name, low, high, p.unit, p.unit == "switch")


def parse_spec(data: dict[str, object], origin: str, text: str = "") -> ExperimentSpec:
    """Validate a parsed spec."""
    unknown = set(data) - TOP_LEVEL
    if unknown:
        raise SpecError(f"{origin}: unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(TOP_LEVEL))}")
    name = data.get("name", Path(origin).stem)
    description = data.get("description", "")
    if not isinstance(name, str) or not name.strip() or not isinstance(description, str):
        raise SpecError(f"{origin}: 'name' and 'description' must be strings")
    scenarios = data.get("scenarios", ["plan"])
    if not isinstance(scenarios, list) or not scenarios or not all(isinstance(s, str) for s in scenarios):
        raise SpecError(f"{origin}: 'scenarios' must be a list of scenario names or files")
    if len(set(scenarios)) != len(scenarios):
        raise SpecError(f"{origin}: a scenario is listed twice")
    base = Path(origin).parent
    resolved = []
    for s in scenarios:
        candidate = base / s if s.endswith(".toml") and not Path(s).is_absolute() else Path(s)
        ref = str(candidate) if s.endswith(".toml") else s
        try:
            load_scenario(ref)
        except ScenarioError as err:
            raise SpecError(f"{origin}: scenarios: {err}") from None
        resolved.append(ref)
    households = _int(data.get("households", DEFAULT_HOUSEHOLDS), "households", origin, MIN_HOUSEHOLDS)
    end_year = data.get("end_year")
    if end_year is not None:
        end = registry()["end_year"]
        end_year = _int(end_year, "end_year", origin, int(end.low))
        if end_year > end.high:
            raise SpecError(f"{origin}: 'end_year' must be at most {end.high:g}")
    design = data.get("design", {})
    if not isinstance(design, dict):
        raise SpecError(f"{origin}: [design] must be a table")
    unknown = set(design) - DESIGN_KEYS
    if unknown:
        raise SpecError(
            f"{origin} [design]: unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(DESIGN_KEYS))}"
        )
    kind = design.get("kind", "replications")
    if kind not in DESIGNS:
        raise SpecError(f"{origin} [design]: kind {kind!r} is not one of {', '.join(DESIGNS)}")
    where = f"{origin} [design]"
    samples = _int(design.get("samples", 1), "samples", where, 1)
    levels = _int(design.get("levels", 4), "levels", where, 2)
    replications = _int(design.get("replications", 1), "replications", where, 1)
    seed = _int(design.get("seed", 1), "seed", where, 0)
    second_order = design.get("second_order", False)
    if not isinstance(second_order, bool):
        raise SpecError(f"{where}: 'second_order' must be true or false")
    if kind == "sobol" and samples & (samples - 1):
        raise SpecError(f"{where}: Sobol sampling needs 'samples' to be a power of 2, got {samples}")
    table = data.get("factors", {})
    if not isinstance(table, dict):
        raise SpecError(f"{origin}: [factors] must be a table of name = [low, high]")
    factors = tuple(_factor(k, v, origin) for k, v in table.items())
    if kind != "replications" and not factors:
        raise SpecError(f"{origin}: a {kind} design needs at least one entry in [factors]")
    if kind in ("sobol", "morris") and len(factors) < 2:
        raise SpecError(f"{origin}: a {kind} design needs at least two factors")
    outputs = data.get("outputs", {})
    if not isinstance(outputs, dict):
        raise SpecError(f"{origin}: [outputs] must be a table")
    indicators = outputs.get("indicators", list(DEFAULT_OUTPUTS))
    if not isinstance(indicators, list) or not indicators or not all(isinstance(i, str) for i in indicators):
        raise SpecError(f"{origin} [outputs]: 'indicators' must be a list of indicator names")
    if "co2_with_electricity" not in indicators:
        indicators = ["co2_with_electricity", *indicators]  # the peak is read from it
    sectors = outputs.get("sectors", ["total"])
    if sectors == "all":
        sectors = None
    elif not isinstance(sectors, list) or not all(isinstance(s, str) for s in sectors):
        raise SpecError(f"{origin} [outputs]: 'sectors' must be a list of sector names or \"all\"")
    return ExperimentSpec(
        name=name,
        description=description,
        scenarios=tuple(resolved),
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
    path = Path(path)
    if not path.exists():
        raise SpecError(f"experiment spec not found: {path}")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{path}: not valid TOML: {err}") from None
    return parse_spec(data, str(path), text)
