"""Campaign KPIs against pandas, the A/B statistics against scipy, and the planted A/B lift."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import (
    REPO,
    WITHOUT_UNIT_TESTS,
    bundled_build_upto,
    copy_project,
    rebuild_on_copy,
    run_dbt,
)

pytestmark = pytest.mark.e2e

ATTRIBUTION_WINDOW = pd.Timedelta(days=7)
ALPHA = 0.05
Z_975 = stats.norm.ppf(0.975)
Z_80 = stats.norm.ppf(0.8)
AB_RESULTS_SQL = (
    "target/compiled/customer_intelligence/models/marts/campaigns/fct_ab_test_results.sql"
)


@pytest.fixture(scope="module")
def bundled_build(tmp_path_factory):
    """The bundled seeds built up to the A/B marts: (connection, project directory)."""
    project, database = bundled_build_upto(
        tmp_path_factory.mktemp("campaign_bundled"), "fct_ab_test_summary"
    )
    connection = duckdb.connect(str(database), read_only=True)
    yield connection, project
    connection.close()


def ab_results_for(arms: pd.DataFrame, project: Path) -> pd.DataFrame:
    """fct_ab_test_results' compiled SQL run on `arms` standing in for fct_campaign_kpis."""
    compiled = (project / AB_RESULTS_SQL).read_text()
    sql, replaced = re.subn(r'"[^"]+"\."[^"]+"\."fct_campaign_kpis"', "kpis_input", compiled)
    assert replaced == 1
    connection = duckdb.connect()
    connection.register("kpis_input", arms)
    results = connection.sql(sql).df()
    connection.close()
    return results


def two_arm_experiments(n0, x0, n1, x1, experiment_ids=("exp",)) -> pd.DataFrame:
    """fct_campaign_kpis rows of two-arm experiments, 50/50 planned: n and successes per arm."""
    size = len(experiment_ids)
    arms = {"control": (n0, x0), "kmeans_targeted": (n1, x1)}
    return pd.concat(
        pd.DataFrame(
            {
                "experiment_id": list(experiment_ids),
                "variant": variant,
                "planned_share": 0.5,
                "sent": np.broadcast_to(n, size),
                "delivered": np.broadcast_to(n, size),
                "conversions": np.broadcast_to(x, size),
                "unique_clicks": np.broadcast_to(x, size),
                "unique_opens": np.broadcast_to(x, size),
            }
        )
        for variant, (n, x) in arms.items()
    )


def pooled_p_values(x0, n0, x1, n1):
    """Two-sided pooled two-proportion z-test, vectorised."""
    pooled = (x0 + x1) / (n0 + n1)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    return 2 * stats.norm.sf(np.abs((x1 / n1 - x0 / n0) / se))


def expected_campaign_kpis(connection, raw_dir: Path, campaign_id: int) -> dict:
    """One campaign's KPIs from the raw email events (exact duplicates dropped), in pandas. An
    open flagged is_machine_open counts for a recipient who also clicked, else as a machine open;
    a file without the flag has no machine opens."""
    events = pd.read_csv(raw_dir / "raw_email_events.csv", dtype=str).drop_duplicates()
    if "is_machine_open" not in events:
        events["is_machine_open"] = "false"
    customers = set(connection.sql("select customer_id from stg_customers").df()["customer_id"])
    events = events.dropna(subset=["event_id", "campaign_id", "customer_id", "event_type"])
    events = events.assign(
        campaign_id=pd.to_numeric(events["campaign_id"], errors="coerce"),
        customer_id=pd.to_numeric(events["customer_id"], errors="coerce"),
        event_at=pd.to_datetime(events["event_at"], errors="coerce"),
        event_type=events["event_type"].str.strip().str.lower(),
        link_type=events["link_type"].str.strip().str.lower(),
    )
    events = events[events["customer_id"].isin(customers) & events["event_at"].notna()]

    sends = events[events["event_type"] == "sent"].drop_duplicates(["campaign_id", "customer_id"])
    bounces = events[events["event_type"].isin(["hard_bounce", "soft_bounce"])]
    bounced_keys = set(zip(bounces["campaign_id"], bounces["customer_id"], strict=True))
    sends = sends.assign(
        is_bounced=[
            key in bounced_keys
            for key in zip(sends["campaign_id"], sends["customer_id"], strict=True)
        ]
    )

    # revenue orders: completed, with at least one clean line; credited to the latest delivered send
    orders = connection.sql("select * from stg_orders where order_status = 'completed'").df()
    amounts = connection.sql(
        "select order_id, sum(line_amount) as amount from stg_order_items group by order_id"
    ).df()
    orders = orders.merge(amounts, on="order_id")
    delivered = sends.loc[~sends["is_bounced"], ["campaign_id", "customer_id", "event_at"]]
    candidates = orders.merge(delivered, on="customer_id")
    candidates = candidates[candidates["event_at"] < candidates["ordered_at"]]
    latest = candidates.sort_values(["event_at", "campaign_id"]).groupby("order_id").tail(1)
    credited = latest[latest["ordered_at"] <= latest["event_at"] + ATTRIBUTION_WINDOW]
    credited = credited[credited["campaign_id"] == campaign_id]

    mine = events[events["campaign_id"] == campaign_id]
    recipients = set(sends.loc[sends["campaign_id"] == campaign_id, "customer_id"])

    def recipients_with(mask) -> int:
        return mine.loc[mask & mine["customer_id"].isin(recipients), "customer_id"].nunique()

    sent = len(recipients)
    hard = recipients_with(mine["event_type"] == "hard_bounce")
    bounced = recipients_with(mine["event_type"].isin(["hard_bounce", "soft_bounce"]))
    is_open, is_click = mine["event_type"] == "open", mine["event_type"] == "click"
    machine = is_open & (mine["is_machine_open"] == "true")
    clickers = set(mine.loc[is_click, "customer_id"])
    opens = recipients_with((is_open & ~machine) | (machine & mine["customer_id"].isin(clickers)))
    all_opens = recipients_with(is_open)
    clicks = recipients_with(is_click & (mine["link_type"] == "content"))
    delivered_n = sent - bounced
    return {
        "sent": sent,
        "delivered": delivered_n,
        "bounced": bounced,
        "hard_bounces": hard,
        "soft_bounces": bounced - hard,
        "unique_opens": opens,
        "machine_opens": all_opens - opens,
        "unique_clicks": clicks,
        "conversions": credited["customer_id"].nunique(),
        "unsubscribes": recipients_with(mine["event_type"] == "unsubscribe"),
        "complaints": recipients_with(mine["event_type"] == "complaint"),
        "forwards": recipients_with(mine["event_type"] == "forward"),
        "revenue": credited["amount"].sum(),
        "bounce_rate": bounced / sent,
        "open_rate": opens / delivered_n,
        "open_rate_including_machine_opens": all_opens / delivered_n,
        "click_through_rate": clicks / delivered_n,
        "click_to_open_rate": clicks / opens,
        "conversion_rate": credited["customer_id"].nunique() / delivered_n,
    }


def test_campaign_kpis_match_a_pandas_recount_of_the_raw_email_events(generated_build):
    connection, raw_dir, _ = generated_build
    kpis = connection.sql("select * from fct_campaign_kpis").df().set_index("campaign_id")
    # the campaign with the most recipients, and an experiment arm (conversions within 7 days)
    for campaign_id in (int(kpis["sent"].idxmax()), 15):
        expected = expected_campaign_kpis(connection, raw_dir, campaign_id)
        actual = kpis.loc[campaign_id]
        assert expected["sent"] > 0 and expected["unique_clicks"] > 0
        for column, value in expected.items():
            assert actual[column] == pytest.approx(value, rel=1e-9), (campaign_id, column)


def test_people_open_rates_match_the_planted_truth_and_machine_opens_inflate_the_rest(
    generated_build,
):
    connection, _, truth_dir = generated_build
    planted = json.loads((truth_dir / "planted.json").read_text())["email_opens"]["campaigns"]
    kpis = connection.sql("select * from fct_campaign_kpis").df()
    assert len(kpis) == len(planted)
    for kpi in kpis.itertuples():
        truth = planted[str(kpi.campaign_id)]
        assert kpi.open_rate == pytest.approx(
            truth["human_unique_opens"] / truth["delivered"], abs=0.01
        ), kpi.campaign_id
        inflation = kpi.open_rate_including_machine_opens - kpi.open_rate
        assert inflation == pytest.approx(
            truth["machine_only_openers"] / truth["delivered"], abs=0.01
        ), kpi.campaign_id
        # about 45 % of the recipients prefetch, and most of them never open the email themselves
        assert inflation > 0.15, kpi.campaign_id
        assert kpi.click_to_open_rate == pytest.approx(kpi.unique_clicks / kpi.unique_opens)


def input_sources(raw_dir: Path) -> dict:
    """var input_sources reading each raw_<entity>.csv of raw_dir as the user's file."""
    return {raw.stem.removeprefix("raw_"): {"path": str(raw)} for raw in raw_dir.glob("raw_*.csv")}


@pytest.fixture(scope="module")
def unflagged_build(generated_build, tmp_path_factory):
    """The generated data read as own data, its email events without the is_machine_open
    column (machine opens are then opens like any other): (connection, raw dir without the
    flag)."""
    _, raw_dir, _ = generated_build
    root = tmp_path_factory.mktemp("unflagged")
    unflagged = root / "raw"
    unflagged.mkdir()
    for raw in raw_dir.glob("raw_*.csv"):
        table = pd.read_csv(raw, dtype=str, keep_default_na=False)
        table.drop(columns="is_machine_open", errors="ignore").to_csv(
            unflagged / raw.name, index=False
        )
    project = copy_project(root / "project")
    database = root / "unflagged.duckdb"
    sources = input_sources(unflagged)
    selection = ("--select", "+fct_campaign_kpis", "+dq_rejected_rows")
    selection = (*selection, "--indirect-selection", "cautious")
    selection = (*selection, *WITHOUT_UNIT_TESTS)
    dbt_vars = json.dumps({"input_sources": sources})
    result = run_dbt(project, "build", *selection, "--vars", dbt_vars, database=database)
    assert result.returncode == 0, result.stdout[-4000:]
    connection = duckdb.connect(str(database), read_only=True)
    yield connection, unflagged
    connection.close()


def test_data_without_the_flag_gives_every_open_and_no_machine_opens(unflagged_build):
    connection, unflagged = unflagged_build
    kpis = connection.sql("select * from fct_campaign_kpis").df().set_index("campaign_id")
    assert (kpis["machine_opens"] == 0).all()
    assert (kpis["open_rate_including_machine_opens"] == kpis["open_rate"]).all()
    # the KPIs as they were before the flag: every open is an open
    for campaign_id in (int(kpis["sent"].idxmax()), 15):
        expected = expected_campaign_kpis(connection, unflagged, campaign_id)
        for column, value in expected.items():
            assert kpis.loc[campaign_id, column] == pytest.approx(value, rel=1e-9), column


def test_a_machine_open_flag_that_is_not_a_boolean_rejects_its_row(unflagged_build, tmp_path):
    connection, unflagged = unflagged_build
    sent = connection.sql(
        "select campaign_id, customer_id from stg_email_events where event_type = 'sent' limit 1"
    ).fetchall()[0]
    flags = {"1": "maybe", "2": "", "3": "TRUE", "4": "no", "5": "1"}
    events = pd.DataFrame(
        {
            "event_id": list(flags),
            "campaign_id": sent[0],
            "customer_id": sent[1],
            "event_type": ["sent"] + ["open"] * 4,
            "event_at": "2025-01-01 10:00:00",
            "is_machine_open": list(flags.values()),
        }
    )
    events.to_csv(tmp_path / "events.csv", index=False)
    sources = input_sources(unflagged)
    sources["email_events"] = {"path": str(tmp_path / "events.csv")}
    models = ["base_email_events", "stg_email_events", "dq_rejected_rows"]
    dbt_vars = json.dumps({"input_sources": sources})
    database = rebuild_on_copy(connection, unflagged, tmp_path, models, dbt_vars)
    with duckdb.connect(str(database), read_only=True) as rebuilt:
        staged = dict(
            rebuilt.sql("select event_id, is_machine_open from stg_email_events").fetchall()
        )
        rejected = rebuilt.sql(
            "select record_key, reason from dq_rejected_rows"
            " where source_table = 'raw_email_events'"
        ).fetchall()
    assert rejected == [("1", "unparseable_is_machine_open")]
    assert staged == {2: False, 3: True, 4: False, 5: True}


@pytest.mark.parametrize(
    "breakdown", ["fct_campaign_kpis_by_rfm_segment", "fct_campaign_kpis_by_kmeans_segment"]
)
def test_segment_breakdown_adds_up_to_the_campaign_totals(generated_build, breakdown):
    connection, _, _ = generated_build
    mismatches = connection.sql(
        f"""
        with segments as (
            select campaign_id, sum(sent) as sent, sum(delivered) as delivered,
                sum(unique_opens) as unique_opens, sum(machine_opens) as machine_opens,
                sum(unique_clicks) as unique_clicks, sum(conversions) as conversions,
                sum(revenue) as revenue, sum(cost) as cost
            from {breakdown}
            group by campaign_id
        )
        select *
        from fct_campaign_kpis as kpis
        left join segments using (campaign_id)
        where kpis.sent > 0 and (segments.sent is distinct from kpis.sent
            or segments.delivered != kpis.delivered or segments.unique_clicks != kpis.unique_clicks
            or segments.unique_opens != kpis.unique_opens
            or segments.machine_opens != kpis.machine_opens
            or segments.conversions != kpis.conversions
            or abs(segments.revenue - kpis.revenue) > 1e-6 or abs(segments.cost - kpis.cost) > 1e-6)
        """
    ).fetchall()
    assert mismatches == []


def test_kmeans_targeting_beats_control_on_conversion_in_the_bundled_experiment(bundled_build):
    connection, _ = bundled_build
    planted = json.loads((REPO / "tests/data/ground_truth/planted.json").read_text())
    experiment = planted["experiment"]
    rows = connection.sql(
        f"""
        select * from fct_ab_test_results
        where experiment_id = '{experiment["experiment_id"]}' and metric = 'conversion'
        """
    ).df()
    kmeans = rows[(rows["variant"] == "kmeans_targeted") & (rows["control_variant"] == "control")]
    assert len(kmeans) == 1
    kmeans = kmeans.iloc[0]
    assert kmeans["p_value"] < 0.05
    assert kmeans["abs_lift"] > 0 and kmeans["verdict"] == "winner"
    # the arms are sized as planned, and our converters (delivered only) are within the planted ones
    assert kmeans["variant_n"] <= experiment["variants"]["kmeans_targeted"]["recipients"]
    assert kmeans["variant_successes"] <= experiment["variants"]["kmeans_targeted"]["converters"]
    assert kmeans["srm_p_value"] > 0.001
    summary = connection.sql("select * from fct_ab_test_summary").df().iloc[0]
    assert summary["better_targeting"] == "kmeans_targeted" and summary["significant"]


def test_worked_example_matches_scipy(bundled_build):
    _, project = bundled_build
    n0, x0, n1, x1 = 200, 10, 210, 25
    results = ab_results_for(two_arm_experiments(n0, x0, n1, x1), project)
    row = results[results["metric"] == "conversion"].iloc[0]

    p0, p1 = x0 / n0, x1 / n1
    _, p_value, _, _ = stats.chi2_contingency([[x1, n1 - x1], [x0, n0 - x0]], correction=False)
    se = np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    log_se = np.sqrt((1 - p1) / x1 + (1 - p0) / x0)
    srm = stats.chisquare([n0, n1], f_exp=[(n0 + n1) / 2] * 2).pvalue
    power = stats.norm.cdf(abs(p1 - p0) / se - Z_975) + stats.norm.cdf(-abs(p1 - p0) / se - Z_975)
    mde = (Z_975 + Z_80) * np.sqrt(p0 * (1 - p0) * (1 / n1 + 1 / n0))
    expected = {
        "variant_rate": p1,
        "control_rate": p0,
        "abs_lift": p1 - p0,
        "rel_lift": p1 / p0 - 1,
        "p_value": p_value,
        "ci_low": p1 - p0 - Z_975 * se,
        "ci_high": p1 - p0 + Z_975 * se,
        "rel_lift_ci_low": np.exp(np.log(p1 / p0) - Z_975 * log_se) - 1,
        "rel_lift_ci_high": np.exp(np.log(p1 / p0) + Z_975 * log_se) - 1,
        "power": power,
        "minimum_detectable_effect": mde,
        "srm_p_value": srm,
    }
    for column, value in expected.items():
        assert row[column] == pytest.approx(value, abs=1e-4), column
    assert row["significant"] == (p_value < ALPHA)
    assert row["verdict"] == ("winner" if p_value < ALPHA else "underpowered")


def test_three_arm_sample_ratio_mismatch_matches_scipy(bundled_build):
    _, project = bundled_build
    sent = {"control": 300, "rfm_targeted": 330, "kmeans_targeted": 420}
    shares = {"control": 0.34, "rfm_targeted": 0.33, "kmeans_targeted": 0.33}
    arms = pd.DataFrame(
        {
            "experiment_id": "exp",
            "variant": list(sent),
            "planned_share": list(shares.values()),
            "sent": list(sent.values()),
            "delivered": list(sent.values()),
            "conversions": [10, 12, 30],
            "unique_clicks": [10, 12, 30],
            "unique_opens": [10, 12, 30],
        }
    )
    results = ab_results_for(arms, project)
    total = sum(sent.values())
    expected = stats.chisquare(
        list(sent.values()), f_exp=[total * share for share in shares.values()]
    ).pvalue
    assert expected < 0.001
    assert results["srm_p_value"].to_numpy() == pytest.approx(expected, abs=1e-4)
    assert set(results["verdict"]) == {"invalid: sample ratio mismatch"}
    assert len(results) == 9  # two arms vs control and the head to head, for three metrics


def test_a_a_tests_give_false_positives_at_the_nominal_rate(bundled_build):
    _, project = bundled_build
    rng = np.random.default_rng(2025)
    tests, n, rate = 2000, 1000, 0.05
    x0, x1 = rng.binomial(n, rate, tests), rng.binomial(n, rate, tests)
    p_values = pooled_p_values(x0, n, x1, n)
    assert 0.03 <= np.mean(p_values < ALPHA) <= 0.07

    # the SQL computes the same p-values on a sample of these tests
    sample = np.arange(0, tests, 10)
    arms = two_arm_experiments(n, x0[sample], n, x1[sample], [f"aa_{i:04d}" for i in sample])
    results = ab_results_for(arms, project)
    results = results[results["metric"] == "conversion"].sort_values("experiment_id")
    assert results["p_value"].to_numpy() == pytest.approx(p_values[sample], abs=1e-6)
    assert (results["significant"].to_numpy() == (p_values[sample] < ALPHA)).all()


def test_an_open_rate_verdict_flips_when_machine_opens_are_counted(bundled_build):
    _, project = bundled_build
    # people open 20 % of the control's emails and 26 % of the variant's; 60 % of the control's
    # recipients and 20 % of the variant's are on a prefetching mail client
    n, people = 1000, {"control": 200, "kmeans_targeted": 260}
    prefetching = {"control": 0.6, "kmeans_targeted": 0.2}
    arms = two_arm_experiments(n, people["control"], n, people["kmeans_targeted"])
    machine_only = arms["variant"].map(
        {arm: round(prefetching[arm] * (n - opened)) for arm, opened in people.items()}
    )

    def open_verdict(unique_opens):
        results = ab_results_for(arms.assign(unique_opens=unique_opens), project)
        row = results[results["metric"] == "open"].iloc[0]
        counts = arms.set_index("variant")
        opened = dict(zip(arms["variant"], unique_opens, strict=True))
        expected = pooled_p_values(opened["control"], n, opened["kmeans_targeted"], n)
        assert row["p_value"] == pytest.approx(expected, abs=1e-6)
        assert row["variant_n"] == counts.loc["kmeans_targeted", "delivered"]
        return row["verdict"], row["abs_lift"]

    verdict, lift = open_verdict(arms["unique_opens"])  # people's opens, as fct_campaign_kpis
    assert verdict == "winner" and lift == pytest.approx(0.06)
    # every open counted, as for data whose machine opens are not flagged
    verdict, lift = open_verdict(arms["unique_opens"] + machine_only)
    assert verdict == "loser" and lift < -0.2
