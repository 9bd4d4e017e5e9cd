"""The generated documentation is current."""

from __future__ import annotations

from pathlib import Path

from abm.parameters import parameter_table

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_parameter_table_matches_the_registry():
    """docs/parameters.md ends with the registry table exactly as `suqian-abm parameters --markdown` prints it."""
    text = (DOCS / "parameters.md").read_text(encoding="utf-8")
    table = parameter_table() + "\n"
    assert text.endswith(table), "docs/parameters.md is stale: regenerate it from `suqian-abm parameters --markdown`"


def test_model_description_lists_every_lever():
    """docs/model.md names every lever of the registry."""
    from abm.parameters import registry

    text = (DOCS / "model.md").read_text(encoding="utf-8")
    missing = [p.name for p in registry().of_kind("lever") if f"`{p.name}`" not in text]
    assert not missing, f"levers missing from docs/model.md: {missing}"


def test_policy_effects_tables_match_the_stored_run():
    """docs/policy_effects.md's generated tables are rendered from docs/effects/ (python -m experiments.effects_doc)."""
    from experiments.effects_doc import BLOCK, DOC, blocks, refreshed

    text = DOC.read_text(encoding="utf-8")
    rendered = blocks()
    assert {m.group("name") for m in BLOCK.finditer(text)} == set(rendered)
    assert refreshed(text, rendered) == text, "docs/policy_effects.md is stale: run python -m experiments.effects_doc"
