{#-
  on-run-start: every var of dbt_project.yml that holds a number, a date, a count, a choice or a
  list is checked before any model runs; one message lists each wrong var with its value and the
  form expected. Numbers must be numbers (0.05, not '0.05' or 5%): a checked var reaches SQL as
  the value checked, and text vars only as literals (macros/config/quoting.sql).
-#}

{#- var -> (kind, bounds). Kinds: number, integer, share (a number from 0 to 1), date (YYYY-MM-DD
    or null), text, names (a list of lower-case names, which become column names), texts (a list
    of text), choice. -#}
{% macro var_rules() %}
    {{ return({
        'input_max_invalid_share': ('share', {}),
        'attribution_window_days': ('integer', {'min': 0}),
        'ab_alpha': ('choice', {'values': [0.001, 0.01, 0.05, 0.1]}),
        'rfm_as_of_date': ('date', {}),
        'future_date_cutoff': ('date', {}),
        'outlier_p99_multiple': ('number', {'above': 0}),
        'spend_categories': ('names', {}),
        'order_channels': ('names', {}),
        'revenue_order_status': ('text', {}),
        'segmentation_features': ('names', {'nullable': true}),
        'segmentation_k_min': ('integer', {'min': 2}),
        'segmentation_k_max': ('integer', {'min': 2}),
        'segmentation_fixed_k': ('integer', {'min': 2, 'nullable': true}),
        'segmentation_sample_size': ('integer', {'min': 10}),
        'segmentation_fit_sample_size': ('integer', {'min': 1}),
        'segmentation_refit_min_gain': ('share', {}),
        'segment_median_sample_size': ('integer', {'min': 1}),
        'segmentation_bootstrap_runs': ('integer', {'min': 1}),
        'segmentation_min_stability': ('share', {}),
        'segmentation_seed': ('integer', {'min': 0}),
        'basket_min_support': ('number', {'above': 0, 'max': 1, 'example': '0.01 for 1% of orders'}),
        'basket_min_confidence': ('share', {}),
        'basket_min_lift': ('number', {'min': 0}),
        'basket_max_antecedent_items': ('choice', {'values': [1, 2]}),
        'recommendation_min_buyers': ('integer', {'min': 1}),
        'recommendation_weight_segment': ('number', {'min': 0, 'nullable': true}),
        'recommendation_weight_rules': ('number', {'min': 0, 'nullable': true}),
        'recommendation_weight_popularity': ('number', {'min': 0, 'nullable': true}),
        'recommendation_repeat_categories': ('texts', {}),
        'received_order_statuses': ('texts', {}),
        'recommendation_placeholder_names': ('texts', {}),
        'recommendation_holdout_cutoff': ('date', {}),
        'recommendation_evaluation_sample_size': ('integer', {'min': 1}),
        'clv_calibration_end': ('date', {}),
        'clv_horizon_weeks': ('integer', {'min': 1}),
        'clv_monthly_discount_rate': ('number', {'min': 0}),
        'clv_churn_high_below': ('share', {}),
        'clv_churn_medium_below': ('share', {}),
        'clv_seed': ('integer', {'min': 0}),
        'clv_fit_sample_size': ('integer', {'min': 1, 'nullable': true}),
        'crm_header_preset': ('text', {}),
        'crm_max_rows_per_file': ('integer', {'min': 1, 'nullable': true}),
    }) }}
{% endmacro %}


{% macro check_vars() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set problems = [] -%}
    {%- for name, rule in var_rules().items() -%}
        {%- set problem = var_problem(name, var(name, none), rule[0], rule[1]) -%}
        {%- if problem -%}
            {%- do problems.append(problem) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not problems -%}
        {%- for low, high in [
            ('segmentation_k_min', 'segmentation_k_max'),
            ('clv_churn_high_below', 'clv_churn_medium_below'),
        ] if var(low) > var(high) -%}
            {%- do problems.append("Variable '" ~ low ~ "' is " ~ var(low) ~ ", above '" ~ high
                ~ "' (" ~ var(high) ~ "): it must not be larger.") -%}
        {%- endfor -%}
        {%- set blend_problem = blend_weights_problem() -%}
        {%- if blend_problem -%}
            {%- do problems.append(blend_problem) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "Wrong vars, nothing was built:\n- " ~ (problems | join("\n- "))
            ~ "\nSet them in dbt_project.yml under vars:, in your input file's vars: block, or with"
            ~ " --vars '{name: value}'."
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#- The recommendation_weight_* vars override the learned blend together or not at all. -#}
{% macro blend_weights_problem() %}
    {%- set names = ['recommendation_weight_segment', 'recommendation_weight_rules',
        'recommendation_weight_popularity'] -%}
    {%- set unset = [] -%}
    {%- set total = namespace(weight=0) -%}
    {%- for name in names -%}
        {%- if var(name, none) is none -%}
            {%- do unset.append(name) -%}
        {%- else -%}
            {%- set total.weight = total.weight + var(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if unset and unset | length < names | length -%}
        {{ return("Variables '" ~ unset | join("', '") ~ "' are empty while the other"
            ~ " recommendation_weight_* vars are set: set all three to serve your own blend, or"
            ~ " none to serve the one learned on the validation window.") }}
    {%- endif -%}
    {%- if not unset and total.weight <= 0 -%}
        {{ return("Variables 'recommendation_weight_segment', 'recommendation_weight_rules' and"
            ~ " 'recommendation_weight_popularity' are all 0: give at least one a weight above 0,"
            ~ " or set all three to null to serve the blend learned on the validation window.") }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{#- The problem with one var's value as a sentence, or none. -#}
{% macro var_problem(name, value, kind, bounds) %}
    {%- if value is none -%}
        {{ return(none if kind == 'date' or bounds.get('nullable')
            else "Variable '" ~ name ~ "' is empty: set it to " ~ var_form(kind, bounds) ~ ".") }}
    {%- endif -%}
    {%- set shown = "'" ~ value ~ "'" if value is string else value | string -%}
    {%- set wrong = "Variable '" ~ name ~ "' is " ~ shown ~ ", which is not " ~ var_form(kind, bounds) -%}
    {%- set is_number = value is number and value is not boolean -%}
    {%- if kind in ('number', 'share', 'integer') -%}
        {%- if not is_number or (kind == 'integer' and value is not integer) -%}
            {{ return(wrong ~ (" (write it without quotes)" if value is string else "") ~ ".") }}
        {%- endif -%}
        {%- set low = 0 if kind == 'share' else bounds.get('min') -%}
        {%- set high = 1 if kind == 'share' else bounds.get('max') -%}
        {%- if (low is not none and value < low) or (high is not none and value > high)
            or ('above' in bounds and value <= bounds['above']) -%}
            {{ return(wrong ~ ".") }}
        {%- endif -%}
    {%- elif kind == 'choice' -%}
        {%- if not is_number or value not in bounds['values'] -%}
            {{ return(wrong ~ ".") }}
        {%- endif -%}
    {%- elif kind == 'date' -%}
        {%- if not is_calendar_date(value) -%}
            {{ return("Variable '" ~ name ~ "' is " ~ shown ~ ", which is not a date: set it to "
                ~ "YYYY-MM-DD (a real calendar day, e.g. 2025-12-31), or to null for the default.") }}
        {%- endif -%}
    {%- elif kind == 'text' -%}
        {%- if value is not string or not value | trim -%}
            {{ return(wrong ~ ".") }}
        {%- endif -%}
    {%- elif kind in ('names', 'texts') -%}
        {%- if value is string or value is mapping or value is not iterable -%}
            {{ return(wrong ~ ".") }}
        {%- endif -%}
        {%- for item in value -%}
            {%- if item is not string or (kind == 'names'
                and not modules.re.match('^[a-z][a-z0-9_]{0,62}$', item)) -%}
                {{ return(wrong ~ ": " ~ ("'" ~ item ~ "'" if item is string else item | string)
                    ~ " is not.") }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{#- What a kind of var must be, for the messages. -#}
{% macro var_form(kind, bounds) %}
    {%- set forms = {
        'share': 'a number from 0 to 1',
        'date': 'a date (YYYY-MM-DD)',
        'text': 'a non-empty text',
        'names': 'a list of lower-case names (letters, digits, _; they become column names)',
        'texts': 'a list of texts',
        'choice': 'one of ' ~ (bounds.get('values') or []) | join(', '),
    } -%}
    {%- if kind in forms -%}
        {{ return(forms[kind] ~ (' (' ~ bounds['example'] ~ ')' if 'example' in bounds else '')) }}
    {%- endif -%}
    {%- set limits = [] -%}
    {%- if 'above' in bounds -%}{%- do limits.append('above ' ~ bounds['above']) -%}{%- endif -%}
    {%- if 'min' in bounds -%}{%- do limits.append('at least ' ~ bounds['min']) -%}{%- endif -%}
    {%- if 'max' in bounds -%}{%- do limits.append('at most ' ~ bounds['max']) -%}{%- endif -%}
    {%- set noun = 'a whole number' if kind == 'integer' else 'a number' -%}
    {{ return(noun ~ (' ' ~ (limits | join(' and ')) if limits else '')
        ~ (' (' ~ bounds['example'] ~ ')' if 'example' in bounds else '')) }}
{% endmacro %}


{#- A YYYY-MM-DD text (or a date) naming a real calendar day. -#}
{% macro is_calendar_date(value) %}
    {%- set match = modules.re.match('^(\\d{4})-(\\d{2})-(\\d{2})$', value | string) -%}
    {%- if not match -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set year, month, day = match.group(1) | int, match.group(2) | int, match.group(3) | int -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {{ return(1 <= month <= 12 and 1 <= day <= month_days[month - 1]) }}
{% endmacro %}
