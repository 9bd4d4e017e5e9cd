"""The main chart area and its menu of graphs: CO2 (total, by sector, two frames), energy, adoption, money, distribution."""

from __future__ import annotations

from collections.abc import Callable

import reacton.ipyvuetify as rv
import solara
import solara.lab
import traitlets

from webapp.catalogue import INTENSITY_VIEWS
from webapp.charts import (
    PinLine,
    adoption_options,
    carrier_option,
    distribution_options,
    emissions_option,
    fiscal_option,
    frames_option,
    intensity_option,
)
from webapp.components.chart import Chart, ChartGrid
from webapp.components.compiled import CompiledTemplate
from webapp.components.html import div
from webapp.components.markup import NoLayout
from webapp.components.pins import ComparisonRow, pin_chips
from webapp.runs import DISTRIBUTION_MEMBERS, HOUSEHOLDS, Distribution, Outcome, distribution
from webapp.state import MAX_PINS, Pin
from webapp.text import Words

GRAPHS = ["total", "sectors", "frames", "carrier", "adoption", "fiscal", "intensity", "county", "quintile"]
DISTRIBUTION_GRAPHS = ("county", "quintile")
PINNED_GRAPHS = ("total", "sectors", "frames")  # the graphs that draw the pinned scenarios' lines


class ChartHead(NoLayout, CompiledTemplate):
    """The main chart's title, the Pin button and a chip per pin, as one widget (the menu of graphs follows it).

    Drawn in the browser from its texts; a click on Pin calls ``on_pin()``, on a pin's × ``on_unpin(index)``
    on the server. Its root has ``display: contents``, so its parts are laid out in the head's row.
    """

    template_name = "chart_head"

    title = traitlets.Unicode("").tag(sync=True)
    pinning = traitlets.Bool(False).tag(sync=True)  # whether the Pin button and the pins are shown
    pin_label = traitlets.Unicode("").tag(sync=True)
    pin_hint = traitlets.Unicode("").tag(sync=True)
    pins_full = traitlets.Bool(False).tag(sync=True)
    remove_label = traitlets.Unicode("").tag(sync=True)
    pins = traitlets.List().tag(sync=True)  # {"name": shown name, "title": its link's settings}
    on_pin = traitlets.Callable(allow_none=True, default_value=None)
    on_unpin = traitlets.Callable(allow_none=True, default_value=None)

    def vue_pin(self, _data: object = None) -> None:
        if self.on_pin is not None:
            self.on_pin()

    def vue_unpin(self, index: int) -> None:
        if self.on_unpin is not None:
            self.on_unpin(int(index))


@solara.component
def DistributionView(outcome: Outcome, view: str, words: Words) -> None:  # noqa: N802
    """Distribution by county or income quintile from the first members' exact runs (waited for in a thread)."""
    settings = outcome.settings
    task_ref = solara.use_ref(None)

    def steps():
        task = task_ref.current
        yield from distribution(settings, lambda: task is None or task.is_current())

    task = solara.lab.use_task(steps, dependencies=[settings], raise_error=False)  # type: ignore[arg-type]
    task_ref.current = task
    latest = task.latest
    ready = latest if isinstance(latest, Distribution) else None
    options = solara.use_memo(
        lambda: distribution_options(ready, words, view) if ready is not None else [], [ready, view, words.lang]
    )
    note = words("graph.distribution_note", n=DISTRIBUTION_MEMBERS, households=f"{HOUSEHOLDS:,}")
    div("sq-panel-note sq-graph-note", [note])
    if task.error:
        div("sq-error", [words("error.run", message=str(task.exception))])
    elif ready is not None:
        ChartGrid(options, words, f"graph-{view}", height=300)
    else:
        done, total = latest if isinstance(latest, tuple) else (0, 2 * DISTRIBUTION_MEMBERS)
        with div("sq-graph-wait"):
            rv.ProgressLinear(model_value=100 * done / max(total, 1), height=4, color="amber")
            div("", [words("graph.distribution_wait", done=done, total=total)])


def graph_options(outcome: Outcome, words: Words, view: str, pins: list[PinLine]) -> list[tuple[str, dict]]:
    """The charts of one graph of the menu (not the distribution graphs): (text key, ECharts option) each."""
    if view in ("total", "sectors"):
        return [("graph." + view, emissions_option(outcome, words, view == "sectors", pins))]
    if view == "frames":
        return [("graph.frames", frames_option(outcome, words, pins))]
    if view == "carrier":
        return [("graph.carrier", carrier_option(outcome, words))]
    if view == "adoption":
        return adoption_options(outcome, words)
    if view == "fiscal":
        return [("graph.fiscal", fiscal_option(outcome, words))]
    return [(key, intensity_option(outcome, words, ids)) for key, ids in INTENSITY_VIEWS]


@solara.component
def EmissionsChart(  # noqa: N802
    outcome: Outcome,
    words: Words,
    pins: list[PinLine] | None = None,
    pinning: tuple[tuple[Pin, ...], Callable[[], None], Callable[[int], None]] | None = None,
) -> None:
    """The main chart with its menu of graphs; CO2 in total (the headline indicator) at first.

    ``pinning`` (the pins, pin, unpin) puts the Pin button and the pins in the chart's head, and the
    comparison table under it when there are pins.
    """
    view, set_view = solara.use_state("total")
    pins = pins or []
    with div(f"sq-panel sq-main-chart sq-graph-{view}"):
        pinned = pinning[0] if pinning is not None else ()
        with div("sq-panel-head"):
            ChartHead.element(
                title=words("chart.title") if view == "total" else words(f"graph.{view}"),
                pinning=pinning is not None,
                pin_label=words("pin.button"),
                pin_hint=words("pin.full" if len(pinned) >= MAX_PINS else "pin.hint", n=MAX_PINS),
                pins_full=len(pinned) >= MAX_PINS,
                remove_label=words("pin.remove"),
                pins=pin_chips(pinned),
                on_pin=pinning[1] if pinning is not None else None,
                on_unpin=pinning[2] if pinning is not None else None,
            )
            rv.Select(
                items=[{"title": words(f"graph.{g}"), "value": g} for g in GRAPHS],
                v_model=view,
                on_v_model=set_view,
                attributes={"title": words("graph.label"), "aria-label": words("graph.label")},
                density="compact",
                variant="outlined",
                hide_details=True,
                class_="sq-graph-menu",
            )
        if pins:
            ComparisonRow(outcome, pins, words)
        options = solara.use_memo(
            lambda: [] if view in DISTRIBUTION_GRAPHS else graph_options(outcome, words, view, pins),
            [outcome, words.lang, view, tuple((n, c, id(o)) for n, c, o in pins)],
        )
        if view in DISTRIBUTION_GRAPHS:
            DistributionView(outcome, view, words)
            return
        if view == "carrier":
            div("sq-panel-note sq-graph-note", [words("graph.carrier_note")])
        if pins and view in PINNED_GRAPHS:
            div("sq-panel-note sq-graph-note", [words("graph.pins_note")])
        if view == "frames":
            div("sq-panel-note sq-graph-note", [words("graph.frames_note")])
        if len(options) == 1:
            Chart(options[0][1], "emissions-chart", height=420)
        else:
            ChartGrid(options, words, f"graph-{view}", height=300)
