-- segment_summaries' customer and revenue shares each add up to 1; returns a row otherwise
select
    sum(customer_share) as customer_share_total,
    sum(revenue_share) as revenue_share_total
from {{ ref('segment_summaries') }}
having
    abs(sum(customer_share) - 1) > 1e-9
    or abs(coalesce(sum(revenue_share), 1) - 1) > 1e-9
