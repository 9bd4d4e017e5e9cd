"""The ensemble tab: several seeds of the current settings on request, with progress and P(peak by the target year)."""

from __future__ import annotations

from collections.abc import Iterator

import reacton.ipyvuetify as rv
import solara
import solara.lab

from webapp.catalogue import PEAK_YEAR
from webapp.charts import ensemble_options
from webapp.components.chart import Chart
from webapp.components.html import alert, div, span
from webapp.numbers import PERCENT
from webapp.palette import CURRENT_COLOUR
from webapp.runs import ENSEMBLE_ROOT_SEED, EnsembleState, ensemble_steps
from webapp.state import Settings
from webapp.text import Words

ENSEMBLE_SIZES = (5, 10, 20)
DEFAULT_ENSEMBLE = 10


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
