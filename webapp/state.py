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

PRESET_KEY, LANG_KEY, PIN_KEY, PIN_NAME_KEY = "preset", "lang", "pin", "name"
LINK = "link"  # where a value came from, in messages
MAX_PINS = 3  # pinned scenarios compared with the current settings
PIN_NAME_CHARACTERS = 40  # a pin's name is cut to this many characters
MAX_FIELDS = len(CONTROL_NAMES) + 2  # settings of a link, besides its pins
SHOWN_CHARACTERS = 40  # a value quoted in a message is cut to about this many characters

__all__ = ["LinkProblem", "Pin", "Settings", "download_scenario", "parse_query", "preset_scenario"]


@dataclass(frozen=True)
class LinkProblem:
    """A part of a link that was ignored: the key of its message in the app's words, and what fills it.

    ``str()`` gives the English message; :meth:`text` the message in the page's language.
    """

    key: str
    values: tuple[tuple[str, str], ...] = ()
    pin: str = ""  # the pinned scenario the problem is in ("" for the current settings)

    def text(self, words: Words) -> str:
        """The message in ``words``' language (parameter names and numbers as the link writes them)."""
        if self.pin:
            inner = dataclasses.replace(self, pin="").text(words)
            return words("link.in_pin", name=self.pin, message=inner)
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
class Pin:
    """A pinned scenario: its name, and the preset and changed values it was pinned with."""

    name: str
    preset: str = DEFAULT_PRESET
    overrides: tuple[tuple[str, float], ...] = ()

    def settings(self, lang: str = FALLBACK_LANG) -> Settings:
        """The pinned scenario as settings to run (in the page's language)."""
        return Settings(self.preset, self.overrides, lang)

    def query(self) -> str:
        """The pin as a query string: ``name=A&preset=plan&ev_subsidy=5000``."""
        pairs = [(PIN_NAME_KEY, self.name), (PRESET_KEY, self.preset)]
        return urllib.parse.urlencode(pairs + [(n, number_text(v)) for n, v in self.overrides])


@dataclass(frozen=True)
class Settings:
    """What the user chose: a preset, values that differ from it, the language, and the pinned scenarios.

    The pins are not compared: two settings that differ only in their pins have the same answer.
    """

    preset: str = DEFAULT_PRESET
    overrides: tuple[tuple[str, float], ...] = ()
    lang: str = FALLBACK_LANG
    pins: tuple[Pin, ...] = dataclasses.field(default=(), compare=False)

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
        pairs = [(PRESET_KEY, self.preset), *((n, number_text(v)) for n, v in self.overrides)]
        pairs += [(PIN_KEY, pin.query()) for pin in self.pins]
        return urllib.parse.urlencode([*pairs, (LANG_KEY, self.lang)])

    def pinned(self, name: str) -> Settings:
        """These settings with themselves added as a pin named ``name`` (the oldest pin dropped beyond three)."""
        pin = Pin(_cut_name(name), self.preset, self.overrides)
        return dataclasses.replace(self, pins=(*self.pins, pin)[-MAX_PINS:])

    def unpinned(self, index: int) -> Settings:
        """These settings without their ``index``-th pin."""
        return dataclasses.replace(self, pins=self.pins[:index] + self.pins[index + 1 :])

    def with_preset(self, preset: str) -> Settings:
        """A preset with no changed values, keeping the language and the pins."""
        return Settings(preset, (), self.lang, self.pins)


def _cut_name(name: str) -> str:
    clean = " ".join("".join(c if c.isprintable() else " " for c in name).split())
    return clean[:PIN_NAME_CHARACTERS]


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
            (search or "").removeprefix("?"), keep_blank_values=True, max_num_fields=MAX_FIELDS + MAX_PINS
        )
    except ValueError:
        pairs = None
    if pairs is None or sum(key != PIN_KEY for key, _ in pairs) > MAX_FIELDS:
        return Settings(lang=default_lang), [_problem("too_many", n=MAX_FIELDS)]
    pin_texts = [text for key, text in pairs if key == PIN_KEY]
    raw = dict((key, text) for key, text in pairs if key != PIN_KEY)  # a key given twice: the last value counts
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
    pins: list[Pin] = []
    if len(pin_texts) > MAX_PINS:
        problems.append(_problem("too_many_pins", n=MAX_PINS))
    for i, text in enumerate(pin_texts[:MAX_PINS]):
        pin, pin_problems = parse_pin(text, i)
        problems += pin_problems
        if pin is not None:
            pins.append(pin)
    return Settings(preset, overrides, lang, tuple(pins)), problems


def pin_letter(index: int) -> str:
    """The letter of the ``index``-th pin: A, B, C."""
    return "ABCDEFGH"[index]


def parse_pin(text: str, index: int) -> tuple[Pin | None, list[LinkProblem]]:
    """A pinned scenario from its query (``name=…&preset=…&lever=value``), checked like the page's own link.

    A value the link cannot show is left out (the pin keeps the preset's value) and reported
    with the pin's name; a pin whose query cannot be read at all is left out.
    """
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return None, [_problem("too_many", n=MAX_FIELDS)]
    name = _cut_name(dict(pairs).get(PIN_NAME_KEY, "")) or pin_letter(index)
    rest = [(k, v) for k, v in pairs if k not in (PIN_NAME_KEY, PIN_KEY, LANG_KEY)]
    settings, problems = parse_query(urllib.parse.urlencode(rest))
    pin = Pin(name, settings.preset, settings.overrides)
    return pin, [dataclasses.replace(p, pin=name) for p in problems]


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
