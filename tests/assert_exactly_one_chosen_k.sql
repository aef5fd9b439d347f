-- segmentation_model_selection marks exactly one k as chosen when it scored any (it scores none
-- without customers, as with own data of baskets only); returns a row otherwise
select count(*) as chosen_ks
from {{ ref('segmentation_model_selection') }}
having count(*) > 0 and count(case when is_chosen then 1 end) <> 1
