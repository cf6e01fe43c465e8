-- Datasets counted per jurisdiction (with its level) and publication day; published null counts the undated.
-- Params: none (a rollup: written beside the tables when a snapshot is built, read by the release queries)
select
    d.jurisdiction_id,
    j.level,
    d.published,
    count(*) as datasets,
    count(*) filter (where d.synthetic) as synthetic_rows,
from datasets as d
left join jurisdictions as j
    on j.jurisdiction_id = d.jurisdiction_id
group by d.jurisdiction_id, j.level, d.published
order by d.jurisdiction_id, d.published
