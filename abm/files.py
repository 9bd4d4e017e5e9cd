"""Reading the files users give (scenarios, experiment specs, observed data) with clear errors.

Every reader raises the caller's error class with a message naming the file and the reason:
a folder where a file was expected, a missing or unreadable file, bytes that are not UTF-8
(with the offset of the first bad byte), TOML that does not parse, is nested too deeply or
holds an integer of thousands of digits.
A UTF-8 byte-order mark at the start is accepted and dropped, in TOML and CSV alike.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

BOM = b"\xef\xbb\xbf"
MAX_TEXT_BYTES = 64 * 1024 * 1024  # 64 MiB: far above any scenario, spec or observed table, read whole into memory


def read_text(path: Path | str, error: type[Exception], what: str) -> str:
    """The text of ``path`` (UTF-8, an optional byte-order mark dropped), or ``error`` naming the path and why.

    ``what`` names the file in messages, e.g. ``"scenario file"``.
    """
    path = Path(path)
    if path.is_dir():
        raise error(f"{path}: is a folder, not a {what}")
    if not path.exists():  # also for a path that cannot exist (a NUL character in it)
        raise error(f"{what} not found: {path}")
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise error(f"{path}: {size:,} bytes is too large for a {what} (at most {MAX_TEXT_BYTES:,} bytes)")
        data = path.read_bytes()
    except OSError as err:
        raise error(f"{path}: cannot read the {what}: {err.strerror or err}") from None
    skipped = len(BOM) if data.startswith(BOM) else 0
    data = data[skipped:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        offset = err.start + skipped
        raise error(
            f"{path}: not UTF-8 text: byte {offset} (0x{data[err.start]:02x}) cannot be decoded; save the {what} as UTF-8"
        ) from None


def parse_toml(text: str, path: Path | str, error: type[Exception]) -> dict[str, Any]:
    """Parse TOML ``text`` read from ``path``, or raise ``error`` naming the file and the problem."""
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as err:
        raise error(f"{path}: not valid TOML: {err}") from None
    except RecursionError:
        raise error(f"{path}: not valid TOML: tables or arrays are nested too deeply to read") from None
    except ValueError as err:  # an integer with more digits than Python converts (sys.get_int_max_str_digits)
        raise error(f"{path}: not valid TOML: {err}") from None


def read_toml(path: Path | str, error: type[Exception], what: str) -> tuple[dict[str, Any], str]:
    """Read and parse a TOML file: its contents and its text (see :func:`read_text`)."""
    text = read_text(path, error, what)
    return parse_toml(text, path, error), text


def read_csv(path: Path | str, error: type[Exception], what: str, expected: str) -> pd.DataFrame:
    """A CSV file as a table of strings (see :func:`read_text`), or ``error`` naming the path and why.

    ``expected`` says, for an empty file, what its first line should hold.
    """
    import io

    import pandas as pd

    text = read_text(path, error, what)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise error(f"{path}: the file is empty; expected {expected}") from None
    except pd.errors.ParserError as err:
        raise error(f"{path}: cannot be read as CSV: {err}") from None
