"""The planted personas: who the customers are, and how each kind buys, browses and reads email.

TRAITS holds one entry a trait with one value per persona, in the order of PERSONAS: a number,
or a distribution over the categories named in the comment (the vocabularies of customers,
products, orders and sessions).
"""

from __future__ import annotations

import numpy as np

PERSONAS = (
    "High Spenders",
    "Budget Buyers",
    "Digital Enthusiasts",
    "Deal Seekers",
    "Lapsed Customers",
    "Families",
)
LAPSED = PERSONAS.index("Lapsed Customers")
TRAITS = {
    trait: np.array(values)
    for trait, values in {
        "share": (0.20, 0.15, 0.20, 0.15, 0.15, 0.15),
        # mean, sd of annual income
        "income": ((92_000, 12_000), (24_000, 6_000), (52_000, 9_000), (50_000, 8_000),
                   (45_000, 12_000), (68_000, 10_000)),
        # mean, sd of age
        "age": ((58, 7), (36, 8), (27, 4), (45, 8), (50, 10), (40, 5)),
        # P(0..3 kids at home)
        "kids": ((0.8, 0.15, 0.05, 0), (0.4, 0.35, 0.2, 0.05), (0.85, 0.15, 0, 0),
                 (0.5, 0.35, 0.15, 0), (0.6, 0.3, 0.1, 0), (0, 0.35, 0.45, 0.2)),
        # P(0..2 teens at home)
        "teens": ((0.6, 0.3, 0.1), (0.6, 0.3, 0.1), (0.95, 0.05, 0), (0.6, 0.3, 0.1),
                  (0.6, 0.3, 0.1), (0.35, 0.45, 0.2)),
        # over customers.MARITAL
        "marital": ((0.15, 0.45, 0.25, 0.1, 0.05), (0.4, 0.25, 0.2, 0.1, 0.05),
                    (0.6, 0.1, 0.25, 0.05, 0), (0.3, 0.4, 0.2, 0.08, 0.02),
                    (0.3, 0.35, 0.2, 0.1, 0.05), (0, 0.7, 0.3, 0, 0)),
        # over customers.EDUCATION
        "education": ((0, 0.05, 0.45, 0.3, 0.2), (0.2, 0.2, 0.45, 0.1, 0.05),
                      (0.02, 0.1, 0.5, 0.3, 0.08), (0.05, 0.15, 0.5, 0.2, 0.1),
                      (0.1, 0.15, 0.45, 0.2, 0.1), (0.05, 0.1, 0.5, 0.25, 0.1)),
        # mean orders in the three-year window
        "orders": (14, 6, 8, 9, 3, 10),
        # P(1..5 lines per order)
        "lines": ((0.1, 0.2, 0.3, 0.25, 0.15), (0.55, 0.3, 0.1, 0.05, 0),
                  (0.3, 0.35, 0.2, 0.1, 0.05), (0.2, 0.3, 0.3, 0.15, 0.05),
                  (0.35, 0.35, 0.2, 0.1, 0), (0.05, 0.1, 0.25, 0.3, 0.3)),
        # mean units above one per line
        "extra_units": (0.8, 0.2, 0.3, 0.5, 0.4, 1.5),
        # over orders.CHANNELS
        "channels": ((0.1, 0.45, 0.45), (0.3, 0.6, 0.1), (0.82, 0.12, 0.06), (0.45, 0.45, 0.1),
                     (0.35, 0.45, 0.2), (0.15, 0.75, 0.1)),
        # P(order uses a discount)
        "discount": (0.05, 0.3, 0.15, 0.85, 0.2, 0.2),
        # share of lines per category, over products.CATEGORIES
        "categories": ((0.42, 0.03, 0.3, 0.05, 0.03, 0.17), (0.02, 0.5, 0.03, 0.03, 0.42, 0),
                       (0.08, 0.08, 0.06, 0.05, 0.33, 0.4), (0.05, 0.06, 0.38, 0.45, 0.05, 0.01),
                       (0.3, 0.15, 0.2, 0.15, 0.1, 0.1), (0.04, 0.4, 0.42, 0.08, 0.055, 0.005)),
        # mean web sessions in the window
        "sessions": (4, 5, 40, 10, 3, 5),
        # over sessions.TRAFFIC
        "traffic": ((0.15, 0.35, 0.15, 0.35), (0.15, 0.35, 0.2, 0.3), (0.25, 0.3, 0.25, 0.2),
                    (0.35, 0.2, 0.3, 0.15), (0.1, 0.4, 0.1, 0.4), (0.15, 0.35, 0.2, 0.3)),
        # over sessions.DEVICES
        "devices": ((0.6, 0.25, 0.15), (0.4, 0.5, 0.1), (0.3, 0.6, 0.1), (0.45, 0.45, 0.1),
                    (0.5, 0.4, 0.1), (0.5, 0.35, 0.15)),
        "opt_in": (0.6, 0.6, 0.85, 0.9, 0.5, 0.65),
        # P(open) of a delivered email
        "opens": (0.3, 0.2, 0.4, 0.35, 0.1, 0.25),
        # P(content click) of a delivered ordinary email
        "clicks": (0.03, 0.02, 0.08, 0.07, 0.01, 0.03),
    }.items()
}  # fmt: skip
