"""The page Solara serves: settings from the address, the run behind them, and every part of the page."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import reacton.ipyvuetify as rv
import solara
import solara.lab

import webapp.serving  # noqa: F401 (how Solara serves the app)
from abm.scenario import Scenario, ScenarioError
from webapp.catalogue import BASELINE, TABS
from webapp.components.address import NONE, PUSH, REPLACE, address_sync
from webapp.components.compiled import use_compiled_templates
from webapp.components.controls import ControlPanel
from webapp.components.emissions import EmissionsChart
from webapp.components.ensemble import AnswerStatus, MembersView
from webapp.components.guide import GuidePanel
from webapp.components.headlines import Headlines
from webapp.components.html import alert, div
from webapp.components.markup import element, static_html
from webapp.components.pins import auto_name, use_pin_answers
from webapp.components.scorecard import Scorecard
from webapp.components.tabs import Adoption, Fiscal, Intensity
from webapp.components.topbar import TopBar
from webapp.components.wedges import Wedges
from webapp.palette import CURRENT_COLOUR
from webapp.runs import HOUSEHOLDS, MEMBERS, Outcome, Step, answers, estimate, why_no_estimate
from webapp.state import LinkProblem, Settings, parse_query
from webapp.text import Words, default_language


def _accept_language() -> str | None:
    headers = solara.lab.headers.value or {}
    values = headers.get("accept-language") or headers.get("Accept-Language") or []
    return values[0] if values else None


def progress_line(active: bool) -> solara.Element:
    """The thin running line under the top bar while the answer shown is of earlier settings (CSS draws it)."""
    return static_html("sq-progress sq-progress-on" if active else "sq-progress", element("div", "", "sq-progress-bar"))


@solara.component
def Page() -> None:  # noqa: N802 (Solara looks up Page)
    use_compiled_templates()
    router = solara.use_router()
    default_lang = default_language(_accept_language())
    # the settings live in this page's state (the address, how it enters the history, a serial);
    # AddressSync writes them to the address bar and reports back/forward
    address, set_address = solara.use_state((router.search or "", NONE, 0))

    def arrive(query: str) -> None:
        set_address(lambda now: now if now[0] == query else (query, NONE, now[2] + 1))

    solara.use_effect(lambda: arrive(router.search or ""), [router.search])  # Solara's router saw back/forward
    query = address[0]
    settings, problems = solara.use_memo(lambda: parse_query(query, default_lang), [query, default_lang])
    words = solara.use_memo(lambda: Words(settings.lang), [settings.lang])
    guide, set_guide = solara.use_state(None)

    # the callbacks read the latest settings through a ref, so they keep their identity
    # from one render to the next and the controls whose values did not change are not drawn again
    latest = solara.use_ref(settings)
    latest.current = settings

    def make_callbacks() -> tuple[Callable[..., None], ...]:
        def navigate(new: Settings, mode: str = PUSH) -> None:
            set_address(lambda now: (new.query(), mode, now[2] + 1))

        def on_commit(name: str, value: float) -> None:
            navigate(latest.current.with_value(name, value), REPLACE)  # a slider step is no history entry

        def on_reset() -> None:
            now = latest.current
            navigate(now.with_preset(now.preset))

        def keep_pins(new: Settings, mode: str = PUSH) -> None:  # the top bar's presets and languages keep the pins
            navigate(dataclasses.replace(new, pins=latest.current.pins), mode)

        def on_pin() -> None:
            now = latest.current
            navigate(now.pinned(auto_name(now, Words(now.lang))))

        def on_unpin(index: int) -> None:
            navigate(latest.current.unpinned(index))

        return on_commit, on_reset, on_pin, on_unpin, keep_pins

    on_commit, on_reset, on_pin, on_unpin, keep_pins = solara.use_memo(make_callbacks, [])

    def checked() -> tuple[Settings, Scenario, list[LinkProblem]]:
        try:
            return settings, settings.scenario(), problems
        except ScenarioError:  # parse_query checked every value; this is a second line of defence
            fallback = settings.with_preset(settings.preset)
            return fallback, fallback.scenario(), [*problems, LinkProblem("together")]

    # memoised: the page is drawn again while a run starts and ends, and the controls need not be
    settings, scenario, problems = solara.use_memo(checked, [query, default_lang])

    # the emulator's estimate at once, in this render (milliseconds); the exact members follow from the
    # shared pool, waited for in the task's thread; a superseded task stops and gives its queued runs up
    first: Outcome | None = solara.use_memo(lambda: estimate(settings), [settings])
    task_ref = solara.use_ref(None)

    def answer_steps():
        task = task_ref.current
        yield from answers(settings, lambda: task is None or task.is_current(), shown=first)

    sim = solara.lab.use_task(answer_steps, dependencies=[settings], raise_error=False)  # type: ignore[arg-type]
    task_ref.current = sim
    step: Step | None = sim.latest  # type: ignore[assignment]
    exact_now = step.outcome if step is not None and step.outcome is not None else None
    if exact_now is not None and exact_now.settings != settings:
        exact_now = None  # an answer for earlier settings
    shown = solara.use_ref(None)  # the last answer, kept on screen until the new settings' first answer
    if exact_now is not None or first is not None:
        shown.current = exact_now or first
    outcome: Outcome | None = shown.current
    waiting = outcome is None or outcome.settings != settings
    progress = step.progress if step is not None and sim.pending else None
    why_exact_only = solara.use_memo(lambda: None if first is not None else why_no_estimate(settings), [settings])
    tab, set_tab = solara.use_state(0)
    pins = use_pin_answers(settings)  # each pinned scenario's answer, by the same service: estimate, then exact

    solara.Title(words("app.title"))
    busy = " sq-busy" if sim.pending else ""
    with div("sq-app" + busy + (" sq-waiting" if waiting else ""), **{"data-lang": settings.lang}):
        address_sync(*address, on_arrive=arrive)
        TopBar(settings, outcome, words, keep_pins, pins=settings.pins)
        progress_line(waiting)
        with div("sq-body"):
            ControlPanel(settings, scenario, words, on_commit, on_reset, on_guide=set_guide)
            with div("sq-guide-host"):  # always there, so opening the guide redraws nothing else
                if guide is not None:
                    GuidePanel(guide, scenario, words, on_close=lambda: set_guide(None))
            with div("sq-main"):
                for problem in problems:
                    alert(words("error.link", message=problem.text(words)), "sq-error sq-link-error")
                if sim.error:
                    alert(words("error.run", message=str(sim.exception)), "sq-error")
                if outcome is None:
                    with div("sq-loading"):
                        rv.ProgressCircular(indeterminate=True, color=CURRENT_COLOUR, size=48)
                        div("", [words("status.running")])
                    return
                attributes = {"data-settings": outcome.settings.query(), "data-answer": outcome.kind}
                with div("sq-outcome", **attributes):
                    AnswerStatus(outcome, progress, waiting, why_exact_only, words)
                    Headlines(outcome, words)
                    EmissionsChart(outcome, words, pins, (settings.pins, on_pin, on_unpin))
                    with div("sq-panel sq-tabs"):
                        with rv.Tabs(v_model=tab, on_v_model=set_tab, color=CURRENT_COLOUR, density="compact"):
                            for i, name in enumerate(TABS):
                                rv.Tab(children=[words(f"tab.{name}")], value=i, class_=f"sq-tab-{name}")
                        views = {
                            "scorecard": lambda outcome, words: Scorecard(outcome, words, pins),
                            "adoption": Adoption,
                            "fiscal": Fiscal,
                            "intensity": Intensity,
                            "members": MembersView,
                        }
                        views["wedges"] = lambda _outcome, words: Wedges(words)  # a shipped, measured table
                        if TABS[tab] in views:
                            views[TABS[tab]](outcome, words)
                    div(
                        "sq-footer",
                        [
                            words(
                                "footer",
                                members=MEMBERS,
                                households=f"{HOUSEHOLDS:,}",
                                preset=words(f"preset.{BASELINE}"),
                            )
                        ],
                    )


@solara.component
def Layout(children: list | None = None) -> solara.Element:  # noqa: N802
    """The whole window is the app's own layout (no Solara app bar or sidebar)."""
    return div("sq-root", children or [])
