"""What the user chose (preset, changed values, language) and how it is written in the page's address."""

from __future__ import annotations

import dataclasses
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache

from abm.scenario import Scenario, ScenarioError, load_scenario
from webapp.catalogue import CONTROL_NAMES, DEFAULT_PRESET, PRESETS, REGISTRY
from webapp.text import FALLBACK_LANG, LANGUAGES

PRESET_KEY, LANG_KEY = "preset", "lang"
LINK = "link"  # where a value came from, in messages


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
