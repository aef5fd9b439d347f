"""`customer-intel report`: one self-contained HTML page of the marts, for people who read no SQL.

The page reads marts only (never raw or staging tables) and aggregates in SQL, so it stays small
whatever the number of customers. Each section is one function of the read-only connection that
returns a `Section`; a mart that is missing or empty gives a note saying so instead of a chart.
Charts are Plotly figures; plotly.js is inlined once in the page head, so the page opens offline.

One module per subject of the page (segments, rfm, lifetime_value, campaigns, recommendations,
data_quality), the parts they share (section: the marts and the Section; elements: HTML, figures
and charts) and the page that puts them together (page).
"""

from .page import render, write_report

__all__ = ["render", "write_report"]
