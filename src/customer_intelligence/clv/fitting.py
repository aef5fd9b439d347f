"""What both models' fits share: maximum likelihood over log parameters within bounds, from
several seeded starts, on the distinct rows of the data weighted by how often each occurs.

Each model searches ranges of its own. Data without heterogeneity or without dropout (every
customer buying at one steady rate) push the likelihood's maximum to infinity; a parameter then
ends at its bound, the model's limiting case, whose predictions stay well defined.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

# above this many distinct rows, the fit's starts are compared on a sample this large first
SCREENING_CUSTOMERS = 20_000
# a fit has converged where no log parameter moves the negative log-likelihood by more than
# this share of its value per unit
GRADIENT_TOLERANCE = 1e-9


class ConvergenceError(RuntimeError):
    """The maximum-likelihood fit did not converge; the message says what to check."""


class Repeated:
    """A column as its distinct values and each row's position among them.

    A fit evaluates the likelihood thousands of times; purchase counts and whole days in weeks
    take few distinct values, so a special function or log of such a column is computed once
    per value and spread over the rows: the same numbers as per row, at a fraction of the cost.
    """

    def __init__(self, values: np.ndarray) -> None:
        self.distinct, self.positions = np.unique(values, return_inverse=True)

    def map(self, function) -> np.ndarray:
        return function(self.distinct)[self.positions]


def distinct_rows(*columns):
    """The distinct rows of the columns and how often each occurs (the likelihood is a sum)."""
    stacked = np.column_stack([np.asarray(column, dtype=float) for column in columns])
    distinct, counts = np.unique(stacked, axis=0, return_counts=True)
    return tuple(distinct.T), counts.astype(float)


def minimise(of, columns, weights, bounds, first_start, starts: int, seed: int):
    """The best converged fit over log parameters within the bounds, from first_start and
    seeded random starts: L-BFGS-B on the weighted negative log-likelihood and its analytic gradient
    (by the chain rule, d/d log theta = theta * d/d theta).

    With many distinct rows the starts are compared on a seeded sample of SCREENING_CUSTOMERS
    customers (drawn by weight), and only the best of them is refined on every row: one fit on
    all the data instead of one per start, at the same maximum.
    """
    log_bounds = [(math.log(low), math.log(high)) for low, high in bounds]
    rng = np.random.default_rng(seed)
    initial_points = [np.log(first_start)] + [
        rng.normal(0, 1, len(log_bounds)) for _ in range(starts - 1)
    ]
    if len(weights) > SCREENING_CUSTOMERS:
        drawn = rng.multinomial(SCREENING_CUSTOMERS, weights / weights.sum())
        sampled = drawn > 0
        screened = _best_fit(
            of(*(column[sampled] for column in columns)),
            drawn[sampled].astype(float),
            initial_points,
            log_bounds,
        )
        initial_points = [] if screened is None else [screened.x]
    return _best_fit(of(*columns), weights, initial_points, log_bounds)


def _best_fit(data, weights, initial_points, log_bounds):
    def objective(log_params):
        params = np.exp(log_params)
        log_likelihood, gradient = data.value_and_gradient(*params)
        return -np.dot(weights, log_likelihood), -(gradient @ weights) * params

    best = None
    for start in initial_points:
        with np.errstate(all="ignore"):
            result = optimize.minimize(
                objective,
                start,
                jac=True,
                method="L-BFGS-B",
                bounds=log_bounds,
                options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 2_000},
            )
        if _converged(result) and (best is None or result.fun < best.fun):
            best = result
    return best


def _converged(result) -> bool:
    """L-BFGS-B's own verdict, or a stop in its line search where the gradient is flat already:
    at the maximum of a sum over many rows the objective's rounding noise can exceed what the
    line search still needs to gain, which it reports as abnormal."""
    if not np.isfinite(result.fun):
        return False
    flat = np.max(np.abs(result.jac)) <= GRADIENT_TOLERANCE * max(1.0, abs(result.fun))
    return bool(result.success or flat)
