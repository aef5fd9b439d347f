"""Customer lifetime value: the BG/NBD purchase model and the Gamma-Gamma spend model.

One module per subject: ``bgnbd`` (purchases and dropout), ``gamma_gamma`` (spend per
purchase), ``fitting`` (the maximum-likelihood search both share) and ``tables`` (the Arrow
tables the dbt Python models return). Everything is importable from here.

Per customer the models need x (repeat purchases: purchase days after the first), t_x (weeks
from the first to the last purchase), T (weeks from the first purchase to the calibration end)
and, for repeat buyers, the mean value of the repeat purchases. Fits are maximum likelihood over
log parameters from several seeded starts, on every customer: identical rows are grouped and
weighted, and the optimizer follows the analytic gradient. Every per-customer formula is
vectorised.
"""

from customer_intelligence.clv.bgnbd import (
    BGNBD_BOUNDS,
    BGNBD_FIRST_START,
    WEEKS_PER_MONTH,
    BgNbdParams,
    bgnbd_log_likelihood,
    discounted_expected_purchases,
    expected_purchases,
    fit_bgnbd,
    p_alive,
    simulate_bgnbd,
)
from customer_intelligence.clv.fitting import (
    GRADIENT_TOLERANCE,
    SCREENING_CUSTOMERS,
    ConvergenceError,
)
from customer_intelligence.clv.gamma_gamma import (
    GAMMA_GAMMA_BOUNDS,
    GAMMA_GAMMA_FIRST_START,
    GammaGammaParams,
    expected_order_value,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
    simulate_gamma_gamma,
)
from customer_intelligence.clv.tables import (
    NEXT_90_DAYS_WEEKS,
    PARAMS_SCHEMA,
    PREDICTIONS_SCHEMA,
    fit_table,
    predictions_table,
    simulate_statistics,
)

__all__ = [
    "BGNBD_BOUNDS",
    "BGNBD_FIRST_START",
    "GAMMA_GAMMA_BOUNDS",
    "GAMMA_GAMMA_FIRST_START",
    "GRADIENT_TOLERANCE",
    "NEXT_90_DAYS_WEEKS",
    "PARAMS_SCHEMA",
    "PREDICTIONS_SCHEMA",
    "SCREENING_CUSTOMERS",
    "WEEKS_PER_MONTH",
    "BgNbdParams",
    "ConvergenceError",
    "GammaGammaParams",
    "bgnbd_log_likelihood",
    "discounted_expected_purchases",
    "expected_order_value",
    "expected_purchases",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_table",
    "gamma_gamma_log_likelihood",
    "p_alive",
    "predictions_table",
    "simulate_bgnbd",
    "simulate_gamma_gamma",
    "simulate_statistics",
]
