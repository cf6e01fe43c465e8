-- Datasets added to or removed from the catalogue between the base snapshot and this one.
-- Params: $jurisdictions, $levels, $limit
-- Run with base=<snapshot id>: base.<table> is the earlier snapshot. A dataset is known by
-- (portal, dataset_id); change is 'added' (described from this snapshot) or 'removed'
-- (described from the base). Added rows come first. $limit null = all rows.
with all_jurisdictions as (
    select
        jurisdiction_id,
        level,
    from jurisdictions
    union all
    select
        b.jurisdiction_id,
        b.level,
    from base.jurisdictions as b
    where b.jurisdiction_id not in (select jurisdiction_id from jurisdictions)
),

added as (
    select
        'added' as change,
        d.*,
    from datasets as d
    anti join base.datasets as b
        on b.portal = d.portal
        and b.dataset_id = d.dataset_id
),

removed as (
    select
        'removed' as change,
        b.*,
    from base.datasets as b
    anti join datasets as d
        on d.portal = b.portal
        and d.dataset_id = b.dataset_id
),

changes as (
    select * from added
    union all by name
    select * from removed
),

final as (
    select
        x.change,
        x.portal,
        x.dataset_id,
        x.jurisdiction_id,
        x.organization,
        x.organization_title_en,
        x.organization_title_fr,
        x.title_en,
        x.title_fr,
        x.published,
        x.synthetic,
    from changes as x
    left join all_jurisdictions as j
        on j.jurisdiction_id = x.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, x.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
)

select * from final
order by change, portal, dataset_id
limit $limit
