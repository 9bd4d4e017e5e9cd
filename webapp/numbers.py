"""Numbers as the user reads them: formatting, round slider steps, a lever's value with its unit."""

from __future__ import annotations

import math
from functools import lru_cache

from abm.parameters import Parameter
from webapp.catalogue import CONTROLS, PRESETS, SWITCH, preset_scenario
from webapp.text import Words

PERCENT = 100.0
PERCENT_UNITS = {"fraction", "fraction of cost", "fraction/yr", "1/yr"}  # shown as percentages
NICE_STEPS = (5.0, 2.0, 1.0)
SLIDER_POSITIONS = 100  # a slider has at least this many positions across its range
FINEST_STEP_DECADES = 6  # a slider step is at most a million times finer than its range / SLIDER_POSITIONS
ON_STEP_TOLERANCE = 1e-6  # in steps: a value this close to a multiple of the step lies on it


def fmt(value: float | None, digits: int = 1) -> str:
    """A number with thousands separators and ``digits`` decimals; a dash for none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:,.{digits}f}"


YUAN_PER_100_MILLION = 1e8  # the model's money unit (100 million yuan, 亿元) in yuan
# the money units a reader of each language expects, largest first: (yuan per unit, key in the app's words)
MONEY_SCALES = {
    "en": ((1e9, "money.billion"), (1e6, "money.million")),
    "zh": ((1e8, "money.yi"), (1e4, "money.wan")),
}
MONEY_FIGURES = 3  # significant figures of a sum of money


def money(value_100m_yuan: float | None, words: Words) -> tuple[str, str]:
    """A sum of money given in 100 million yuan as (number, unit) in units natural to ``words``' language.

    English: billion or million yuan; Chinese: 亿元 or 万元; three significant figures
    (``3.38`` -> ``("338", "million yuan")`` or ``("3.38", "亿元")``).
    """
    scales = MONEY_SCALES.get(words.lang, MONEY_SCALES["en"])
    if value_100m_yuan is None or not math.isfinite(value_100m_yuan):
        return fmt(None), words(scales[0][1])
    yuan = value_100m_yuan * YUAN_PER_100_MILLION
    factor, key = next(((f, k) for f, k in scales if abs(yuan) >= f), scales[-1])
    amount = yuan / factor
    digits = 0 if amount == 0 else max(0, min(2, MONEY_FIGURES - 1 - math.floor(math.log10(abs(amount)))))
    return fmt(amount, digits), words(key)


def money_text(value_100m_yuan: float | None, words: Words) -> str:
    """:func:`money` as one string: ``338 million yuan``, ``3.38亿元``."""
    number, unit = money(value_100m_yuan, words)
    return f"{number}{unit}" if words.lang == "zh" else f"{number} {unit}"


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
