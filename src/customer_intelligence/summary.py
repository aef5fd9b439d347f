"""The short summary `make demo` prints after a build."""

from __future__ import annotations

from pathlib import Path

import duckdb

from customer_intelligence.settings import ConfigurationError

SUMMARY_TABLES = (
    "dim_customers",
    "customer_rfm",
    "customer_segments",
    "segment_summaries",
    "segmentation_model_selection",
    "fct_campaign_kpis",
    "fct_list_growth",
    "fct_web_engagement",
    "fct_ab_test_results",
    "dq_rejected_rows",
    "dq_source_reconciliation",
)


def print_summary(database: Path, exports: Path) -> None:
    if not database.exists():
        raise ConfigurationError(f"{database} does not exist yet: run `make demo` or `dbt build`.")
    with duckdb.connect(str(database), read_only=True) as connection:
        print("\nRows per mart")
        for table in SUMMARY_TABLES:
            rows = connection.sql(f"select count(*) from {table}").fetchall()[0][0]
            print(f"  {table:<28}{rows:>10,}")
        print("\nRFM segments (customers)")
        for segment, group, customers in connection.sql(
            "select rfm_segment, rfm_group, count(*) from customer_rfm "
            "group by all order by 3 desc, 1"
        ).fetchall():
            print(f"  {segment:<20}{group:<10}{customers:>8,}")
        print("\nK-means segments (customers, share of revenue)")
        for segment, customers, revenue_share in connection.sql(
            "select segment_name, customers, revenue_share from segment_summaries "
            "order by segment_id"
        ).fetchall():
            print(f"  {segment:<22}{customers:>8,}{revenue_share:>8.1%}")
        print("\nA/B tests")
        for (sentence,) in connection.sql(
            "select summary_sentence from fct_ab_test_summary order by experiment_id"
        ).fetchall():
            print(f"  {sentence}")
        print("\nRejected rows by source and reason")
        for source, reason, rows in connection.sql(
            "select source_table, reason, count(*) from dq_rejected_rows group by all order by 1, 2"
        ).fetchall():
            print(f"  {source:<20}{reason:<30}{rows:>7,}")
    print(f"\nDatabase: {database.resolve()}")
    print(f"Exports:  {exports.resolve()}")
