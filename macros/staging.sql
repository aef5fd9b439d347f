{#-
  Shared steps of the base_* staging models.

  collapse_exact_duplicates: one row per distinct raw row, with `copies` (how many times it
  appeared), `empty_fields` (how many of its fields are empty) and `raw_record` (the row as JSON
  text, kept for dq_rejected_rows).
-#}
{% macro collapse_exact_duplicates(relation, columns) -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        {{ json_record(columns) }} as raw_record,
        (
            {%- for column in columns %}
            case when nullif(trim({{ column }}), '') is null then 1 else 0 end
            {{- " +" if not loop.last }}
            {%- endfor %}
        ) as empty_fields,
        count(*) as copies
    from {{ relation }}
    group by
        {%- for column in columns %}
        {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
{%- endmacro %}


{#-
  Final rejection reason of a parsed row: its own defect, else duplicate_key_conflict when another
  row with the same key wins. The winner: usable rows first, then the most complete row (fewest
  empty fields), then the smallest raw record text, so the choice never depends on load order.
-#}
{% macro rejection_after_key_conflicts(key_columns, row_reason_column='row_rejection_reason') -%}
    coalesce(
        {{ row_reason_column }},
        case
            when row_number() over (
                partition by {{ key_columns | join(", ") }}
                order by
                    case when {{ row_reason_column }} is null then 0 else 1 end,
                    empty_fields,
                    raw_record
            ) > 1 then 'duplicate_key_conflict'
        end
    )
{%- endmacro %}
