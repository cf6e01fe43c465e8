-- Datasets counted per jurisdiction (with its level), publication day and whether a catalogue load put them there; published null counts the undated.
-- Params: none (a rollup: written beside the tables when a snapshot is built, read by the release queries)
-- catalogue_load true: a catalogue load (dashboard/releases.py) put these datasets in the catalogue
-- on that day; it is not their release date. Sources that do not judge it count as false.
select
    d.jurisdiction_id,
    j.level,
    d.published,
    coalesce(d.catalogue_load, false) as catalogue_load,
    count(*) as datasets,
    count(*) filter (where d.synthetic) as synthetic_rows,
from datasets as d
left join jurisdictions as j
    on j.jurisdiction_id = d.jurisdiction_id
group by d.jurisdiction_id, j.level, d.published, coalesce(d.catalogue_load, false)
order by d.jurisdiction_id, d.published
