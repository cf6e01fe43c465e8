-- Datasets added to or removed from the catalogue between the base snapshot and this one, one row each.
-- Params: none (a comparison view: defined when a snapshot is compared with a base; base.<table> is the base's)
-- A dataset is known by (portal, dataset_id); change is 'added' (described from this snapshot) or
-- 'removed' (described from the base). Jurisdiction names and level come from this snapshot, else
-- the base's.
with changes as (
    select
        case when b.dataset_id is null then 'added' else 'removed' end as change,
        coalesce(d.portal, b.portal) as portal,
        coalesce(d.dataset_id, b.dataset_id) as dataset_id,
        coalesce(d.jurisdiction_id, b.jurisdiction_id) as jurisdiction_id,
        coalesce(d.organization, b.organization) as organization,
        coalesce(d.organization_title_en, b.organization_title_en) as organization_title_en,
        coalesce(d.organization_title_fr, b.organization_title_fr) as organization_title_fr,
        coalesce(d.title_en, b.title_en) as title_en,
        coalesce(d.title_fr, b.title_fr) as title_fr,
        coalesce(d.published, b.published) as published,
        coalesce(d.catalogue_load, b.catalogue_load) as catalogue_load,
        coalesce(d.commitment_id, b.commitment_id) as commitment_id,
        coalesce(d.synthetic, b.synthetic) as synthetic,
    from datasets as d
    full outer join base.datasets as b
        on b.portal = d.portal
        and b.dataset_id = d.dataset_id
    where d.dataset_id is null
        or b.dataset_id is null
)

select *
from changes
left join compared_jurisdictions using (jurisdiction_id)
