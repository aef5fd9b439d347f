"""The page: the sections in order, the style sheet, and the file `customer-intel report` writes."""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from plotly.offline import get_plotlyjs

from customer_intelligence.settings import ConfigurationError, ensure_export_dir

from .campaigns import ab_tests, campaigns
from .data_quality import data_quality
from .lifetime_value import lifetime_value
from .recommendations import baskets_and_recommendations
from .rfm import rfm_grid
from .section import Marts, Section
from .segments import k_selection, segment_migration, segment_overview

SECTIONS: tuple[Callable[[Marts], Section], ...] = (
    k_selection,
    segment_overview,
    rfm_grid,
    segment_migration,
    lifetime_value,
    campaigns,
    ab_tests,
    baskets_and_recommendations,
    data_quality,
)

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222;
       background: #f6f7f9; }
header { background: #1f3b57; color: #fff; padding: 1.2rem 2rem; }
header h1 { margin: 0 0 .3rem; font-size: 1.6rem; }
header p { margin: 0; opacity: .85; }
nav { padding: .6rem 2rem; background: #e8ecf1; }
nav a { margin-right: 1rem; color: #1f3b57; }
main { padding: 0 2rem 2rem; max-width: 1300px; }
section { background: #fff; border-radius: 6px; padding: 1rem 1.4rem; margin-top: 1.2rem;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h2 { margin-top: .2rem; color: #1f3b57; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { padding: .3rem .7rem; border-bottom: 1px solid #e3e6ea; text-align: left; }
th { background: #f0f2f5; }
.tiles { display: flex; flex-wrap: wrap; gap: .8rem; margin: .6rem 0 1rem; }
.tile { background: #f0f4f8; border-radius: 6px; padding: .7rem 1.1rem; min-width: 9rem; }
.tile .value { font-size: 1.5rem; font-weight: 600; color: #1f3b57; }
.tile .label { font-size: .85rem; color: #555; }
.note { background: #fff8e1; border-left: 4px solid #eeca3b; padding: .6rem .9rem; }
"""


def render(connection: duckdb.DuckDBPyConnection, source: str = "") -> str:
    """The whole page as one HTML string, built from the marts the connection can read."""
    marts = Marts(connection)
    sections = [section(marts) for section in SECTIONS]
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    navigation = "".join(
        f'<a href="#{section.key}">{html.escape(section.title.split(":")[0])}</a>'
        for section in sections
    )
    content = "".join(
        f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>{section.body}</section>'
        for section in sections
    )
    origin = f" from {html.escape(source)}" if source else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Customer intelligence report</title>"
        f"<style>{STYLE}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
        "</head><body>"
        "<header><h1>Customer intelligence report</h1>"
        f"<p>Generated {generated}{origin}. Every figure comes from the dbt marts.</p></header>"
        f"<nav>{navigation}</nav><main>{content}</main></body></html>\n"
    )


def write_report(database: Path, export_dir: Path) -> Path:
    """Writes export_dir/report/index.html from the database's marts; returns its path.

    The page is written beside its final name and renamed, so a reader never sees half a page.
    """
    if not database.exists():
        raise ConfigurationError(f"{database} does not exist yet: run `make demo` or `dbt build`.")
    folder = ensure_export_dir(export_dir / "report")
    try:
        connection = duckdb.connect(str(database), read_only=True)
    except duckdb.IOException as error:
        raise ConfigurationError(
            f"{database} cannot be read ({error}). If a build is running, wait for it to finish."
        ) from error
    with connection:
        page = render(connection, source=database.name)
    target = folder / "index.html"
    partial = folder / f".index.html.{os.getpid()}.tmp"
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, target)
    return target
