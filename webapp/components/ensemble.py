"""How sure the answer is: the estimate/exact marker with progress, and the Members tab (each member, peak years)."""

from __future__ import annotations

import reacton.ipyvuetify as rv
import solara

from webapp.charts import members_options
from webapp.components.chart import Chart
from webapp.components.html import div, span
from webapp.numbers import PERCENT
from webapp.palette import CURRENT_COLOUR
from webapp.runs import ESTIMATE, EXACT, Outcome
from webapp.text import Words


@solara.component
def AnswerStatus(  # noqa: N802
    outcome: Outcome,
    progress: tuple[int, int] | None,
    waiting: bool,
    why_exact_only: tuple[str, dict[str, str]] | None,
    words: Words,
) -> None:
    """Estimate (with the exact runs' progress: done, total) or exact, what the runs include, why exact only.

    ``waiting``: the answer shown is of earlier settings, the exact runs of the new ones under way.
    """
    kind = "earlier" if waiting else outcome.kind
    with div(f"sq-answer sq-answer-{kind}"):
        span(f"sq-answer-kind sq-kind-{kind}", words(f"answer.{kind}"))
        if kind == ESTIMATE:
            span("sq-answer-note", words("answer.estimate_note"))
        elif kind == EXACT and (outcome.stored or not progress):
            span("sq-answer-note", words("answer.exact_note" if not outcome.stored else "answer.stored_note"))
        if progress is not None:
            done, total = progress
            with div("sq-answer-progress"):
                rv.ProgressLinear(
                    model_value=PERCENT * done / max(total, 1), color=CURRENT_COLOUR, height=4, rounded=True
                )
            span("sq-progress-text", words("answer.progress", done=done, total=total))
        span("sq-answer-members", words("answer.members", n=len(outcome.current.values)))
    if why_exact_only is not None:
        key, values = why_exact_only
        div("sq-exact-only", [words("answer.exact_only", why=words(key, **values))])


@solara.component
def MembersView(outcome: Outcome, words: Words) -> None:  # noqa: N802
    """Each member's headline CO2 and the histogram of the members' confirmed peak years, of the answer shown."""
    hist, lines = solara.use_memo(lambda: members_options(outcome.current, words), [outcome, words.lang])
    with div("sq-panel sq-members"):
        div("sq-panel-note", [words("members.note", kind=words(f"answer.{outcome.kind}"))])
        with div("sq-members-grid"):
            with div("sq-subchart"):
                div("sq-subchart-title", [words("members.lines_title")])
                Chart(lines, "members-lines", height=300)
            with div("sq-subchart"):
                div("sq-subchart-title", [words("members.peak_years")])
                Chart(hist, "members-peaks", height=300)
