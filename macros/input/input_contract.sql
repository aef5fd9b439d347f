{#-
  The input contract: per entity, its columns in order and each column's kind (key, date, number
  or text), for the staged entities the key that identifies a row (distinct rows sharing it
  conflict: base_* keeps one), the columns without which no row can be used, and values for
  columns a file may lack (email_events' is_machine_open: false), and other spellings of a
  column's header (`aliases`: mall_customers' Gender is `Genre` in the file as published,
  AnnualIncome `Annual Income (k$)`; headers are compared ignoring case and spaces). The bundled
  seeds have exactly these columns; own-data files map their columns onto them (var
  input_sources, see README). `transactions`, `marketing_campaign` and `mall_customers` are
  convenience entities: they are read from the user's file and turned into the core entities
  (macros/input/input_sources.sql).
-#}
{% macro input_contract() %}
    {{ return({
        'customers': {
            'columns': {
                'customer_id': 'key', 'first_name': 'text', 'last_name': 'text', 'email': 'text',
                'birth_year': 'number', 'gender': 'text', 'education': 'text',
                'marital_status': 'text', 'income': 'number', 'kids_at_home': 'number',
                'teens_at_home': 'number', 'signup_date': 'date', 'country': 'text',
                'email_opt_in': 'text',
            },
            'key': ['customer_id'],
            'required': ['customer_id'],
        },
        'products': {
            'columns': {'product_id': 'key', 'name': 'text', 'category': 'text', 'price': 'number'},
            'key': ['product_id'],
            'required': ['product_id'],
        },
        'orders': {
            'columns': {
                'order_id': 'key', 'customer_id': 'key', 'ordered_at': 'date', 'channel': 'text',
                'status': 'text', 'discount_used': 'text',
            },
            'key': ['order_id'],
            'required': ['order_id', 'customer_id', 'ordered_at'],
        },
        'order_items': {
            'columns': {
                'order_id': 'key', 'product_id': 'key', 'quantity': 'number', 'unit_price': 'number',
            },
            'key': ['order_id', 'product_id'],
            'required': ['order_id', 'product_id'],
            'defaults': {'quantity': '1'},
        },
        'campaigns': {
            'columns': {
                'campaign_id': 'key', 'campaign_name': 'text', 'sent_at': 'date', 'subject': 'text',
                'cost': 'number', 'experiment_id': 'text', 'variant': 'text',
                'planned_share': 'number',
            },
            'key': ['campaign_id'],
            'required': ['campaign_id', 'sent_at'],
        },
        'email_events': {
            'columns': {
                'event_id': 'key', 'campaign_id': 'key', 'customer_id': 'key', 'email': 'text',
                'event_type': 'text', 'event_at': 'date', 'link_type': 'text',
                'is_machine_open': 'text',
            },
            'key': ['event_id'],
            'required': ['event_id', 'campaign_id', 'customer_id', 'event_type', 'event_at'],
            'defaults': {'is_machine_open': 'false'},
        },
        'web_sessions': {
            'columns': {
                'session_id': 'key', 'customer_id': 'key', 'started_at': 'date',
                'pages_viewed': 'number', 'traffic_source': 'text', 'device': 'text',
            },
            'key': ['session_id'],
            'required': ['session_id', 'started_at'],
        },
        'subscriptions': {
            'columns': {
                'subscription_event_id': 'key', 'customer_id': 'key', 'email': 'text',
                'event_type': 'text', 'event_at': 'date',
            },
            'key': ['subscription_event_id'],
            'required': ['subscription_event_id', 'event_type', 'event_at'],
        },
        'customer_features': {
            'columns': {'customer_id': 'key', 'feature': 'text', 'value': 'number'},
            'key': ['customer_id', 'feature'],
            'required': ['customer_id', 'feature', 'value'],
        },
        'campaign_responses': {
            'columns': {'customer_id': 'key', 'campaign': 'text', 'accepted': 'number'},
            'key': ['customer_id', 'campaign'],
            'required': ['customer_id', 'campaign', 'accepted'],
        },
        'transactions': {
            'columns': {
                'customer_id': 'key', 'order_date': 'date', 'amount': 'number', 'order_id': 'key',
                'product_id': 'key', 'quantity': 'number', 'unit_price': 'number',
                'product_name': 'text', 'category': 'text', 'channel': 'text',
            },
            'required': ['customer_id', 'order_date'],
            'record_key': ['customer_id', 'order_date', 'order_id', 'product_id'],
        },
        'marketing_campaign': {
            'columns': {
                'ID': 'key', 'Year_Birth': 'number', 'Education': 'text', 'Marital_Status': 'text',
                'Income': 'number', 'Kidhome': 'number', 'Teenhome': 'number', 'Dt_Customer': 'date',
                'Recency': 'number', 'MntWines': 'number', 'MntFruits': 'number',
                'MntMeatProducts': 'number', 'MntFishProducts': 'number',
                'MntSweetProducts': 'number', 'MntGoldProds': 'number',
                'NumDealsPurchases': 'number', 'NumWebPurchases': 'number',
                'NumCatalogPurchases': 'number', 'NumStorePurchases': 'number',
                'AcceptedCmp1': 'number', 'AcceptedCmp2': 'number', 'AcceptedCmp3': 'number',
                'AcceptedCmp4': 'number', 'AcceptedCmp5': 'number', 'Response': 'number',
            },
            'required': [
                'ID', 'Recency', 'MntWines', 'MntFruits', 'MntMeatProducts', 'MntFishProducts',
                'MntSweetProducts', 'MntGoldProds', 'NumWebPurchases', 'NumCatalogPurchases',
                'NumStorePurchases',
            ],
            'date_format': ['%d-%m-%Y', '%Y-%m-%d'],
            'key': ['customer_key'],
            'record_key': ['ID'],
        },
        'mall_customers': {
            'columns': {
                'CustomerID': 'key', 'Gender': 'text', 'Age': 'number', 'AnnualIncome': 'number',
                'SpendingScore': 'number',
            },
            'required': ['CustomerID', 'Age', 'AnnualIncome', 'SpendingScore'],
            'aliases': {
                'Gender': ['Genre'],
                'AnnualIncome': ['AnnualIncome (k$)'],
                'SpendingScore': ['SpendingScore (1-100)'],
            },
            'key': ['customer_key'],
            'record_key': ['CustomerID'],
        },
    }) }}
{% endmacro %}


{#- The contract's column names of an entity, in order. -#}
{% macro input_columns(entity) %}
    {{ return(input_contract()[entity]['columns'].keys() | list) }}
{% endmacro %}


{#- The convenience inputs staged line by line in base_<input> (their rejected lines are in
    dq_rejected_rows under the input's name). -#}
{% macro input_line_staged_inputs() %}
    {{ return(['transactions', 'marketing_campaign', 'mall_customers']) }}
{% endmacro %}


{#- The entities staged by base_<entity> and stg_<entity> models. -#}
{% macro input_staged_entities() %}
    {{ return([
        'customers', 'products', 'orders', 'order_items', 'campaigns', 'email_events',
        'web_sessions', 'subscriptions', 'customer_features', 'campaign_responses',
    ]) }}
{% endmacro %}
