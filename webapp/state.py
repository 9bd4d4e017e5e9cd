"""What the user chose (preset, changed values, language) and how it is written in the page's address."""

from __future__ import annotations

import dataclasses
import math
import urllib.parse
from dataclasses import dataclass

from abm.parameters import Parameter, parse_number, show
from abm.scenario import Scenario, ScenarioError
from webapp.catalogue import CONTROL_NAMES, DEFAULT_PRESET, PRESETS, REGISTRY, SWITCH, preset_scenario
from webapp.numbers import ON_STEP_TOLERANCE, decimals, is_percent, slider_step
from webapp.text import FALLBACK_LANG, LANGUAGES, Words

PRESET_KEY, LANG_KEY = "preset", "lang"
LINK = "link"  # where a value came from, in messages
MAX_FIELDS = len(CONTROL_NAMES) + 2
SHOWN_CHARACTERS = 40  # a value quoted in a message is cut to about this many characters

__all__ = ["LinkProblem", "Settings", "download_scenario", "parse_query", "preset_scenario"]


@dataclass(frozen=True)
class LinkProblem:
    """A part of a link that was ignored: the key of its message in the app's words, and what fills it.

    ``str()`` gives the English message; :meth:`text` the message in the page's language.
    """

    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text(self, words: Words) -> str:
        """The message in ``words``' language (parameter names and numbers as the link writes them)."""
        values = dict(self.values)
        if "name" in values and values["name"] in REGISTRY:
            values["label"] = words.param(values["name"])
        if "unit" in values:
            values["unit"] = words.unit(values["unit"])
        return words(f"link.{self.key}", **values)

    def __str__(self) -> str:
        return self.text(Words(FALLBACK_LANG))


def _problem(key: str, **values: object) -> LinkProblem:
    return LinkProblem(key, tuple((k, str(v)) for k, v in values.items()))


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…"


def on_grid(p: Parameter, value: float) -> bool:
    """True when ``value`` is one of the positions of ``p``'s slider (or switch)."""
    assert p.low is not None
    step = 1.0 if p.unit == SWITCH else slider_step(p)
    offset = (value - p.low) / step
    return abs(offset - round(offset)) < ON_STEP_TOLERANCE


def check_link_value(name: str, text: str) -> LinkProblem | None:
    """Why the link's ``name=text`` cannot be shown by the app's control, or None when it can.

    A value must be a number written in ASCII, whole for years and counts, inside the
    registry's range, and one of the slider's positions: a link reproduces exactly what it
    says or says that it did not.
    """
    if name not in REGISTRY:
        return _problem("unknown_key", name=_cut(name))
    if name not in CONTROL_NAMES:
        return _problem("not_control", name=name)
    p = REGISTRY[name]
    assert p.low is not None and p.high is not None
    try:
        value = parse_number(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value):
        return _problem("not_number", name=name, value=show(text, SHOWN_CHARACTERS))
    if not p.low <= value <= p.high:
        return _problem(
            "out_of_range",
            name=name,
            value=number_text(value),
            low=number_text(p.low),
            high=number_text(p.high),
            unit="" if is_percent(p) else p.unit,  # a link writes fractions, the slider shows percent
        )
    if p.whole and not value.is_integer():
        return _problem("whole", name=name, value=number_text(value))
    if not on_grid(p, value):
        step = 1.0 if p.unit == SWITCH else slider_step(p)
        digits = decimals(step)
        below = p.low + math.floor((value - p.low) / step) * step
        above = min(p.high, below + step)
        return _problem(
            "off_grid", name=name, value=number_text(value), below=f"{below:.{digits}f}", above=f"{above:.{digits}f}"
        )
    return None


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


def parse_query(search: str | None, default_lang: str = FALLBACK_LANG) -> tuple[Settings, list[LinkProblem]]:
    """Settings from a query string, and a problem for each part that was ignored.

    Every value is checked by :func:`check_link_value`, then all together by
    :meth:`Scenario.with_settings`; an ignored value leaves the preset's value in place.
    """
    problems: list[LinkProblem] = []
    try:
        pairs = urllib.parse.parse_qsl(
            (search or "").removeprefix("?"), keep_blank_values=True, max_num_fields=MAX_FIELDS
        )
    except ValueError:
        return Settings(lang=default_lang), [_problem("too_many", n=MAX_FIELDS)]
    raw = dict(pairs)  # a key given twice: the last value counts
    lang = raw.pop(LANG_KEY, default_lang)
    if lang not in LANGUAGES:
        problems.append(_problem("unknown_lang", value=show(lang, SHOWN_CHARACTERS), langs=", ".join(LANGUAGES)))
        lang = default_lang
    preset = raw.pop(PRESET_KEY, DEFAULT_PRESET)
    if preset not in PRESETS:
        problems.append(_problem("unknown_preset", value=show(preset, SHOWN_CHARACTERS), presets=", ".join(PRESETS)))
        preset = DEFAULT_PRESET
    base = preset_scenario(preset)
    accepted: dict[str, str] = {}
    for key, text in raw.items():
        problem = check_link_value(key, text)
        if problem is None:
            try:
                base.with_settings({key: text}, where=LINK)
            except ScenarioError:  # a second line of defence: the registry's own checks
                problem = _problem("rejected", name=_cut(key))
        if problem is not None:
            problems.append(problem)
            continue
        accepted[key] = text
    try:
        scenario = base.with_settings(accepted, where=LINK)
    except ScenarioError:  # values valid one by one but not together
        problems.append(_problem("together"))
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
