{#-
  Shared steps of the base_* staging models.

  collapse_exact_duplicates: one row per distinct raw row, with `copies` (how many times it
  appeared), `empty_fields` (how many of its fields are empty) and `raw_values` (the raw row as one
  structured value; only rejected rows keep it, as JSON text in raw_record).
-#}
{% macro collapse_exact_duplicates(relation, columns) -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        {{ raw_values(columns) }} as raw_values,
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
  empty fields), then the smallest raw values column by column, so the choice never depends on
  load order.
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
                    raw_values
            ) > 1 then 'duplicate_key_conflict'
        end
    )
{%- endmacro %}


{#-
  The final columns of a base_* model: everything but raw_values, and raw_record (the raw row as
  JSON text) for rejected rows only. Serialising every row cost a third of the model's time at scale.
-#}
{% macro base_columns(reason_column='rejection_reason') -%}
    {{ star_except(['raw_values']) }},
    case when {{ reason_column }} is not null then {{ json_text('raw_values') }} end as raw_record
{%- endmacro %}
