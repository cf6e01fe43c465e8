-- Datasets counted per format (upper-cased, trimmed), jurisdiction (with its level) and publication day; a dataset counts once per format it offers.
-- Params: none (a rollup: written beside the tables when a snapshot is built)
-- Empty formats are left out. published null counts the undated. catalogue_load: whether the
-- group's datasets came in a catalogue load on that day (dashboard/releases.py).
with dataset_formats as (
    select distinct
        d.portal,
        d.dataset_id,
        d.jurisdiction_id,
        d.published,
        coalesce(d.catalogue_load, false) as catalogue_load,
        d.synthetic,
        upper(trim(f.format)) as format,
    from datasets as d,
        unnest(d.formats) as f(format)
),

final as (
    select
        x.jurisdiction_id,
        j.level,
        x.published,
        x.catalogue_load,
        x.format,
        count(*) as datasets,
        count(*) filter (where x.synthetic) as synthetic_rows,
    from dataset_formats as x
    left join jurisdictions as j
        on j.jurisdiction_id = x.jurisdiction_id
    where x.format <> ''
    group by x.jurisdiction_id, j.level, x.published, x.catalogue_load, x.format
)

select * from final
order by jurisdiction_id, published, format
