"""Basket rules, each segment's recommendations and the recommenders' hold-out hit rates."""

from __future__ import annotations

import plotly.graph_objects as go

from .elements import chart, decimal, integer, note, paragraph, percent, table
from .section import Marts, section

TOP_BASKET_RULES = 15


@section("baskets", "Basket rules and recommendations per segment")
def baskets_and_recommendations(marts: Marts) -> str:
    names: dict[int, str] = {}
    if marts.unavailable("dim_products") is None:
        names = {
            row["product_id"]: row["product_name"]
            for row in marts.rows("select product_id, product_name from dim_products")
        }

    def product(product_id: int | None, name: str | None = None) -> str:
        return name or names.get(product_id) or f"product {product_id}"

    body = ""
    missing = marts.unavailable("basket_rules")
    if missing:
        body += note(missing)
    else:
        rules = marts.rows(
            f"""
            select antecedent, antecedent_2, consequent, antecedent_name, antecedent_2_name,
            consequent_name, support, confidence, lift, pair_orders from basket_rules
            order by lift desc, pair_orders desc limit {TOP_BASKET_RULES}
            """
        )
        labels = [
            " + ".join(
                product(rule[item], rule[f"{item}_name"])
                for item in ("antecedent", "antecedent_2")
                if rule[item] is not None
            )
            + f" → {product(rule['consequent'], rule['consequent_name'])}"
            for rule in rules
        ]
        figure = go.Figure(
            go.Bar(
                x=[rule["lift"] for rule in rules][::-1],
                y=labels[::-1],
                orientation="h",
                text=[decimal(rule["lift"]) for rule in rules][::-1],
                textposition="outside",
            )
        )
        figure.update_layout(title=f"Top {len(rules)} basket rules by lift", xaxis_title="lift")
        body += chart(figure, "basket-rules", 140 + 28 * len(rules))
        body += table(
            ("Rule", "Support", "Confidence", "Lift", "Orders with both"),
            (
                (
                    label,
                    percent(rule["support"], 2),
                    percent(rule["confidence"]),
                    decimal(rule["lift"]),
                    integer(rule["pair_orders"]),
                )
                for label, rule in zip(labels, rules, strict=True)
            ),
        )
    missing = marts.unavailable("segment_recommendations", "segment_summaries")
    if missing:
        body += note(missing)
    else:
        recommendations = marts.rows(
            """
            select summaries.segment_name, recommendations.rank, recommendations.product_id,
            recommendations.score, recommendations.buyers
            from segment_recommendations as recommendations
            inner join segment_summaries as summaries using (segment_id)
            order by recommendations.segment_id, recommendations.rank
            """
        )
        body += "<h3>What each segment buys out of proportion</h3>"
        body += table(
            ("Segment", "Rank", "Product", "Score (1 = like everyone)", "Buyers in segment"),
            (
                (
                    row["segment_name"],
                    row["rank"],
                    product(row["product_id"]),
                    decimal(row["score"]),
                    integer(row["buyers"]),
                )
                for row in recommendations
            ),
        )
    body += recommendation_hold_out(marts)
    return body


def recommendation_hold_out(marts: Marts) -> str:
    """The hold-out hit rates of the served blend and each component, and the blend's weights."""
    missing = marts.unavailable("recommendation_evaluation", "recommendation_blend_weights")
    if missing:
        return note(missing)
    served = marts.rows(
        """
        select candidate, weight_segment, weight_rules, weight_popularity, chosen_by
        from recommendation_blend_weights where is_chosen
        """
    )
    evaluation = marts.rows(
        """
        select model, customers_evaluated, hit_rate_at_3, hit_rate_standard_error, recall_at_3
        from recommendation_evaluation order by model = 'blended' desc, hit_rate_at_3 desc
        """
    )
    body = "<h3>How often customers bought an offer (hold-out, top 3)</h3>"
    if served:
        blend = served[0]
        body += paragraph(
            f"Served blend: {blend['candidate']} (segment {decimal(blend['weight_segment'])},"
            f" rules {decimal(blend['weight_rules'])}, popularity"
            f" {decimal(blend['weight_popularity'])}), chosen by"
            f" {'your vars' if blend['chosen_by'] == 'vars' else 'the validation window'}."
        )
    labels = {
        row["model"]: "served blend" if row["model"] == "blended" else f"{row['model']} alone"
        for row in evaluation
    }
    models = {label: model for model, label in labels.items()}
    return body + table(
        ("Recommender", "Customers", "Hit rate", "± 2 standard errors", "Recall"),
        (
            (
                labels[row["model"]],
                integer(row["customers_evaluated"]),
                percent(row["hit_rate_at_3"]),
                percent(2 * row["hit_rate_standard_error"]),
                percent(row["recall_at_3"]),
            )
            for row in evaluation
        ),
        lambda column, row: f"hit-rate-{models[row[0]]}" if column == 2 else None,
    )
