"""The Gamma-Gamma spend model: fit, expected order value, and a simulator.

Fader, Hardie and Lee (2005), "RFM and CLV: using iso-value curves for customer base analysis",
Journal of Marketing Research 42(4), with the notes "The Gamma-Gamma model of monetary value"
(Fader and Hardie, 2013). Per repeat buyer: x (repeat purchases) and their mean value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from customer_intelligence.clv.fitting import (
    ConvergenceError,
    Repeated,
    distinct_rows,
    minimise,
)

# the fit searches these ranges (see fitting); its first start (the others are drawn around 1)
GAMMA_GAMMA_BOUNDS = {"p": (1e-3, 1e3), "q": (1e-3, 1e3), "v": (1e-3, 1e7)}
GAMMA_GAMMA_FIRST_START = (1.0, 1.0, 1.0)


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    v: float
    log_likelihood: float


@dataclass(frozen=True)
class _GammaGammaData:
    x: np.ndarray
    counts: Repeated
    log_mean_value: np.ndarray
    log_x: np.ndarray
    total_value: np.ndarray

    @classmethod
    def of(cls, x, mean_value) -> _GammaGammaData:
        x, mean_value = np.asarray(x, dtype=float), np.asarray(mean_value, dtype=float)
        return cls(x, Repeated(x), np.log(mean_value), np.log(x), x * mean_value)

    def value_and_gradient(self, p, q, v) -> tuple[np.ndarray, np.ndarray]:
        """Each row's log-likelihood and its derivatives by p, q and v (3 x rows)."""
        x = self.x
        digamma_px_q = self.counts.map(lambda count: special.digamma(p * count + q))
        log_total_v = np.log(self.total_value + v)
        by_p = x * (
            digamma_px_q
            - self.counts.map(lambda count: special.digamma(p * count))
            + self.log_mean_value
            + self.log_x
            - log_total_v
        )
        by_q = digamma_px_q - special.digamma(q) + np.log(v) - log_total_v
        by_v = q / v - (p * x + q) / (self.total_value + v)
        return self._log_likelihood(p, q, v, log_total_v), np.vstack([by_p, by_q, by_v])

    def log_likelihood(self, p, q, v) -> np.ndarray:
        return self._log_likelihood(p, q, v, np.log(self.total_value + v))

    def _log_likelihood(self, p, q, v, log_total_v) -> np.ndarray:
        """log_likelihood given log(x * mean value + v), which the gradient shares."""
        x = self.x
        return (
            self.counts.map(lambda count: special.gammaln(p * count + q))
            - self.counts.map(lambda count: special.gammaln(p * count))
            - special.gammaln(q)
            + q * np.log(v)
            + (p * x - 1) * self.log_mean_value
            + p * x * self.log_x
            - (p * x + q) * log_total_v
        )


def gamma_gamma_log_likelihood(p, q, v, x, mean_value):
    """Each repeat buyer's Gamma-Gamma log-likelihood of their mean repeat purchase value."""
    return _GammaGammaData.of(x, mean_value).log_likelihood(p, q, v)


def fit_gamma_gamma(x, mean_value, *, data_name: str, starts: int = 5, seed: int = 0):
    """Maximum-likelihood p, q, v on repeat buyers (x > 0) with a positive mean value."""
    x, mean_value = np.asarray(x, dtype=float), np.asarray(mean_value, dtype=float)
    usable = (x > 0) & (mean_value > 0)
    (x, mean_value), weights = distinct_rows(x[usable], mean_value[usable])

    best = (
        None
        if weights.sum() < 2
        else minimise(
            _GammaGammaData.of,
            (x, mean_value),
            weights,
            GAMMA_GAMMA_BOUNDS.values(),
            GAMMA_GAMMA_FIRST_START,
            starts,
            seed,
        )
    )
    if best is None or np.exp(best.x[1]) <= 1:
        raise ConvergenceError(
            f"The Gamma-Gamma spend model did not converge on {data_name} "
            f"({int(weights.sum())} repeat buyers with a positive mean repeat value). Check that "
            "orders carry amounts, that enough customers bought more than once before var "
            "clv_calibration_end, and that a few extreme order values do not dominate "
            "(the model needs q > 1 for the population mean spend to exist)."
        )
    p, q, v = np.exp(best.x)
    return GammaGammaParams(float(p), float(q), float(v), float(-best.fun))


def expected_order_value(params: GammaGammaParams, x, mean_value):
    """E[M | x, mean value]: the conditional expected value of a customer's future purchase.

    A customer without repeat purchases gets the population mean p * v / (q - 1).
    """
    x = np.asarray(x, dtype=float)
    mean_value = np.nan_to_num(np.asarray(mean_value, dtype=float))
    return params.p * (params.v + x * mean_value) / (params.p * x + params.q - 1)


def simulate_gamma_gamma(p, q, v, x, *, seed: int):
    """Each customer's mean value of x purchases drawn from the Gamma-Gamma process: a spend
    rate nu ~ Gamma(q, rate v) per customer, each purchase ~ Gamma(p, rate nu); NaN for x = 0."""
    rng = np.random.default_rng(seed)
    x = np.asarray(x)
    nu = rng.gamma(q, 1 / v, size=x.shape)
    # a sum of x Gamma(p, nu) purchases is Gamma(p * x, nu)
    totals = rng.gamma(np.where(x > 0, p * x, 1.0), 1 / nu)
    return np.where(x > 0, totals / np.maximum(x, 1), np.nan)
