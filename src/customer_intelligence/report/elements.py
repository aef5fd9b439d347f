"""The page's building blocks: formatted figures, notes, KPI tiles, tables and Plotly charts."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.io import to_html
from plotly.subplots import make_subplots

# one colour per category, the same in every chart of the page
PALETTE = (
    "#4C78A8",
    "#F58518",
    "#54A24B",
    "#E45756",
    "#72B7B2",
    "#EECA3B",
    "#B279A2",
    "#FF9DA6",
    "#9D755D",
    "#BAB0AC",
)
CHART_CONFIG = {"displaylogo": False, "responsive": True}


def note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def chart(figure: go.Figure, key: str, height: int = 420) -> str:
    figure.update_layout(
        height=height,
        margin={"l": 60, "r": 30, "t": 50, "b": 50},
        template="plotly_white",
        colorway=PALETTE,
    )
    return to_html(
        figure,
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{key}",
        config=CHART_CONFIG,
    )


def side_by_side(*titles: str, shared_yaxes: bool = False) -> go.Figure:
    """A figure of charts in one row, one per title; traces go in with row=1, col=position."""
    return make_subplots(rows=1, cols=len(titles), subplot_titles=titles, shared_yaxes=shared_yaxes)


def integer(value: Any) -> str:
    return "–" if value is None else f"{value:,.0f}"


def decimal(value: Any, places: int = 2) -> str:
    return "–" if value is None else f"{value:,.{places}f}"


def percent(value: Any, places: int = 1) -> str:
    return "–" if value is None else f"{value:.{places}%}"


def tiles(items: Iterable[tuple[str, str, str]]) -> str:
    """KPI tiles from (figure id, label, shown value); data-figure lets tests find a figure."""
    cells = "".join(
        f'<div class="tile"><div class="value" data-figure="{html.escape(key)}">'
        f'{html.escape(value)}</div><div class="label">{html.escape(label)}</div></div>'
        for key, label, value in items
    )
    return f'<div class="tiles">{cells}</div>'


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    figure_ids: Callable[[int, Sequence[Any]], str | None] | None = None,
) -> str:
    """A table of already formatted cells; figure_ids(column, row) tags a cell with data-figure."""
    head = "".join(f"<th>{html.escape(str(name))}</th>" for name in header)
    body = []
    for row in rows:
        cells = []
        for column, value in enumerate(row):
            key = figure_ids(column, row) if figure_ids else None
            tag = f' data-figure="{html.escape(key)}"' if key else ""
            cells.append(f"<td{tag}>{html.escape(str(value))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
