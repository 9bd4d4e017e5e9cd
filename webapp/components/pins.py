"""Pinned scenarios: the Pin button, a chip per pin with its ×, their answers, and their row of headline numbers."""

from __future__ import annotations

import solara
import solara.lab

from webapp.catalogue import PEAK_YEAR
from webapp.components.headlines import peak_text
from webapp.components.markup import element, static_html, text
from webapp.numbers import PERCENT, fmt, money_text
from webapp.palette import CURRENT_COLOUR, PIN_COLOURS
from webapp.runs import Outcome, answers, estimate
from webapp.state import MAX_PINS, Pin, Settings, number_text, pin_letter
from webapp.text import Words


def auto_name(settings: Settings, words: Words) -> str:
    """A short name for pinning ``settings``: "A: Plan + EV subsidy 5000", or "A: Plan + 3 changed"."""
    name = f"{pin_letter(len(settings.pins) % MAX_PINS)}: {words(f'preset.{settings.preset}')}"
    if len(settings.overrides) == 1:
        lever, value = settings.overrides[0]
        name += f" + {words.param(lever)} {number_text(value)}"
    elif settings.overrides:
        name += " + " + words("pin.custom", n=len(settings.overrides))
    return name


def use_answer(settings: Settings | None) -> Outcome | None:
    """The answer of ``settings`` (None: nothing): the estimate at once, the exact answer when its runs are done."""
    first = solara.use_memo(lambda: estimate(settings) if settings is not None else None, [settings])
    task_ref = solara.use_ref(None)

    def steps():
        if settings is None:
            return
        task = task_ref.current
        yield from answers(settings, lambda: task is None or task.is_current(), shown=first)

    task = solara.lab.use_task(steps, dependencies=[settings], raise_error=False)  # type: ignore[arg-type]
    task_ref.current = task
    step = task.latest
    exact = step.outcome if step is not None and step.outcome is not None else None
    if exact is not None and exact.settings == settings:
        return exact
    return first


def use_pin_answers(settings: Settings) -> list[tuple[str, str, Outcome]]:
    """Each pin's name, colour and answer (pins whose answer has not come yet are left out)."""
    slots = [pin.settings(settings.lang) for pin in settings.pins] + [None] * MAX_PINS
    found = [use_answer(slots[i]) for i in range(MAX_PINS)]  # always MAX_PINS hooks, in the same order
    return [
        (pin.name, PIN_COLOURS[i], outcome)
        for i, (pin, outcome) in enumerate(zip(settings.pins, found, strict=False))
        if outcome is not None and outcome.settings == slots[i]
    ]


def pin_chips(pins: tuple[Pin, ...]) -> list[dict[str, str]]:
    """What the chart's head shows of each pin (``Settings.pins``): its name, and its settings as the chip's title.

    The chip's colour is its place (``.sq-pin-N`` in style.css, the colours of ``PIN_COLOURS``).
    """
    return [{"name": pin.name, "title": pin.query()} for pin in pins]


def _row(name: str, colour: str, outcome: Outcome, words: Words) -> str:
    cur = outcome.current
    at = cur.years.index(PEAK_YEAR)
    co2 = float(cur.band(cur.headline)[0].iloc[at])
    summary = outcome.compared(PEAK_YEAR)
    cells = [
        element("td", element("span", "●", style=f"color: {colour}") + " " + text(name), "sq-compare-name"),
        element("td", text(peak_text(cur, words))),
        element("td", text(f"{fmt(co2)} {words('unit.Mt')}")),
        element("td", text(f"{cur.peak_probability.value * PERCENT:.0f} %")),
        element("td", text(f"{int(cur.scorecard['met'].sum())} / {len(cur.scorecard)}")),
        element("td", text(money_text(summary.fiscal_cost, words))),
        element("td", text(words(f"answer.{outcome.kind}"))),
    ]
    return element("tr", "".join(cells), "sq-compare-row")


@solara.component
def ComparisonRow(outcome: Outcome, pins: list[tuple[str, str, Outcome]], words: Words) -> None:  # noqa: N802
    """The current settings and each pinned scenario side by side: peak year, 2030 CO2, P(peak), targets, cost."""
    head = [
        words("pin.scenario"),
        words("card.peak_year"),
        words("card.co2_in", year=PEAK_YEAR),
        words("card.probability", year=PEAK_YEAR),
        words("card.targets"),
        words("card.cost", year=PEAK_YEAR),
        words("pin.answer"),
    ]
    rows = [_row(words("chart.current"), CURRENT_COLOUR, outcome, words)]
    rows += [_row(name, colour, answer, words) for name, colour, answer in pins]
    thead = element("thead", element("tr", "".join(element("th", text(h)) for h in head)))
    table = element("table", thead + element("tbody", "".join(rows)))
    static_html("sq-compare v-table v-theme--light v-table--density-compact", element("div", table, "v-table__wrapper"))
