"""The HTML report: its figures are the marts' figures, it survives missing marts, and it renders
offline in a real browser (headless Debian Chromium, skipped where it is not installed)."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from customer_intelligence import cli
from customer_intelligence.report import render

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class FigureParser(HTMLParser):
    """Collects the text of every element carrying a data-figure attribute."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        self._open.append(dict(attrs).get("data-figure"))

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._open and self._open[-1]:
            self.figures[self._open[-1]] = self.figures.get(self._open[-1], "") + data


def figures(page: str) -> dict[str, str]:
    parser = FigureParser()
    parser.feed(page)
    return parser.figures


def number(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


@pytest.fixture(scope="module")
def report(generated_build, tmp_path_factory, monkeypatch_module):
    """`customer-intel report` run on the generated build: (page path, page text, connection)."""
    connection, _, _ = generated_build
    database = connection.sql(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()[0][0]
    export_dir = tmp_path_factory.mktemp("report_exports")
    monkeypatch_module.setenv("DUCKDB_PATH", database)
    monkeypatch_module.setenv("EXPORT_DIR", str(export_dir))
    assert cli.main(["report"]) == 0
    page = export_dir / "report" / "index.html"
    return page, page.read_text(encoding="utf-8"), connection


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_report_command_writes_one_page_and_no_leftovers(report):
    page, text, _ = report
    assert sorted(path.name for path in page.parent.iterdir()) == ["index.html"]
    assert text.count("<section ") == 9
    # plotly.js is inlined once; nothing is fetched from elsewhere
    assert text.count("Plotly.newPlot") == text.count('class="plotly-graph-div"') >= 8
    assert "<script src" not in text and "<link" not in text


def test_report_figures_are_the_marts_figures(report):
    _, text, connection = report
    shown = figures(text)

    segment_sizes = dict(
        connection.sql("select segment_name, count(*) from customer_segments group by 1").fetchall()
    )
    assert segment_sizes
    for name, customers in segment_sizes.items():
        assert number(shown[f"segment-customers:{name}"]) == customers
    high_churn_risk = connection.sql(
        "select count(*) from customer_lifetime_value where churn_risk = 'high'"
    ).fetchall()[0][0]
    assert number(shown["clv-high-risk"]) == high_churn_risk

    sent, opens, machine_opens, delivered = connection.sql(
        "select sum(sent), sum(unique_opens), sum(machine_opens), sum(delivered)"
        " from fct_campaign_kpis"
    ).fetchall()[0]
    assert number(shown["emails-sent"]) == sent
    assert machine_opens > 0
    assert number(shown["open-rate"]) == pytest.approx(100 * opens / delivered, abs=0.05)
    assert number(shown["open-rate-including-machine-opens"]) == pytest.approx(
        100 * (opens + machine_opens) / delivered, abs=0.05
    )

    rejected = connection.sql("select count(*) from dq_rejected_rows").fetchall()[0][0]
    assert number(shown["rejected-rows"]) == rejected

    chosen_k = connection.sql(
        "select k from segmentation_model_selection where is_chosen"
    ).fetchall()[0][0]
    assert int(shown["chosen-k"]) == chosen_k


def test_report_names_the_products_of_the_basket_rules(report):
    _, text, connection = report
    top = connection.sql(
        "select antecedent_name, consequent_name from basket_rules"
        " order by lift desc, pair_orders desc limit 1"
    ).fetchall()[0]

    assert f"{html.escape(top[0])} → {html.escape(top[1])}" in text
    assert "product 1" not in text


def test_report_shows_the_hold_out_hit_rate_of_the_served_blend_and_its_components(report):
    _, text, connection = report
    shown = figures(text)
    hit_rates = dict(
        connection.sql("select model, hit_rate_at_3 from recommendation_evaluation").fetchall()
    )
    chosen = connection.sql(
        "select candidate from recommendation_blend_weights where is_chosen"
    ).fetchall()[0][0]

    assert {model: shown[f"hit-rate-{model}"] for model in hit_rates} == {
        model: f"{rate:.1%}" for model, rate in hit_rates.items()
    }
    assert f"Served blend: {chosen} (" in text


def test_report_without_a_database_says_how_to_make_one(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "missing.duckdb"))
    monkeypatch.setenv("EXPORT_DIR", str(tmp_path / "exports"))
    assert cli.main(["report"]) == 2
    assert "run `make demo` or `dbt build`" in capsys.readouterr().err
    assert not (tmp_path / "exports").exists()


def partial_marts_page() -> str:
    """The page of a database with a k-selection, two builds' model versions and moves, an empty
    campaign mart and nothing else (as own data without campaigns might give)."""
    with duckdb.connect() as connection:
        connection.execute(
            "create table segmentation_model_selection as select * from (values "
            "(2, 900.0, 0.31, 0.95, false, false), (3, 500.0, 0.42, 0.91, true, true), "
            "(4, 420.0, 0.35, 0.70, false, false)) "
            "as t(k, inertia, silhouette, stability, is_knee, is_chosen)"
        )
        connection.execute(
            "create table fct_segment_transitions as select * from (values "
            "('rfm', 'Champions', 'At Risk', date '2026-01-02', 40), "
            "('rfm', 'Lost', 'Champions', date '2026-01-02', 2)) "
            "as t(segmentation, from_segment, to_segment, valid_from_date, customers)"
        )
        connection.execute(
            "create table segmentation_model_registry as select * from (values "
            "('first', timestamp '2026-01-01 02:00', 3, 'fresh', null, 2000), "
            "('second', timestamp '2026-01-02 02:00', 3, 'previous', 12, 1995)) "
            "as t(model_version, trained_at, k, fit_start, customers_moved, customers_fitted)"
        )
        connection.execute(
            "create table fct_campaign_kpis (campaign_id bigint, campaign_name varchar)"
        )
        return render(connection)


def test_missing_and_empty_marts_give_a_note_instead_of_a_chart():
    page = partial_marts_page()
    shown = figures(page)
    assert shown["chosen-k"] == "3"
    assert (shown["customers-moved:second"], shown["customers-moved:first"]) == ("12", "–")
    # newest version first
    assert page.index("<td>second</td>") < page.index("<td>first</td>")
    assert "fct_campaign_kpis is empty" in page
    assert "segment_summaries is not in the database" in page
    assert "No moves between K-means segments recorded." in page
    charts = re.findall(r'id="(chart-[a-z-]+)" class="plotly-graph-div"', page)
    assert charts == ["chart-k-selection", "chart-migration-rfm"]
    # the Sankey links the moves: Champions (0) -> At Risk (2) 40, Lost (1) -> Champions (3) 2
    assert '"source":[0,1],"target":[2,3],"value":[40,2]' in page.replace(" ", "")


def open_in_chromium(page_path: Path, profile: Path, screenshot: Path) -> dict:
    """Opens the page in headless Chromium, waits for every chart, saves a full-page screenshot.

    Returns the numbers of charts and of charts with an SVG, console errors and requested URLs.
    """
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package (.ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    errors, requests = [], []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 900},
        )
        page = browser.new_page()
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        charts = page.locator(".plotly-graph-div").count()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.plotly-graph-div')]"
            ".every(div => div.querySelector('svg.main-svg'))",
            timeout=60_000,
        )
        rendered = page.locator(".plotly-graph-div:has(svg.main-svg)").count()
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return {"charts": charts, "rendered": rendered, "errors": errors, "requests": requests}


def test_report_renders_offline_in_headless_chromium(report, tmp_path):
    page_path, text, _ = report
    screenshot = tmp_path / "report.png"
    result = open_in_chromium(page_path, tmp_path / "profile", screenshot)
    assert result["charts"] == text.count('class="plotly-graph-div"') >= 8
    assert result["rendered"] == result["charts"]
    assert result["errors"] == []
    assert set(result["requests"]) == {page_path.resolve().as_uri()}
    assert screenshot.stat().st_size > 50_000


def test_migration_sankey_renders_in_headless_chromium(tmp_path):
    page_path = tmp_path / "index.html"
    page_path.write_text(partial_marts_page(), encoding="utf-8")
    result = open_in_chromium(page_path, tmp_path / "profile", tmp_path / "partial.png")
    assert result["charts"] == result["rendered"] == 2
    assert result["errors"] == []
    assert set(result["requests"]) == {page_path.resolve().as_uri()}
