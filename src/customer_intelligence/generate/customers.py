"""The customers: profile, email address and sign-up drawn from their persona; their rows carry
exact duplicates, conflicting copies, messy or invalid emails and missing incomes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from customer_intelligence.generate.keyed import Keyed, band
from customer_intelligence.generate.personas import LAPSED, TRAITS
from customer_intelligence.generate.schemas import DAY, money

if TYPE_CHECKING:
    from customer_intelligence.generate.context import Context

EDUCATION = ("Basic", "2n Cycle", "Graduation", "Master", "PhD")
MARITAL = ("Single", "Married", "Together", "Divorced", "Widow")
COUNTRIES = ("US", "GB", "DE", "FR", "ES", "CA")
FIRST_NAMES_F = np.array(
    ["Anna", "Maria", "Laura", "Emma", "Sofia", "Julia", "Claire", "Lucia", "Hannah", "Olivia"]
)
FIRST_NAMES_M = np.array(
    ["James", "Lukas", "Pierre", "Carlos", "David", "Thomas", "Daniel", "Paul", "Jonas", "Mark"]
)
LAST_NAMES = np.array(
    ["Smith", "Müller", "Martin", "Garcia", "Brown", "Schmidt", "Bernard", "Lopez", "Wilson",
     "Fischer", "Dubois", "Sanchez", "Taylor", "Weber", "Moreau", "Perez", "Clark", "Wagner",
     "Laurent", "Gomez"]
)  # fmt: skip
DOMAINS = np.array(
    ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "gmx.de", "orange.fr", "web.de"]
)


def draw_customers(kd: Keyed, ctx: Context, ids: np.ndarray) -> dict[str, np.ndarray]:
    persona = kd.choice("persona", ids, TRAITS["share"])
    female = kd.uniform("gender", ids) < 0.5
    first = np.where(
        female,
        FIRST_NAMES_F[kd.integers("first_f", ids, 0, len(FIRST_NAMES_F))],
        FIRST_NAMES_M[kd.integers("first_m", ids, 0, len(FIRST_NAMES_M))],
    )
    last_idx = kd.integers("last", ids, 0, len(LAST_NAMES))
    domain = DOMAINS[kd.integers("domain", ids, 0, len(DOMAINS))]
    local = (pd.Series(first) + "." + LAST_NAMES[last_idx] + pd.Series(ids).astype(str)).str.lower()
    email = (local + "@" + domain).to_numpy(dtype=object)
    dirt = band(
        kd.uniform("customer_dirt", ids),
        {"dup": 0.01, "conflict": 0.01, "messy": 0.05, "invalid": 0.02, "no_income": 0.02},
    )
    # messy addresses are valid after trim + lower; invalid ones lack the @ or the domain
    kind = kd.integers("email_dirt_kind", ids, 0, 4)
    upper = pd.Series(email).str.upper().to_numpy(dtype=object)
    messy = np.select(
        [kind == 0, kind == 1, kind == 2], [upper, " " + email, email + "  "], " " + upper + " "
    )
    invalid = np.where(kind % 2 == 0, (local + domain).to_numpy(dtype=object), local + "@")
    email = np.where(dirt["messy"], messy, np.where(dirt["invalid"], invalid, email))
    age = TRAITS["age"][persona, 0] + TRAITS["age"][persona, 1] * kd.normal("age", ids)
    income = TRAITS["income"][persona, 0] + TRAITS["income"][persona, 1] * kd.normal("income", ids)

    start_day, end_day = ctx.start_ts // DAY, ctx.end_ts // DAY
    signup_day = kd.integers("signup", ids, start_day - 730, end_day - 400)
    lapsed = persona == LAPSED
    # a lapsed customer's last order falls 12 to 30 months before the end of the window
    last_order_ts = ctx.end_ts - kd.integers("lapse", ids, 365 * DAY, 912 * DAY)
    signup_day = np.where(lapsed, np.minimum(signup_day, last_order_ts // DAY - 60), signup_day)
    return {
        "id": ids,
        "persona": persona,
        "first_name": first,
        "last_idx": last_idx,
        "email": email,  # as stored, dirt included: emails are sent to this address
        "birth_year": ctx.end_year - np.clip(np.round(age), 18, 90).astype(np.int64),
        "gender": np.where(female, "F", "M"),
        "education": np.array(EDUCATION)[kd.choice("edu", ids, TRAITS["education"][persona])],
        "marital_status": np.array(MARITAL)[kd.choice("marital", ids, TRAITS["marital"][persona])],
        "income": np.round(np.maximum(income, 8_000), 2),
        "kids_at_home": kd.choice("kids", ids, TRAITS["kids"][persona]),
        "teens_at_home": kd.choice("teens", ids, TRAITS["teens"][persona]),
        "signup_day": signup_day,
        "country": np.array(COUNTRIES)[kd.choice("country", ids, [0.4, 0.15, 0.15, 0.1, 0.1, 0.1])],
        "opt_in": kd.uniform("opt_in", ids) < TRAITS["opt_in"][persona],
        "dirt": dirt,
        "active_from": np.maximum(signup_day * DAY, ctx.start_ts),
        "active_to": np.where(lapsed, last_order_ts, ctx.end_ts),
    }


def customer_rows(kd: Keyed, cust: dict, counts: dict) -> dict[str, pa.Array]:
    """Customer rows with exact duplicates, conflicting copies and missing incomes."""
    ids, dirt = cust["id"], cust["dirt"]
    income = np.where(dirt["no_income"], np.nan, cust["income"])

    rows = np.repeat(np.arange(len(ids)), 1 + (dirt["dup"] | dirt["conflict"]))
    copy = np.r_[False, rows[1:] == rows[:-1]]
    conflict = copy & dirt["conflict"][rows]
    # a conflicting copy has either another last name or a changed income
    other_name = kd.uniform("conflict_kind", ids[rows]) < 0.5
    last_idx = cust["last_idx"][rows]
    last = LAST_NAMES[np.where(conflict & other_name, (last_idx + 7) % len(LAST_NAMES), last_idx)]
    income = income[rows]
    income = np.where(conflict & ~other_name, np.round(income * 1.25, 2), income)

    for name, mask in [
        ("exact_duplicates", dirt["dup"]),
        ("conflicting_keys", dirt["conflict"]),
        ("messy_emails", dirt["messy"]),
        ("invalid_emails", dirt["invalid"]),
        ("missing_income", dirt["no_income"]),
    ]:
        counts["customers"][name] += int(mask.sum())
    return {
        "customer_id": ids[rows],
        "first_name": cust["first_name"][rows],
        "last_name": last,
        "email": cust["email"][rows],
        "birth_year": cust["birth_year"][rows],
        "gender": cust["gender"][rows],
        "education": cust["education"][rows],
        "marital_status": cust["marital_status"][rows],
        "income": money(income),
        "kids_at_home": cust["kids_at_home"][rows],
        "teens_at_home": cust["teens_at_home"][rows],
        "signup_date": pc.strftime(
            pa.array(cust["signup_day"][rows].astype("datetime64[D]")), format="%Y-%m-%d"
        ),
        "country": cust["country"][rows],
        "email_opt_in": cust["opt_in"][rows],
    }
