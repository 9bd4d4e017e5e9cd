"""Refresh the generated tables of docs/policy_effects.md from a stored effects run.

The document's prose is written by hand; the blocks between ``<!-- generated: NAME -->``
and ``<!-- end: NAME -->`` are rendered from ``effects.csv`` and ``wedges.csv`` of the
shipped run (``docs/effects/``) and must not be edited::

    python -m experiments.effects_doc            # rewrite the blocks in place
    python -m experiments.effects_doc --check    # exit 1 when a block is stale
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from experiments.effects import markdown_table, markdown_wedges

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "policy_effects.md"
RUN = ROOT / "docs" / "effects"
BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end: (?P=name) -->)", re.S)


def blocks(run: Path = RUN) -> dict[str, str]:
    """Every generated block of the document, by name, from the stored run in ``run``."""
    table = pd.read_csv(run / "plan_effects.csv")
    wedges = pd.read_csv(run / "plan_wedges.csv")
    return {
        "low-to-high": markdown_table(table, "low_to_high"),
        "baseline-to-plan": markdown_table(table, "baseline_to_scenario"),
        "wedges-group": markdown_wedges(wedges, "group"),
        "wedges-mechanism": markdown_wedges(wedges, "mechanism"),
    }


def refreshed(text: str, rendered: dict[str, str]) -> str:
    """``text`` with each generated block replaced by its rendering; unknown blocks are an error."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in rendered:
            raise KeyError(f"{DOC.name}: unknown generated block '{name}'")
        return match.group(1) + rendered[name] + "\n" + match.group(4)

    return BLOCK.sub(replace, text)


def main(argv: list[str] | None = None) -> int:
    """Rewrite the document's generated blocks, or with ``--check`` only say whether they are current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated block is stale")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    new = refreshed(text, blocks())
    if args.check:
        if new != text:
            print(f"{DOC}: generated blocks are stale; run python -m experiments.effects_doc", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
