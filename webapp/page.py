"""The page Solara serves: settings from the address, the run behind them, and every part of the page."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

import reacton.ipyvuetify as rv
import solara
import solara.lab

import webapp.serving  # noqa: F401 (how Solara serves the app)
from abm.scenario import Scenario, ScenarioError
from webapp.catalogue import BASELINE, TABS
from webapp.components.controls import ControlPanel
from webapp.components.emissions import EmissionsChart
from webapp.components.ensemble import AnswerStatus, MembersView
from webapp.components.headlines import Headlines
from webapp.components.html import alert, div
from webapp.components.scorecard import Scorecard
from webapp.components.tabs import Adoption, Fiscal, Intensity
from webapp.components.topbar import TopBar
from webapp.palette import CURRENT_COLOUR
from webapp.runs import HOUSEHOLDS, MEMBERS, Outcome, Step, answers, estimate, why_no_estimate
from webapp.state import LINK, Settings, parse_query
from webapp.text import Words, default_language

CSS = resources.files("webapp").joinpath("style.css").read_text(encoding="utf-8")


def _accept_language() -> str | None:
    headers = solara.lab.headers.value or {}
    values = headers.get("accept-language") or headers.get("Accept-Language") or []
    return values[0] if values else None


@solara.component
def Page() -> None:  # noqa: N802 (Solara looks up Page)
    router = solara.use_router()
    default_lang = default_language(_accept_language())
    settings, problems = solara.use_memo(
        lambda: parse_query(router.search, default_lang), [router.search, default_lang]
    )
    words = solara.use_memo(lambda: Words(settings.lang), [settings.lang])

    # the callbacks read the latest router and settings through a ref, so they keep their identity
    # from one render to the next and the controls whose values did not change are not drawn again
    latest = solara.use_ref((router, settings))
    latest.current = (router, settings)

    def make_callbacks() -> tuple[Callable[[Settings], None], Callable[[str, float], None], Callable[[], None]]:
        def navigate(new: Settings) -> None:
            current_router = latest.current[0]
            current_router.push(f"{current_router.path}?{new.query()}")

        def on_commit(name: str, value: float) -> None:
            navigate(latest.current[1].with_value(name, value))

        def on_reset() -> None:
            now = latest.current[1]
            navigate(Settings(now.preset, (), now.lang))

        return navigate, on_commit, on_reset

    navigate, on_commit, on_reset = solara.use_memo(make_callbacks, [])

    def checked() -> tuple[Settings, Scenario, list[str]]:
        try:
            return settings, settings.scenario(), problems
        except ScenarioError as err:  # parse_query checked every value; this is a second line of defence
            fallback = Settings(settings.preset, (), settings.lang)
            return fallback, fallback.scenario(), [*problems, str(err)]

    # memoised: the page is drawn again while a run starts and ends, and the controls need not be
    settings, scenario, problems = solara.use_memo(checked, [router.search, default_lang])

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

    solara.Title(words("app.title"))
    solara.Style(CSS)
    busy = " sq-busy" if sim.pending else ""
    with div("sq-app" + busy + (" sq-waiting" if waiting else ""), **{"data-lang": settings.lang}):
        TopBar(settings, outcome, words, navigate)
        div("sq-progress", [rv.ProgressLinear(indeterminate=True, height=3, color="amber", active=waiting)])
        with div("sq-body"):
            ControlPanel(settings, scenario, words, on_commit, on_reset)
            with div("sq-main"):
                for message in problems:
                    alert(words("error.link", message=message.removeprefix(LINK + ": ")), "sq-error sq-link-error")
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
                    EmissionsChart(outcome, words)
                    with div("sq-panel sq-tabs"):
                        with rv.Tabs(v_model=tab, on_v_model=set_tab, color=CURRENT_COLOUR, density="compact"):
                            for i, name in enumerate(TABS):
                                rv.Tab(children=[words(f"tab.{name}")], value=i, class_=f"sq-tab-{name}")
                        views = {
                            "scorecard": Scorecard,
                            "adoption": Adoption,
                            "fiscal": Fiscal,
                            "intensity": Intensity,
                            "members": MembersView,
                        }
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
