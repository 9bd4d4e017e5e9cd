"""Refresh the generated tables of docs/policy_effects.md from a stored effects run.

The document's prose is written by hand; the blocks between ``<!-- generated: NAME -->``
and ``<!-- end: NAME -->`` are rendered from ``effects.csv`` and ``wedges.csv`` of the
shipped run (``docs/effects/``) and must not be edited. The same run's tables are shipped
with the package (``abm/data/effects/``, read by :mod:`abm.lever_guide`); this command copies
them there, so the two never diverge::

    python -m experiments.effects_doc            # rewrite the blocks in place, copy the tables
    python -m experiments.effects_doc --check    # exit 1 when a block or a copy is stale
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
PACKAGED = ROOT / "abm" / "data" / "effects"  # the copy shipped as package data
TABLES = ("plan_effects.csv", "plan_wedges.csv")
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


def stale_copies(run: Path = RUN, packaged: Path = PACKAGED) -> list[str]:
    """The tables of ``run`` whose copy in ``packaged`` is missing or differs."""
    return [
        name
        for name in TABLES
        if not (packaged / name).is_file() or (packaged / name).read_bytes() != (run / name).read_bytes()
    ]


def copy_tables(run: Path = RUN, packaged: Path = PACKAGED) -> None:
    """Copy the run's effects and wedges tables to the package data, byte for byte."""
    packaged.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        (packaged / name).write_bytes((run / name).read_bytes())


def main(argv: list[str] | None = None) -> int:
    """Rewrite the document's generated blocks, or with ``--check`` only say whether they are current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated block is stale")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    new = refreshed(text, blocks())
    if args.check:
        stale = stale_copies()
        if new != text:
            print(f"{DOC}: generated blocks are stale; run python -m experiments.effects_doc", file=sys.stderr)
        if stale:
            print(
                f"{PACKAGED}: {', '.join(stale)} differ from {RUN}; run python -m experiments.effects_doc",
                file=sys.stderr,
            )
        return 1 if new != text or stale else 0
    DOC.write_text(new, encoding="utf-8")
    copy_tables()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
