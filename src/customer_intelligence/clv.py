"""Customer lifetime value: the BG/NBD purchase model and the Gamma-Gamma spend model.

BG/NBD: Fader, Hardie and Lee (2005), "Counting your customers the easy way: an alternative to
the Pareto/NBD model", Marketing Science 24(2). Gamma-Gamma: Fader, Hardie and Lee (2005), "RFM
and CLV: using iso-value curves for customer base analysis", Journal of Marketing Research 42(4),
with the notes "The Gamma-Gamma model of monetary value" (Fader and Hardie, 2013).

Per customer the models need x (repeat purchases: purchase days after the first), t_x (weeks
from the first to the last purchase), T (weeks from the first purchase to the calibration end)
and, for repeat buyers, the mean value of the repeat purchases. Fits are maximum likelihood over
log parameters from several seeded starts, on every customer: identical rows are grouped and
weighted, and the optimizer follows the analytic gradient. Every per-customer formula is
vectorised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import optimize, special

WEEKS_PER_MONTH = 52 / 12
# customer_lifetime_value.expected_purchases_90d
NEXT_90_DAYS_WEEKS = 90 / 7
# Fits search these ranges. Data without heterogeneity or without dropout (every customer buying
# at one steady rate) push the likelihood's maximum to infinity; a parameter then ends at its
# bound, the model's limiting case, whose predictions stay well defined.
BGNBD_BOUNDS = {"r": (1e-3, 1e3), "alpha": (1e-3, 1e5), "a": (1e-3, 1e3), "b": (1e-3, 1e3)}
GAMMA_GAMMA_BOUNDS = {"p": (1e-3, 1e3), "q": (1e-3, 1e3), "v": (1e-3, 1e7)}
# the first start of each fit (the others are drawn around 1). Not a = 1: there the BG/NBD
# expectation is 0 / 0, and without repeat buyers a and b keep their start (nothing informs them)
BGNBD_FIRST_START = (1.0, 1.0, 0.5, 1.0)
GAMMA_GAMMA_FIRST_START = (1.0, 1.0, 1.0)
# above this many distinct rows, the fit's starts are compared on a sample this large first
SCREENING_CUSTOMERS = 20_000
# a fit has converged where no log parameter moves the negative log-likelihood by more than
# this share of its value per unit
GRADIENT_TOLERANCE = 1e-9


class ConvergenceError(RuntimeError):
    """The maximum-likelihood fit did not converge; the message says what to check."""


@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    v: float
    log_likelihood: float


class _Repeated:
    """A column as its distinct values and each row's position among them.

    A fit evaluates the likelihood thousands of times; purchase counts and whole days in weeks
    take few distinct values, so a special function or log of such a column is computed once
    per value and spread over the rows: the same numbers as per row, at a fraction of the cost.
    """

    def __init__(self, values: np.ndarray) -> None:
        self.distinct, self.positions = np.unique(values, return_inverse=True)

    def map(self, function) -> np.ndarray:
        return function(self.distinct)[self.positions]


@dataclass(frozen=True)
class _BgNbdData:
    x: np.ndarray
    repeat: np.ndarray
    counts: _Repeated
    repeat_counts: _Repeated
    repeat_recencies: _Repeated
    ages: _Repeated

    @classmethod
    def of(cls, x, t_x, T) -> _BgNbdData:
        x, t_x, T = (np.asarray(values, dtype=float) for values in (x, t_x, T))
        repeat = x > 0
        return cls(
            x, repeat, _Repeated(x), _Repeated(x[repeat]), _Repeated(t_x[repeat]), _Repeated(T)
        )

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
    (x, t_x, T), weights = _distinct_rows(x, t_x, T)
    _check_statistics(x, t_x, T, data_name)
    best = _minimise(
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


@dataclass(frozen=True)
class _GammaGammaData:
    x: np.ndarray
    counts: _Repeated
    log_mean_value: np.ndarray
    log_x: np.ndarray
    total_value: np.ndarray

    @classmethod
    def of(cls, x, mean_value) -> _GammaGammaData:
        x, mean_value = np.asarray(x, dtype=float), np.asarray(mean_value, dtype=float)
        return cls(x, _Repeated(x), np.log(mean_value), np.log(x), x * mean_value)

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
    (x, mean_value), weights = _distinct_rows(x[usable], mean_value[usable])

    best = (
        None
        if weights.sum() < 2
        else _minimise(
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


def simulate_gamma_gamma(p, q, v, x, *, seed: int):
    """Each customer's mean value of x purchases drawn from the Gamma-Gamma process: a spend
    rate nu ~ Gamma(q, rate v) per customer, each purchase ~ Gamma(p, rate nu); NaN for x = 0."""
    rng = np.random.default_rng(seed)
    x = np.asarray(x)
    nu = rng.gamma(q, 1 / v, size=x.shape)
    # a sum of x Gamma(p, nu) purchases is Gamma(p * x, nu)
    totals = rng.gamma(np.where(x > 0, p * x, 1.0), 1 / nu)
    return np.where(x > 0, totals / np.maximum(x, 1), np.nan)


def simulate_statistics(
    customers: int,
    *,
    seed: int,
    bgnbd: dict[str, float],
    gamma_gamma: dict[str, float],
    max_age_days: int = 546,
) -> pa.Table:
    """int_clv_customer_statistics of customers drawn from both processes, measured in whole
    days as the build measures them: first purchases spread over max_age_days before the
    calibration end."""
    rng = np.random.default_rng(seed)
    T = np.floor(rng.uniform(7, max_age_days, customers)) / 7
    x, t_x = simulate_bgnbd(**bgnbd, T=T, seed=seed + 1)
    mean_value = simulate_gamma_gamma(**gamma_gamma, x=x, seed=seed + 2)
    calibration_end = np.datetime64("2025-01-01")
    return pa.table(
        {
            "customer_id": np.arange(customers),
            "repeat_purchases": x,
            "recency_weeks": np.floor(t_x * 7) / 7,
            "age_weeks": T,
            "mean_repeat_value": pa.array(mean_value, from_pandas=True),
            "first_purchase_on": calibration_end - np.rint(T * 7).astype("timedelta64[D]"),
            "calibration_end": np.full(customers, calibration_end),
        }
    )


PARAMS_SCHEMA = pa.schema(
    [
        ("r", pa.float64()),
        ("alpha", pa.float64()),
        ("a", pa.float64()),
        ("b", pa.float64()),
        ("bgnbd_log_likelihood", pa.float64()),
        ("p", pa.float64()),
        ("q", pa.float64()),
        ("v", pa.float64()),
        ("gamma_gamma_log_likelihood", pa.float64()),
        ("customers", pa.int64()),
        ("repeat_buyers", pa.int64()),
        ("first_purchase_on", pa.date32()),
        ("calibration_end", pa.date32()),
    ]
)

PREDICTIONS_SCHEMA = pa.schema(
    [
        ("customer_id", pa.int64()),
        ("p_alive", pa.float64()),
        ("expected_purchases", pa.float64()),
        ("expected_purchases_90d", pa.float64()),
        ("discounted_expected_purchases", pa.float64()),
        ("expected_holdout_purchases", pa.float64()),
        ("expected_order_value", pa.float64()),
    ]
)


def fit_table(
    statistics: pa.Table, *, data_name: str, seed: int = 0, sample_size: int | None = None
) -> pa.Table:
    """clv_model_params: one row with both models' parameters and the calibration window.

    Both models are fitted on every customer unless ``sample_size`` is set and there are more
    customers: then on a seeded random sample of that many. Without customers (own data without
    orders) the table is empty: the models are switched off.
    """
    if statistics.num_rows == 0:
        return PARAMS_SCHEMA.empty_table()
    if sample_size is not None and statistics.num_rows > sample_size:
        rows = np.random.default_rng(seed).choice(statistics.num_rows, sample_size, replace=False)
        statistics = statistics.take(np.sort(rows))
    x, t_x, T, mean_values = _floats(
        statistics, "repeat_purchases", "recency_weeks", "age_weeks", "mean_repeat_value"
    )
    bgnbd = fit_bgnbd(x, t_x, T, data_name=data_name, seed=seed)
    # without amounts (a transaction log may have none) the spend model is switched off
    spend = (
        fit_gamma_gamma(x, mean_values, data_name=data_name, seed=seed)
        if np.any((x > 0) & (np.nan_to_num(mean_values) > 0))
        else GammaGammaParams(None, None, None, None)
    )
    return pa.Table.from_pydict(
        {
            "r": [bgnbd.r],
            "alpha": [bgnbd.alpha],
            "a": [bgnbd.a],
            "b": [bgnbd.b],
            "bgnbd_log_likelihood": [bgnbd.log_likelihood],
            "p": [spend.p],
            "q": [spend.q],
            "v": [spend.v],
            "gamma_gamma_log_likelihood": [spend.log_likelihood],
            "customers": [len(x)],
            "repeat_buyers": [int((x > 0).sum())],
            "first_purchase_on": [pc.min(statistics.column("first_purchase_on"))],
            "calibration_end": [statistics.column("calibration_end")[0]],
        },
        schema=PARAMS_SCHEMA,
    )


def predictions_table(
    statistics: pa.Table,
    params: pa.Table,
    *,
    horizon_weeks: float,
    monthly_discount_rate: float,
    holdout_weeks: float,
) -> pa.Table:
    """One row per customer: P(alive) and expected purchases over the horizon and the holdout."""
    if statistics.num_rows == 0 or params.num_rows == 0:
        return PREDICTIONS_SCHEMA.empty_table()
    fitted = params.to_pylist()[0]
    bgnbd = BgNbdParams(*(fitted[name] for name in ("r", "alpha", "a", "b")), math.nan)
    spend = GammaGammaParams(*(fitted[name] for name in ("p", "q", "v")), math.nan)
    x, t_x, T, mean_values = _floats(
        statistics, "repeat_purchases", "recency_weeks", "age_weeks", "mean_repeat_value"
    )
    order_values = (
        expected_order_value(spend, x, mean_values)
        if spend.p is not None
        else np.full(len(x), np.nan)
    )
    return pa.Table.from_pydict(
        {
            "customer_id": statistics.column("customer_id"),
            "p_alive": p_alive(bgnbd, x, t_x, T),
            "expected_purchases": expected_purchases(bgnbd, horizon_weeks, x, t_x, T),
            "expected_purchases_90d": expected_purchases(bgnbd, NEXT_90_DAYS_WEEKS, x, t_x, T),
            "discounted_expected_purchases": discounted_expected_purchases(
                bgnbd,
                x,
                t_x,
                T,
                horizon_weeks=horizon_weeks,
                monthly_discount_rate=monthly_discount_rate,
            ),
            "expected_holdout_purchases": expected_purchases(bgnbd, holdout_weeks, x, t_x, T),
            # NaN (no spend model) becomes null
            "expected_order_value": pa.array(order_values, from_pandas=True),
        },
        schema=PREDICTIONS_SCHEMA,
    )


def _floats(table: pa.Table, *names: str) -> list[np.ndarray]:
    """The named columns as float arrays, nulls as NaN: straight from Arrow, as Python objects
    (to_pydict) a million customers' columns took seconds each."""
    return [
        pc.cast(table.column(name), pa.float64()).to_numpy(zero_copy_only=False) for name in names
    ]


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


def _distinct_rows(*columns):
    """The distinct rows of the columns and how often each occurs (the likelihood is a sum)."""
    stacked = np.column_stack([np.asarray(column, dtype=float) for column in columns])
    distinct, counts = np.unique(stacked, axis=0, return_counts=True)
    return tuple(distinct.T), counts.astype(float)


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


def _minimise(of, columns, weights, bounds, first_start, starts: int, seed: int):
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
