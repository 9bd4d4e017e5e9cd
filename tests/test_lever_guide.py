"""The lever guide: plan clauses checked against the registry and the plan text, guides, search, shipped tables."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from abm.lever_guide import (
    COLUMNS,
    LANGS,
    PRESETS,
    RELATIONS,
    VERBATIM,
    PlanClauseError,
    effects_table,
    lever_guide,
    load_plan_clauses,
    plan_clauses,
    plan_text,
    search_levers,
    wedges_table,
)
from abm.parameters import data_path, registry
from abm.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
LEVERS = [p.name for p in registry().of_kind("lever")]


def shipped_rows() -> list[dict[str, str]]:
    with data_path("plan_clauses.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_plan_text_is_shipped_whole():
    text = plan_text()
    assert "宿迁市碳达峰实施方案" in text and "2024年4月8日" in text
    assert len(text.splitlines()) == 88 and text.rstrip().endswith("按职责分工负责)")
    assert data_path("source", "suqian_carbon_peak_plan_2024_digest.md").is_file()


def test_every_lever_has_exactly_one_clause_and_every_relation_is_known():
    rows = shipped_rows()
    names = [r["parameter"] for r in rows]
    assert len(names) == len(set(names))
    assert set(LEVERS) <= set(names)
    assert {r["relation"] for r in rows} <= set(RELATIONS)
    assert set(plan_clauses()) == set(names)


def test_every_quoted_sentence_is_verbatim_from_the_plan():
    text = plan_text()
    for row in shipped_rows():
        if row["sentence_zh"]:
            assert row["sentence_zh"] in text, row["parameter"]
            assert row["sentence_en"], row["parameter"]
        else:
            assert row["relation"] == "none", row["parameter"]


def test_a_quantified_clause_holds_the_plans_number_the_plan_preset_uses():
    plan = load_scenario("plan").values
    quantified = {name: c for name, c in plan_clauses().items() if c.relation == "quantified"}
    assert quantified, "no lever is quantified by the plan"
    # the plan's numbers, as written in the plan (万千瓦 are 10 MW)
    written = {"biomass_power_2025": "13.8万千瓦", "waste_power_2025": "9.6万千瓦", "new_building_saving": "75%"}
    for name, number in written.items():
        assert number in quantified[name].sentence_zh
    assert plan["biomass_power_2025"] == 138 and plan["waste_power_2025"] == 96
    assert plan["new_building_saving"] == 75 and "50%" in quantified["new_roof_pv_mandate"].sentence_zh
    assert plan["new_roof_pv_mandate"] == 0.5


def test_an_unknown_parameter_is_rejected(tmp_path):
    rows = [*shipped_rows(), dict(shipped_rows()[1], parameter="no_such_lever")]
    with pytest.raises(PlanClauseError, match=r"no_such_lever.*unknown parameter"):
        load_plan_clauses(write(tmp_path / "c.csv", rows))


def test_a_model_parameter_is_rejected(tmp_path):
    rows = [*shipped_rows(), dict(shipped_rows()[1], parameter="end_year")]
    with pytest.raises(PlanClauseError, match="only levers and uncertainties"):
        load_plan_clauses(write(tmp_path / "c.csv", rows))


def test_a_lever_given_twice_is_rejected(tmp_path):
    rows = shipped_rows()
    with pytest.raises(PlanClauseError, match="second row"):
        load_plan_clauses(write(tmp_path / "c.csv", [*rows, rows[3]]))


def test_a_missing_lever_is_rejected(tmp_path):
    rows = [r for r in shipped_rows() if r["parameter"] != "pv_subsidy"]
    with pytest.raises(PlanClauseError, match="without a plan clause: pv_subsidy"):
        load_plan_clauses(write(tmp_path / "c.csv", rows))


def test_an_unknown_relation_is_rejected(tmp_path):
    rows = [dict(r, relation="implied") if r["parameter"] == "pv_subsidy" else r for r in shipped_rows()]
    with pytest.raises(PlanClauseError, match="relation must be one of"):
        load_plan_clauses(write(tmp_path / "c.csv", rows))


@pytest.mark.parametrize("relation", VERBATIM)
def test_a_sentence_not_in_the_plan_is_rejected_when_quantified_or_named(tmp_path, relation):
    rows = [
        dict(r, relation=relation, sentence_zh=r["sentence_zh"] + "并给予补贴")
        if r["parameter"] == "storage_discharge_incentive"
        else r
        for r in shipped_rows()
    ]
    with pytest.raises(PlanClauseError, match="not quoted verbatim"):
        load_plan_clauses(write(tmp_path / "c.csv", rows))


def test_a_context_sentence_is_not_held_to_the_plan_text(tmp_path):
    rows = [
        dict(r, sentence_zh="国家新能源汽车购置补贴") if r["parameter"] == "ev_subsidy" else r for r in shipped_rows()
    ]
    assert load_plan_clauses(write(tmp_path / "c.csv", rows))["ev_subsidy"].relation == "context"


def test_relation_none_quotes_nothing(tmp_path):
    rows = [dict(r, section="三、(一)1") if r["parameter"] == "coal_exit_year" else r for r in shipped_rows()]
    with pytest.raises(PlanClauseError, match="says nothing"):
        load_plan_clauses(write(tmp_path / "c.csv", rows))


def test_wrong_columns_are_rejected(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("parameter,relation\npv_subsidy,named\n", encoding="utf-8")
    with pytest.raises(PlanClauseError, match="columns must be"):
        load_plan_clauses(path)


@pytest.mark.parametrize("lang", LANGS)
def test_every_lever_has_a_guide_in_both_languages(lang):
    for name in LEVERS:
        guide = lever_guide(name, lang)
        p = registry()[name]
        assert guide.label and guide.meaning and guide.description, name
        assert (guide.unit, guide.low, guide.high, guide.default) == (p.unit, p.low, p.high, p.default)
        assert guide.channel == p.channel and guide.expected_sign == p.expected_sign
        assert set(guide.presets) == set(PRESETS)
        assert guide.presets["plan"] == load_scenario("plan").values[name]
        assert set(guide.effects) == {"low_to_high", "baseline_to_scenario"}, name
        assert guide.effects["low_to_high"].start == p.low and guide.effects["low_to_high"].end == p.high
        if guide.relation != "none":
            assert guide.sentence == (guide.sentence_zh if lang == "zh" else guide.sentence_en)
    zh, en = lever_guide("green_points", "zh"), lever_guide("green_points", "en")
    assert zh.meaning != en.meaning and zh.label != en.label


def test_a_guide_for_an_uncertainty_and_refusals():
    guide = lever_guide("pv_plus_potential", "zh")
    assert guide.kind == "uncertainty" and guide.relation == "context" and not guide.effects
    guide = lever_guide("residents_trend", "en")  # no clause: the registry's words
    assert guide.relation == "none" and guide.meaning
    with pytest.raises(KeyError):
        lever_guide("end_year")
    with pytest.raises(ValueError, match="lang"):
        lever_guide("pv_subsidy", "fr")


def test_search_finds_a_lever_by_chinese_words_of_its_plan_sentence():
    assert search_levers("岸基供电") == ["shore_power_2030"]
    assert "freight_shift_2030" in search_levers("公路转铁路", lang="en")
    assert search_levers("渔光互补")[0] == "pv_plus_programme"


def test_search_finds_a_lever_by_english_label_words_and_ranks_label_hits_first():
    found = search_levers("rooftop")
    assert "rooftop_pv_programme" in found and "pv_subsidy" in found
    assert search_levers("Shore power")[0] == "shore_power_2030"
    assert search_levers("EV subsidy")[0] == "ev_subsidy"
    hits = search_levers("subsidy")
    # levers whose label says subsidy come before those found only through their texts
    label_hits = [n for n in LEVERS if "subsid" in lever_guide(n).label.casefold() or "subsidy" in n]
    assert hits[: len(label_hits)] == [n for n in LEVERS if n in label_hits]


def test_search_is_case_insensitive_and_empty_gives_every_lever():
    assert search_levers("SHORE") == search_levers("shore")
    assert search_levers("") == LEVERS
    assert search_levers("no lever has this word xyzzy") == []


def test_the_shipped_effect_tables_equal_the_documented_run():
    for name in ("plan_effects.csv", "plan_wedges.csv"):
        packaged = data_path("effects", name).read_bytes()
        assert packaged == (ROOT / "docs" / "effects" / name).read_bytes(), (
            f"abm/data/effects/{name} differs from docs/effects/{name}: run python -m experiments.effects_doc"
        )
    assert set(effects_table()["lever"]) == set(LEVERS)
    assert {"group", "mechanism"} <= set(wedges_table()["split"])


def test_effects_doc_copies_the_tables_and_flags_a_stale_copy(tmp_path):
    from experiments.effects_doc import TABLES, copy_tables, stale_copies

    run, packaged = ROOT / "docs" / "effects", tmp_path / "effects"
    assert stale_copies(run, packaged) == list(TABLES)
    copy_tables(run, packaged)
    assert stale_copies(run, packaged) == []
    (packaged / TABLES[0]).write_text("lever\n", encoding="utf-8")
    assert stale_copies(run, packaged) == [TABLES[0]]


def test_docs_parameters_lists_where_each_lever_comes_from():
    from abm.parameter_listing import plan_clause_table

    table = plan_clause_table(registry().values())
    assert len(table.splitlines()) == 2 + len(LEVERS)
    text = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert table in text, (
        "docs/parameters.md is stale: regenerate its plan table (abm.parameter_listing.plan_clause_table)"
    )


def test_search_in_chinese_ranks_chinese_label_hits_first():
    assert search_levers("岸电", lang="zh") == ["shore_power_2030"]
    found = search_levers("光伏", lang="zh")
    assert {"pv_subsidy", "rooftop_pv_programme", "pv_plus_programme", "new_roof_pv_mandate"} <= set(found)


def test_a_guides_measured_effect_is_the_effects_tables_row():
    table = effects_table().set_index(["lever", "comparison"])
    for name in ("pv_subsidy", "coal_exit_year", "new_building_saving"):
        for comparison, effect in lever_guide(name).effects.items():
            row = table.loc[(name, comparison)]
            assert effect.delta_co2_2030_mt == pytest.approx(row["delta_co2_2030_mt"])
            assert effect.delta_co2_2030_mt_q05 <= effect.delta_co2_2030_mt <= effect.delta_co2_2030_mt_q95
            assert effect.delta_cumulative_2035_mt == pytest.approx(row["delta_cumulative_2021_2035_mt"])
            assert effect.fiscal_cost == pytest.approx(row["delta_fiscal_cost"])
