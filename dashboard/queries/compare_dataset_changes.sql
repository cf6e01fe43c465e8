-- Datasets added and removed between the base snapshot and this one, counted per jurisdiction; most changes first.
-- Params: $jurisdictions, $levels
-- Run with base=<snapshot id>. A dataset is known by (portal, dataset_id), as in
-- snapshot_diff_datasets. net = added - removed. Jurisdiction names come from this snapshot,
-- else the base's.
with all_jurisdictions as (
    select
        jurisdiction_id,
        name_en,
        name_fr,
        level,
    from jurisdictions
    union all
    select
        b.jurisdiction_id,
        b.name_en,
        b.name_fr,
        b.level,
    from base.jurisdictions as b
    where b.jurisdiction_id not in (select jurisdiction_id from jurisdictions)
),

changes as (
    select
        case when b.dataset_id is null then 'added' else 'removed' end as change,
        coalesce(d.jurisdiction_id, b.jurisdiction_id) as jurisdiction_id,
        coalesce(d.synthetic, b.synthetic) as synthetic,
    from datasets as d
    full outer join base.datasets as b
        on b.portal = d.portal
        and b.dataset_id = d.dataset_id
    where d.dataset_id is null
        or b.dataset_id is null
),

final as (
    select
        x.jurisdiction_id,
        any_value(j.name_en) as jurisdiction_name_en,
        any_value(j.name_fr) as jurisdiction_name_fr,
        count_if(x.change = 'added') as added,
        count_if(x.change = 'removed') as removed,
        count_if(x.change = 'added') - count_if(x.change = 'removed') as net,
        count_if(x.synthetic) as synthetic_rows,
    from changes as x
    left join all_jurisdictions as j
        on j.jurisdiction_id = x.jurisdiction_id
    where (len($jurisdictions) = 0 or list_contains($jurisdictions, x.jurisdiction_id))
        and (len($levels) = 0 or list_contains($levels, j.level))
    group by x.jurisdiction_id
)

select * from final
order by added + removed desc, jurisdiction_id
