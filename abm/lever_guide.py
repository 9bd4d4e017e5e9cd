"""A guide to every lever: where it comes from in the plan, what it is, its range, presets and measured effect.

It joins four shipped tables, each kept where it is maintained:

* the parameter registry (``abm/data/parameters.csv``): unit, range, default, channel,
  expected sign and source;
* the plan clauses (``abm/data/plan_clauses.csv``): for every lever (and some uncertainties)
  the section of the 2024 Carbon Peaking Implementation Plan, the sentence quoted verbatim
  from the plan text (``abm/data/source/suqian_carbon_peak_plan_2024.txt``) with its English
  translation, what the lever is in Suqian in plain words (English and Chinese), and its
  ``relation`` to the plan (:data:`RELATIONS`);
* the built-in scenarios (:data:`PRESETS`): the lever's value in each;
* the measured effects (``abm/data/effects/plan_effects.csv``, a copy of
  ``docs/effects/plan_effects.csv`` kept equal by ``python -m experiments.effects_doc``): the
  change of CO2 in 2030 (MtCO2, mean with 5-95 % band over common-random-number members),
  fiscal cost (100 million yuan) and yuan per tonne avoided, per comparison.

Labels come from the app's words (``abm/data/app_text.csv``, keys ``param.NAME`` and
``hint.NAME``) so that the guide and the controls name a lever alike.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from abm.parameters import Registry, data_path, registry

RELATIONS = ("quantified", "named", "context", "none")  # how a lever stands to the plan (see module docs)
VERBATIM = ("quantified", "named")  # relations whose sentence must be quoted from the plan text
COLUMNS = ("parameter", "section", "sentence_zh", "sentence_en", "meaning_en", "meaning_zh", "relation")
GUIDED_KINDS = ("lever", "uncertainty")  # kinds a clause may describe; every lever must have one
PRESETS = ("baseline", "plan", "accelerated")
LANGS = ("en", "zh")
CLAUSES_FILE = "plan_clauses.csv"
PLAN_FILE = ("source", "suqian_carbon_peak_plan_2024.txt")
EFFECTS_FILE = ("effects", "plan_effects.csv")
WEDGES_FILE = ("effects", "plan_wedges.csv")
TEXT_FILE = "app_text.csv"
COMPARISONS = ("low_to_high", "baseline_to_scenario")


class PlanClauseError(ValueError):
    """The plan-clause table is malformed or disagrees with the registry or the plan text."""


@dataclass(frozen=True, slots=True)
class PlanClause:
    """One row of ``plan_clauses.csv``: where a parameter comes from in the plan."""

    parameter: str
    section: str
    sentence_zh: str
    sentence_en: str
    meaning_en: str
    meaning_zh: str
    relation: str

    def meaning(self, lang: str) -> str:
        """The plain meaning in ``lang`` (``en`` or ``zh``)."""
        return self.meaning_zh if lang == "zh" else self.meaning_en


@dataclass(frozen=True, slots=True)
class MeasuredEffect:
    """One row of the effects table: the lever moved ``start`` -> ``end`` with every other setting as in the plan.

    CO2 deltas are in MtCO2 (with net imported electricity), mean and 5-95 % band over members:
    in 2030, and summed over 2021-2035 (it sees levers that act after 2030; NaN when the run
    stopped earlier); ``fiscal_cost`` is subsidies paid 2021 to the run's end, 100 million
    yuan; ``yuan_per_tonne`` is NaN where nothing is avoided.
    """

    comparison: str
    start: float
    end: float
    delta_co2_2030_mt: float
    delta_co2_2030_mt_q05: float
    delta_co2_2030_mt_q95: float
    delta_cumulative_2035_mt: float
    delta_cumulative_2035_mt_q05: float
    delta_cumulative_2035_mt_q95: float
    fiscal_cost: float
    yuan_per_tonne: float
    sign_ok: bool | None


@dataclass(frozen=True)
class LeverGuide:
    """Everything a reader needs about one lever (or uncertainty), in one language."""

    name: str
    lang: str
    kind: str
    group: str
    label: str
    description: str
    meaning: str
    unit: str
    low: float | None
    high: float | None
    default: float
    source: str
    channel: str
    expected_sign: str
    section: str
    sentence_zh: str
    sentence_en: str
    relation: str
    presets: dict[str, float] = field(default_factory=dict)
    effects: dict[str, MeasuredEffect] = field(default_factory=dict)

    @property
    def sentence(self) -> str:
        """The plan's sentence in the guide's language (the Chinese original for ``zh``)."""
        return self.sentence_zh if self.lang == "zh" else self.sentence_en


@lru_cache(maxsize=1)
def plan_text() -> str:
    """The full text of the 2024 plan (Chinese), as shipped."""
    return data_path(*PLAN_FILE).read_text(encoding="utf-8")


def load_plan_clauses(
    path: Path | None = None, parameters: Registry | None = None, text: str | None = None
) -> dict[str, PlanClause]:
    """Read and check the plan-clause table (the shipped one by default) against ``parameters`` and ``text``.

    Raises :class:`PlanClauseError` naming the row when a column is missing, a parameter is
    unknown, not a lever or uncertainty, or given twice, a relation is not one of
    :data:`RELATIONS`, a ``quantified``/``named`` sentence is not a verbatim part of the
    plan text, a ``none`` row quotes a sentence, or a lever has no row.
    """
    path = Path(path) if path is not None else data_path(CLAUSES_FILE)
    parameters = parameters if parameters is not None else registry()
    text = text if text is not None else plan_text()
    clauses: dict[str, PlanClause] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise PlanClauseError(f"{path}: columns must be {', '.join(COLUMNS)}")
        for i, raw in enumerate(reader, start=2):
            if None in raw or any(value is None for value in raw.values()):
                raise PlanClauseError(f"{path}: row {i}: expected {len(COLUMNS)} columns (quote text with commas)")
            row = {key: value.strip() for key, value in raw.items()}
            name = row["parameter"]
            where = f"{path}: row {i} ({name!r})"
            if name not in parameters:
                raise PlanClauseError(f"{where}: unknown parameter; the registry has no such name")
            if parameters[name].kind not in GUIDED_KINDS:
                raise PlanClauseError(f"{where}: is a {parameters[name].kind}; only levers and uncertainties")
            if name in clauses:
                raise PlanClauseError(f"{where}: a second row for this parameter; give each one row")
            if row["relation"] not in RELATIONS:
                raise PlanClauseError(
                    f"{where}: relation must be one of {', '.join(RELATIONS)}, got {row['relation']!r}"
                )
            if not row["meaning_en"] or not row["meaning_zh"]:
                raise PlanClauseError(f"{where}: needs meaning_en and meaning_zh")
            if row["relation"] == "none":
                if row["sentence_zh"] or row["section"]:
                    raise PlanClauseError(
                        f"{where}: relation 'none' means the plan says nothing: leave section and sentence empty"
                    )
            elif not (row["sentence_zh"] and row["sentence_en"] and row["section"]):
                raise PlanClauseError(
                    f"{where}: relation {row['relation']!r} needs a section and a sentence in both languages"
                )
            if row["relation"] in VERBATIM and row["sentence_zh"] not in text:
                raise PlanClauseError(
                    f"{where}: sentence_zh is not quoted verbatim from the plan text: {row['sentence_zh'][:40]!r}"
                )
            clauses[name] = PlanClause(**row)
    missing = [p.name for p in parameters.of_kind("lever") if p.name not in clauses]
    if missing:
        raise PlanClauseError(f"{path}: levers without a plan clause: {', '.join(missing)}")
    return clauses


@lru_cache(maxsize=1)
def plan_clauses() -> dict[str, PlanClause]:
    """The shipped plan clauses, checked, read once per process."""
    return load_plan_clauses()


@lru_cache(maxsize=1)
def _effects() -> pd.DataFrame:
    return pd.read_csv(data_path(*EFFECTS_FILE))


def effects_table() -> pd.DataFrame:
    """The shipped measured effects of the plan's levers (one row per lever and comparison; see experiments.effects)."""
    return _effects().copy()


def wedges_table() -> pd.DataFrame:
    """The shipped split of the plan-vs-baseline CO2 gap in 2030 by instrument group and by mechanism (MtCO2)."""
    return pd.read_csv(data_path(*WEDGES_FILE))


@lru_cache(maxsize=1)
def app_words() -> dict[str, dict[str, str]]:
    """The app's words, ``{language: {key: text}}``, from ``abm/data/app_text.csv`` (the guide reads labels and hints)."""
    with data_path(TEXT_FILE).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        languages = [c for c in reader.fieldnames or [] if c != "key"]
        table: dict[str, dict[str, str]] = {lang: {} for lang in languages}
        for row in reader:
            for lang in languages:
                table[lang][row["key"]] = row[lang] or ""
    return table


def label(name: str, lang: str = "en") -> str:
    """A parameter's short label in ``lang`` (the app's ``param.NAME``), else English, else the name."""
    words = app_words()
    return words.get(lang, {}).get(f"param.{name}") or words.get("en", {}).get(f"param.{name}") or name


def _description(name: str, lang: str) -> str:
    hint = app_words().get(lang, {}).get(f"hint.{name}", "")
    return hint or registry()[name].description


@lru_cache(maxsize=1)
def _presets() -> dict[str, dict[str, float]]:
    from abm.scenario import load_scenario  # scenarios read the registry; keep this module light to import

    return {preset: dict(load_scenario(preset).values) for preset in PRESETS}


def _number(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return number


@lru_cache(maxsize=1)
def _effects_by_lever() -> dict[str, dict[str, MeasuredEffect]]:
    result: dict[str, dict[str, MeasuredEffect]] = {}
    for row in _effects().to_dict("records"):
        sign_ok = row.get("sign_ok")
        effect = MeasuredEffect(
            comparison=str(row["comparison"]),
            start=_number(row["from"]),
            end=_number(row["to"]),
            delta_co2_2030_mt=_number(row["delta_co2_2030_mt"]),
            delta_co2_2030_mt_q05=_number(row["delta_co2_2030_mt_q05"]),
            delta_co2_2030_mt_q95=_number(row["delta_co2_2030_mt_q95"]),
            delta_cumulative_2035_mt=_number(row.get("delta_cumulative_2021_2035_mt")),
            delta_cumulative_2035_mt_q05=_number(row.get("delta_cumulative_2021_2035_mt_q05")),
            delta_cumulative_2035_mt_q95=_number(row.get("delta_cumulative_2021_2035_mt_q95")),
            fiscal_cost=_number(row["delta_fiscal_cost"]),
            yuan_per_tonne=_number(row["yuan_per_tonne_avoided"]),
            sign_ok=None if sign_ok is None or (isinstance(sign_ok, float) and math.isnan(sign_ok)) else bool(sign_ok),
        )
        result.setdefault(str(row["lever"]), {})[effect.comparison] = effect
    return result


def measured_effects(name: str) -> dict[str, MeasuredEffect]:
    """The measured effect rows of lever ``name`` by comparison (empty for a parameter not in the table)."""
    return dict(_effects_by_lever().get(name, {}))


def lever_guide(name: str, lang: str = "en") -> LeverGuide:
    """The guide to lever (or uncertainty) ``name`` in ``lang`` (``en`` or ``zh``); KeyError for other names."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    reg = registry()
    if name not in reg or reg[name].kind not in GUIDED_KINDS:
        raise KeyError(f"{name!r} is not a lever or uncertainty of the registry")
    p = reg[name]
    clause = plan_clauses().get(name) or PlanClause(name, "", "", "", p.description, "", "none")
    return LeverGuide(
        name=name,
        lang=lang,
        kind=p.kind,
        group=p.group,
        label=label(name, lang),
        description=_description(name, lang) if lang == "zh" else p.description,
        meaning=clause.meaning(lang) or _description(name, lang),
        unit=p.unit,
        low=p.low,
        high=p.high,
        default=p.default,
        source=p.source,
        channel=p.channel,
        expected_sign=p.expected_sign,
        section=clause.section,
        sentence_zh=clause.sentence_zh,
        sentence_en=clause.sentence_en,
        relation=clause.relation,
        presets={preset: values[name] for preset, values in _presets().items()},
        effects=measured_effects(name),
    )


def _fields(name: str, lang: str) -> tuple[list[str], list[str], list[str]]:
    """Texts of lever ``name`` by search tier: name and label in ``lang``; other labels, description, meaning; plan."""
    p = registry()[name]
    clause = plan_clauses().get(name)
    other = [label(name, other) for other in LANGS if other != lang]
    descriptions = [p.description, *(_description(name, lng) for lng in LANGS)]
    meanings = [clause.meaning_en, clause.meaning_zh] if clause else []
    sentences = [clause.sentence_zh, clause.sentence_en] if clause else []
    return [name, name.replace("_", " "), label(name, lang)], [*other, *descriptions, *meanings], sentences


def search_levers(query: str, lang: str = "en") -> list[str]:
    """Lever names whose name, label, description, meaning or plan sentence contain ``query`` (case-insensitive).

    Every whitespace-separated word of ``query`` must occur in one of the lever's texts
    (Chinese or English, whatever ``lang``). Levers whose name or label in ``lang`` holds the
    words come first, then those found through another label, the description or the meaning,
    then those found only through the plan's sentence; registry order within each tier. An
    empty query gives every lever.
    """
    words = [w.casefold() for w in query.split()]
    ranked: list[tuple[int, int, str]] = []
    for order, p in enumerate(registry().of_kind("lever")):
        tiers = [[t.casefold() for t in texts] for texts in _fields(p.name, lang)]
        whole = " ".join(query.split()).casefold()
        best = [next((k for k, texts in enumerate(tiers) if any(w in t for t in texts)), None) for w in words]
        if any(b is None for b in best):
            continue
        exact = next((k for k, texts in enumerate(tiers) if whole and any(whole in t for t in texts)), None)
        tier = exact if exact is not None else max((b for b in best if b is not None), default=0)
        ranked.append((tier, order, p.name))
    return [name for _, _, name in sorted(ranked)]
