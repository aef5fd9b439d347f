"""The BG/NBD purchase model: fit, P(alive), expected purchases, and a simulator.

Fader, Hardie and Lee (2005), "Counting your customers the easy way: an alternative to the
Pareto/NBD model", Marketing Science 24(2). Per customer: x (repeat purchases), t_x (weeks from
the first to the last purchase) and T (weeks from the first purchase to the calibration end).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from customer_intelligence.clv.fitting import (
    ConvergenceError,
    Repeated,
    distinct_rows,
    minimise,
)

WEEKS_PER_MONTH = 52 / 12
# the fit searches these ranges (see fitting)
BGNBD_BOUNDS = {"r": (1e-3, 1e3), "alpha": (1e-3, 1e5), "a": (1e-3, 1e3), "b": (1e-3, 1e3)}
# the fit's first start (the others are drawn around 1). Not a = 1: there the expectation is
# 0 / 0, and without repeat buyers a and b keep their start (nothing informs them)
BGNBD_FIRST_START = (1.0, 1.0, 0.5, 1.0)


@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float


@dataclass(frozen=True)
class _BgNbdData:
    x: np.ndarray
    repeat: np.ndarray
    counts: Repeated
    repeat_counts: Repeated
    repeat_recencies: Repeated
    ages: Repeated

    @classmethod
    def of(cls, x, t_x, T) -> _BgNbdData:
        x, t_x, T = (np.asarray(values, dtype=float) for values in (x, t_x, T))
        repeat = x > 0
        return cls(x, repeat, Repeated(x), Repeated(x[repeat]), Repeated(t_x[repeat]), Repeated(T))

    def log_likelihood(self, r, alpha, a, b) -> np.ndarray:
        return self._terms(r, alpha, a, b)[0]

    def value_and_gradient(self, r, alpha, a, b) -> tuple[np.ndarray, np.ndarray]:
        """Each row's log-likelihood and its derivatives by r, alpha, a and b (4 x rows)."""
        terms = self._terms(r, alpha, a, b)
        log_likelihood, alive_to_T, dropped, total, log_age, log_recency = terms
        x, repeat = self.x, self.repeat
        # the shares of the two ways to see the history: alive at T, or dropped out after t_x
        alive_share = np.exp(alive_to_T - total)
        dropped_share = np.exp(dropped[repeat] - total[repeat])
        digamma_ab_x = self.counts.map(lambda count: special.digamma(a + b + count))
        by_r = (
            self.counts.map(lambda count: special.digamma(r + count))
            - special.digamma(r)
            + np.log(alpha)
            - alive_share * log_age
        )
        by_r[repeat] -= dropped_share * log_recency
        by_alpha = r / alpha - (r + x) * alive_share / self.ages.map(lambda age: alpha + age)
        by_alpha[repeat] -= (
            (r + x[repeat])
            * dropped_share
            / self.repeat_recencies.map(lambda recency: alpha + recency)
        )
        by_a = special.digamma(a + b) - digamma_ab_x
        by_a[repeat] += dropped_share / a
        by_b = (
            self.counts.map(lambda count: special.digamma(b + count))
            - digamma_ab_x
            - special.digamma(b)
            + special.digamma(a + b)
        )
        by_b[repeat] -= dropped_share / self.repeat_counts.map(lambda count: b + count - 1)
        return log_likelihood, np.vstack([by_r, by_alpha, by_a, by_b])

    def _terms(self, r, alpha, a, b):
        """The log-likelihood, its two parts (alive at T, dropped out after t_x), and
        log(alpha + T) and log(alpha + t_x) of the repeat buyers, which the gradient reuses."""
        x, repeat = self.x, self.repeat
        common = (
            self.counts.map(lambda count: special.gammaln(r + count))
            - special.gammaln(r)
            + r * np.log(alpha)
            + self.counts.map(lambda count: special.betaln(a, b + count))
            - special.betaln(a, b)
        )
        log_age = self.ages.map(lambda age: np.log(alpha + age))
        log_recency = self.repeat_recencies.map(lambda recency: np.log(alpha + recency))
        alive_to_T = -(r + x) * log_age
        # dropped out right after the last purchase: only possible after a repeat purchase
        dropped = np.full_like(x, -np.inf)
        dropped[repeat] = (
            np.log(a)
            - self.repeat_counts.map(lambda count: np.log(b + count - 1))
            - (r + x[repeat]) * log_recency
        )
        total = np.logaddexp(alive_to_T, dropped)
        return common + total, alive_to_T, dropped, total, log_age, log_recency


def bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T):
    """Each customer's BG/NBD log-likelihood (paper, equation 6)."""
    return _BgNbdData.of(x, t_x, T).log_likelihood(r, alpha, a, b)


def fit_bgnbd(x, t_x, T, *, data_name: str, starts: int = 5, seed: int = 0) -> BgNbdParams:
    """Maximum-likelihood r, alpha, a, b; raises ConvergenceError naming data_name."""
    (x, t_x, T), weights = distinct_rows(x, t_x, T)
    _check_statistics(x, t_x, T, data_name)
    best = minimise(
        _BgNbdData.of, (x, t_x, T), weights, BGNBD_BOUNDS.values(), BGNBD_FIRST_START, starts, seed
    )
    if best is None:
        raise ConvergenceError(
            f"The BG/NBD model did not converge on {data_name} ({int(weights.sum())} customers, "
            f"{int(np.dot(weights, x > 0))} with repeat purchases). Check that enough customers "
            "bought more than once before var clv_calibration_end, and that the calibration end "
            "leaves some weeks after most first purchases."
        )
    r, alpha, a, b = np.exp(best.x)
    return BgNbdParams(float(r), float(alpha), float(a), float(b), float(-best.fun))


def p_alive(params: BgNbdParams, x, t_x, T):
    """P(still active at T | x, t_x, T) (Fader, Hardie and Lee 2005, appendix)."""
    x, t_x, T = (np.asarray(values, dtype=float) for values in (x, t_x, T))
    return 1 / (1 + _dropout_odds(params, x, t_x, T))


def expected_purchases(params: BgNbdParams, t, x, t_x, T):
    """E[Y(t) | x, t_x, T]: expected purchases in the next t weeks (paper, equation 10).

    Arrays broadcast: a column of customers against a row of horizons gives a matrix.
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T, t = (np.asarray(values, dtype=float) for values in (x, t_x, T, t))
    hypergeometric = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    purchases_if_alive = (
        (a + b + x - 1)
        / (a - 1)
        * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hypergeometric)
    )
    return purchases_if_alive / (1 + _dropout_odds(params, x, t_x, T))


def discounted_expected_purchases(
    params: BgNbdParams, x, t_x, T, *, horizon_weeks: float, monthly_discount_rate: float
):
    """Expected purchases over the horizon, each month's discounted by (1 + rate)^month."""
    months = math.ceil(horizon_weeks / WEEKS_PER_MONTH - 1e-9)
    ends = np.minimum(np.arange(0, months + 1) * WEEKS_PER_MONTH, horizon_weeks)
    cumulative = expected_purchases(
        params,
        ends[np.newaxis, :],
        *(np.asarray(v, dtype=float)[:, np.newaxis] for v in (x, t_x, T)),
    )
    per_month = np.diff(cumulative, axis=1)
    discount = (1 + monthly_discount_rate) ** -np.arange(1, months + 1)
    return per_month @ discount


def simulate_bgnbd(r, alpha, a, b, T, *, seed: int):
    """x and t_x of customers drawn from a BG/NBD process observed for T weeks each."""
    rng = np.random.default_rng(seed)
    T = np.asarray(T, dtype=float)
    rates = rng.gamma(r, 1 / alpha, size=T.shape)
    dropout = rng.beta(a, b, size=T.shape)
    x = np.zeros(T.shape, dtype=int)
    t_x = np.zeros(T.shape)
    now = np.zeros(T.shape)
    active = np.ones(T.shape, dtype=bool)
    # every repeat purchase (not the first) is followed by dropout with probability p
    while active.any():
        now = np.where(active, now + rng.exponential(1 / rates), now)
        active &= now <= T
        x = np.where(active, x + 1, x)
        t_x = np.where(active, now, t_x)
        active &= rng.random(T.shape) >= dropout
    return x, t_x


def _dropout_odds(params: BgNbdParams, x, t_x, T):
    """P(dropped out) / P(alive) given the history; 0 without repeat purchases."""
    x, t_x, T = np.broadcast_arrays(x, t_x, T)
    repeat = x > 0
    odds = np.zeros(x.shape)
    odds[repeat] = (
        params.a
        / (params.b + x[repeat] - 1)
        * ((params.alpha + T[repeat]) / (params.alpha + t_x[repeat])) ** (params.r + x[repeat])
    )
    return odds


def _check_statistics(x, t_x, T, data_name):
    if len(x) == 0 or not np.all(np.isfinite(np.concatenate([x, t_x, T]))):
        raise ConvergenceError(
            f"No usable purchase statistics in {data_name}: every customer needs finite x, t_x "
            "and T. Check that var clv_calibration_end is after the first orders."
        )
    if np.any((t_x < 0) | (t_x > T)):
        raise ConvergenceError(
            f"{data_name}: some customers have a last purchase outside 0 <= t_x <= T. Check "
            "var clv_calibration_end against the order dates."
        )
