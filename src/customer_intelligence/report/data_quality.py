"""Data quality: the raw rows staging rejected, by source and reason."""

from __future__ import annotations

import plotly.graph_objects as go

from .elements import chart, integer, note, paragraph, table, tiles
from .section import Marts, section


@section("data-quality", "Data quality: rejected raw rows")
def data_quality(marts: Marts) -> str:
    if "dq_rejected_rows" not in marts.tables:
        return note(marts.unavailable("dq_rejected_rows") or "")
    rows = marts.rows(
        """
        select source_table, reason, count(*) as rows from dq_rejected_rows
        group by all order by source_table, rows desc
        """
    )
    if not rows:
        return paragraph("No raw row was rejected.")
    sources = sorted({row["source_table"] for row in rows})
    reasons = sorted({row["reason"] for row in rows})
    counts = {(row["source_table"], row["reason"]): row["rows"] for row in rows}
    figure = go.Figure(
        [
            go.Bar(
                y=sources,
                x=[counts.get((source, reason), 0) for source in sources],
                name=reason,
                orientation="h",
            )
            for reason in reasons
        ]
    )
    figure.update_layout(
        title="Rejected rows by source and reason", barmode="stack", xaxis_title="rows"
    )
    body = tiles((("rejected-rows", "rejected raw rows", integer(sum(counts.values()))),))
    body += chart(figure, "data-quality", 140 + 40 * len(sources) + 20 * len(reasons))
    body += table(
        ("Source", "Reason", "Rows"),
        ((row["source_table"], row["reason"], integer(row["rows"])) for row in rows),
    )
    return body
