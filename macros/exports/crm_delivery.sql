{#- Delivery of the CRM files: at least once, idempotent by email (README: "CRM export").

    crm_export_state holds what the CRM was last acknowledged to have: a row per email with the
    checksum of the row the operator imported. Builds never change it; crm_contacts_changes diffs
    the new export against it, so every delta lists all changes since that import, newest values
    per contact, however many builds ran in between. A build writes its CRM files on run end
    (crm_publish_statements, called by publish_export_set in macros/exports/export_set.sql), only when
    the CRM models and their tests passed, and records what it published in crm_export_published
    and crm_export_publications.
    `customer-intel crm-ack` (crm_acknowledge_export) then makes the published rows the
    acknowledged state. A failed or killed build publishes and acknowledges nothing.

    The bookkeeping tables are created here, not by models: a model would be rebuilt by every
    build, and the state must change only when the operator says so. -#}

{#- The CRM nodes of this run and how they ended: models tagged crm and the tests of them. -#}
{% macro crm_run_outcome(results) -%}
    {%- set crm_models = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and 'crm' in node.tags -%}
            {%- do crm_models.append(node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set outcome = {'models': [], 'tests': [], 'failed': [], 'skipped': []} -%}
    {%- for result in results -%}
        {%- set node = result.node -%}
        {%- set tested = node.depends_on.nodes | select('in', crm_models) | list -%}
        {%- set kind = 'models' if node.unique_id in crm_models
            else 'tests' if node.resource_type in ('test', 'unit_test') and tested -%}
        {%- if kind -%}
            {%- do outcome[kind].append(node.name) -%}
                {%- if result.status == 'skipped' -%}
                {%- do outcome['skipped'].append(node.name) -%}
            {%- elif result.status not in ('success', 'pass', 'warn') -%}
                {%- do outcome['failed'].append(node.name ~ ' (' ~ result.status ~ ')') -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(outcome) }}
{%- endmacro %}

{#- True when this run publishes new CRM files: it built or tested the CRM models and nothing
    of theirs failed (a dbt retry that passes the failed CRM tests publishes too). Logs why not
    when it touched them. -#}
{% macro crm_publishes(results) -%}
    {%- set outcome = crm_run_outcome(results) -%}
    {%- if not outcome['models'] and not outcome['tests'] -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if outcome['failed'] or outcome['skipped'] -%}
        {%- set skipped = outcome['skipped'] | length -%}
        {{ log("CRM: files not published, "
            ~ (outcome['failed'] + ([skipped ~ ' skipped'] if skipped else [])) | join(', ')
            ~ " did not pass; " ~ env_var('EXPORT_DIR', 'exports')
            ~ "/crm keeps the last published build's files and the next successful build's"
            ~ " delta lists every change since the last acknowledged import.", info=true) }}
        {{ return(false) }}
    {%- endif -%}
    {%- if not outcome['tests'] -%}
        {{ log("CRM: files not published: the CRM models were built without their tests; run"
            ~ " `dbt build` (or `dbt test --select tag:crm`) to publish them.", info=true) }}
        {{ return(false) }}
    {%- endif -%}
    {{ return(true) }}
{%- endmacro %}

{#- The CRM files into this build's export folder, then what they hold, left uncommitted:
    publish_export_set commits once the set is published. A kill before that leaves the record
    older than the files readers see, so an acknowledgement then re-delivers, never skips, a
    change. -#}
{% macro crm_publish_statements() -%}
    {%- set contacts = crm_relation('crm_contacts_export') -%}
    {%- set changes = crm_relation('crm_contacts_changes') -%}
    {%- set published = crm_relation('crm_export_published') -%}
    {%- set publications = crm_relation('crm_export_publications') -%}
    {{ publish_crm_csv(contacts, 'contacts', order_by='email') }};
    {{ publish_crm_csv(changes, 'contacts_changes', order_by='email') }};
    create or replace table {{ published }} as
    select
        email,
        customer_id,
        {{ crm_row_checksum(crm_checksum_columns(contacts)) }} as row_checksum
    from {{ contacts }};
    create table if not exists {{ publications }} (
        build_id {{ dbt.type_string() }},
        published_at timestamp with time zone,
        contacts bigint,
        new_contacts bigint,
        changed_contacts bigint,
        removed_contacts bigint,
        acknowledged_at timestamp with time zone
    );
    insert into {{ publications }}
    select
        {{ sql_literal(invocation_id) }},
        {{ dbt.current_timestamp() }},
        (select count(*) from {{ contacts }}),
        count(case when change_type = 'new' then 1 end),
        count(case when change_type = 'changed' then 1 end),
        count(case when change_type = 'removed' then 1 end),
        null
    from {{ changes }};
    {{ publish_copy(
        'select * exclude (acknowledged_at) from ' ~ publications
        ~ ' where build_id = ' ~ sql_literal(invocation_id),
        export_set_folder() ~ '/crm/export.json',
        'format json'
    ) }}
{%- endmacro %}

{#- `dbt run-operation crm_acknowledge_export` (`customer-intel crm-ack`): the operator imported
    the published delta, so the published rows become crm_export_state. With build_id, refuses
    unless the published files are that build's. Runs in dbt's transaction: all or nothing. -#}
{% macro crm_acknowledge_export(build_id=none) -%}
    {%- set published = crm_relation('crm_export_published') -%}
    {%- set publications = crm_relation('crm_export_publications') -%}
    {%- if adapter.get_relation(
        database=publications.database, schema=publications.schema,
        identifier=publications.identifier
    ) is none -%}
        {{ exceptions.raise_compiler_error(
            "CRM: nothing has been published to acknowledge: run `customer-intel build` first.") }}
    {%- endif -%}
    {%- set latest = run_query(
        'select build_id, acknowledged_at is not null from ' ~ publications
        ~ ' order by published_at desc limit 1'
    ).rows[0] -%}
    {%- if build_id is not none and build_id != latest[0] -%}
        {{ exceptions.raise_compiler_error(
            "CRM: the files in " ~ env_var('EXPORT_DIR', 'exports') ~ "/crm are from build "
            ~ latest[0] ~ " (export.json), not " ~ build_id ~ ": import those files and"
            ~ " acknowledge build " ~ latest[0] ~ ". Nothing was acknowledged.") }}
    {%- endif -%}
    {%- if latest[1] -%}
        {{ log("CRM: build " ~ latest[0] ~ " was already acknowledged; nothing changed.",
            info=true) }}
        {{ return('') }}
    {%- endif -%}
    {%- set state = crm_relation('crm_export_state') -%}
    {% call statement('acknowledge', fetch_result=true) %}
        {{ crm_acknowledge_statements(state, published, publications, latest[0]) }}
    {% endcall %}
    {%- set counts = load_result('acknowledge').table.rows[0] -%}
    {% do adapter.commit() %}
    {{ log("CRM: acknowledged build " ~ latest[0] ~ ": " ~ counts[0] ~ " new, " ~ counts[1]
        ~ " changed, " ~ counts[2] ~ " removed contacts are now in the CRM's state; the next"
        ~ " build's contacts_changes.csv lists only what changes after this.", info=true) }}
{%- endmacro %}

{#- The new state: each published row (new, changed or as it was) and each earlier contact
    missing from it (removed); then the counts of what changed. -#}
{% macro crm_acknowledge_statements(state, published, publications, build_id) -%}
    create table if not exists {{ state }} (
        email {{ dbt.type_string() }},
        customer_id {{ dbt.type_string() }},
        row_checksum {{ dbt.type_string() }},
        is_removed boolean,
        last_change_type {{ dbt.type_string() }},
        last_changed_at timestamp with time zone,
        checksum_rule integer
    );
    create or replace temporary table crm_acknowledged as
    with
    compared as (
        select
            coalesce(published.email, state.email) as email,
            coalesce(published.customer_id, state.customer_id) as customer_id,
            published.row_checksum,
            published.email is null as is_removed,
            case
                when published.email is null and not state.is_removed then 'removed'
                when published.email is not null and (state.email is null or state.is_removed)
                    then 'new'
                when published.row_checksum <> state.row_checksum then 'changed'
            end as change_type,
            state.last_change_type,
            state.last_changed_at
        from {{ published }} as published
        full outer join {{ state }} as state
            on published.email = state.email
    )
    select
        email,
        customer_id,
        row_checksum,
        is_removed,
        coalesce(change_type, last_change_type) as last_change_type,
        case
            when change_type is null then last_changed_at else {{ dbt.current_timestamp() }}
        end as last_changed_at,
        {{ crm_checksum_rule() }} as checksum_rule,
        change_type
    from compared;
    delete from {{ state }};
    insert into {{ state }}
    select * exclude (change_type) from crm_acknowledged;
    update {{ publications }}
    set acknowledged_at = {{ dbt.current_timestamp() }}
    where build_id = {{ sql_literal(build_id) }};
    select
        count(case when change_type = 'new' then 1 end),
        count(case when change_type = 'changed' then 1 end),
        count(case when change_type = 'removed' then 1 end)
    from crm_acknowledged
{%- endmacro %}

{#- The rule row_checksum follows: 2 since the CLV is exported in whole units and customer_id is
    the id text. A state written by an earlier version (no checksum_rule column) holds rule-1
    checksums: the bigint customer key and the CLV in cents. -#}
{% macro crm_checksum_rule() -%}
    {{ return(2) }}
{%- endmacro %}

{#- Pre-hook of crm_contacts_changes: brings a state table kept from an earlier version to this
    version's form without losing or inventing a change. A contact whose acknowledged rule-1
    checksum equals the rule-1 checksum of its current row is unchanged since then and gets its
    rule-2 checksum; any other keeps its old checksum, which matches no rule-2 one, so the delta
    lists it as changed, as it is. -#}
{% macro crm_export_state_upgrade(contacts, profiles) -%}
    {{ return(adapter.dispatch('crm_export_state_upgrade', 'customer_intelligence')(
        contacts, profiles)) }}
{%- endmacro %}

{% macro default__crm_export_state_upgrade(contacts, profiles) -%}
    {#- engines other than DuckDB have no state table from an earlier version -#}
{%- endmacro %}

{% macro duckdb__crm_export_state_upgrade(contacts, profiles) -%}
    {%- set state = adapter.get_relation(
        database=this.database, schema=this.schema, identifier='crm_export_state'
    ) if execute else none -%}
    {%- if state is not none -%}
        {%- set columns = adapter.get_columns_in_relation(state) -%}
        {%- for column in columns if column.name == 'customer_id' and not column.is_string() %}
            alter table {{ state }} alter column customer_id type {{ dbt.type_string() }};
        {%- endfor -%}
        {%- if 'checksum_rule' not in columns | map(attribute='name') | list %}
            alter table {{ state }} add column checksum_rule integer;
            update {{ state }}
            set row_checksum = current_rows.row_checksum
            from (
                select
                    contacts.email,
                    {{ crm_row_checksum(crm_checksum_columns(contacts, 'contacts')) }}
                        as row_checksum,
                    {{ crm_row_checksum(crm_rule_1_checksum_columns()) }} as rule_1_checksum
                from {{ contacts }} as contacts
                inner join {{ profiles }} as profiles
                    on contacts.email = profiles.email
            ) as current_rows
            where
                {{ state }}.email = current_rows.email
                and {{ state }}.row_checksum = current_rows.rule_1_checksum;
            update {{ state }} set checksum_rule = {{ crm_checksum_rule() }};
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The columns of a rule-1 checksum, in its order: the export's, with the customer key and the
    CLV in cents of int_crm_contact_profiles (aliases contacts and profiles). -#}
{% macro crm_rule_1_checksum_columns() -%}
    {%- set columns = [] -%}
    {%- for column in ['customer_id', 'first_name', 'last_name', 'kmeans_segment', 'rfm_segment',
        'recommended_product_1', 'recommended_product_2', 'recommended_product_3',
        'monetary_value', 'last_order_date', 'predicted_clv', 'churn_risk'] -%}
        {%- do columns.append(('profiles.' if column in ('customer_id', 'predicted_clv')
            else 'contacts.') ~ column) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- A table of the CRM marts' schema by name: the bookkeeping tables are not models. -#}
{% macro crm_relation(identifier) -%}
    {{ return(api.Relation.create(
        database=target.database, schema=target.schema, identifier=identifier
    )) }}
{%- endmacro %}

{#- The exported columns a contact's checksum covers: all but the key and the as-of stamp,
    qualified by `alias` when given. -#}
{% macro crm_checksum_columns(relation, alias=none) -%}
    {%- set columns = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if column.name not in ('email', 'updated_on') -%}
            {%- do columns.append((alias ~ '.' if alias else '') ~ column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
