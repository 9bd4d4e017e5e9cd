"""The policymakers' app: move the plan's instruments, see the peak, the targets and the budget.

Start with ``suqian-abm app`` (or ``solara run app.py``) and open http://127.0.0.1:8765.

The app holds no model logic. It builds a scenario from a preset and the values of the
registry's levers and uncertainties, checks it with :meth:`abm.scenario.Scenario.with_settings`
and calls :func:`abm.run.run`, the same entry point as ``suqian-abm run``. The comparison
with the baseline comes from :mod:`abm.comparison`; the ensemble uses the seeds of
:func:`experiments.ensemble.member_seeds`.

Every setting lives in the page's address (query string), so a link reopens the same
scenario; each browser session reads its own address and holds its own state. The user
interface's words, in Chinese and English, are in ``abm/data/app_text.csv``.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import inspect
import json
import math
import threading
import urllib.parse
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import ipyvuetify
import pandas as pd
import reacton.ipyvuetify as rv
import solara
import solara.lab
import solara.server.settings
import traitlets
from solara.components.echarts import EchartsWidget

from abm.comparison import (
    by_sector,
    compare,
    output_weighted_share,
    peak_target_year,
    target_series,
)
from abm.figures import SECTOR_LABELS
from abm.model import DEFAULT_HOUSEHOLDS
from abm.parameters import Parameter, data_path, registry
from abm.peak import run_peak
from abm.run import RunResult, run
from abm.scenario import Scenario, ScenarioError, builtin_names, load_scenario
from abm.scorecard import HEADLINE, load_targets, series
from experiments.ensemble import Ensemble, member_seeds, run_ensemble

# The app is served over plain http on the loopback address, where Solara falls back to
# SameSite=Lax session cookies (right for a page that is not embedded in another site) and
# warns when a page is loaded that it cannot use SameSite=None; that warning says nothing here.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
solara.server.settings.theme.show_banner = False
solara.server.settings.telemetry.mixpanel_enable = False  # the app sends nothing anywhere

# --- what the app shows -----------------------------------------------------------------

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

SEED: int = inspect.signature(run).parameters["seed"].default  # the seed `suqian-abm run` uses
ENSEMBLE_ROOT_SEED: int = inspect.signature(run_ensemble).parameters["root_seed"].default
ENSEMBLE_SIZES = (5, 10, 20)
DEFAULT_ENSEMBLE = 10
HOUSEHOLDS = DEFAULT_HOUSEHOLDS
PEAK_YEAR = peak_target_year()
RUN_CACHE = 64  # finished runs kept (each about 1 MB): presets, baselines and recent settings

PRESET_KEY, LANG_KEY = "preset", "lang"
LINK = "link"  # where a value came from, in messages
SWITCH = "switch"
PERCENT = 100.0
PERCENT_UNITS = {"fraction", "fraction of cost", "fraction/yr", "1/yr"}  # shown as percentages
NICE_STEPS = (5.0, 2.0, 1.0)
SLIDER_POSITIONS = 100  # a slider has at least this many positions across its range
SLIDER_INSET_PX = 10  # where the track starts inside the slider (half the thumb)
FINEST_STEP_DECADES = 6  # a slider step is at most a million times finer than its range / SLIDER_POSITIONS
ON_STEP_TOLERANCE = 1e-6  # in steps: a value this close to a multiple of the step lies on it

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
TABS = ["scorecard", "adoption", "fiscal", "intensity", "ensemble"]
COMPARISON_SYMBOLS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}

CURRENT_COLOUR, BASELINE_COLOUR, TARGET_COLOUR, MET_COLOUR = "#1565c0", "#8d939c", "#c62828", "#2e7d32"
PALETTE = [
    "#1565c0",
    "#ef6c00",
    "#2e7d32",
    "#6a1b9a",
    "#00838f",
    "#ad1457",
    "#5d4037",
    "#f9a825",
    "#283593",
    "#558b2f",
    "#4e342e",
    "#00695c",
    "#c62828",
    "#37474f",
]


# --- words ------------------------------------------------------------------------------

TEXT_FILE = "app_text.csv"


@lru_cache(maxsize=1)
def text_table() -> dict[str, dict[str, str]]:
    """The user interface's words, ``{language: {key: text}}``, from ``abm/data/app_text.csv``."""
    with data_path(TEXT_FILE).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        languages = [c for c in reader.fieldnames or [] if c != "key"]
        table: dict[str, dict[str, str]] = {lang: {} for lang in languages}
        for row in reader:
            for lang in languages:
                table[lang][row["key"]] = row[lang]
    return table


LANGUAGES = tuple(text_table())
FALLBACK_LANG = "en"


class Words:
    """Look up the words of one language; ``words(key, name=value)`` fills ``{name}`` in the text."""

    def __init__(self, lang: str):
        self.lang = lang
        self.table = text_table()[lang]

    def __call__(self, key: str, **values: object) -> str:
        text = self.table.get(key) or text_table()[FALLBACK_LANG].get(key) or key
        return text.format(**values) if values else text

    def param(self, name: str) -> str:
        """Short label of a lever or uncertainty."""
        return self(f"param.{name}")

    def hint(self, name: str) -> str:
        """What a lever or uncertainty means (English: the registry's description)."""
        return self.table.get(f"hint.{name}") or REGISTRY[name].description

    def unit(self, unit: str) -> str:
        return self.table.get(f"unit.{unit}") or unit

    def sector(self, name: str) -> str:
        return self.table.get(f"sector.{name}") or SECTOR_LABELS.get(name, name)


def default_language(accept_language: str | None) -> str:
    """The language to start in: the first of the browser's languages the app speaks (else English)."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in LANGUAGES:
            return code
    return FALLBACK_LANG


# --- settings in the address --------------------------------------------------------------


@lru_cache(maxsize=len(PRESETS))
def preset_scenario(name: str) -> Scenario:
    """A built-in scenario (only the built-in names: a link cannot name a file)."""
    if name not in PRESETS:
        raise ScenarioError(f"unknown preset '{name}'; presets are {', '.join(PRESETS)}")
    return load_scenario(name)


@dataclass(frozen=True)
class Settings:
    """What the user chose: a preset, values that differ from it, and the language."""

    preset: str = DEFAULT_PRESET
    overrides: tuple[tuple[str, float], ...] = ()
    lang: str = FALLBACK_LANG

    def scenario(self) -> Scenario:
        """The scenario, every value checked against the registry again."""
        return preset_scenario(self.preset).with_settings(dict(self.overrides), where="app")

    def with_value(self, name: str, value: float) -> Settings:
        """These settings with one lever or uncertainty changed (dropped when it equals the preset's value)."""
        changed = {**dict(self.overrides), name: float(value)}
        base = preset_scenario(self.preset).values
        kept = tuple((n, changed[n]) for n in CONTROL_NAMES if n in changed and changed[n] != base[n])
        return dataclasses.replace(self, overrides=kept)

    def query(self) -> str:
        """The settings as a query string: ``preset=plan&ev_subsidy=3000&lang=en``."""
        pairs = [(PRESET_KEY, self.preset), *((n, number_text(v)) for n, v in self.overrides), (LANG_KEY, self.lang)]
        return urllib.parse.urlencode(pairs)


def number_text(value: float) -> str:
    """A number as short as it can be written without losing precision."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def parse_query(search: str | None, default_lang: str = FALLBACK_LANG) -> tuple[Settings, list[str]]:
    """Settings from a query string, and a message for each part that was ignored.

    Every value goes through :meth:`Scenario.with_settings`, which checks it against the
    registry; an invalid value is left out (the preset's value holds) and reported.
    """
    problems: list[str] = []
    try:
        pairs = urllib.parse.parse_qsl(search or "", keep_blank_values=True, max_num_fields=len(CONTROL_NAMES) + 2)
    except ValueError:
        return Settings(lang=default_lang), [f"{LINK}: more than {len(CONTROL_NAMES) + 2} settings; all ignored"]
    raw = dict(pairs)  # a key given twice: the last value counts
    lang = raw.pop(LANG_KEY, default_lang)
    if lang not in LANGUAGES:
        problems.append(f"{LINK}: language '{lang}' is not one of {', '.join(LANGUAGES)}")
        lang = default_lang
    preset = raw.pop(PRESET_KEY, DEFAULT_PRESET)
    if preset not in PRESETS:
        problems.append(f"{LINK}: unknown preset '{preset}'; presets are {', '.join(PRESETS)}")
        preset = DEFAULT_PRESET
    base = preset_scenario(preset)
    accepted: dict[str, str] = {}
    for key, text in raw.items():
        if key in REGISTRY and key not in CONTROL_NAMES:
            problems.append(f"{LINK}: '{key}' is a model parameter, not an instrument or uncertainty of the app")
            continue
        try:
            base.with_settings({key: text}, where=LINK)
        except ScenarioError as err:
            problems.append(str(err))
            continue
        accepted[key] = text
    try:
        scenario = base.with_settings(accepted, where=LINK)
    except ScenarioError as err:  # values valid one by one but not together
        problems.append(str(err))
        scenario, accepted = base, {}
    overrides = tuple(
        (n, scenario.values[n]) for n in CONTROL_NAMES if n in accepted and scenario.values[n] != base.values[n]
    )
    return Settings(preset, overrides, lang), problems


def download_scenario(settings: Settings) -> Scenario:
    """The scenario as the app runs it, named for a file (``plan-custom`` when values were changed)."""
    scenario = settings.scenario()
    if not settings.overrides:
        return scenario
    changes = ", ".join(f"{n} = {number_text(v)}" for n, v in settings.overrides)
    return dataclasses.replace(
        scenario,
        name=f"{settings.preset}-custom",
        description=f"The '{settings.preset}' preset with {changes} (made in the app)",
    )


# --- runs ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Outcome:
    """The current settings' run and the baseline run with the same uncertainties."""

    settings: Settings
    current: RunResult
    baseline: RunResult


@lru_cache(maxsize=RUN_CACHE)
def cached_run(preset: str, overrides: tuple[tuple[str, float], ...]) -> RunResult:
    """One run of a preset with some values changed (seed and households as ``suqian-abm run``)."""
    return run(Settings(preset, overrides).scenario(), seed=SEED, households=HOUSEHOLDS)


def baseline_settings(settings: Settings) -> Settings:
    """The baseline: instruments at their 2020 settings, uncertainties as in ``settings``."""
    current, base = settings.scenario().values, preset_scenario(BASELINE).values
    kept = tuple((p.name, current[p.name]) for p in UNCERTAINTIES if current[p.name] != base[p.name])
    return Settings(BASELINE, kept, settings.lang)


def simulate(settings: Settings) -> Outcome:
    """Run the settings and their baseline (both cached: the baseline does not depend on the levers)."""
    current = cached_run(settings.preset, settings.overrides)
    base = baseline_settings(settings)
    return Outcome(settings, current, cached_run(base.preset, base.overrides))


def warm_up() -> None:
    """Run the presets once, so the first visitor does not wait for them."""
    for name in (BASELINE, PLAN):
        cached_run(name, ())


if solara._using_solara_server():  # served, not imported by tests or tools
    threading.Thread(target=warm_up, name="suqian-app-warm-up", daemon=True).start()


@dataclass(frozen=True, eq=False)
class EnsembleState:
    """Progress of an ensemble: members done, and the ensemble when all are."""

    settings: Settings
    members: int
    done: int
    ensemble: Ensemble | None = None


def ensemble_of(results: list[RunResult]) -> Ensemble:
    """The ensemble of finished runs, laid out as :func:`experiments.ensemble.run_ensemble` lays it out."""
    frames = [r.trajectory.assign(seed=r.seed) for r in results]
    trajectories = pd.concat(frames, ignore_index=True)
    trajectories = trajectories[["seed", *[c for c in trajectories.columns if c != "seed"]]]
    peaks = pd.DataFrame([(r.seed, r.peak_year, r.peak_mt) for r in results], columns=["seed", "peak_year", "peak_mt"])
    return Ensemble(trajectories, peaks)


def ensemble_steps(
    settings: Settings, members: int, households: int = HOUSEHOLDS, keep_going: Callable[[], bool] = lambda: True
) -> Iterator[EnsembleState]:
    """Run the ensemble's members (the seeds of ``member_seeds``) one by one, yielding progress."""
    scenario = settings.scenario()
    results: list[RunResult] = []
    yield EnsembleState(settings, members, 0)
    for seed in member_seeds(ENSEMBLE_ROOT_SEED, members):
        if not keep_going():
            return
        results.append(run(scenario, seed=seed, households=households))
        done = len(results) == members
        yield EnsembleState(settings, members, len(results), ensemble_of(results) if done else None)


# --- numbers and charts -------------------------------------------------------------------


def fmt(value: float | None, digits: int = 1) -> str:
    """A number with thousands separators and ``digits`` decimals; a dash for none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:,.{digits}f}"


def is_percent(p: Parameter) -> bool:
    return p.unit in PERCENT_UNITS


@lru_cache(maxsize=len(CONTROLS))
def slider_step(p: Parameter) -> float:
    """A round slider step on which the registry default and every preset's value lie."""
    assert p.low is not None and p.high is not None
    marks = [p.default, *(preset_scenario(name).values[p.name] for name in PRESETS)]
    if p.unit == "year":
        return 1.0
    span = p.high - p.low
    exponent = math.floor(math.log10(span / SLIDER_POSITIONS))
    for e in range(exponent, exponent - FINEST_STEP_DECADES, -1):
        for m in NICE_STEPS:
            step = m * 10.0**e
            if step > span / SLIDER_POSITIONS:
                continue
            if all(abs((v - p.low) / step - round((v - p.low) / step)) < ON_STEP_TOLERANCE for v in marks):
                return step
    return span / SLIDER_POSITIONS


def decimals(step: float) -> int:
    """Decimals a multiple of ``step`` needs (0.05 -> 2, 10 -> 0)."""
    return max(0, -math.floor(math.log10(step) + ON_STEP_TOLERANCE))


def step_digits(p: Parameter) -> int:
    """Decimals to show a value with, from its slider step."""
    return decimals(slider_step(p) * (PERCENT if is_percent(p) else 1.0))


def value_text(p: Parameter, value: float, words: Words, unit: bool = True) -> str:
    """A lever's or uncertainty's value (with its unit), as the user reads it."""
    if p.unit == SWITCH:
        return words("controls.on") if value >= 0.5 else words("controls.off")
    if p.unit == "year":
        return f"{value:.0f}"
    shown = value * PERCENT if is_percent(p) else value
    text = fmt(shown, step_digits(p))
    return f"{text} {words.unit(p.unit)}" if unit else text


def _digest(option: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(option, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _values(s: pd.Series, digits: int = 4) -> list[float | None]:
    return [None if pd.isna(v) else round(float(v), digits) for v in s.to_numpy()]


def _base_option(years: list[str], y_name: str, legend: bool = True, legend_space: int = 64) -> dict[str, Any]:
    return {
        "animationDuration": 250,
        "animationDurationUpdate": 250,
        "color": PALETTE,
        "textStyle": {"fontFamily": "Roboto, 'Noto Sans SC', 'Microsoft YaHei', sans-serif"},
        "grid": {"left": 60, "right": 28, "top": 44, "bottom": legend_space if legend else 32},
        "tooltip": {"trigger": "axis"},
        "legend": {
            "show": legend,
            "bottom": 0,
            "type": "plain",
            "itemWidth": 16,
            "itemGap": 8,
            "textStyle": {"fontSize": 11},
        },
        "xAxis": {"type": "category", "data": years, "boundaryGap": False},
        "yAxis": {"type": "value", "name": y_name, "scale": True, "nameTextStyle": {"align": "left"}},
        "series": [],
    }


def emissions_option(outcome: Outcome, words: Words, by_sectors: bool) -> dict[str, Any]:
    """The main chart: CO2 of the current settings and of the baseline, peak marked, the 2030 line."""
    cur = series(outcome.current.trajectory, HEADLINE)
    base = series(outcome.baseline.trajectory, HEADLINE)
    years = [str(y) for y in cur.index]
    option = _base_option(years, words("chart.axis_mt"), legend_space=96 if by_sectors else 40)
    peak_year, peak_mt = outcome.current.peak_year, outcome.current.peak_mt
    peak_label = words("chart.peak", year=peak_year, value=fmt(peak_mt))
    if peak_year == cur.index.max():  # still rising at the end of the run: no peak
        peak_label = words("card.no_peak", year=peak_year)
    target_line = {
        "silent": True,
        "symbol": ["none", "none"],
        "lineStyle": {"color": TARGET_COLOUR, "type": "dashed", "width": 1.5},
        "label": {
            "formatter": words("chart.target", year=PEAK_YEAR),
            "color": TARGET_COLOUR,
            "position": "end",
        },
        "data": [{"xAxis": str(PEAK_YEAR)}],
    }
    current_line = {
        "name": words("chart.current"),
        "type": "line",
        "data": _values(cur),
        "symbol": "none",
        "lineStyle": {"width": 3, "color": CURRENT_COLOUR if not by_sectors else "#1a1a1a"},
        "itemStyle": {"color": CURRENT_COLOUR if not by_sectors else "#1a1a1a"},
        "z": 5,
        "markPoint": {
            "symbol": "circle",
            "symbolSize": 11,
            "itemStyle": {"color": "#1a1a1a"},
            "label": {"show": True, "formatter": peak_label, "position": "right", "fontWeight": "bold", "distance": 8},
            "data": [{"coord": [str(peak_year), round(peak_mt, 4)]}],
        },
        "markLine": target_line,
    }
    baseline_line = {
        "name": words("chart.baseline"),
        "type": "line",
        "data": _values(base),
        "symbol": "none",
        "lineStyle": {"width": 2, "type": "dashed", "color": BASELINE_COLOUR},
        "itemStyle": {"color": BASELINE_COLOUR},
        "markPoint": {
            "symbol": "circle",
            "symbolSize": 7,
            "itemStyle": {"color": BASELINE_COLOUR},
            "label": {
                "show": True,
                "position": "top",
                "color": BASELINE_COLOUR,
                "formatter": words("chart.peak", year=outcome.baseline.peak_year, value=fmt(outcome.baseline.peak_mt)),
            },
            "data": [{"coord": [str(outcome.baseline.peak_year), round(outcome.baseline.peak_mt, 4)]}],
        },
    }
    if by_sectors:
        wide = by_sector(outcome.current.trajectory, HEADLINE)
        order = [s for s in SECTOR_LABELS if s in wide.columns] + [s for s in wide.columns if s not in SECTOR_LABELS]
        option["yAxis"]["scale"] = False
        option["tooltip"]["order"] = "seriesDesc"
        for sector in order:
            option["series"].append(
                {
                    "name": words.sector(sector),
                    "type": "line",
                    "stack": "sectors",
                    "areaStyle": {"opacity": 0.85},
                    "symbol": "none",
                    "lineStyle": {"width": 0.5},
                    "emphasis": {"focus": "series"},
                    "data": _values(wide[sector].reindex(cur.index)),
                }
            )
    option["series"] += [baseline_line, current_line]
    return option


def lines_option(
    rows: list[tuple[str, pd.Series, pd.Series | None]],
    years: list[str],
    y_name: str,
    percent: bool = True,
    legend_space: int = 100,
) -> dict[str, Any]:
    """Several indicators, current settings solid and baseline dashed in the same colour."""
    option = _base_option(years, y_name, legend_space=legend_space)
    option["yAxis"]["scale"] = False
    if percent:
        option["yAxis"]["max"] = PERCENT
    for i, (name, cur, base) in enumerate(rows):
        colour = PALETTE[i % len(PALETTE)]
        option["series"].append(
            {
                "name": name,
                "type": "line",
                "symbol": "none",
                "data": _values(cur),
                "lineStyle": {"width": 2.5, "color": colour},
                "itemStyle": {"color": colour},
            }
        )
        if base is not None:
            option["series"].append(
                {
                    "name": name,
                    "type": "line",
                    "symbol": "none",
                    "data": _values(base),
                    "silent": True,
                    "lineStyle": {"width": 1.5, "type": "dashed", "color": colour, "opacity": 0.7},
                    "itemStyle": {"color": colour},
                    "tooltip": {"show": False},
                }
            )
    return option


def adoption_options(outcome: Outcome, words: Words) -> list[tuple[str, dict[str, Any]]]:
    """Adoption curves: households, enterprises (share of output) and storage capacity."""
    cur, base = outcome.current.trajectory, outcome.baseline.trajectory
    years_index = series(cur, HEADLINE).index
    years = [str(y) for y in years_index]
    households = [
        (words(f"indicator.{ind}"), series(cur, ind, sector), series(base, ind, sector))
        for ind, sector in HOUSEHOLD_ADOPTION
    ]
    enterprises = [
        (words(f"indicator.{ind}"), output_weighted_share(cur, ind), output_weighted_share(base, ind))
        for ind in ENTERPRISE_ADOPTION
    ]
    storage_now = by_sector(cur, STORAGE)
    storage = [(words(f"storage.{s}"), storage_now[s].reindex(years_index), None) for s in storage_now.columns]
    storage_option = lines_option(storage, years, words("unit.MWh"), percent=False)
    for s in storage_option["series"]:
        s.update({"stack": "storage", "areaStyle": {"opacity": 0.6}})
    storage_option["series"].append(
        {
            "name": words("chart.baseline"),
            "type": "line",
            "symbol": "none",
            "data": _values(series(base, STORAGE)),
            "lineStyle": {"type": "dashed", "color": BASELINE_COLOUR, "width": 2},
            "itemStyle": {"color": BASELINE_COLOUR},
        }
    )
    return [
        ("adoption.households", lines_option(households, years, "%")),
        ("adoption.enterprises", lines_option(enterprises, years, "%")),
        ("adoption.storage", storage_option),
    ]


def fiscal_option(outcome: Outcome, words: Words) -> dict[str, Any]:
    """Yearly fiscal cost of the incentives by instrument (stacked bars), 100 million yuan."""
    wide = by_sector(outcome.current.trajectory, "fiscal_cost")
    wide = wide.loc[:, (wide.abs() > 0).any()]
    years = [str(y) for y in wide.index]
    option = _base_option(years, words("unit.100 million yuan"), legend_space=110)
    option["xAxis"]["boundaryGap"] = True
    option["yAxis"]["scale"] = False
    option["tooltip"]["order"] = "seriesDesc"
    for name in [p.name for p in LEVERS if p.name in wide.columns]:
        option["series"].append(
            {"name": words.param(name), "type": "bar", "stack": "cost", "data": _values(wide[name])}
        )
    return option


def intensity_option(outcome: Outcome, words: Words, target_ids: list[str]) -> dict[str, Any]:
    """A target's indicator for the current settings and the baseline, with the target values marked."""
    cur = target_series(outcome.current.trajectory, target_ids[0])
    base = target_series(outcome.baseline.trajectory, target_ids[0])
    years = [str(y) for y in cur.index]
    targets = load_targets().set_index("id")
    option = lines_option([(words("chart.current"), cur, None)], years, "%", percent=False, legend_space=60)
    option["series"][0]["lineStyle"]["color"] = CURRENT_COLOUR
    option["series"][0]["itemStyle"]["color"] = CURRENT_COLOUR
    option["series"].append(
        {
            "name": words("chart.baseline"),
            "type": "line",
            "symbol": "none",
            "data": _values(base),
            "lineStyle": {"type": "dashed", "color": BASELINE_COLOUR, "width": 2},
            "itemStyle": {"color": BASELINE_COLOUR},
        }
    )
    points = []
    for tid in target_ids:
        year, value = int(targets.loc[tid, "year"]), float(targets.loc[tid, "value"])
        symbol = COMPARISON_SYMBOLS[targets.loc[tid, "comparison"]]
        points.append(
            {
                "value": [str(year), value],
                "label": {"formatter": words("chart.target_value", year=year, symbol=symbol, value=fmt(value))},
            }
        )
    option["series"].append(
        {
            "name": words("chart.targets"),
            "type": "scatter",
            "symbol": "diamond",
            "symbolSize": 14,
            "data": points,
            "itemStyle": {"color": TARGET_COLOUR},
            "label": {"show": True, "position": "right", "color": TARGET_COLOUR},
            "z": 6,
        }
    )
    return option


def ensemble_options(state: EnsembleState, words: Words) -> tuple[dict[str, Any], dict[str, Any]]:
    """Peak years across the ensemble's members, and the band of emissions (5-95 %, median)."""
    assert state.ensemble is not None
    peaks = state.ensemble.peaks["peak_year"].astype(int)
    span = list(range(int(peaks.min()), int(peaks.max()) + 1))
    counts = peaks.value_counts()
    hist = _base_option([str(y) for y in span], words("ensemble.members_axis"), legend=False)
    hist["xAxis"]["boundaryGap"] = True
    hist["yAxis"].update({"minInterval": 1, "scale": False, "min": 0})
    hist["series"].append(
        {
            "type": "bar",
            "name": words("ensemble.peak_years"),
            "barMaxWidth": 36,
            "data": [
                {
                    "value": int(counts.get(y, 0)),
                    "itemStyle": {"color": MET_COLOUR if y <= PEAK_YEAR else TARGET_COLOUR},
                }
                for y in span
            ],
        }
    )
    rows = state.ensemble.trajectories
    rows = rows[(rows["indicator"] == HEADLINE) & (rows["sector"] == "total")]
    wide = rows.pivot(index="year", columns="seed", values="value")
    low, mid, high = wide.quantile(0.05, axis=1), wide.median(axis=1), wide.quantile(0.95, axis=1)
    band = _base_option([str(y) for y in wide.index], words("chart.axis_mt"))
    band["series"] = [
        {
            "name": "low",
            "type": "line",
            "data": _values(low),
            "stack": "band",
            "symbol": "none",
            "lineStyle": {"opacity": 0},
            "tooltip": {"show": False},
            "legendHoverLink": False,
        },
        {
            "name": words("ensemble.band"),
            "type": "line",
            "data": _values(high - low),
            "stack": "band",
            "symbol": "none",
            "lineStyle": {"opacity": 0},
            "itemStyle": {"color": CURRENT_COLOUR, "opacity": 0.3},
            "areaStyle": {"color": CURRENT_COLOUR, "opacity": 0.18},
        },
        {
            "name": words("ensemble.median"),
            "type": "line",
            "data": _values(mid),
            "symbol": "none",
            "lineStyle": {"color": CURRENT_COLOUR, "width": 2.5},
            "itemStyle": {"color": CURRENT_COLOUR},
            "markLine": {
                "silent": True,
                "symbol": ["none", "none"],
                "data": [{"xAxis": str(PEAK_YEAR)}],
                "lineStyle": {"color": TARGET_COLOUR, "type": "dashed"},
                "label": {"show": False},
            },
        },
    ]
    band["legend"]["data"] = [words("ensemble.band"), words("ensemble.median")]
    return hist, band


# --- components ---------------------------------------------------------------------------


_ECHARTS_WATCH = "      this.chart.setOption(this.option, true);\n    },"
_ECHARTS_GUARDED = "      if (this.chart) this.chart.setOption(this.option, true);\n    },"


@lru_cache(maxsize=1)
def _guarded_echarts_template() -> str:
    """Solara's ECharts template, with its option watcher waiting for the chart to exist.

    The widget loads ECharts asynchronously after it is mounted; a new option that arrives
    in between (a language switch redraws every chart at once) made the watcher call
    ``setOption`` on a chart not yet created, a TypeError in the browser. With the guard the
    option is simply kept: the chart draws the latest option when it is created.
    """
    text = Path(inspect.getfile(EchartsWidget)).with_name("echarts.vue").read_text(encoding="utf-8")
    if _ECHARTS_WATCH not in text:
        raise RuntimeError("Solara's echarts.vue has changed: review the option watcher guard in app.py")
    return text.replace(_ECHARTS_WATCH, _ECHARTS_GUARDED, 1)


class GuardedEchartsWidget(EchartsWidget):
    """Solara's ECharts widget with the guard of :func:`_guarded_echarts_template`."""

    template_file = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.template = _guarded_echarts_template()
        super().__init__(*args, **kwargs)


@solara.component
def Chart(option: dict[str, Any], testid: str, height: int = 300) -> None:  # noqa: N802 (Solara components are capitalised)
    """An ECharts chart; ``data-digest`` changes whenever what it shows changes."""
    attributes = {"style": f"height: {height}px; width: 100%;", "data-testid": testid, "data-digest": _digest(option)}
    GuardedEchartsWidget.element(option=option, attributes=attributes, responsive=True)


def div(cls: str, children: list | None = None, **attributes: Any) -> solara.Element:
    """A plain ``<div>`` with CSS classes."""
    return rv.Html(tag="div", class_=cls, children=children or [], attributes=attributes)


def span(cls: str, text: str, **attributes: Any) -> solara.Element:
    return rv.Html(tag="span", class_=cls, children=[text], attributes=attributes)


def alert(message: str, cls: str) -> solara.Element:
    """An error message on the page."""
    return rv.Alert(type="error", variant="tonal", density="compact", children=[message], class_=cls)


@solara.component
def SliderControl(  # noqa: N802
    p: Parameter,
    value: float,
    preset_value: float,
    plan_value: float,
    words: Words,
    on_commit: Callable[[str, float], None],
) -> None:
    """A lever or uncertainty as a slider: label, value with unit, range from the registry, plan value marked.

    While the thumb is dragged only the value shown beside the label follows it; the value is
    sent when the thumb is released, or at once when it is moved with the keyboard.
    """
    shown_while_dragging, set_shown = solara.use_state(None)
    dragging = solara.use_ref(False)
    shown = value if shown_while_dragging is None else shown_while_dragging
    assert p.low is not None and p.high is not None
    step = slider_step(p)
    digits = decimals(step)

    def commit(data: object) -> None:
        set_shown(None)
        try:
            number = round(float(data), digits)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return
        on_commit(p.name, number)

    def on_value(data: float) -> None:
        if dragging.current:
            set_shown(data)
        else:  # keyboard
            commit(data)

    def on_start(*_args: object) -> None:
        dragging.current = True

    def on_end(_widget: object, _event: str, data: object) -> None:
        dragging.current = False
        commit(data)

    modified = " sq-modified" if value != preset_value else ""
    with div(f"sq-control sq-param-{p.name}{modified}"):
        with div("sq-control-head", title=words.hint(p.name)):
            span("sq-control-label", words.param(p.name))
            span("sq-control-value", value_text(p, shown, words))
        slider = rv.Slider(
            v_model=value,
            on_v_model=on_value,
            min=p.low,
            max=p.high,
            step=step,
            hide_details=True,
            density="compact",
            color=CURRENT_COLOUR,
            track_color="#c5cdd8",
            thumb_size=16,
            class_="sq-slider",
        )
        rv.use_event(slider, "start", on_start)
        rv.use_event(slider, "end", on_end)
        frac = (plan_value - p.low) / (p.high - p.low) if p.high > p.low else 0.0
        with div("sq-scale"):
            span(
                "sq-plan-tick",
                "▲",
                style=f"left: calc({SLIDER_INSET_PX}px + (100% - {2 * SLIDER_INSET_PX}px) * {frac:.4f})",
                title=words("controls.plan_hint"),
            )
            span("sq-scale-range", f"{value_text(p, p.low, words, unit=False)} – {value_text(p, p.high, words)}")
            span("sq-plan-text", words("controls.plan_mark", value=value_text(p, plan_value, words)))


@solara.component
def SwitchControl(  # noqa: N802
    p: Parameter,
    value: float,
    preset_value: float,
    plan_value: float,
    words: Words,
    on_commit: Callable[[str, float], None],
) -> None:
    """A lever of unit 'switch' (0/1) as an on/off switch, the plan's setting named beside it."""
    modified = " sq-modified" if value != preset_value else ""
    with div(f"sq-control sq-switch-control sq-param-{p.name}{modified}"):
        with div("sq-control-head", title=words.hint(p.name)):
            span("sq-control-label", words.param(p.name))
            span("sq-plan-inline", words("controls.plan_mark", value=value_text(p, plan_value, words)))
        rv.Switch(
            v_model=value >= 0.5,
            on_v_model=lambda on: on_commit(p.name, 1.0 if on else 0.0),
            label=value_text(p, value, words),
            inset=True,
            density="compact",
            hide_details=True,
            color=CURRENT_COLOUR,
            class_="sq-switch mt-0",
        )


def _groups(params: list[Parameter]) -> dict[str, list[Parameter]]:
    """Parameters by their registry group, groups and parameters in registry order."""
    groups: dict[str, list[Parameter]] = {}
    for p in params:
        groups.setdefault(p.group, []).append(p)
    return groups


@solara.component
def ControlPanel(  # noqa: N802
    settings: Settings,
    scenario: Scenario,
    words: Words,
    on_commit: Callable[[str, float], None],
    on_reset: Callable[[], None],
) -> None:
    """The levers grouped by their registry group, then the uncertainties, in expandable panels."""
    preset_values = preset_scenario(settings.preset).values
    plan_values = preset_scenario(PLAN).values
    sections = [("controls.levers", LEVERS), ("controls.uncertainties", UNCERTAINTIES)]
    # which panels are open is this session's own state, kept when the page is drawn again
    open_panels, set_open_panels = solara.use_state(
        {title: [i for i, g in enumerate(_groups(params)) if g == OPEN_GROUP] for title, params in sections}
    )
    with div("sq-controls"):
        with div("sq-controls-head"):
            span("sq-controls-preset", words("controls.from", preset=words(f"preset.{settings.preset}")))
            if settings.overrides:
                span("sq-modified-tag", words("controls.changed", n=len(settings.overrides)))
                solara.Button(
                    words("preset.reset"), on_click=on_reset, text=True, icon_name="mdi-restore", classes=["sq-reset"]
                )
        for title, params in sections:
            div("sq-section-title", [words(title)])
            with rv.ExpansionPanels(
                multiple=True,
                variant="accordion",
                flat=True,
                v_model=open_panels[title],
                on_v_model=lambda opened, title=title: set_open_panels(lambda now: {**now, title: list(opened)}),
                class_="sq-panels",
            ):
                for group, members in _groups(params).items():
                    changed = sum(scenario.values[p.name] != preset_values[p.name] for p in members)
                    with rv.ExpansionPanel(class_=f"sq-group sq-group-{group}"):
                        with rv.ExpansionPanelTitle(class_="sq-group-header"), div("sq-group-title"):
                            span("", words(f"group.{group}"))
                            if changed:
                                span("sq-changed-badge", words("controls.changed", n=changed))
                        with rv.ExpansionPanelText():
                            for p in members:
                                control = SwitchControl if p.unit == SWITCH else SliderControl
                                control(
                                    p,
                                    scenario.values[p.name],
                                    preset_values[p.name],
                                    plan_values[p.name],
                                    words,
                                    on_commit,
                                )


@solara.component
def HeadlineCard(testid: str, title: str, value: str, unit: str, note: str, tone: str = "") -> None:  # noqa: N802
    """A headline number: title, value with its unit, and a note (usually the baseline's value)."""
    with div(f"sq-card sq-card-{testid} {tone}"):
        div("sq-card-title", [title])
        with div("sq-card-line"):
            span("sq-card-value", value)
            if unit:
                span("sq-card-unit", unit)
        div("sq-card-note", [note])


@solara.component
def Headlines(outcome: Outcome, words: Words) -> None:  # noqa: N802
    """Peak year and level, emissions in 2030, targets met, and the cost of the incentives, against the baseline."""
    cur, base = outcome.current, outcome.baseline
    last_year = int(cur.trajectory["year"].max())
    card = cur.scorecard.set_index("target_id")
    peaked = bool(card.loc["co2_peak", "met"]) if "co2_peak" in card.index else cur.peak_year <= PEAK_YEAR

    def peak_text(r: RunResult) -> str:
        return str(r.peak_year) if r.peak_year < last_year else words("card.no_peak", year=last_year)

    confirmed = run_peak(cur.trajectory).confirmed_year
    confirmed_text = (
        words("card.confirmed_peak", year=confirmed) if confirmed is not None else words("card.no_confirmed_peak")
    )

    co2_now = float(series(cur.trajectory, HEADLINE).loc[PEAK_YEAR])
    co2_base = float(series(base.trajectory, HEADLINE).loc[PEAK_YEAR])
    summary = compare(cur.trajectory, base.trajectory, end=PEAK_YEAR)
    per_tonne = (
        words("card.per_tonne", value=fmt(summary.yuan_per_tonne, 0))
        if summary.yuan_per_tonne is not None
        else words("card.nothing_avoided")
    )
    mt = words("unit.Mt")
    with div("sq-cards"):
        HeadlineCard(
            "peak-year",
            words("card.peak_year"),
            peak_text(cur),
            "",
            f"{confirmed_text} · " + words("card.baseline", value=peak_text(base)),
            "sq-good" if peaked else "sq-bad",
        )
        HeadlineCard(
            "peak-level",
            words("card.peak_level"),
            fmt(cur.peak_mt),
            mt,
            words("card.baseline", value=f"{fmt(base.peak_mt)} {mt}"),
        )
        HeadlineCard(
            "co2-target-year",
            words("card.co2_in", year=PEAK_YEAR),
            fmt(co2_now),
            mt,
            words("card.vs_baseline", value=f"{co2_now - co2_base:+.1f} {mt}"),
        )
        HeadlineCard(
            "targets-met",
            words("card.targets"),
            f"{int(cur.scorecard['met'].sum())} / {len(cur.scorecard)}",
            "",
            words("card.baseline", value=f"{int(base.scorecard['met'].sum())} / {len(base.scorecard)}"),
        )
        HeadlineCard(
            "fiscal",
            words("card.cost", year=PEAK_YEAR),
            fmt(summary.fiscal_cost, 2),
            words("unit.100 million yuan"),
            per_tonne,
        )


@solara.component
def EmissionsChart(outcome: Outcome, words: Words) -> None:  # noqa: N802
    by_sectors, set_by_sectors = solara.use_state(False)
    option = solara.use_memo(lambda: emissions_option(outcome, words, by_sectors), [outcome, words.lang, by_sectors])
    with div("sq-panel sq-main-chart"):
        with div("sq-panel-head"):
            div("sq-panel-title", [words("chart.title")])
            with rv.BtnToggle(
                v_model=int(by_sectors),
                on_v_model=lambda i: set_by_sectors(bool(i)),
                mandatory=True,
                density="compact",
                class_="sq-mode",
            ):
                rv.Btn(children=[words("chart.total")], size="small", class_="sq-mode-total")
                rv.Btn(children=[words("chart.by_sector")], size="small", class_="sq-mode-sectors")
        Chart(option, "emissions-chart", height=420)


STATUS_TEXT = {"met": "score.met", "reached_then_lost": "score.lost", "met_late": "score.late"}


def status_text_key(row: pd.Series) -> str:
    """The text key of a scorecard row's verdict: met, reached then lost, met late, or missed."""
    if bool(row["met"]):
        return "score.met"
    return STATUS_TEXT.get(row.get("status"), "score.missed")


def _target_cells(row: pd.Series | None, words: Words) -> list[solara.Element]:
    if row is None:
        return [rv.Html(tag="td", children=["–"]), rv.Html(tag="td", children=["–"])]
    met = bool(row["met"])
    chip = span(f"sq-chip {'sq-chip-met' if met else 'sq-chip-missed'}", words(status_text_key(row)))
    first = row["first_year_met"]
    first_text = words("score.since", year=int(first)) if not pd.isna(first) else words("score.never")
    return [rv.Html(tag="td", children=[chip]), rv.Html(tag="td", class_="sq-first", children=[first_text])]


@solara.component
def Scorecard(outcome: Outcome, words: Words) -> None:  # noqa: N802
    """Each target of the plan: met or missed, first year met, for the current settings and the baseline."""
    cur = outcome.current.scorecard
    base = outcome.baseline.scorecard.set_index("target_id")
    texts = load_targets().set_index("id")
    head = [
        "score.target",
        "score.year",
        "score.goal",
        "score.modelled",
        "score.current",
        "score.first",
        "score.baseline",
        "score.first",
    ]
    rows = []
    for _, row in cur.iterrows():
        tid = row["target_id"]
        symbol = COMPARISON_SYMBOLS[row["comparison"]]
        unit = words.unit(row["unit"]) if row["unit"] != "year" else ""
        goal = f"{symbol} {row['target']:g} {unit}".strip()
        modelled = f"{row['modelled']:.0f}" if row["unit"] == "year" else f"{fmt(row['modelled'])} {unit}".strip()
        cells = [
            rv.Html(
                tag="td",
                class_="sq-target-name",
                children=[words(f"target.{tid}")],
                attributes={"title": str(texts.loc[tid, "text"]) if tid in texts.index else ""},
            ),
            rv.Html(tag="td", children=[str(row["year"])]),
            rv.Html(tag="td", children=[goal]),
            rv.Html(tag="td", children=[modelled]),
            *_target_cells(row, words),
            *_target_cells(base.loc[tid] if tid in base.index else None, words),
        ]
        rows.append(rv.Html(tag="tr", class_=f"sq-target sq-target-{tid}", children=cells))
    with div("sq-panel sq-scorecard"):
        div("sq-panel-note", [words("score.note")])
        rv.Table(
            density="compact",
            children=[
                rv.Html(
                    tag="thead",
                    children=[rv.Html(tag="tr", children=[rv.Html(tag="th", children=[words(k)]) for k in head])],
                ),
                rv.Html(tag="tbody", children=rows),
            ],
        )


@solara.component
def ChartGrid(options: list[tuple[str, dict[str, Any]]], words: Words, prefix: str, height: int) -> None:  # noqa: N802
    """Small titled charts three to a row; each chart's test id is ``prefix-<key's last part>``."""
    with div("sq-grid3"):
        for key, option in options:
            with div("sq-subchart"):
                div("sq-subchart-title", [words(key)])
                Chart(option, f"{prefix}-{key.split('.')[1]}", height=height)


@solara.component
def Adoption(outcome: Outcome, words: Words) -> None:  # noqa: N802
    options = solara.use_memo(lambda: adoption_options(outcome, words), [outcome, words.lang])
    with div("sq-panel"):
        div("sq-panel-note", [words("adoption.note")])
        ChartGrid(options, words, "adoption", height=380)


@solara.component
def Fiscal(outcome: Outcome, words: Words) -> None:  # noqa: N802
    """Cost of the incentives by year and instrument, and cost per tonne of CO2 avoided against the baseline."""
    option = solara.use_memo(lambda: fiscal_option(outcome, words), [outcome, words.lang])
    last_year = int(outcome.current.trajectory["year"].max())
    summaries = [
        compare(outcome.current.trajectory, outcome.baseline.trajectory, end=y) for y in (PEAK_YEAR, last_year)
    ]
    with div("sq-panel sq-fiscal"):
        div("sq-panel-note", [words("fiscal.note")])
        with div("sq-fiscal-grid"):
            with div("sq-subchart"):
                div("sq-subchart-title", [words("fiscal.title")])
                Chart(option, "fiscal-chart", height=380)
            with div("sq-fiscal-table"):
                head = [
                    words("fiscal.horizon"),
                    words("fiscal.cost"),
                    words("fiscal.avoided"),
                    words("fiscal.per_tonne"),
                ]
                body = []
                for s in summaries:
                    cells = [
                        words("fiscal.to_year", year=s.end_year),
                        f"{fmt(s.fiscal_cost, 2)}",
                        f"{fmt(s.avoided_mt)}",
                        fmt(s.yuan_per_tonne, 0) if s.yuan_per_tonne is not None else words("card.nothing_avoided"),
                    ]
                    body.append(
                        rv.Html(
                            tag="tr",
                            class_=f"sq-fiscal-{s.end_year}",
                            children=[rv.Html(tag="td", children=[c]) for c in cells],
                        )
                    )
                rv.Table(
                    density="compact",
                    children=[
                        rv.Html(
                            tag="thead",
                            children=[rv.Html(tag="tr", children=[rv.Html(tag="th", children=[h]) for h in head])],
                        ),
                        rv.Html(tag="tbody", children=body),
                    ],
                )
                div("sq-panel-note", [words("fiscal.units")])


@solara.component
def Intensity(outcome: Outcome, words: Words) -> None:  # noqa: N802
    options = solara.use_memo(
        lambda: [(key, intensity_option(outcome, words, ids)) for key, ids in INTENSITY_VIEWS], [outcome, words.lang]
    )
    with div("sq-panel"):
        ChartGrid(options, words, "intensity", height=340)


@solara.component
def EnsembleView(settings: Settings, words: Words) -> None:  # noqa: N802
    """Several seeds of the current settings on request, with progress and the probability of peaking by 2030."""
    members, set_members = solara.use_state(DEFAULT_ENSEMBLE)
    task_ref = solara.use_ref(None)

    def steps(chosen: Settings, size: int) -> Iterator[EnsembleState]:
        task = task_ref.current
        yield from ensemble_steps(chosen, size, keep_going=lambda: task is None or task.is_current())

    task = solara.lab.use_task(steps, dependencies=None, raise_error=False)  # type: ignore[arg-type]
    task_ref.current = task
    state: EnsembleState | None = task.latest  # type: ignore[assignment]
    running = task.pending
    with div("sq-panel sq-ensemble"):
        div("sq-panel-note", [words("ensemble.note", seed=ENSEMBLE_ROOT_SEED)])
        with div("sq-ensemble-controls"):
            span("sq-label", words("ensemble.members"))
            with rv.BtnToggle(
                v_model=ENSEMBLE_SIZES.index(members),
                on_v_model=lambda i: set_members(ENSEMBLE_SIZES[i]),
                mandatory=True,
                density="compact",
                class_="sq-ensemble-size",
            ):
                for n in ENSEMBLE_SIZES:
                    rv.Btn(children=[str(n)], size="small", class_=f"sq-ensemble-{n}")
            solara.Button(
                words("ensemble.run", n=members),
                on_click=lambda: task(settings, members),
                color=CURRENT_COLOUR,
                disabled=running,
                classes=["sq-ensemble-run"],
            )
        if task.error:
            alert(words("error.run", message=str(task.exception)), "sq-error")
            return
        if state is None:
            return
        stale = state.settings != settings
        if running or state.ensemble is None:
            frac = state.done / state.members if state.members else 0.0
            with div("sq-ensemble-progress"):
                rv.ProgressLinear(model_value=PERCENT * frac, color=CURRENT_COLOUR, height=8, rounded=True)
                span("sq-progress-text", words("ensemble.progress", done=state.done, total=state.members))
            return
        if stale:
            div("sq-stale", [words("ensemble.stale")])
        hist, band = ensemble_options(state, words)
        probability = state.ensemble.peak_probability(PEAK_YEAR).value
        with div("sq-ensemble-result"):
            with div("sq-card sq-card-probability " + ("sq-good" if probability >= 0.5 else "sq-bad")):
                div("sq-card-title", [words("ensemble.probability", year=PEAK_YEAR)])
                div("sq-card-value", [f"{probability * PERCENT:.0f} %"])
                div("sq-card-note", [words("ensemble.of_members", n=state.members, year=PEAK_YEAR)])
            with div("sq-subchart"):
                div("sq-subchart-title", [words("ensemble.peak_years")])
                Chart(hist, "ensemble-peaks", height=260)
            with div("sq-subchart"):
                div("sq-subchart-title", [words("ensemble.band_title")])
                Chart(band, "ensemble-band", height=260)


class ShareLink(ipyvuetify.VuetifyTemplate):
    """A button that shows the page's address (which holds every setting) and copies it."""

    label = traitlets.Unicode("").tag(sync=True)
    hint = traitlets.Unicode("").tag(sync=True)
    copy_label = traitlets.Unicode("").tag(sync=True)
    copied_label = traitlets.Unicode("").tag(sync=True)
    template = traitlets.Unicode(
        """
<template>
  <v-menu location="bottom end" :close-on-content-click="false" min-width="480">
    <template v-slot:activator="{ props }">
      <v-btn variant="text" class="sq-share" prepend-icon="mdi-link-variant" v-bind="props" @click="refresh">
        {{ label }}
      </v-btn>
    </template>
    <v-card class="pa-4 sq-share-card">
      <div class="text-caption mb-2">{{ hint }}</div>
      <input class="sq-share-url" readonly :value="href" ref="field" @focus="$event.target.select()" />
      <v-btn class="mt-2 sq-share-copy" size="small" variant="flat" color="#1565c0" @click="copy">
        {{ copied ? copied_label : copy_label }}
      </v-btn>
    </v-card>
  </v-menu>
</template>
<script>
module.exports = {
  data() { return { href: "", copied: false }; },
  methods: {
    refresh() { this.href = window.location.href; this.copied = false; },
    copy() {
      this.refresh();
      const done = () => { this.copied = true; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(this.href).then(done, () => this.selectField());
      } else {
        this.selectField();
      }
    },
    selectField() {
      this.$nextTick(() => { this.$refs.field.focus(); this.$refs.field.select(); });
    },
  },
};
</script>
"""
    ).tag(sync=True)


class Download(ipyvuetify.VuetifyTemplate):
    """A button that downloads text made on the server when it is clicked (``source()``)."""

    label = traitlets.Unicode("").tag(sync=True)
    icon = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode("").tag(sync=True)
    mime_type = traitlets.Unicode("text/plain").tag(sync=True)
    content = traitlets.Unicode("").tag(sync=True)
    serial = traitlets.Int(0).tag(sync=True)
    button_class = traitlets.Unicode("").tag(sync=True)
    source = traitlets.Callable(allow_none=True, default_value=None)
    template = traitlets.Unicode(
        """
<template>
  <v-btn variant="text" :class="button_class" :prepend-icon="icon" :loading="busy" @click="start">{{ label }}</v-btn>
</template>
<script>
module.exports = {
  data() { return { busy: false }; },
  methods: {
    start() { this.busy = true; this.prepare_download(); },
  },
  watch: {
    serial() {
      const blob = new Blob([this.content], { type: this.mime_type });
      const url = window.URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.download = this.filename;
      a.href = url;
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      setTimeout(() => window.URL.revokeObjectURL(url), 1000);
      this.content = "";
      this.busy = false;
    },
  },
};
</script>
"""
    ).tag(sync=True)

    def vue_prepare_download(self, _data: object = None) -> None:
        """Make the text and hand it to the browser."""
        self.content = self.source() if self.source is not None else ""
        self.serial += 1


@solara.component
def TopBar(settings: Settings, outcome: Outcome | None, words: Words, navigate: Callable[[Settings], None]) -> None:  # noqa: N802
    """Title, presets, language, share and downloads."""

    def csv_text() -> str:
        assert outcome is not None
        return outcome.current.trajectory.to_csv(index=False, float_format="%.10g")

    def toml_text() -> str:
        return download_scenario(settings).to_toml()

    csv_data = solara.use_memo(lambda: csv_text, [outcome])
    toml_data = solara.use_memo(lambda: toml_text, [settings])
    name = download_scenario(settings).name
    with div("sq-topbar"):
        with div("sq-brand"):
            div("sq-title", [words("app.title")])
            div("sq-subtitle", [words("app.subtitle")])
        with div("sq-presets"):
            span("sq-label", words("preset.label"))
            with div("sq-preset-buttons"):
                for p in PRESETS:
                    active = p == settings.preset
                    solara.Button(
                        words(f"preset.{p}"),
                        on_click=lambda p=p: navigate(Settings(p, (), settings.lang)),
                        text=not active,
                        classes=["sq-preset", f"sq-preset-{p}", "sq-preset-active" if active else ""],
                    )
        with div("sq-actions"):
            ShareLink.element(
                label=words("share.button"),
                hint=words("share.hint"),
                copy_label=words("share.copy"),
                copied_label=words("share.copied"),
            )
            if outcome is not None:
                Download.element(
                    label=words("download.csv"),
                    icon="mdi-download",
                    filename=f"{name}-seed{SEED}-trajectory.csv",
                    mime_type="text/csv",
                    source=csv_data,
                    button_class="sq-download-csv",
                )
            Download.element(
                label=words("download.toml"),
                icon="mdi-file-download-outline",
                filename=f"{name}.toml",
                mime_type="application/toml",
                source=toml_data,
                button_class="sq-download-toml",
            )
            with rv.BtnToggle(
                v_model=LANGUAGES.index(settings.lang),
                on_v_model=lambda i: navigate(dataclasses.replace(settings, lang=LANGUAGES[i])),
                mandatory=True,
                density="compact",
                class_="sq-lang",
            ):
                for lang in LANGUAGES:
                    rv.Btn(children=[text_table()[lang]["lang.name"]], size="small", class_=f"sq-lang-{lang}")


def _accept_language() -> str | None:
    headers = solara.lab.headers.value or {}
    values = headers.get("accept-language") or headers.get("Accept-Language") or []
    return values[0] if values else None


@solara.component
def Page() -> None:  # noqa: N802 (Solara looks up Page)
    router = solara.use_router()
    default_lang = default_language(_accept_language())
    settings, problems = solara.use_memo(
        lambda: parse_query(router.search, default_lang), [router.search, default_lang]
    )
    words = solara.use_memo(lambda: Words(settings.lang), [settings.lang])

    # the callbacks read the latest router and settings through a ref, so they keep their identity
    # from one render to the next and the controls whose values did not change are not drawn again
    latest = solara.use_ref((router, settings))
    latest.current = (router, settings)

    def make_callbacks() -> tuple[Callable[[Settings], None], Callable[[str, float], None], Callable[[], None]]:
        def navigate(new: Settings) -> None:
            current_router = latest.current[0]
            current_router.push(f"{current_router.path}?{new.query()}")

        def on_commit(name: str, value: float) -> None:
            navigate(latest.current[1].with_value(name, value))

        def on_reset() -> None:
            now = latest.current[1]
            navigate(Settings(now.preset, (), now.lang))

        return navigate, on_commit, on_reset

    navigate, on_commit, on_reset = solara.use_memo(make_callbacks, [])

    def checked() -> tuple[Settings, Scenario, list[str]]:
        try:
            return settings, settings.scenario(), problems
        except ScenarioError as err:  # parse_query checked every value; this is a second line of defence
            fallback = Settings(settings.preset, (), settings.lang)
            return fallback, fallback.scenario(), [*problems, str(err)]

    # memoised: the page is drawn again while a run starts and ends, and the controls need not be
    settings, scenario, problems = solara.use_memo(checked, [router.search, default_lang])

    sim = solara.lab.use_task(lambda: simulate(settings), dependencies=[settings], raise_error=False)
    outcome: Outcome | None = sim.latest  # type: ignore[assignment]
    tab, set_tab = solara.use_state(0)

    solara.Title(words("app.title"))
    solara.Style(CSS)
    with div("sq-app" + (" sq-busy" if sim.pending else ""), **{"data-lang": settings.lang}):
        TopBar(settings, outcome, words, navigate)
        div("sq-progress", [rv.ProgressLinear(indeterminate=True, height=3, color="amber", active=bool(sim.pending))])
        with div("sq-body"):
            ControlPanel(settings, scenario, words, on_commit, on_reset)
            with div("sq-main"):
                for message in problems:
                    alert(words("error.link", message=message.removeprefix(LINK + ": ")), "sq-error sq-link-error")
                if sim.error:
                    alert(words("error.run", message=str(sim.exception)), "sq-error")
                if outcome is None:
                    with div("sq-loading"):
                        rv.ProgressCircular(indeterminate=True, color=CURRENT_COLOUR, size=48)
                        div("", [words("status.running")])
                    return
                with div("sq-outcome", **{"data-settings": outcome.settings.query()}):
                    Headlines(outcome, words)
                    EmissionsChart(outcome, words)
                    with div("sq-panel sq-tabs"):
                        with rv.Tabs(v_model=tab, on_v_model=set_tab, color=CURRENT_COLOUR, density="compact"):
                            for i, name in enumerate(TABS):
                                rv.Tab(children=[words(f"tab.{name}")], value=i, class_=f"sq-tab-{name}")
                        views = {"scorecard": Scorecard, "adoption": Adoption, "fiscal": Fiscal, "intensity": Intensity}
                        if TABS[tab] in views:
                            views[TABS[tab]](outcome, words)
                        # the ensemble stays mounted (hidden) so a run in progress and its result survive a tab change
                        with div("sq-ensemble-tab" + ("" if TABS[tab] == "ensemble" else " sq-hidden")):
                            EnsembleView(settings, words)
                    div(
                        "sq-footer",
                        [words("footer", seed=SEED, households=f"{HOUSEHOLDS:,}", preset=words(f"preset.{BASELINE}"))],
                    )


@solara.component
def Layout(children: list | None = None) -> solara.Element:  # noqa: N802
    """The whole window is the app's own layout (no Solara app bar or sidebar)."""
    return div("sq-root", children or [])


CSS = """
html, body { overflow: hidden !important; }
.sq-root, .sq-app { height: 100vh; }
.sq-app { display: flex; flex-direction: column; background: #eef2f6; color: #1f2a37;
  font-family: Roboto, 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif; }
.sq-topbar { display: flex; align-items: center; gap: 20px; padding: 8px 20px; flex: none;
  background: linear-gradient(90deg, #0b3954 0%, #12507a 100%); color: #fff; }
.sq-brand { flex: none; }
.sq-title { font-size: 19px; font-weight: 600; letter-spacing: .2px; }
.sq-subtitle { font-size: 12px; opacity: .8; }
.sq-presets { display: flex; align-items: center; gap: 10px; flex: 1; }
.sq-actions { display: flex; align-items: center; gap: 4px; }
.sq-label { font-size: 12px; opacity: .85; }
.sq-topbar .v-btn-toggle { background: rgba(255,255,255,.12) !important; }
.sq-topbar .v-btn-toggle .v-btn { color: #fff !important; background: transparent !important;
  border-color: rgba(255,255,255,.3) !important; text-transform: none; }
.sq-topbar .v-btn-toggle .v-btn.v-btn--active { background: #fff !important; color: #0b3954 !important; }
.sq-topbar .v-btn { text-transform: none; letter-spacing: 0; }
.sq-preset-buttons { display: flex; gap: 2px; background: rgba(255,255,255,.12); border-radius: 6px; padding: 2px; }
.sq-topbar .sq-preset { color: #fff !important; text-transform: none; letter-spacing: 0; height: 30px !important; }
.sq-topbar .sq-preset-active { background: #fff !important; color: #0b3954 !important; }
.sq-topbar .v-btn--variant-text { color: #fff; }
.sq-card-line { display: flex; align-items: baseline; gap: 0 6px; flex-wrap: wrap; }
.sq-card-unit { font-size: 13px; color: #5b6b7c; white-space: nowrap; }
.sq-controls-head { display: flex; align-items: center; gap: 8px; padding: 8px 18px 0 18px; min-height: 40px; }
.sq-controls-preset { font-size: 13px; font-weight: 600; color: #13293d; }
.sq-reset { text-transform: none; letter-spacing: 0; }
.sq-modified-tag { font-size: 12px; background: #ffb300; color: #1f2a37; border-radius: 10px; padding: 2px 10px; }
.sq-progress { height: 3px; flex: none; }
.sq-body { display: flex; flex: 1; min-height: 0; }
.sq-controls { width: 390px; flex: none; overflow-y: auto; background: #fff; border-right: 1px solid #dde3ea;
  padding: 6px 0 24px 0; }
.sq-section-title { font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .8px;
  color: #5b6b7c; padding: 12px 18px 4px 18px; }
.sq-panels .v-expansion-panel-header { min-height: 44px !important; padding: 8px 18px; font-weight: 600; }
.sq-panels .v-expansion-panel-content__wrap { padding: 0 18px 8px 18px; }
.sq-group-title { display: flex; align-items: center; gap: 8px; }
.sq-changed-badge { font-size: 11px; font-weight: 500; background: #fff3cd; color: #8a5a00; border-radius: 10px; padding: 1px 8px; }
.sq-control { padding: 8px 0 6px 0; border-bottom: 1px solid #f0f2f5; }
.sq-control-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; cursor: help; }
.sq-control-label { font-size: 13px; color: #2b3a4a; }
.sq-control-value { font-size: 13px; font-weight: 600; color: #1565c0; white-space: nowrap; }
.sq-modified .sq-control-value { color: #e65100; }
.sq-modified .sq-control-label { font-weight: 600; }
.sq-slider { margin-top: 0 !important; }
.sq-slider .v-slider { min-height: 26px; }
.sq-scale { position: relative; display: flex; justify-content: space-between; padding-top: 7px;
  font-size: 11px; color: #8a96a3; }
.sq-plan-tick { position: absolute; top: -6px; transform: translateX(-50%); color: #2e7d32; font-size: 10px;
  line-height: 10px; }
.sq-plan-text { color: #2e7d32; white-space: nowrap; }
.sq-plan-inline { font-size: 11px; color: #2e7d32; white-space: nowrap; }
.sq-switch .v-label { font-size: 13px; }
.sq-main { flex: 1; min-width: 0; overflow-y: auto; padding: 14px 20px 24px 20px; }
.sq-cards { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 12px; margin-bottom: 12px; }
.sq-card { background: #fff; border-radius: 10px; padding: 10px 14px; box-shadow: 0 1px 3px rgba(16,24,40,.08);
  border-top: 4px solid #90a4ae; }
.sq-card.sq-good { border-top-color: #2e7d32; }
.sq-card.sq-bad { border-top-color: #c62828; }
.sq-card-title { font-size: 12px; color: #5b6b7c; }
.sq-card-value { font-size: 25px; font-weight: 700; line-height: 1.25; color: #13293d; white-space: nowrap; }
.sq-card-note { font-size: 12px; color: #6b7785; }
.sq-panel { background: #fff; border-radius: 10px; box-shadow: 0 1px 3px rgba(16,24,40,.08); padding: 12px 14px;
  margin-bottom: 12px; }
.sq-panel-head { display: flex; justify-content: space-between; align-items: center; }
.sq-panel-title { font-size: 15px; font-weight: 600; }
.sq-panel-note { font-size: 12px; color: #6b7785; margin: 4px 0 8px 0; }
.sq-tabs { padding-top: 4px; }
.sq-tabs .v-tab { text-transform: none; font-weight: 600; letter-spacing: 0; }
.sq-tabs .sq-panel { box-shadow: none; padding: 8px 0 0 0; margin: 0; }
.sq-grid3 { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; }
.sq-subchart-title { font-size: 13px; font-weight: 600; color: #34495e; }
.sq-scorecard table th { font-size: 12px !important; color: #5b6b7c !important; white-space: nowrap; }
.sq-scorecard table td { font-size: 13px !important; }
.sq-target-name { cursor: help; }
.sq-chip { display: inline-block; border-radius: 10px; padding: 1px 10px; font-size: 12px; font-weight: 600; }
.sq-chip-met { background: #e3f4e5; color: #1b5e20; }
.sq-chip-missed { background: #fdecea; color: #b71c1c; }
.sq-first { color: #5b6b7c; }
.sq-fiscal-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; }
.sq-ensemble-controls { display: flex; align-items: center; gap: 12px; margin: 6px 0 10px 0; }
.sq-ensemble-result { display: grid; grid-template-columns: 220px minmax(0, 1fr) minmax(0, 1fr); gap: 12px; align-items: start; }
.sq-ensemble-progress { max-width: 520px; }
.sq-progress-text { font-size: 13px; color: #34495e; }
.sq-stale { font-size: 12px; color: #8a5a00; background: #fff3cd; padding: 4px 10px; border-radius: 6px; margin-bottom: 8px; }
.sq-loading { display: flex; flex-direction: column; align-items: center; gap: 12px; padding: 120px 0; color: #5b6b7c; }
.sq-footer { font-size: 11.5px; color: #7b8794; padding: 4px 2px; }
.sq-share-card input.sq-share-url { width: 100%; border: 1px solid #c5cdd8; border-radius: 4px; padding: 6px 8px;
  font-family: monospace; font-size: 12px; }
.sq-error { margin-bottom: 8px; }
.sq-app .v-btn { text-transform: none; letter-spacing: 0; }
.sq-hidden { display: none; }
"""
