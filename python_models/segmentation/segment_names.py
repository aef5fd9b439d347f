"""One row per segment: a unique name from the segment_naming_rules seed and the profile."""

from customer_intelligence import segmentation


def model(dbt, session):
    dbt.config(materialized="table")
    profile = dbt.ref("int_segment_feature_profiles").project(
        'segment_id, feature, index_vs_population as "index"'
    )
    rules = dbt.ref("segment_naming_rules").to_arrow_table()
    profile = profile.to_arrow_table()
    if profile.num_rows == 0:
        return segmentation.empty_result("names")
    return segmentation.name_segments(profile, rules)
