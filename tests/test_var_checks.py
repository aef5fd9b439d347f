"""Every var is checked before any model runs: a wrong value stops the build with a message that
names the var, the value and the form expected (macros/config/check_vars.sql)."""

from __future__ import annotations

import json

import pytest

from conftest import copy_project, run_dbt


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("var_checks") / "project")


def run_with(project, tmp_path, dbt_vars: dict):
    result = run_dbt(
        project,
        "run",
        "--select",
        "int_as_of_date",
        "--vars",
        json.dumps(dbt_vars),
        database=tmp_path / "db.duckdb",
    )
    return result, " ".join(result.stdout.split())


def test_every_wrong_var_is_named_with_its_value_and_form_before_any_model(project, tmp_path):
    result, message = run_with(
        project,
        tmp_path,
        {
            "basket_min_support": "1%",
            "ab_alpha": 0.2,
            "segmentation_k_min": 2.5,
            "clv_horizon_weeks": True,
            "rfm_as_of_date": "2025-02-30",
            "recommendation_weight_rules": -1,
            "spend_categories": ["wine", "fruit'; drop table x; --"],
            "revenue_order_status": ["completed"],
            "crm_max_rows_per_file": "25000",
            "input_max_invalid_share": 5,
        },
    )
    assert result.returncode != 0
    assert "START sql" not in result.stdout, "a model ran before the vars were checked"
    for expected in [
        "'basket_min_support' is '1%', which is not a number above 0 and at most 1 "
        "(0.01 for 1% of orders) (write it without quotes)",
        "'ab_alpha' is 0.2, which is not one of 0.001, 0.01, 0.05, 0.1",
        "'segmentation_k_min' is 2.5, which is not a whole number at least 2",
        "'clv_horizon_weeks' is True, which is not a whole number at least 1",
        "'rfm_as_of_date' is '2025-02-30', which is not a date: set it to YYYY-MM-DD",
        "'recommendation_weight_rules' is -1, which is not a number at least 0",
        "'spend_categories' is ['wine', \"fruit'; drop table x; --\"], which is not a list of "
        "lower-case names",
        "'revenue_order_status' is ['completed'], which is not a non-empty text",
        "'crm_max_rows_per_file' is '25000', which is not a whole number at least 1",
        "'input_max_invalid_share' is 5, which is not a number from 0 to 1",
    ]:
        assert expected in message


@pytest.mark.parametrize(
    ("dbt_vars", "expected"),
    [
        ({"segmentation_k_min": 6, "segmentation_k_max": 4}, "'segmentation_k_min' is 6, above"),
        ({"clv_calibration_end": "30/06/2025"}, "'clv_calibration_end' is '30/06/2025'"),
        ({"order_channels": "web"}, "'order_channels' is 'web', which is not a list"),
        ({"segmentation_features": ["Ünïcode"]}, "'Ünïcode' is not"),
        (
            {"recommendation_weight_rules": 0.4},
            "'recommendation_weight_segment', 'recommendation_weight_popularity' are empty while",
        ),
        (
            {f"recommendation_weight_{part}": 0 for part in ["segment", "rules", "popularity"]},
            "are all 0: give at least one a weight above 0",
        ),
        (
            {
                "recommendation_weight_segment": "0.5); drop table x; --",
                "recommendation_weight_rules": 0.4,
                "recommendation_weight_popularity": "0,1 ü",
            },
            "'recommendation_weight_segment' is '0.5); drop table x; --', which is not a number",
        ),
        (
            {"segmentation_refit_min_gain": "0.02; drop table x"},
            "'segmentation_refit_min_gain' is '0.02; drop table x', which is not a number from 0"
            " to 1",
        ),
    ],
)
def test_a_single_wrong_var_stops_the_build(project, tmp_path, dbt_vars, expected):
    result, message = run_with(project, tmp_path, dbt_vars)
    assert result.returncode != 0
    assert expected in message


def test_valid_values_pass_including_a_leap_day_and_nulls(project, tmp_path):
    result, _ = run_with(
        project,
        tmp_path,
        {
            "rfm_as_of_date": "2024-02-29",
            "segmentation_fixed_k": None,
            "basket_min_support": 1,
            "recommendation_repeat_categories": ["it's", "ünï"],
            "revenue_order_status": "completed' || (select 'x') || '",
        },
    )
    # both pre-flight hooks pass (the model itself fails: its parents were not built)
    assert "OK hook: customer_intelligence.on-run-start.0" in result.stdout, result.stdout[-3000:]
    assert "OK hook: customer_intelligence.on-run-start.1" in result.stdout
