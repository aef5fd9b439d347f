"""The product catalogue: ten products per category, one affinity pair per category, and the
product rows with two conflicting prices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_intelligence.generate.schemas import money

CATEGORIES = ("wine", "fruit", "meat", "fish", "sweets", "gold")
# an order with product A that lacks its partner B gets B with this probability
AFFINITY_PROBABILITY = 0.6
PRODUCT_NAMES = {
    "wine": ["Rioja Reserva", "Chianti Classico", "Bordeaux Rouge", "Riesling Kabinett",
             "Malbec", "Sauvignon Blanc", "Pinot Noir", "Prosecco", "Port Tawny", "Champagne Brut"],
    "fruit": ["Apples", "Bananas", "Oranges", "Strawberries", "Grapes", "Pears", "Mangoes",
              "Blueberries", "Kiwis", "Cherries"],
    "meat": ["Beef Steak", "Chicken Breast", "Pork Chops", "Lamb Rack", "Serrano Ham",
             "Salami", "Veal Cutlet", "Duck Breast", "Chorizo", "Minced Beef"],
    "fish": ["Salmon Fillet", "Tuna Steak", "Cod Loin", "Prawns", "Sea Bass", "Mussels",
             "Smoked Trout", "Sardines", "Halibut", "Scallops"],
    "sweets": ["Dark Chocolate", "Macarons", "Fudge", "Nougat", "Truffles", "Marzipan",
               "Gummy Bears", "Caramels", "Shortbread", "Praline Box"],
    "gold": ["Gold Caviar Tin", "Truffle Oil Gift", "Saffron Box", "Gold Leaf Chocolate",
             "Vintage Cognac", "Iberico Ham Leg", "Wagyu Box", "Premium Tea Chest",
             "Oyster Platter", "Gourmet Hamper"],
}  # fmt: skip
PRICE_RANGES = {
    "wine": (8, 60),
    "fruit": (1, 6),
    "meat": (5, 30),
    "fish": (6, 35),
    "sweets": (2, 10),
    "gold": (50, 400),
}


def catalogue(rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """The products, and the affinity pairs as (n_pairs, 2) product indices: A, then the B it
    pulls in."""
    categories = np.repeat(CATEGORIES, 10)
    low, high = np.array([PRICE_RANGES[c] for c in categories]).T
    products = pd.DataFrame(
        {
            "product_id": np.arange(1, len(categories) + 1),
            "name": np.concatenate([PRODUCT_NAMES[c] for c in CATEGORIES]),
            "category": categories,
            "price": np.round(rng.uniform(low, high), 2),
        }
    )
    # one pair per category, so that pulling B into an order leaves category shares intact
    pairs = (
        np.arange(0, len(products), 10)[:, None]
        + rng.permuted(np.tile(np.arange(10), (len(CATEGORIES), 1)), axis=1)[:, :2]
    )
    return products, pairs


def product_rows(products: pd.DataFrame, rng: np.random.Generator, counts: dict):
    """The product rows, and the ids of the two products listed twice."""
    # two products appear twice with different prices; the first row holds the true price
    conflicting = np.sort(rng.choice(len(products), size=2, replace=False))
    rows = np.sort(np.concatenate([np.arange(len(products)), conflicting]))
    copy = np.r_[False, rows[1:] == rows[:-1]]
    price = products["price"].to_numpy()[rows]
    price = np.where(copy, np.round(price * 1.15 + 0.5, 2), price)
    counts["products"]["conflicting_keys"] += len(conflicting)
    columns = {
        "product_id": products["product_id"].to_numpy()[rows],
        "name": products["name"].to_numpy()[rows],
        "category": products["category"].to_numpy()[rows],
        "price": money(price),
    }
    return columns, products["product_id"].to_numpy()[conflicting]
