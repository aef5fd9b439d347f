-- recommendation_blend_weights marks exactly one blend as served; returns a row otherwise
select count(case when is_chosen then 1 end) as chosen_blends
from {{ ref('recommendation_blend_weights') }}
having count(case when is_chosen then 1 end) <> 1
