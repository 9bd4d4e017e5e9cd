"""Common random numbers: every draw belongs to one agent, one decision and one year.

``uniform(seed, purpose, year, index)`` is a counter-based generator: the value is a
hash of (seed, purpose, year, agent index), so it does not depend on which other agents
draw, in what order, or how many draws came before. Two runs with one seed that differ
in a lever therefore differ only through the policy, not through reshuffled chance: a
household's draw for ``ev_choice`` in 2027 is the same whatever the other levers do.

The hash is splitmix64's finaliser applied to ``index * golden + key``, where ``key``
mixes seed, purpose and year the same way; values map to [0, 1) from the top 53 bits
(float64) or 24 bits (float32). Other distributions come from these uniforms (inverse
CDF, comparisons). Work is chunked so the temporaries stay in cache.

:data:`PURPOSES` is the fixed registry of decisions (name -> id). An id is never
reused or renumbered: changing one changes every run's draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtri

PURPOSES: dict[str, int] = {
    # households (index: row of the household table)
    "household.first_car": 1,
    "household.ev_choice": 2,
    "household.car_life": 3,
    "household.pv_opportunity": 4,
    "household.pv_choice": 5,
    "household.heat_opportunity": 6,
    "household.heat_choice": 7,
    "household.retrofit_opportunity": 8,
    "household.retrofit_choice": 9,
    "household.sorting_opportunity": 10,
    "household.sorting_choice": 11,
    "household.move": 12,
    "household.urbanise": 13,
    "household.urban_roof": 14,
    "household.urban_charging": 15,
    # firms (index: row of the firm table; entrants take the row of the firm they replace)
    "firm.pv": 101,
    "firm.storage": 102,
    "firm.retrofit": 103,
    "firm.electrified_heat": 104,
    "firm.recycling": 105,
    "firm.green_power": 106,
    "firm.backward_exit": 107,
    "firm.renewal": 108,
    "firm.entrant_intensity": 109,
    "firm.entrant_pv": 110,
    "firm.waste_heat_recovery": 111,
    "firm.boiler": 112,
    # fleets (index: the purchase's rank among the fleet's purchases of the year)
    "fleet.city_bus.electric": 201,
    "fleet.city_bus.life": 202,
    "fleet.taxi.electric": 203,
    "fleet.taxi.life": 204,
    "fleet.logistics_truck.electric": 205,
    "fleet.logistics_truck.life": 206,
    # utility-scale PV developers (index: candidate site)
    "investor.site_cost": 301,
    "investor.hurdle": 302,
    "investor.pv_build": 303,
    # outputs (index: row of the household table; year: 0, one sample for the whole run)
    "panel.household_sample": 401,
}

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_CHUNK = 1 << 13


def _mix_int(x: int) -> int:
    """splitmix64's finaliser on a Python integer."""
    x &= _MASK
    x = ((x ^ (x >> 30)) * _M1) & _MASK
    x = ((x ^ (x >> 27)) * _M2) & _MASK
    return x ^ (x >> 31)


@lru_cache(maxsize=1 << 14)
def stream_key(seed: int, purpose: str, year: int) -> int:
    """The 64-bit key of one (seed, purpose, year) stream (cached: a run asks each key many times)."""
    if purpose not in PURPOSES:
        raise KeyError(f"unknown random-number purpose '{purpose}'")
    key = _mix_int(int(seed) * _GOLDEN + 0x632BE59BD9B4E019)
    key = _mix_int(key + PURPOSES[purpose] * _GOLDEN)
    return _mix_int(key + (int(year) & _MASK) * _GOLDEN)


def uniform_from_key(key: int, index: int) -> float:
    """One value of :func:`uniform` (float64) from its stream's key, in pure Python."""
    return (_mix_int(index * _GOLDEN + key) >> 11) * 2.0**-53


def uniform_scalar(seed: int, purpose: str, year: int, index: int) -> float:
    """One value of :func:`uniform` (float64), in pure Python: the same number, no numpy."""
    return uniform_from_key(stream_key(seed, purpose, year), int(index))


# numpy scalars of the constants, made once: building them on every call cost more than hashing a few hundred indices
_GOLDEN_U64, _M1_U64, _M2_U64 = np.uint64(_GOLDEN), np.uint64(_M1), np.uint64(_M2)
_SHIFT_30, _SHIFT_27, _SHIFT_31 = np.uint64(30), np.uint64(27), np.uint64(31)
_BITS_SCALE = {np.float64: (np.uint64(11), 2.0**-53), np.float32: (np.uint64(40), np.float32(2.0**-24))}


def _hash_into(
    xs: NDArray[np.uint64], ts: NDArray[np.uint64], key: np.uint64 | NDArray[np.uint64], bits: np.uint64
) -> None:
    """splitmix64 of ``xs * golden + key`` in place (``ts`` is scratch of the same shape), keeping the top bits.

    ``key`` may be one key or a column of keys, one per row of ``xs``."""
    np.multiply(xs, _GOLDEN_U64, out=xs)
    np.add(xs, key, out=xs)
    np.right_shift(xs, _SHIFT_30, out=ts)
    np.bitwise_xor(xs, ts, out=xs)
    np.multiply(xs, _M1_U64, out=xs)
    np.right_shift(xs, _SHIFT_27, out=ts)
    np.bitwise_xor(xs, ts, out=xs)
    np.multiply(xs, _M2_U64, out=xs)
    np.right_shift(xs, _SHIFT_31, out=ts)
    np.bitwise_xor(xs, ts, out=xs)
    np.right_shift(xs, bits, out=xs)


def uniform(
    seed: int, purpose: str, year: int, index: ArrayLike, dtype: type[np.floating[Any]] = np.float64
) -> NDArray[np.floating[Any]]:
    """Uniform values in [0, 1), one per entry of ``index`` (non-negative agent indices).

    The value for one (seed, purpose, year, index) is fixed: it does not depend on the
    other indices asked with it. ``dtype`` float32 keeps the top 24 bits (a float32
    value is the float64 one rounded down to 24 bits).
    """
    idx = np.asarray(index)
    out = np.empty(idx.shape, dtype=dtype)
    flat_idx, flat_out = idx.reshape(-1), out.reshape(-1)
    n = flat_idx.shape[0]
    if n == 0:
        return out
    key = np.uint64(stream_key(seed, purpose, year))
    bits, scale = _BITS_SCALE[np.float32] if dtype == np.float32 else _BITS_SCALE[np.float64]
    if n <= _CHUNK:  # one chunk: no scratch slicing (most draws of a run are this size)
        xs = flat_idx.astype(np.uint64)
        _hash_into(xs, np.empty_like(xs), key, bits)
        np.multiply(xs, scale, out=flat_out, casting="unsafe")
        return out
    x = np.empty(_CHUNK, dtype=np.uint64)
    t = np.empty(_CHUNK, dtype=np.uint64)
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        xs, ts = x[: stop - start], t[: stop - start]
        xs[...] = flat_idx[start:stop]
        _hash_into(xs, ts, key, bits)
        np.multiply(xs, scale, out=flat_out[start:stop], casting="unsafe")
    return out


def uniform_streams(seed: int, purposes: Sequence[str], year: int, index: ArrayLike) -> NDArray[np.float64]:
    """:func:`uniform` (float64) for several purposes over the same indices: row ``k`` is
    ``uniform(seed, purposes[k], year, index)``, value for value.

    One pass over a (purposes, indices) block costs a fraction of one call per purpose: the
    per-call overhead of a dozen numpy operations dominates at a few thousand indices.
    """
    flat_idx = np.asarray(index).reshape(-1)
    n = flat_idx.shape[0]
    out = np.empty((len(purposes), n))
    if n == 0 or not purposes:
        return out
    keys = np.array([stream_key(seed, purpose, year) for purpose in purposes], dtype=np.uint64)[:, None]
    bits, scale = _BITS_SCALE[np.float64]
    width = max(_CHUNK // len(purposes), 1)  # columns per block: temporaries stay near one chunk
    x = np.empty((len(purposes), min(n, width)), dtype=np.uint64)
    t = np.empty_like(x)
    for start in range(0, n, width):
        stop = min(start + width, n)
        xs, ts = x[:, : stop - start], t[:, : stop - start]
        xs[...] = flat_idx[start:stop]
        _hash_into(xs, ts, keys, bits)
        np.multiply(xs, scale, out=out[:, start:stop], casting="unsafe")
    return out


def uniform_all(seed: int, purpose: str, year: int, n: int, dtype: type[np.floating[Any]] = np.float64):
    """:func:`uniform` for the indices ``0 .. n-1``."""
    return uniform(seed, purpose, year, np.arange(n, dtype=np.uint64), dtype)


def standard_normal(seed: int, purpose: str, year: int, index: ArrayLike) -> NDArray[np.float64]:
    """Standard normal values by the inverse CDF of :func:`uniform` (0 maps to a finite value)."""
    u = uniform(seed, purpose, year, index)
    return ndtri(np.maximum(u, 2.0**-54))
