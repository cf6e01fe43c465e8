-- Datasets counted per jurisdiction (with its level), portal, organization, licence and publication day, with the organization's titles.
-- Params: none (a rollup: written beside the tables when a snapshot is built)
-- organization_title_en and _fr are the largest title in the group, so the largest over any
-- set of groups is the largest over their datasets. published null counts the undated.
-- catalogue_load: whether the group's datasets came in a catalogue load on that day (dashboard/releases.py).
select
    d.jurisdiction_id,
    j.level,
    d.portal,
    d.organization,
    d.licence,
    d.published,
    coalesce(d.catalogue_load, false) as catalogue_load,
    count(*) as datasets,
    count(*) filter (where d.synthetic) as synthetic_rows,
    max(d.organization_title_en) as organization_title_en,
    max(d.organization_title_fr) as organization_title_fr,
from datasets as d
left join jurisdictions as j
    on j.jurisdiction_id = d.jurisdiction_id
group by d.jurisdiction_id, j.level, d.portal, d.organization, d.licence, d.published, coalesce(d.catalogue_load, false)
order by d.jurisdiction_id, d.published, d.portal, d.organization
