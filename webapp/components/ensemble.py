"""How sure the answer is: the estimate/exact marker with progress, and the Members tab (each member, peak years)."""

from __future__ import annotations

import solara

from webapp.charts import members_options
from webapp.components.chart import Chart
from webapp.components.html import div
from webapp.components.markup import element, static_html, text
from webapp.numbers import PERCENT
from webapp.palette import CURRENT_COLOUR
from webapp.runs import ESTIMATE, EXACT, Outcome
from webapp.text import Words


def progress_bar(done: int, total: int) -> str:
    """The exact runs' progress as HTML: a thin bar filled to ``done / total``."""
    width = f"{PERCENT * done / max(total, 1):.1f}%"
    fill = element("div", "", "sq-answer-bar-fill", style=f"width: {width}; background: {CURRENT_COLOUR}")
    return element("div", element("div", fill, "sq-answer-bar"), "sq-answer-progress")


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
    It only shows text, so it is one widget (two with the reason for exact runs only), sent again as a whole
    when the answer or the progress changes.
    """
    kind = "earlier" if waiting else outcome.kind
    parts = [element("span", text(words(f"answer.{kind}")), f"sq-answer-kind sq-kind-{kind}")]
    if kind == ESTIMATE:
        parts.append(element("span", text(words("answer.estimate_note")), "sq-answer-note"))
    elif kind == EXACT and (outcome.stored or not progress):
        note = words("answer.exact_note" if not outcome.stored else "answer.stored_note")
        parts.append(element("span", text(note), "sq-answer-note"))
    if progress is not None:
        done, total = progress
        parts.append(progress_bar(done, total))
        parts.append(element("span", text(words("answer.progress", done=done, total=total)), "sq-progress-text"))
    parts.append(element("span", text(words("answer.members", n=len(outcome.current.values))), "sq-answer-members"))
    static_html(f"sq-answer sq-answer-{kind}", "".join(parts))
    if why_exact_only is not None:
        key, values = why_exact_only
        static_html("sq-exact-only", text(words("answer.exact_only", why=words(key, **values))))


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
