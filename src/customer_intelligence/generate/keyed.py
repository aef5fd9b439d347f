"""Random values that are a pure function of (seed, stream, key), and the array helpers every
entity shares.

A customer's values (and those of its orders, emails and sessions) are hashes of their keys rather
than the next draws of a shared generator, so any chunking of the customers yields the same rows.
"""

from __future__ import annotations

import zlib

import numpy as np


class Keyed:
    """Random values that are a pure function of (seed, stream, key)."""

    _M1 = np.uint64(0xBF58476D1CE4E5B9)
    _M2 = np.uint64(0x94D049BB133111EB)

    def __init__(self, seed: int):
        self._seed = seed

    @classmethod
    def _mix(cls, x: np.ndarray) -> np.ndarray:
        # splitmix64 finaliser; uint64 arrays wrap on overflow, which the hash relies on
        x = (x ^ (x >> np.uint64(30))) * cls._M1
        x = (x ^ (x >> np.uint64(27))) * cls._M2
        return x ^ (x >> np.uint64(31))

    def uniform(self, stream: str, keys: np.ndarray) -> np.ndarray:
        """Uniform values in (0, 1), one per key."""
        salt = np.uint64((zlib.crc32(stream.encode()) << 32 ^ self._seed) & (2**64 - 1))
        h = self._mix(self._mix(np.asarray(keys, dtype=np.uint64) ^ salt) + salt)
        return ((h >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0**53

    def normal(self, stream: str, keys: np.ndarray) -> np.ndarray:
        """Standard normal values (Box-Muller)."""
        radius = np.sqrt(-2 * np.log(self.uniform(stream + ":r", keys)))
        return radius * np.cos(2 * np.pi * self.uniform(stream + ":t", keys))

    def integers(self, stream: str, keys: np.ndarray, low: int, high: int) -> np.ndarray:
        """Integers in [low, high)."""
        return low + (self.uniform(stream, keys) * (high - low)).astype(np.int64)

    def choice(self, stream: str, keys: np.ndarray, probs: np.ndarray) -> np.ndarray:
        """Category indices; probs is one distribution or one row per key."""
        cum = np.cumsum(probs, axis=-1)
        u = self.uniform(stream, keys) * cum[..., -1]
        if cum.ndim == 1:
            return np.searchsorted(cum, u, side="right")
        return (u[:, None] >= cum).sum(axis=1)

    def exponential(self, stream: str, keys: np.ndarray, mean: float | np.ndarray) -> np.ndarray:
        return -np.log(self.uniform(stream, keys)) * mean


def within(counts: np.ndarray) -> np.ndarray:
    """Position of each repeated row within its group, for np.repeat(..., counts)."""
    starts = np.cumsum(counts) - counts
    return np.arange(counts.sum()) - np.repeat(starts, counts)


def band(u: np.ndarray, bands: dict[str, float]) -> dict[str, np.ndarray]:
    """Split one uniform draw into mutually exclusive masks of the given shares."""
    masks, low = {}, 0.0
    for name, share in bands.items():
        masks[name] = (u >= low) & (u < low + share)
        low += share
    return masks
