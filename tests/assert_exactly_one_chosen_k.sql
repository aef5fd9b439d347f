-- segmentation_model_selection marks exactly one k as chosen; returns a row otherwise
select count(*) as chosen_ks
from {{ ref('segmentation_model_selection') }}
where is_chosen
having count(*) <> 1
