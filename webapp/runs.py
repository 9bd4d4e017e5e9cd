"""The model runs behind the page: the app's members, the emulator's estimate and the exact ensemble.

The only module of the app that calls the model. Every answer is an ensemble of the app's
20 members (:mod:`experiments.app_members`: a seed and a calibrated-posterior draw each, the
same for every setting) for the current settings and for the baseline with the same
uncertainties: first the emulator's estimate (:mod:`experiments.emulator`, milliseconds;
exact at the presets), then the exact runs from the shared pool of
:mod:`webapp.ensemble_service`. Units are the model trajectory's (MtCO2, %, 100 million yuan).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

import numpy as np
import pandas as pd
import solara

from abm.comparison import FISCAL, Comparison, compare
from abm.model import DEFAULT_HOUSEHOLDS
from abm.peak import HEADLINE, SCORED, peak_years
from abm.run import run
from abm.scorecard import TARGET_MAP, scorecard
from experiments.app_members import APP_MEMBERS, INCLUDES, ROOT_SEED, app_members, member_scenario, run_member
from experiments.emulator import Emulator, EmulatorError, Layout
from experiments.peak_probability import PeakProbability, probability_of_peak
from webapp.catalogue import BASELINE, PEAK_YEAR, PLAN, UNCERTAINTIES
from webapp.ensemble_service import Request, TaskService
from webapp.state import Settings, preset_scenario

HOUSEHOLDS = DEFAULT_HOUSEHOLDS
MEMBERS = APP_MEMBERS
SEED = ROOT_SEED  # the members' root seed (names the results file)
ESTIMATE, EXACT = "estimate", "exact"
Key = tuple[str, tuple[tuple[str, float], ...], int]  # preset, overrides, member index


# --- one member's exact run (in a worker process) ---------------------------------------------


def app_layout(trajectory: pd.DataFrame) -> Layout:
    """The emulator's columns and, after them, the scorecard's indicators the emulator does not hold."""
    base = Layout.of(trajectory)
    have = {(c[0], c[1]) for c in base.columns}
    units = trajectory.drop_duplicates(["indicator", "sector"]).set_index(["indicator", "sector"])["unit"]
    extra = []
    for mapping in TARGET_MAP.values():
        key = (mapping.indicator, mapping.sector)
        if key not in have and key in units.index:
            have.add(key)
            extra.append((*key, str(units.loc[key])))
    return Layout(base.columns + tuple(extra), base.years)


def layout_array(layout: Layout, trajectory: pd.DataFrame) -> np.ndarray:
    """``trajectory`` as a float32 (columns, years) array of ``layout``; a column it lacks is 0."""
    names = {c[0] for c in layout.columns}
    rows = trajectory[trajectory["indicator"].isin(names)]
    wide = rows.pivot_table(index=["indicator", "sector"], columns="year", values="value", aggfunc="first")
    index = pd.MultiIndex.from_tuples([(i, s) for i, s, _ in layout.columns])
    return wide.reindex(index=index, columns=list(layout.years)).fillna(0.0).to_numpy(np.float32)


@cache
def members() -> tuple:
    """The app's members (seed and posterior draw each)."""
    return tuple(app_members(MEMBERS))


DISTRIBUTION = "distribution"  # the first part of a distribution task's key
DISTRIBUTION_MEMBERS = 5  # members run with the distribution table for the distribution charts
DISTRIBUTION_GROUPS = ("county", "income_quintile")


def distribution_task(key: tuple) -> pd.DataFrame:
    """One member's exact run with the distribution table: its county and income-quintile rows."""
    _, preset, overrides, index = key
    member = members()[index]
    result = run(member_scenario(preset, member, dict(overrides)), seed=member.seed, households=HOUSEHOLDS,
                 distribution=True)  # fmt: skip
    table = result.distribution
    assert table is not None
    return table[table["group_kind"].isin(DISTRIBUTION_GROUPS)].reset_index(drop=True)


def member_task(key: tuple) -> tuple[Layout, np.ndarray] | pd.DataFrame:
    """One member's exact run of a preset with overrides: its layout and (columns, years) values.

    A key starting with ``distribution`` is a run with the distribution table (:func:`distribution_task`).
    """
    if key[0] == DISTRIBUTION:
        return distribution_task(key)
    preset, overrides, index = key
    trajectory = run_member(preset, members()[index], HOUSEHOLDS, dict(overrides)).trajectory
    layout = app_layout(trajectory)
    return layout, layout_array(layout, trajectory)


# --- an ensemble answer -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Answer:
    """The members' trajectories of one setting (members, columns, years) and what the page reads from them."""

    layout: Layout
    values: np.ndarray

    @property
    def years(self) -> list[int]:
        return list(self.layout.years)

    def member_series(self, indicator: str, sector: str = "total") -> np.ndarray:
        """Every member's values of one column, (members, years)."""
        return self.values[:, self.layout.column(indicator, sector)].astype(np.float64)

    def band(self, values: np.ndarray) -> tuple[pd.Series, pd.Series, pd.Series]:
        """Mean, 5 % and 95 % over the members of (members, years) values, by year."""
        index = pd.Index(self.years, name="year")
        q05, q95 = np.quantile(values, [0.05, 0.95], axis=0)
        return pd.Series(values.mean(axis=0), index), pd.Series(q05, index), pd.Series(q95, index)

    @cached_property
    def mean(self) -> np.ndarray:
        return self.values.mean(axis=0, dtype=np.float64)

    @cached_property
    def trajectory(self) -> pd.DataFrame:
        """The members' mean as the model's tidy trajectory (year, indicator, sector, value, unit)."""
        return self.layout.frame(self.mean)

    @cached_property
    def judged(self) -> pd.DataFrame:
        """The rows of :attr:`trajectory` the scorecard and the comparison with the baseline read (the targets'
        indicators, headline CO2, the incentives' cost): a few hundred rows instead of tens of thousands."""
        read = {m.indicator for m in TARGET_MAP.values()} | {HEADLINE, FISCAL}
        picked = [j for j, (indicator, _, _) in enumerate(self.layout.columns) if indicator in read]
        part = Layout(tuple(self.layout.columns[j] for j in picked), self.layout.years)
        return part.frame(self.mean[picked])

    @cached_property
    def scorecard(self) -> pd.DataFrame:
        """The plan's targets judged on the mean; targets whose indicator this answer lacks are left out."""
        frame = self.judged
        present = set(zip(frame["indicator"], frame["sector"], strict=True))
        missing = [(m.indicator, m.sector) for m in TARGET_MAP.values() if (m.indicator, m.sector) not in present]
        if missing:
            filler = pd.DataFrame(
                [(y, i, s, np.nan, "") for i, s in dict.fromkeys(missing) for y in self.years],
                columns=frame.columns,
            )
            frame = pd.concat([frame, filler], ignore_index=True)
        card = scorecard(frame)
        keep = card["modelled"].notna() | (card["target_id"] == "co2_peak")
        keep &= ~card["target_id"].map(lambda t: (TARGET_MAP[t].indicator, TARGET_MAP[t].sector) in missing)
        return card[keep].reset_index(drop=True)

    @cached_property
    def headline(self) -> np.ndarray:
        return self.member_series(HEADLINE)

    @property
    def peak_year(self) -> int:
        """Highest year of the mean headline CO2."""
        s = self.mean[self.layout.column(HEADLINE)]
        return int(self.years[int(np.argmax(s))])

    @property
    def peak_mt(self) -> float:
        """Highest mean headline CO2, MtCO2."""
        return float(np.max(self.mean[self.layout.column(HEADLINE)]))

    @cached_property
    def confirmed_peak(self) -> int | None:
        """Confirmed peak year (``abm.peak``) of the mean headline CO2, or None."""
        year = peak_years(self.mean[self.layout.column(HEADLINE)][None], self.years, SCORED)[0]
        return None if np.isnan(year) else int(year)

    @cached_property
    def member_peaks(self) -> np.ndarray:
        """Each member's confirmed peak year (NaN: none)."""
        return peak_years(self.headline, self.years, SCORED)

    @cached_property
    def peak_range(self) -> tuple[float, float]:
        """5 % and 95 % of the members' confirmed peak years; a member with none counts as after the last year."""
        years = np.nan_to_num(self.member_peaks, nan=self.years[-1] + 1)
        low, high = np.quantile(years, [0.05, 0.95], method="nearest")
        return float(low), float(high)

    @cached_property
    def peak_probability(self) -> PeakProbability:
        """P(confirmed peak by 2030) over the members (``experiments.peak_probability``)."""
        value = probability_of_peak(self.headline, self.years, by=PEAK_YEAR)
        return PeakProbability(value, len(self.values), PEAK_YEAR, INCLUDES)


@dataclass(frozen=True, eq=False)
class Outcome:
    """The answer for the current settings and for the baseline with the same uncertainties.

    ``kind`` is ``estimate`` (the emulator's) or ``exact`` (the members' runs, or the emulator
    at a preset, where it holds them); ``stored`` says every run was in the pool's cache;
    ``why_exact_only`` is a text key (and its values) when there is no estimate.
    """

    settings: Settings
    current: Answer
    baseline: Answer
    kind: str
    stored: bool = False
    why_exact_only: tuple[str, dict[str, str]] | None = None

    def compared(self, end: int = PEAK_YEAR) -> Comparison:
        """CO2 avoided against the baseline, the incentives' cost and yuan per tonne, first year to ``end``."""
        return _comparison(self.current, self.baseline, end)


@lru_cache(maxsize=1024)
def _comparison(current: Answer, baseline: Answer, end: int) -> Comparison:
    return compare(current.judged, baseline.judged, end=end)


def baseline_settings(settings: Settings) -> Settings:
    """The baseline: instruments at their 2020 settings, uncertainties as in ``settings``."""
    current, base = settings.scenario().values, preset_scenario(BASELINE).values
    kept = tuple((p.name, current[p.name]) for p in UNCERTAINTIES if current[p.name] != base[p.name])
    return Settings(BASELINE, kept, settings.lang)


# --- the emulator and the pool ----------------------------------------------------------------

_emulator_lock = threading.Lock()


@cache
def _load_emulator() -> Emulator | None:
    try:
        return Emulator.load()
    except (EmulatorError, KeyError, FileNotFoundError):
        return None


def emulator() -> Emulator | None:
    """The shipped emulator, read once (None when it cannot be read)."""
    with _emulator_lock:
        return _load_emulator()


def why_no_estimate(settings: Settings, model: Emulator | None = None) -> tuple[str, dict[str, str]] | None:
    """Why the emulator cannot answer ``settings`` (a text key and its values), or None when it can."""
    model = emulator() if model is None else model
    if model is None:
        return "estimate.missing", {}
    if model.is_stale:
        return "estimate.stale", {}
    for s in (settings, baseline_settings(settings)):
        if s.preset not in model.base:
            return "estimate.no_preset", {"preset": s.preset}
        values = model.preset_values(s.preset)
        unknown = [name for name, _ in s.overrides if name not in values]
        if unknown:
            return "estimate.no_control", {"names": ", ".join(unknown)}
    return None


_service_lock = threading.Lock()


@cache
def _service() -> TaskService:
    return TaskService(member_task)


def service() -> TaskService:
    """The one pool of exact runs that every session shares."""
    with _service_lock:
        return _service()


def keys(settings: Settings) -> list[Key]:
    """The tasks of one setting: one per member."""
    return [(settings.preset, settings.overrides, i) for i in range(MEMBERS)]


def answer_of(results: list[tuple[Layout, np.ndarray]]) -> Answer:
    """The answer of the members' exact results."""
    return Answer(results[0][0], np.stack([values for _, values in results]))


ANSWERS_KEPT = 256  # answers kept with what they derived (scorecard, peaks, bands), per source: presets', recent
_answers: dict[int, tuple[weakref.ref, OrderedDict[Hashable, Answer]]] = {}  # id(source) -> (source, answers)
_answers_lock = threading.Lock()


def _kept(source: object, key: Hashable, make: Callable[[], Answer | None]) -> Answer | None:
    """The answer ``source`` (the run pool, the emulator) gave under ``key`` before, or ``make()``'s (kept
    when not None): sessions that ask for the same settings share one answer and what it derives, so a
    preset's scorecard is worked out once. Kept while ``source`` lives, the latest ``ANSWERS_KEPT``."""
    with _answers_lock:
        for gone in [i for i, (ref, _) in _answers.items() if ref() is None]:
            del _answers[gone]
        ref, kept = _answers.get(id(source), (None, None))
        if ref is None or ref() is not source or kept is None:
            kept = OrderedDict()
            _answers[id(source)] = (weakref.ref(source), kept)
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
    made = make()
    if made is not None:
        with _answers_lock:
            kept[key] = made
            while len(kept) > ANSWERS_KEPT:
                kept.popitem(last=False)
    return made


def _stored(settings: Settings) -> Answer | None:
    """The exact answer of ``settings`` when every member is in the pool's cache."""

    def collect() -> Answer | None:
        found = [service().cached(k) for k in keys(settings)]
        return None if any(f is None for f in found) else answer_of(found)  # type: ignore[arg-type]

    return _kept(service(), (settings.preset, settings.overrides), collect)


def _emulated(model: Emulator, settings: Settings) -> Answer:
    """The emulator's members for ``settings``; the scorecard's extra columns from the preset's stored runs."""
    preset_stored = _stored(Settings(settings.preset, (), settings.lang)) is not None
    answer = _kept(model, (settings.preset, settings.overrides, preset_stored), lambda: _emulate(model, settings))
    assert answer is not None
    return answer


def _emulate(model: Emulator, settings: Settings) -> Answer:
    values = model.predict(settings.preset, dict(settings.overrides))
    preset = _stored(Settings(settings.preset, (), settings.lang))
    if preset is None:
        return Answer(model.layout, values)
    full = preset.values.copy()
    index = {(c[0], c[1]): j for j, c in enumerate(preset.layout.columns)}
    for j, c in enumerate(model.layout.columns):
        full[:, index[(c[0], c[1])]] = values[:, j]
    return Answer(preset.layout, full)


def estimate(settings: Settings) -> Outcome | None:
    """The emulator's answer (exact, and marked so, at a preset); None when it cannot answer."""
    model = emulator()
    if model is None or why_no_estimate(settings, model) is not None:
        return None
    base = baseline_settings(settings)
    at_presets = not settings.overrides and not base.overrides
    current, baseline = _stored(settings), _stored(base)
    stored = current is not None and baseline is not None
    current = current or _emulated(model, settings)
    baseline = baseline or _emulated(model, base)
    return Outcome(settings, current, baseline, EXACT if at_presets or stored else ESTIMATE, stored=stored)


def exact_keys(settings: Settings) -> list[Hashable]:
    """The tasks of the exact answer: the current settings' members, then the baseline's."""
    return [*keys(settings), *keys(baseline_settings(settings))]


def exact(settings: Settings, results: list[tuple[Layout, np.ndarray]]) -> Outcome:
    """The exact answer from the results of :func:`exact_keys`, in that order."""
    why = why_no_estimate(settings)
    base = baseline_settings(settings)
    current = _kept(service(), (settings.preset, settings.overrides), lambda: answer_of(results[:MEMBERS]))
    baseline = _kept(service(), (base.preset, base.overrides), lambda: answer_of(results[MEMBERS:]))
    assert current is not None and baseline is not None
    return Outcome(settings, current, baseline, EXACT, why_exact_only=why)


@dataclass(frozen=True, eq=False)
class Step:
    """What the page shows now: an answer (None until the first) and, while exact runs compute, (done, total)."""

    outcome: Outcome | None
    progress: tuple[int, int] | None = None


POLL_SECONDS = 0.25
PROGRESS_SECONDS = 1.5  # progress is shown at most this often: each showing redraws the page on the server
SETTLE_SECONDS = (
    0.3  # wait before queueing exact runs: the page draws the estimate first, a quick next move costs nothing
)


def _progress(request: Request, keep_going: Callable[[], bool]) -> Iterator[tuple[int, int]]:
    """(done, total) while ``request``'s runs compute: when it changed, at most every ``PROGRESS_SECONDS``.

    Ends when every run is done, or as soon as ``keep_going()`` is false (the request is then unfinished).
    """
    done, told = -1, 0.0
    while not request.wait(POLL_SECONDS):
        if not keep_going():
            return
        now = request.done()
        if now != done and time.monotonic() - told >= PROGRESS_SECONDS:
            done, told = now, time.monotonic()
            yield now, len(request.keys)


def answers(
    settings: Settings, keep_going: Callable[[], bool] = lambda: True, shown: Outcome | None = None
) -> Iterator[Step]:
    """The estimate (unless ``shown`` already, then it is not repeated), then progress, then the exact answer.

    Stops, and gives its queued runs up, as soon as ``keep_going()`` is false.
    """
    first = estimate(settings) if shown is None else shown
    if shown is None or first is None:
        yield Step(first, None if first is not None and first.stored else (0, 2 * MEMBERS))
    if first is not None and first.stored:
        return
    for _ in range(round(SETTLE_SECONDS / 0.05)):
        if not keep_going():
            return
        time.sleep(0.05)
    request = service().request(exact_keys(settings))
    try:
        for progress in _progress(request, keep_going):
            yield Step(None if shown is not None else first, progress)
        if request.finished() and keep_going():
            yield Step(exact(settings, request.results()), None)
    finally:
        if not request.finished():
            request.cancel()


def distribution_keys(settings: Settings) -> list[Hashable]:
    """The distribution tasks of ``settings`` and of its baseline: the first members' runs with the table."""
    both = (settings, baseline_settings(settings))
    return [(DISTRIBUTION, s.preset, s.overrides, i) for s in both for i in range(DISTRIBUTION_MEMBERS)]


@dataclass(frozen=True, eq=False)
class Distribution:
    """The distribution tables of the first members' exact runs, current settings and baseline."""

    current: list[pd.DataFrame]
    baseline: list[pd.DataFrame]

    @staticmethod
    def members_of(tables: list[pd.DataFrame], group_kind: str, indicator: str) -> pd.DataFrame:
        """One indicator by group and year, a column per member: (group, year) rows."""
        parts = []
        for i, table in enumerate(tables):
            rows = table[(table["group_kind"] == group_kind) & (table["indicator"] == indicator)]
            parts.append(rows.set_index(["group", "year"])["value"].rename(i))
        return pd.concat(parts, axis=1)


def distribution(settings: Settings, keep_going: Callable[[], bool] = lambda: True) -> Iterator[tuple]:
    """Progress (done, total), then the :class:`Distribution` of ``settings``; stops when ``keep_going()`` is false."""
    request = service().request(distribution_keys(settings))
    try:
        yield from _progress(request, keep_going)
        if not request.finished():
            return
        results = request.results()
        yield Distribution(results[:DISTRIBUTION_MEMBERS], results[DISTRIBUTION_MEMBERS:])
    finally:
        if not request.finished():
            request.cancel()


def warm_up() -> None:
    """Read the emulator and run the presets' members once, so the first visitors do not wait for them."""
    emulator()
    service().request([*keys(Settings(BASELINE)), *keys(Settings(PLAN))])


if solara._using_solara_server():  # served, not imported by tests or tools
    threading.Thread(target=warm_up, name="suqian-app-warm-up", daemon=True).start()
