"""What the app offers: the registry's levers and uncertainties, the presets, the tabs and the indicators they show."""

from __future__ import annotations

from functools import lru_cache

from abm.comparison import peak_target_year
from abm.parameters import Parameter, registry
from abm.scenario import Scenario, ScenarioError, builtin_names, load_scenario

REGISTRY = registry()
LEVERS: list[Parameter] = REGISTRY.of_kind("lever")
UNCERTAINTIES: list[Parameter] = REGISTRY.of_kind("uncertainty")
CONTROLS: list[Parameter] = LEVERS + UNCERTAINTIES
CONTROL_NAMES = [p.name for p in CONTROLS]
BASELINE = "baseline"
PLAN = "plan"
DEFAULT_PRESET = PLAN
HISTORY = "history"  # the recorded years for modellers (`suqian-abm validate`): no projection to judge
PRESETS = [name for name in (BASELINE, PLAN) if name in builtin_names()] + [
    name for name in builtin_names() if name not in (BASELINE, PLAN, HISTORY)
]  # least to most ambitious
OPEN_GROUP = "subsidies"  # the panel open when the app starts: the incentives
PEAK_YEAR = peak_target_year()
SWITCH = "switch"  # the unit of an on/off lever

HOUSEHOLD_ADOPTION = [
    ("ev_share_of_private_cars", "transport"),
    ("household_pv_share", "buildings_residential"),
    ("home_retrofit_share", "buildings_residential"),
    ("heat_pump_share", "buildings_residential"),
    ("waste_sorting_share", "buildings_residential"),
]
ENTERPRISE_ADOPTION = [
    "enterprise_pv_share",
    "enterprise_storage_share",
    "enterprise_efficiency_retrofit_share",
    "enterprise_solid_waste_recycling_share",
    "enterprise_electrified_heat_share",
]
STORAGE = "storage_capacity"
INTENSITY_VIEWS = [
    ("intensity.energy", ["energy_intensity_2025", "energy_intensity_2030"]),
    ("intensity.co2", ["co2_intensity_2030"]),
    ("intensity.nonfossil", ["nonfossil_share_2025"]),
]
TABS = ["scorecard", "adoption", "fiscal", "intensity", "wedges", "members"]
COMPARISON_SYMBOLS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}

# how the shipped effects and wedges tables (abm/data/effects) were measured: docs/policy_effects.md
EFFECTS_MEMBERS = 20
EFFECTS_HOUSEHOLDS = 20_000


@lru_cache(maxsize=len(PRESETS))
def preset_scenario(name: str) -> Scenario:
    """A built-in scenario (only the built-in names: a link cannot name a file)."""
    if name not in PRESETS:
        raise ScenarioError(f"unknown preset '{name}'; presets are {', '.join(PRESETS)}")
    return load_scenario(name)
