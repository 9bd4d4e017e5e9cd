"""The parameter registry as ``suqian-abm parameters`` prints it: filtered, as a text or markdown table.

The text table has a header line, one line per parameter with the columns name, kind, group,
unit, default, range and source, and a count line. Given a width in characters (the
terminal's), it shortens source, then unit, then group, marking each cut with ``…``;
names, kinds, defaults and ranges are never cut. The markdown table is the one
``docs/parameters.md`` ends with (:func:`abm.parameters.parameter_table`), for any selection.
Wide tables (``--wide``) add each lever's and context row's expected sign and channel (how
it reaches CO2); they are blank for other kinds. ``docs/parameters.md`` also holds the wide
markdown table of the levers (:func:`channel_table`) and, apart from it, that of the
national and provincial context (:func:`context_table`).
"""

from __future__ import annotations

import fnmatch
import unicodedata
from collections.abc import Iterable, Sequence

from abm.parameters import Parameter

HEADER = ("name", "kind", "group", "unit", "default", "range", "source")
WIDE_HEADER = (*HEADER, "sign", "channel")
GAP = "  "
ELLIPSIS = "…"
# columns that may be cut to fit the width, in the order they are cut, and the fewest characters each keeps
SHRINKABLE = (("source", 12), ("unit", 10), ("group", 10))
GLOB_CHARACTERS = "*?["


def groups(parameters: Iterable[Parameter]) -> list[str]:
    """The groups of ``parameters``, sorted."""
    return sorted({p.group for p in parameters})


def select(
    parameters: Iterable[Parameter], kind: str | None = None, group: str | None = None, name: str | None = None
) -> list[Parameter]:
    """The parameters of ``kind`` and ``group`` whose names match ``name``, in registry order.

    ``group`` is compared ignoring case; an unknown one raises ValueError listing the groups.
    ``name`` is a case-insensitive substring, or a glob pattern when it holds ``*``, ``?`` or ``[``.
    """
    parameters = list(parameters)
    if group is not None:
        known = groups(parameters)
        if group.lower() not in {g.lower() for g in known}:
            raise ValueError(f"--group: unknown group '{group}'; groups: {', '.join(known)}")
        parameters = [p for p in parameters if p.group.lower() == group.lower()]
    if kind is not None:
        parameters = [p for p in parameters if p.kind == kind]
    if name is not None:
        pattern = name.lower()
        if any(c in pattern for c in GLOB_CHARACTERS):
            parameters = [p for p in parameters if fnmatch.fnmatchcase(p.name.lower(), pattern)]
        else:
            parameters = [p for p in parameters if pattern in p.name.lower()]
    return parameters


def value_range(p: Parameter) -> str:
    """``low to high``, or ``fixed`` for observed data."""
    return f"{p.low:g} to {p.high:g}" if p.adjustable else "fixed"


def cells(p: Parameter, wide: bool = False) -> tuple[str, ...]:
    """One parameter's cells, in the order of :data:`HEADER` (:data:`WIDE_HEADER` if ``wide``)."""
    short = (p.name, p.kind, p.group, p.unit, f"{p.default:g}", value_range(p), p.source)
    return (*short, p.expected_sign, p.channel) if wide else short


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` terminal columns, ending with ``…`` when shortened."""
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for c in text:
        w = display_width(c)
        if used + w > width - 1:
            break
        kept.append(c)
        used += w
    return "".join(kept) + ELLIPSIS


def pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - display_width(text))
    return space + text if right else text + space


def column_widths(rows: Sequence[Sequence[str]], width: int | None) -> list[int]:
    """Each column's width: its widest cell, cut down (see :data:`SHRINKABLE`) until a line fits ``width``."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    if width is None:
        return widths
    for column, fewest in SHRINKABLE:
        i = HEADER.index(column)
        excess = sum(widths) + len(GAP) * (len(widths) - 1) - width
        if excess <= 0:
            break
        widths[i] = max(min(widths[i], fewest), widths[i] - excess)
    return widths


def text_table(parameters: Sequence[Parameter], total: int, width: int | None = None, wide: bool = False) -> str:
    """Header, one line per parameter and ``N of M parameters``; lines fit ``width`` columns where they can.

    ``wide`` adds the sign and channel columns (see :data:`WIDE_HEADER`).
    """
    rows = [WIDE_HEADER if wide else HEADER, *(cells(p, wide) for p in parameters)]
    widths = column_widths(rows, width)
    default = HEADER.index("default")
    lines = [
        GAP.join(
            pad(cut(cell, w), w, right=i == default) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    noun = "parameter" if total == 1 else "parameters"
    return "\n".join([*lines, f"{len(parameters)} of {total} {noun}"])


def markdown_table(parameters: Iterable[Parameter], wide: bool = False) -> str:
    """The parameters as the markdown table of ``docs/parameters.md``; every cell in full.

    ``wide`` adds the expected sign and the channel of each lever (blank for other kinds).
    """
    head, rule = "| name | kind | unit | default | range | source |", "|---|---|---|---|---|---|"
    if wide:
        head, rule = head + " sign | channel |", rule + "---|---|"
    lines = [head, rule]
    for p in parameters:
        source = p.source.replace("|", "/")
        row = f"| `{p.name}` | {p.kind} | {p.unit} | {p.default:g} | {value_range(p)} | {source} |"
        if wide:
            sign = f"`{p.expected_sign}`" if p.expected_sign else ""
            row += f" {sign} | {p.channel.replace('|', '/')} |"
        lines.append(row)
    return "\n".join(lines)


def channel_table(parameters: Iterable[Parameter]) -> str:
    """The levers among ``parameters`` with their group, expected sign on CO2 and channel, as markdown."""
    lines = ["| lever | group | sign | channel |", "|---|---|---|---|"]
    for p in parameters:
        if p.kind == "lever":
            lines.append(f"| `{p.name}` | {p.group} | `{p.expected_sign}` | {p.channel.replace('|', '/')} |")
    return "\n".join(lines)


def plan_clause_table(parameters: Iterable[Parameter]) -> str:
    """Where each lever among ``parameters`` comes from in the plan (``abm/data/plan_clauses.csv``), as markdown.

    Columns: lever, the plan's section, the lever's relation to the plan (quantified, named,
    context, none) and the plan's sentence in English (blank when the plan says nothing).
    """
    from abm.lever_guide import plan_clauses  # it reads the registry through abm.parameters

    clauses = plan_clauses()
    lines = ["| lever | section | relation | the plan's sentence (English) |", "|---|---|---|---|"]
    for p in parameters:
        if p.kind == "lever":
            c = clauses[p.name]
            lines.append(f"| `{p.name}` | {c.section} | {c.relation} | {c.sentence_en.replace('|', '/')} |")
    return "\n".join(lines)


def context_table(parameters: Iterable[Parameter]) -> str:
    """The national and provincial context among ``parameters`` (kind ``context``), apart from the levers, as markdown.

    Columns: name, unit, default, range, expected sign on CO2 when raised and channel (blank for a fixed fact).
    """
    lines = ["| context | unit | default | range | sign | channel |", "|---|---|---|---|---|---|"]
    for p in parameters:
        if p.kind == "context":
            sign = f"`{p.expected_sign}`" if p.expected_sign else ""
            lines.append(
                f"| `{p.name}` | {p.unit} | {p.default:g} | {value_range(p)} | {sign} | {p.channel.replace('|', '/')} |"
            )
    return "\n".join(lines)
