"""Writing an output folder: all of it or nothing, and never over a folder the tool did not write.

Files are written into a hidden staging folder beside the target and moved into place
only when the block that writes them succeeds, so a failed or interrupted command never
leaves a half-written output folder. Every folder written this way holds a small marker
file, ``.suqian-abm``; ``overwrite`` replaces only a folder with that marker (or an empty
one), and never a file, the working folder or one above it, the home folder or a
filesystem root. The replacement is atomic: the old folder goes only once the new one is
complete.

Staging folders are named ``.<name>.suqian-abm-<host>-<pid>-<random>.staging`` (and
``.old`` while an old folder is swapped out). One left behind by a killed process is
tidied by the next write to the same place (an old folder put back if nothing took its
place, anything else removed), once its name, its marker and its dead process show that
the tool made it and nobody is using it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from abm.run import RunResult

MARKER = ".suqian-abm"
MARKER_TEXT = (
    "This folder was written by suqian-abm.\n"
    "`--overwrite` replaces a folder only if it holds this file; remove it to protect the folder.\n"
)
FILES = ("trajectory.csv", "scorecard.csv", "manifest.json", "emissions.png", MARKER)
NAME_CHARS = 80  # of the target's name in a staging folder's name
UNSAFE = re.compile(r"[^\w.-]+")


class OutputError(OSError):
    """An output folder cannot be written or must not be replaced; the message says which and why."""


class OutputExistsError(OutputError, FileExistsError):
    """The output folder exists and overwriting was not asked for."""


def safe_name(name: str, fallback: str = "scenario") -> str:
    """``name`` as one folder name: letters, digits, ``-``, ``_`` and ``.`` only, no leading dot or dash."""
    cleaned = UNSAFE.sub("_", name).lstrip(".-_")[:NAME_CHARS].rstrip(".")
    return cleaned or fallback


def default_run_folder(scenario_name: str, seed: int, root: Path = Path("runs")) -> Path:
    """``runs/<scenario>-seed<seed>`` with the scenario name made safe: always a folder directly under ``root``."""
    return root / f"{safe_name(scenario_name)}-seed{seed}"


def is_tool_folder(folder: Path) -> bool:
    """True if ``folder`` is a real folder holding the marker the staged writer puts into every folder it writes
    (a file ``.suqian-abm`` whose first line is the marker's first line)."""
    marker = folder / MARKER
    if folder.is_symlink() or not folder.is_dir() or marker.is_symlink() or not marker.is_file():
        return False
    first = MARKER_TEXT.splitlines(keepends=True)[0]
    try:
        with open(marker, encoding="utf-8", errors="replace") as handle:
            return handle.readline(len(first) + 1) == first
    except OSError:
        return False


def _protected(path: Path) -> str | None:
    """Why ``path`` (absolute, resolved) must never be replaced, or None."""
    if path.parent == path:
        return "a filesystem root"
    with contextlib.suppress(RuntimeError, KeyError, OSError):
        if path == Path.home().resolve():
            return "the home folder"
    with contextlib.suppress(OSError):
        cwd = Path.cwd().resolve()
        if path == cwd:
            return "the current folder"
        if cwd.is_relative_to(path):
            return "a folder above the current folder"
    return None


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists (a symbolic link counts as existing)."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path(path.anchor)


def check_output(out: Path, overwrite: bool = False) -> Path:
    """Refuse, before any work is done, an output folder that :func:`staged_folder` would refuse or could not write.

    Staging folders left there by a killed process are tidied first (see
    :func:`remove_stale_staging`). Returns ``out`` as an absolute path. Raises :class:`OutputExistsError` if it exists and
    ``overwrite`` is not asked for, and :class:`OutputError` if it is a file or a link, if
    ``overwrite`` would replace something the tool did not write or must never replace,
    or if its parent cannot be made or written.
    """
    out = Path(os.path.abspath(out))
    remove_stale_staging(out)
    if out.is_symlink():
        raise OutputError(f"{out} is a symbolic link; choose another --out")
    if out.exists():
        if not out.is_dir():
            raise OutputError(f"{out} is a file, not a folder; choose another --out")
        if not overwrite:
            raise OutputExistsError(f"output folder {out} exists; choose another --out or pass --overwrite")
        reason = _protected(out.resolve())
        if reason:
            raise OutputError(f"{out} is {reason}; --overwrite replaces only an output folder; choose another --out")
        if not is_tool_folder(out) and any(out.iterdir()):
            raise OutputError(
                f"{out} exists and was not written by suqian-abm (no {MARKER} file in it); "
                "choose another --out or remove it yourself"
            )
    check_writable(out.parent, what=str(out))
    return out


def check_writable(folder: Path, what: str | None = None) -> None:
    """Refuse a ``folder`` that cannot be made or written into: one under a file, or without permission.

    ``what`` names what is to be written there (default: the folder) in the message.
    """
    folder = Path(os.path.abspath(folder))
    what = what or str(folder)
    base = _nearest_existing(folder)
    if not base.is_dir():
        raise OutputError(f"cannot write {what}: {base} is a file, not a folder")
    if not os.access(base, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {what}: no permission to write in {base}")


def _host() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _staging_pattern(out: Path) -> re.Pattern[str]:
    name = re.escape(out.name[:NAME_CHARS])
    return re.compile(rf"\.{name}\.suqian-abm-(?P<host>[0-9a-f]{{8}})-(?P<pid>[0-9]+)-[0-9a-f]{{8}}\.(staging|old)")


def _staging_path(out: Path, kind: str) -> Path:
    token = secrets.token_hex(4)
    return out.parent / f".{out.name[:NAME_CHARS]}.suqian-abm-{_host()}-{os.getpid()}-{token}.{kind}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or a number we cannot check: assume in use
    return True


def stale_staging(out: Path) -> tuple[list[Path], list[Path]]:
    """Staging folders the tool left beside ``out``: (those safe to remove, those of a process elsewhere).

    A folder counts only if its name matches the staging pattern for ``out``, it is a real
    folder holding the marker, and its process (named in it) no longer runs on this host.
    """
    out = Path(os.path.abspath(out))
    pattern = _staging_pattern(out)
    removable, foreign = [], []
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return [], []
    here = _host()
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if not match or not is_tool_folder(entry):
            continue
        pid = int(match["pid"])
        if match["host"] != here:
            foreign.append(entry)
        elif pid != os.getpid() and not _alive(pid):
            removable.append(entry)
    return removable, foreign


def remove_stale_staging(out: Path) -> list[Path]:
    """Tidy what :func:`stale_staging` finds safe to touch; note the others on stderr; return those tidied.

    A stale ``.old`` folder is an earlier output swapped out by a process killed before
    its new folder took the place: if ``out`` is missing it is put back, otherwise removed.
    """
    out = Path(os.path.abspath(out))
    removable, foreign = stale_staging(out)
    for folder in sorted(removable, key=lambda p: p.name.endswith(".staging")):
        if folder.name.endswith(".old") and not (out.exists() or out.is_symlink()):
            with contextlib.suppress(OSError):
                folder.rename(out)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    for folder in foreign:
        print(
            f"note: {folder} was left by suqian-abm on another machine; remove it if nothing writes there now",
            file=sys.stderr,
        )
    return removable


def _make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; return those created, deepest first."""
    created = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        created.append(candidate)
    folder.mkdir(parents=True, exist_ok=True)
    return created


@contextlib.contextmanager
def staged_folder(out: Path, overwrite: bool = False) -> Iterator[Path]:
    """A staging folder beside ``out`` to write into; it becomes ``out`` only if the block succeeds.

    ``out`` is checked as :func:`check_output` does: an existing ``out`` is refused unless
    ``overwrite``, and even then unless the tool wrote it (or it is empty). It is replaced
    only once the new folder is complete; a failure or interruption leaves it, and
    everything else, as it was (parents made for ``out`` are removed again).
    """
    out = check_output(out, overwrite)
    created = _make_parents(out.parent)
    staging = None
    try:
        staging = _staging_path(out, "staging")
        staging.mkdir()
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        yield staging
        check_output(out, overwrite)  # the place may have changed while the block ran
        if out.exists():
            backup = _staging_path(out, "old")
            out.rename(backup)
            try:
                staging.rename(out)
            except BaseException:
                backup.rename(out)
                raise
            shutil.rmtree(backup, ignore_errors=True)
        else:
            staging.rename(out)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        for folder in created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def write_outputs(result: RunResult, out: Path, overwrite: bool = False) -> Path:
    """Write trajectory, scorecard, manifest and figure to ``out``; return ``out``."""
    from abm.figures import emissions_figure

    with staged_folder(out, overwrite) as staging:
        result.trajectory.to_csv(staging / "trajectory.csv", index=False, float_format="%.10g")
        result.scorecard.to_csv(staging / "scorecard.csv", index=False, float_format="%.10g")
        (staging / "manifest.json").write_text(
            json.dumps(result.manifest(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        title = f"Suqian CO2 emissions by sector: scenario '{result.scenario.name}', seed {result.seed}"
        emissions_figure(result.trajectory, title, staging / "emissions.png")
    return Path(out)
