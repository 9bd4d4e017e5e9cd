"""Writing an output folder: all of it or nothing, and never over a folder the tool did not write.

Files are written into a hidden staging folder beside the target and moved into place
only when the block that writes them succeeds, so a failed or interrupted command never
leaves a half-written output folder. Every folder written this way holds a small marker
file, ``.suqian-abm``, which also names the kind of output (``kind: run``, see
:data:`KINDS`; a sweep folder says ``kind: sweep``). ``overwrite`` replaces only a folder
with that marker and of the same kind, an empty one, or a folder written before markers
existed that holds nothing but the files its kind writes (see :func:`adoptable`); never a
file, the working folder or one above it, the home folder or a filesystem root. The
replacement is atomic: the old folder goes only once the new one is complete.

Staging folders are named ``.<name>.suqian-abm-<id>-<host>-<pid>-<random>.staging`` (and
``.old`` while an old folder is swapped out): ``<name>`` is the target's name cut to
:data:`NAME_BYTES` bytes, ``<id>`` a hash of the whole name, so targets whose names start
alike never claim each other's folders. One left behind by a killed process is tidied by
the next write to the same place (an old folder put back if nothing took its place,
anything else removed), once its name, its marker and its dead process show that the tool
made it and nobody is using it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
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
DISTRIBUTION_FILE = "distribution.csv"  # written when the run gathered its distribution table
PANEL_FILES = ("panel_households.parquet", "panel_firms.parquet")  # written when it gathered the agent panel
RUN_FILES = (*FILES, DISTRIBUTION_FILE)  # what `suqian-abm run` writes without --panel
NAME_CHARS = 80  # of a scenario's name in a default folder name (and, before name hashes, in staging names)
NAME_BYTES = 150  # of the target's name in a staging folder's name, in UTF-8 bytes
NAME_MAX = 255  # bytes in one file name on common filesystems
UNSAFE = re.compile(r"[^\w.-]+")
SWEEP = "sweep"
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")  # differs between machines of the same name
PID_SPACE = "/proc/self/ns/pid"  # differs between containers of the same name on one machine


@dataclass(frozen=True)
class OutputKind:
    """What one kind of output folder holds: the names it writes, and those that identify it.

    ``signature`` lists alternatives; a folder shows the kind if it holds every file of one of them.
    """

    files: re.Pattern[str]
    signature: tuple[tuple[str, ...], ...]


KINDS = {
    "run": OutputKind(
        re.compile(
            r"trajectory\.csv|scorecard\.csv|manifest\.json|emissions\.png|distribution\.csv"
            r"|panel_(households|firms)\.parquet"
        ),
        (("manifest.json", "trajectory.csv"),),
    ),
    "validation": OutputKind(re.compile(r"validation\.csv|summary\.csv|not_compared\.csv"), (("validation.csv",),)),
    "calibration": OutputKind(
        re.compile(
            r"(posterior|parameters)(_until_[0-9]+)?\.csv|calibration\.toml|generations\.csv|fit\.csv"
            r"|time_split\.csv|scores\.csv|projection(_members)?\.csv|(fit|posterior|peak_year)\.png|report\.md"
        ),
        (("calibration.toml",),),
    ),
    "projection": OutputKind(
        re.compile(r"members\.csv|emissions\.csv|peak_years\.csv|summary\.csv|projection\.png"),
        (("members.csv", "summary.csv"),),
    ),
    "analysis": OutputKind(
        re.compile(
            r"(runs|bands|peaks|peak_years|sobol|morris|prim)\.csv|summary\.md"
            r"|(fan|peak_year|scenarios|sensitivity)\.png"
        ),
        (("summary.md",), ("runs.csv",)),
    ),
    "effects": OutputKind(re.compile(r"(effects|wedges)\.(csv|png)"), (("effects.csv",),)),
    "emulator": OutputKind(re.compile(r"emulator\.(npz|json)|check\.csv"), (("emulator.json", "emulator.npz"),)),
}


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


def marker_text(kind: str | None = None) -> str:
    """The marker file's text, naming ``kind`` (a key of :data:`KINDS`, or ``sweep``) on its last line."""
    return MARKER_TEXT + (f"kind: {kind}\n" if kind else "")


def marked_kind(folder: Path) -> str | None:
    """The kind ``folder``'s marker names; ``""`` for a marker written before markers named one; None if no marker."""
    if not is_tool_folder(folder):
        return None
    try:
        with open(folder / MARKER, encoding="utf-8", errors="replace") as handle:
            lines = handle.read(4096).splitlines()
    except OSError:
        return None
    kinds = [line.removeprefix("kind: ").strip() for line in lines[1:] if line.startswith("kind: ")]
    return kinds[0] if kinds else ""


def has_sweep_layout(folder: Path) -> bool:
    """True if ``folder`` holds what every sweep writes: spec.toml, design.csv and a results folder."""
    return (folder / "spec.toml").is_file() and (folder / "design.csv").is_file() and (folder / "results").is_dir()


def folder_kind(folder: Path) -> str | None:
    """The kind of output in ``folder``: as its marker says, else ``sweep`` if it has a sweep's layout (sweeps
    from before markers named a kind); ``""`` for a marked output of unknown kind; None for anything else."""
    kind = marked_kind(folder)
    if not kind and has_sweep_layout(folder):
        return SWEEP
    return kind


def adoptable(folder: Path, kind: str | None = None) -> bool:
    """True if ``folder`` is an output of ``kind`` (of any kind if None) written before folders held the marker.

    It must hold something, nothing but regular files, only names that kind writes, and the
    files that identify it (see :data:`KINDS`); anything else keeps it protected.
    """
    if folder.is_symlink() or not folder.is_dir():
        return False
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    if not entries or any(e.is_symlink() or not e.is_file() for e in entries):
        return False
    present = {e.name for e in entries}
    for spec in [KINDS[kind]] if kind else KINDS.values():
        if all(spec.files.fullmatch(n) for n in present) and any(set(s) <= present for s in spec.signature):
            return True
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


def _an(kind: str) -> str:
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def check_name(out: Path) -> None:
    """Refuse a folder name too long for the filesystem, in bytes, or that the filesystem cannot encode."""
    try:
        size = len(os.fsencode(out.name))
        staging = len(os.fsencode(_staging_path(out, "staging").name))
    except UnicodeEncodeError:
        raise OutputError(
            f"{out}: the folder name cannot be written on this filesystem; choose another --out"
        ) from None
    if max(size, staging) > NAME_MAX:
        raise OutputError(
            f"{out}: the folder name is {size} bytes long (UTF-8); a name may have at most {NAME_MAX}; "
            "choose a shorter --out"
        )


def check_output(out: Path, overwrite: bool = False, kind: str | None = None, advice: str | None = None) -> Path:
    """Refuse, before any work is done, an output folder that :func:`staged_folder` would refuse or could not write.

    ``kind`` is the kind of output to be written (a key of :data:`KINDS`; None: unnamed).
    Staging folders left there by a killed process are tidied first (see
    :func:`remove_stale_staging`). Returns ``out`` as an absolute path. Raises
    :class:`OutputExistsError` if it exists and ``overwrite`` is not asked for, and
    :class:`OutputError` if its name is too long, if it is a file or a link, if ``overwrite``
    would replace something the tool did not write, an output of another kind or a sweep,
    or something it must never replace, or if its parent cannot be made or written.
    ``advice`` replaces the usual way out ("choose another --out") at the end of a message.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind of output {kind!r}; one of {', '.join(KINDS)}")
    out = Path(os.path.abspath(out))
    check_name(out)
    remove_stale_staging(out)
    other = advice or "choose another --out"
    if out.is_symlink():
        raise OutputError(f"{out} is a symbolic link; {other}")
    if out.exists():
        if not out.is_dir():
            raise OutputError(f"{out} is a file, not a folder; {other}")
        if not overwrite:
            raise OutputExistsError(
                f"output folder {out} exists; {advice or 'choose another --out or pass --overwrite'}"
            )
        reason = _protected(out.resolve())
        if reason:
            raise OutputError(f"{out} is {reason}; --overwrite replaces only an output folder; {other}")
        found = folder_kind(out)
        if found == SWEEP or (found and kind and found != kind):
            writes = _an(kind) if kind else "another kind of"
            raise OutputError(
                f"{out} holds {_an(found)} output and this command writes {writes} output; "
                f"--overwrite replaces only an output of the same kind; {other}"
            )
        if found is None and any(out.iterdir()) and not adoptable(out, kind):
            raise OutputError(
                f"{out} exists and was not written by suqian-abm (no {MARKER} file in it); "
                f"{advice or 'choose another --out or remove it yourself'}"
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
    """This machine, as 8 hex digits: its name, and where the system has them its boot id and its process-id
    namespace, so that a process id is only ever checked in the space it belongs to."""
    parts = [socket.gethostname()]
    with contextlib.suppress(OSError, UnicodeDecodeError):
        parts.append(BOOT_ID.read_text(encoding="ascii").strip())
    with contextlib.suppress(OSError):
        parts.append(os.readlink(PID_SPACE))
    return hashlib.sha256("\n".join(parts).encode("utf-8", "replace")).hexdigest()[:8]


def _cut(name: str, limit: int = NAME_BYTES) -> str:
    """``name`` cut at a character to at most ``limit`` bytes as the filesystem encodes it."""
    size = 0
    for i, char in enumerate(name):
        size += len(os.fsencode(char))
        if size > limit:
            return name[:i]
    return name


def _name_id(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _staging_patterns(out: Path) -> list[re.Pattern[str]]:
    """Names of staging folders for ``out``: with the hash of its whole name, and for a short name (never cut)
    also as earlier versions named them."""
    tail = r"-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-[0-9a-f]{8}\.(staging|old)"
    patterns = [re.compile(rf"\.{re.escape(_cut(out.name))}\.suqian-abm-{_name_id(out.name)}{tail}")]
    if len(out.name) < NAME_CHARS:
        patterns.append(re.compile(rf"\.{re.escape(out.name)}\.suqian-abm{tail}"))
    return patterns


def _staging_path(out: Path, suffix: str) -> Path:
    token = secrets.token_hex(4)
    name = f".{_cut(out.name)}.suqian-abm-{_name_id(out.name)}-{_host()}-{os.getpid()}-{token}.{suffix}"
    return out.parent / name


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
    patterns = _staging_patterns(out)
    removable, foreign = [], []
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return [], []
    here = _host()
    for entry in entries:
        match = next(filter(None, (p.fullmatch(entry.name) for p in patterns)), None)
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
def ctrl_c_deferred() -> Iterator[None]:
    """Ctrl-C during the block takes effect only when it ends: for a few steps that must happen together.

    Outside the main thread, or where Ctrl-C is ignored anyway, the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and previous is not signal.SIG_IGN:
        raise KeyboardInterrupt


@contextlib.contextmanager
def staged_folder(
    out: Path, overwrite: bool = False, kind: str | None = None, advice: str | None = None
) -> Iterator[Path]:
    """A staging folder beside ``out`` to write into; it becomes ``out`` only if the block succeeds.

    ``out`` is checked as :func:`check_output` does with the same ``kind`` and ``advice``: an
    existing ``out`` is refused unless ``overwrite``, and even then unless the tool wrote it
    as an output of this kind (or it is empty, or an output of this kind from before
    markers). It is replaced only once the new folder is complete; a failure or interruption
    leaves it, and everything else, as it was (parents made for ``out`` are removed again).
    """
    out = check_output(out, overwrite, kind, advice)
    created = _make_parents(out.parent)
    staging = None
    try:
        staging = _staging_path(out, "staging")
        staging.mkdir()
        (staging / MARKER).write_text(marker_text(kind), encoding="utf-8")
        yield staging
        check_output(out, overwrite, kind, advice)  # the place may have changed while the block ran
        if out.exists():
            if not is_tool_folder(out):  # empty, or adopted: marked, so that a swap cut short is put back
                (out / MARKER).write_text(marker_text(kind), encoding="utf-8")
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


def summary_lines(result: RunResult) -> list[str]:
    """The run's summary for a terminal: the peak on both definitions (:mod:`abm.peak`) and the targets met."""
    from abm.peak import DEFINITIONS, SCORED, run_peak

    peak = run_peak(result.trajectory)
    card = result.scorecard
    confirmed = f"{peak.confirmed_year} at {peak.confirmed_mt:.2f} Mt" if peak.confirmed_year is not None else "none"
    return [
        f"peak year: {result.peak_year} (highest year)",
        f"peak CO2: {result.peak_mt:.2f} Mt (including net imported electricity)",
        f"confirmed peak: {confirmed} ({DEFINITIONS['confirmed']})",
        f"targets met: {int(card['met'].sum())} of {len(card)} (the peak target on the {SCORED} peak)",
    ]


def write_outputs(result: RunResult, out: Path, overwrite: bool = False) -> Path:
    """Write trajectory, scorecard, manifest and figure to ``out``, and the distribution table and the agent
    panel when the run gathered them; return ``out``."""
    from abm.figures import emissions_figure

    with staged_folder(out, overwrite, kind="run") as staging:
        result.trajectory.to_csv(staging / "trajectory.csv", index=False, float_format="%.10g")
        result.scorecard.to_csv(staging / "scorecard.csv", index=False, float_format="%.10g")
        (staging / "manifest.json").write_text(
            json.dumps(result.manifest(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        title = f"Suqian CO2 emissions by sector: scenario '{result.scenario.name}', seed {result.seed}"
        emissions_figure(result.trajectory, title, staging / "emissions.png")
        if result.distribution is not None:
            result.distribution.to_csv(staging / DISTRIBUTION_FILE, index=False, float_format="%.10g")
        for name, frame in (result.panel or {}).items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
    return Path(out)
